/**
 * OpenStack microversions ("3.27"): parsing, ordering and per-call negotiation.
 *
 * Negotiation rule (issue: every operation, field and action carries bounds from the spec):
 * the version sent is the highest one that the operation, the server and the caller's pin all
 * allow; the call fails before any request when that is below what the call needs.
 */
import { InvalidArgumentError, MicroversionNotSupportedError } from './errors.js';

/** A parsed microversion: major and minor, e.g. 3.27 → [3, 27]. */
export type Microversion = readonly [major: number, minor: number];

const PATTERN = /^(\d+)\.(\d+)$/;

export function parseMicroversion(text: string, what = 'microversion'): Microversion {
  const m = PATTERN.exec(text.trim());
  if (!m) throw new InvalidArgumentError(what, `"${text}" is not a microversion like "3.27"`);
  return [Number(m[1]), Number(m[2])];
}

export function formatMicroversion(v: Microversion): string {
  return `${v[0]}.${v[1]}`;
}

export function compareMicroversions(a: Microversion, b: Microversion): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** Bounds as they appear in the spec and in generated descriptors. */
export interface VersionBounds {
  readonly minVersion?: string | undefined;
  readonly maxVersion?: string | undefined;
}

/** What the server advertises through version discovery. */
export interface ServerVersions {
  readonly min: string;
  readonly max: string;
}

export interface NegotiationInput {
  /** Operation id for error messages, e.g. `Volume.extend`. */
  readonly operation: string;
  /** Bounds of the operation (or of the chosen route). */
  readonly bounds: VersionBounds;
  /** Extra minimum contributed by the fields and parameters actually used in this call. */
  readonly requires?: string | undefined;
  /** Server range, or undefined when the service has no microversions. */
  readonly server?: ServerVersions | undefined;
  /** A version pinned by the caller (defaultMicroversion); it wins when it fits. */
  readonly pinned?: string | undefined;
  /** Caller's own ceiling (maxVersion option). */
  readonly clientMax?: string | undefined;
}

/**
 * Returns the version to send, or undefined when no header should be sent (the service has no
 * microversions and nothing is pinned, or nothing needs one). Throws MicroversionNotSupportedError
 * when the call needs more than is available.
 */
export function negotiateMicroversion(input: NegotiationInput): string | undefined {
  const { bounds, server } = input;
  const reqMin = maxOf(
    bounds.minVersion ? parseMicroversion(bounds.minVersion) : undefined,
    input.requires ? parseMicroversion(input.requires) : undefined,
  );
  if (input.pinned) {
    const pinned = parseMicroversion(input.pinned, 'defaultMicroversion');
    if (reqMin && compareMicroversions(pinned, reqMin) < 0) {
      throw new MicroversionNotSupportedError(
        input.operation,
        formatMicroversion(reqMin),
        input.pinned,
        'pinned by defaultMicroversion',
      );
    }
    if (bounds.maxVersion && compareMicroversions(pinned, parseMicroversion(bounds.maxVersion)) > 0) {
      throw new MicroversionNotSupportedError(
        input.operation,
        `at most ${bounds.maxVersion}`,
        input.pinned,
        'pinned by defaultMicroversion',
      );
    }
    return input.pinned;
  }
  if (!server) {
    if (reqMin) {
      throw new MicroversionNotSupportedError(
        input.operation,
        formatMicroversion(reqMin),
        'no microversion',
        'this service version has no microversions',
      );
    }
    return undefined;
  }
  const sMin = parseMicroversion(server.min);
  let chosen = parseMicroversion(server.max);
  if (bounds.maxVersion) chosen = minOf(chosen, parseMicroversion(bounds.maxVersion));
  if (input.clientMax) chosen = minOf(chosen, parseMicroversion(input.clientMax, 'maxVersion'));
  const floor = maxOf(reqMin, sMin) ?? sMin;
  const opMax = bounds.maxVersion ? parseMicroversion(bounds.maxVersion) : undefined;
  if (opMax && compareMicroversions(opMax, floor) < 0) {
    // The operation ends below what the server (or the call) needs: say that, not "needs 3.50".
    throw new MicroversionNotSupportedError(
      input.operation,
      `at most ${bounds.maxVersion}`,
      `${server.min}–${server.max}`,
      reqMin && compareMicroversions(reqMin, sMin) > 0
        ? `the arguments used need ${formatMicroversion(reqMin)}`
        : 'the operation was removed in later microversions',
    );
  }
  if (compareMicroversions(chosen, floor) < 0) {
    throw new MicroversionNotSupportedError(
      input.operation,
      formatMicroversion(floor),
      `${server.min}–${server.max}`,
      input.clientMax ? `client maximum ${input.clientMax}` : undefined,
    );
  }
  return formatMicroversion(chosen);
}

function maxOf(a: Microversion | undefined, b: Microversion | undefined): Microversion | undefined {
  if (!a) return b;
  if (!b) return a;
  return compareMicroversions(a, b) >= 0 ? a : b;
}

function minOf(a: Microversion, b: Microversion): Microversion {
  return compareMicroversions(a, b) <= 0 ? a : b;
}

/** True when `version` lies within the bounds (both inclusive). */
export function withinBounds(version: string | undefined, bounds: VersionBounds): boolean {
  if (!bounds.minVersion && !bounds.maxVersion) return true;
  if (!version) return !bounds.minVersion;
  const v = parseMicroversion(version);
  if (bounds.minVersion && compareMicroversions(v, parseMicroversion(bounds.minVersion)) < 0) return false;
  if (bounds.maxVersion && compareMicroversions(v, parseMicroversion(bounds.maxVersion)) > 0) return false;
  return true;
}

/** The lowest of several optional maximums (fields or arguments that stop at a microversion). */
export function lowestMaximum(versions: Iterable<string | undefined>): string | undefined {
  let best: Microversion | undefined;
  for (const v of versions) {
    if (!v) continue;
    const parsed = parseMicroversion(v);
    if (!best || compareMicroversions(parsed, best) < 0) best = parsed;
  }
  return best ? formatMicroversion(best) : undefined;
}

/** The highest of several optional minimums (used for fields/parameters a call actually uses). */
export function highestMinimum(versions: Iterable<string | undefined>): string | undefined {
  let best: Microversion | undefined;
  for (const v of versions) {
    if (v) best = maxOf(best, parseMicroversion(v));
  }
  return best ? formatMicroversion(best) : undefined;
}
