/**
 * `microversion`: per call, the highest microversion that the operation, the fields and arguments
 * of the call, the server and the caller allow — or the pinned one — failing before any request
 * when the call cannot be served (`MicroversionNotSupportedError`, naming both versions). Sets
 * `OpenStack-API-Version`.
 */
import type { Operation, RequestOptions } from '../client.js';
import { ConfigurationError, MicroversionNotSupportedError } from '../errors.js';
import {
  compareMicroversions,
  highestMinimum,
  lowestMaximum,
  negotiateMicroversion,
  parseMicroversion,
} from '../microversion.js';
import type { ServiceVersionDescriptor } from '../service.js';
import type { Policy, ServiceTarget } from './types.js';

export interface MicroversionOptions {
  /** Microversion sent on every call instead of negotiating (`block_storage_default_microversion`). */
  readonly defaultMicroversion?: string | undefined;
  /** Lowest microversion this client accepts (`X.Y`); a call that would go lower fails instead. */
  readonly minVersion?: string | undefined;
  /** Highest microversion this client sends (`X.Y`); `X` or `X.latest` means no ceiling. */
  readonly maxVersion?: string | undefined;
}

/** Negotiation for one API version of a service; `version()` is also `ServiceClient.negotiate`. */
export class MicroversionRules {
  readonly #service: ServiceVersionDescriptor;
  readonly #pinned: string | undefined;
  readonly #min: string | undefined;
  readonly #max: string | undefined;
  readonly #major: string;

  constructor(service: ServiceVersionDescriptor, options: MicroversionOptions = {}) {
    this.#service = service;
    this.#max = microversionBound(options.maxVersion, 'maxVersion');
    this.#min = microversionBound(options.minVersion, 'minVersion');
    if (options.defaultMicroversion !== undefined)
      parseMicroversion(options.defaultMicroversion, 'defaultMicroversion');
    this.#pinned = options.defaultMicroversion;
    this.#major = majorOf(service.version);
  }

  /** The version a call sends (undefined: no header). */
  version(
    op: Operation,
    requires: string | undefined,
    options: RequestOptions | undefined,
    target: ServiceTarget,
    caps?: string,
    capsBy?: string,
  ): string | undefined {
    const desc = this.#service.microversion;
    const pinned = options?.microversion ?? this.#pinned;
    // The common v2 case: no microversions, nothing pinned or required, no header.
    if (!desc && pinned === undefined && requires === undefined && this.#min === undefined && !op.minVersion) {
      return undefined;
    }
    // A client talking to an endpoint of another major version (v2 on a v3 endpoint) speaks that
    // endpoint's base version: nothing is negotiated, a header goes out only when pinned.
    const native = target.major === undefined || String(target.major) === this.#major;
    const server = desc && native ? target.microversions : undefined;
    // The operation's range, narrowed by what this SDK was generated for and by the fields and
    // arguments of this call; the caller's own ceiling (maxVersion) is reported as such.
    // (A pinned version is the caller's decision: only the operation, the call and the server limit it.)
    const bounds = {
      minVersion: op.minVersion,
      maxVersion: lowestMaximum([op.maxVersion, caps, pinned === undefined ? desc?.max : undefined]),
    };
    // A value of this call that Cinder refuses above a version: say which, before sending anything.
    if (pinned !== undefined && caps !== undefined && capsBy !== undefined) {
      if (compareMicroversions(parseMicroversion(pinned), parseMicroversion(caps)) > 0) {
        throw new MicroversionNotSupportedError(
          op.id,
          `at most ${caps}`,
          pinned,
          `${capsBy} is accepted only up to microversion ${caps}`,
        );
      }
    }
    const version = negotiateMicroversion({
      operation: op.id,
      bounds,
      requires: highestMinimum([requires, this.#min]),
      server,
      pinned,
      clientMax: this.#max,
    });
    if (pinned !== undefined && server !== undefined && target.discovered) {
      const p = parseMicroversion(pinned);
      if (
        compareMicroversions(p, parseMicroversion(server.min)) < 0 ||
        compareMicroversions(p, parseMicroversion(server.max)) > 0
      ) {
        throw new MicroversionNotSupportedError(
          op.id,
          pinned,
          `${server.min}–${server.max}`,
          'pinned version outside the server range',
        );
      }
    }
    return version;
  }

  /** The `OpenStack-API-Version` value for a version. */
  header(version: string): string {
    const name = this.#service.microversion?.headerService;
    if (name === undefined) {
      throw new ConfigurationError(
        `${this.#service.serviceType} v${this.#service.version} has no microversions; do not set defaultMicroversion or microversion`,
      );
    }
    return `${name} ${version}`;
  }
}

export function microversionPolicy(rules: MicroversionRules): Policy {
  return {
    name: 'microversion',
    sendRequest(request, next) {
      const call = request.call;
      const target = request.target;
      if (!call || !target) return next(request);
      const version = rules.version(call.operation, call.requires, request.options, target, call.caps, call.capsBy);
      if (version === undefined) return next(request);
      request.state.microversion = version;
      // Object.assign, not a spread (see auth.ts).
      const headers: Record<string, string> = Object.assign({}, request.headers);
      headers['openstack-api-version'] = rules.header(version);
      return next({ ...request, microversion: version, headers });
    },
  };
}

/** `3.27` → `3.27`; `3`, `3.latest` or undefined → undefined (a major-only bound limits nothing here). */
function microversionBound(value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^v?\d+(\.latest)?$/i.test(v)) return undefined;
  parseMicroversion(v, what);
  return v;
}

export function majorOf(version: string): string {
  return version.trim().replace(/^v/i, '').split('.')[0] ?? version;
}
