/**
 * Small helpers shared by the admin-area live tests (discovery, types, QoS, quotas, services,
 * consistency groups, errors). Nothing here talks to Cinder except `rawV3`, which exists only for
 * the few v3 calls the v2 proxy has no method for (generic groups, group types), used as setup.
 */
import { expect } from 'vitest';
import type { BlockStorageV2 } from '../../generated/block-storage/v2/index.js';
import type { HttpMethod, RequestMetric } from '../../generated/index.js';

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/**
 * Awaits `promise`, expects it to reject with an instance of `cls` whose message contains every
 * given fragment, and returns the error for further checks.
 */
export async function expectError<E extends Error>(
  promise: Promise<unknown>,
  cls: ErrorClass<E>,
  ...fragments: string[]
): Promise<E> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    expect(error, `expected ${cls.name}, got ${String(error)}`).toBeInstanceOf(cls);
    for (const fragment of fragments) expect((error as Error).message).toContain(fragment);
    return error as E;
  }
  throw new Error(`expected ${cls.name}, but the call succeeded with ${JSON.stringify(outcome)}`);
}

/**
 * One v3 request at an explicit microversion through the SDK's own authenticated client (same
 * token, endpoint and error mapping as the proxy). Only for setup the v2 proxy cannot do.
 */
export async function rawV3<T = unknown>(
  bs: BlockStorageV2,
  method: HttpMethod,
  path: string,
  body?: unknown,
  microversion = '3.14',
): Promise<T> {
  const response = await bs.client.send(
    { operation: { id: `live.raw ${method} ${path.split('?')[0]}`, method, path }, body },
    { headers: { 'OpenStack-API-Version': `volume ${microversion}` } },
  );
  return response.body as T;
}

/** Runs each cleanup step, ignoring failures (so that one leftover does not hide the others). */
export async function bestEffort(...steps: (() => Promise<unknown>)[]): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch {
      // best effort: the resource may be gone already, or was never created
    }
  }
}

/** A metrics sink that remembers every HTTP attempt (`METHOD /template status`). */
export function requestLog(): { readonly sink: { record(m: RequestMetric): void }; readonly entries: string[] } {
  const entries: string[] = [];
  return {
    entries,
    sink: {
      record(m: RequestMetric): void {
        entries.push(`${m.method} ${m.endpoint} ${m.status ?? 'failed'}`);
      },
    },
  };
}

/** Wait options for the live stack: state changes take about 0.6 s here, so poll often. */
// On the fake cloud a transition completes on the next read: see data-helpers.ts's POLL.
export const POLL = {
  interval: 0.25,
  maxInterval: 1,
  wait: process.env['LIVE_TARGET'] === 'fake' ? 5 : 90,
} as const;
