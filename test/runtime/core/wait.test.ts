/**
 * waitForStatus / waitForDelete against a server whose volume changes state as it is polled.
 * Intervals are tens of milliseconds; assertions count requests and only use time where time is
 * the point (backoff, abort), with generous tolerances.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { Snapshot, Volume } from '../../../generated/block-storage/v2/index.js';
import {
  AbortError,
  InvalidArgumentError,
  ResourceFailureError,
  ResourceTimeoutError,
  ServerError,
  fromWire,
} from '../../../runtime/index.js';
import { sleep } from '../../../runtime/sleep.js';
import { coreEnv, rejectionOf, type Reply, type SeenRequest } from './support.js';

const env = coreEnv();

const FAST = { interval: 0.01, maxInterval: 0.02 } as const;

/** GET /volumes/vol-1 answers the statuses in turn (the last one repeats); a Reply is sent as is. */
function volumeGoes(...steps: (string | Reply)[]): (r: SeenRequest) => Reply {
  let n = 0;
  return (r) => {
    if (r.method !== 'GET' || r.path !== '/volumes/vol-1') return { status: 405 };
    const step = steps[Math.min(n++, steps.length - 1)];
    return typeof step === 'string' ? { body: { volume: { id: 'vol-1', status: step, size: 10 } } } : step;
  };
}

const GONE: Reply = { status: 404, body: { itemNotFound: { code: 404, message: 'Volume vol-1 could not be found.' } } };

const volume = (status = 'creating'): Volume => fromWire(Volume, { id: 'vol-1', status });

describe('waitForStatus', () => {
  it('polls until the status is reached and returns the fresh resource', async () => {
    env.server.handler = volumeGoes('creating', 'creating', 'available');
    const v = await env.proxy.waitForStatus(volume(), 'available', FAST);
    expect(v).toBeInstanceOf(Volume);
    expect(v.status).toBe('available');
    expect(v.size).toBe(10);
    expect(env.requests.map((r) => `${r.method} ${r.path}`)).toEqual(Array(3).fill('GET /volumes/vol-1'));
  });

  it('follows a state that changes with time on the server', async () => {
    const readyAt = performance.now() + 120;
    env.server.handler = (r) => ({
      body: { volume: { id: 'vol-1', status: r.at >= readyAt ? 'in-use' : 'attaching' } },
    });
    const v = await env.proxy.waitForStatus(volume('attaching'), 'in-use', { interval: 0.02, maxInterval: 0.04 });
    expect(v.status).toBe('in-use');
    expect(env.requests.length).toBeGreaterThanOrEqual(2);
  });

  it('already in the status (any case): returned at once, no request', async () => {
    const v = volume('Available');
    // @ts-expect-error: the types take Cinder's spelling; at run time the comparison ignores case.
    expect(await env.proxy.waitForStatus(v, 'AVAILABLE', FAST)).toBe(v);
    // The proxy's default status is "available".
    expect(await env.proxy.waitForStatus(v)).toBe(v);
    expect(env.requests).toEqual([]);
  });

  it('a failure state from the spec (error_extending) fails at once with ResourceFailureError', async () => {
    env.server.handler = volumeGoes('extending', 'error_extending', 'available');
    const error = await rejectionOf(env.proxy.waitForStatus(volume('extending'), 'available', { ...FAST, wait: 5 }));
    expect(error).toBeInstanceOf(ResourceFailureError);
    expect(error).toMatchObject({ resource: 'Volume', id: 'vol-1', status: 'error_extending' });
    expect((error as Error).message).toMatch(/failure state error_extending/);
    expect(env.requests).toHaveLength(2);
  });

  it('the failures option replaces the spec list (case-insensitive)', async () => {
    env.server.handler = volumeGoes('creating', 'Reserved');
    const error = await rejectionOf(
      env.proxy.waitForStatus(volume(), 'available', { ...FAST, failures: ['reserved'] }),
    );
    expect(error).toMatchObject({ status: 'reserved' });
    expect(error).toBeInstanceOf(ResourceFailureError);
  });

  it('times out with ResourceTimeoutError carrying the last status', async () => {
    env.server.handler = volumeGoes('creating', 'creating', 'downloading');
    const started = performance.now();
    const error = await rejectionOf(
      env.proxy.waitForStatus(volume(), 'available', { interval: 0.02, maxInterval: 0.02, wait: 0.2 }),
    );
    const took = performance.now() - started;
    expect(error).toBeInstanceOf(ResourceTimeoutError);
    expect(error).toMatchObject({ resource: 'Volume', id: 'vol-1', lastStatus: 'downloading' });
    expect((error as Error).message).toMatch(
      /Timeout waiting for Volume vol-1 to transition to available \(last status downloading\)/,
    );
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(3_000);
    expect(env.requests.length).toBeGreaterThanOrEqual(3);
  });

  it('the resource going away (404) is a ResourceFailureError', async () => {
    env.server.handler = volumeGoes('deleting', GONE);
    const error = await rejectionOf(env.proxy.waitForStatus(volume(), 'available', FAST));
    expect(error).toBeInstanceOf(ResourceFailureError);
    expect((error as Error).message).toMatch(/went away/);
    expect(env.requests).toHaveLength(2);
  });

  it('other HTTP errors end the wait as they are', async () => {
    env.server.handler = volumeGoes('creating', { status: 500, body: { computeFault: { message: 'db down' } } });
    expect(await rejectionOf(env.proxy.waitForStatus(volume(), 'available', FAST))).toBeInstanceOf(ServerError);
  });

  it('waits on another attribute when asked', async () => {
    let n = 0;
    env.server.handler = () => ({
      body: {
        volume: {
          id: 'vol-1',
          status: 'available',
          'os-vol-mig-status-attr:migstat': n++ < 2 ? 'migrating' : 'success',
        },
      },
    });
    const v = await env.proxy.waitForStatus(volume('available'), 'success', { ...FAST, attribute: 'migrationStatus' });
    expect(v.migrationStatus).toBe('success');
    expect(env.requests).toHaveLength(3);
  });

  it('bad arguments fail before any request', async () => {
    const v = volume();
    expect(await rejectionOf(env.proxy.waitForStatus(v, 'available', { attribute: 'colour' }))).toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(await rejectionOf(env.proxy.waitForStatus(v, 'available', { interval: -1 }))).toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(await rejectionOf(env.proxy.waitForStatus(v, 'available', { interval: Number.NaN }))).toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(await rejectionOf(env.proxy.waitForStatus(v, 'available', { wait: -5 }))).toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(await rejectionOf(env.proxy.waitForStatus(v, 5 as never))).toBeInstanceOf(InvalidArgumentError);
    // @ts-expect-error: an empty status is refused by the types too.
    expect(await rejectionOf(env.proxy.waitForStatus(v, ''))).toBeInstanceOf(InvalidArgumentError);
    expect(env.requests).toEqual([]);
  });
});

describe('waitForDelete', () => {
  it('returns the original resource when the GET says 404', async () => {
    env.server.handler = volumeGoes('deleting', 'deleting', GONE);
    const v = volume('deleting');
    expect(await env.proxy.waitForDelete(v, FAST)).toBe(v);
    expect(env.requests).toHaveLength(3);
  });

  it('returns the fetched resource when its status is deleted', async () => {
    env.server.handler = volumeGoes('deleting', 'Deleted');
    const out = await env.proxy.waitForDelete(volume('deleting'), FAST);
    expect(out.status).toBe('Deleted');
    expect(env.requests).toHaveLength(2);
  });

  it('times out otherwise, with the last status', async () => {
    env.server.handler = volumeGoes('deleting', 'error_deleting');
    const error = await rejectionOf(env.proxy.waitForDelete(volume('deleting'), { ...FAST, wait: 0.1 }));
    expect(error).toBeInstanceOf(ResourceTimeoutError);
    expect(error).toMatchObject({ lastStatus: 'error_deleting' });
    expect((error as Error).message).toMatch(/to delete/);
  });
});

describe('callbacks, abort and backoff', () => {
  it('the callback gets the progress after every poll that did not finish (snapshot "40%" → 40)', async () => {
    let n = 0;
    const steps = [
      { status: 'creating', 'os-extended-snapshot-attributes:progress': '0%' },
      { status: 'creating', 'os-extended-snapshot-attributes:progress': '40%' },
      { status: 'available', 'os-extended-snapshot-attributes:progress': '100%' },
    ];
    env.server.handler = (r) =>
      r.path === '/snapshots/snap-1'
        ? { body: { snapshot: { id: 'snap-1', ...steps[Math.min(n++, 2)] } } }
        : { status: 404 };
    const seen: [number, string | undefined][] = [];
    const s = await env.proxy.waitForStatus(fromWire(Snapshot, { id: 'snap-1', status: 'creating' }), 'available', {
      ...FAST,
      callback: (progress, resource) => seen.push([progress, (resource as Snapshot).progress]),
    });
    expect(s.status).toBe('available');
    expect(seen).toEqual([
      [0, '0%'],
      [40, '40%'],
    ]);
  });

  it('a resource without a progress field reports 0', async () => {
    env.server.handler = volumeGoes('creating', 'available');
    const seen: number[] = [];
    await env.proxy.waitForStatus(volume(), 'available', { ...FAST, callback: (p) => seen.push(p) });
    expect(seen).toEqual([0]);
  });

  it('an AbortSignal stops a wait between polls, promptly, with AbortError', async () => {
    env.server.handler = volumeGoes('creating');
    const controller = new AbortController();
    const started = performance.now();
    // Long interval: the abort must not wait for the sleep to end.
    const pending = rejectionOf(
      env.proxy.waitForStatus(volume(), 'available', { interval: 10, signal: controller.signal }),
    );
    while (env.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error('user gave up'));
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(env.requests).toHaveLength(1);
  });

  it('an AbortSignal also stops a poll in flight', async () => {
    env.server.handler = () =>
      new Promise<Reply>((resolve) =>
        setTimeout(() => resolve({ body: { volume: { id: 'vol-1', status: 'creating' } } }), 2_000),
      );
    const controller = new AbortController();
    const pending = rejectionOf(env.proxy.waitForStatus(volume(), 'available', { ...FAST, signal: controller.signal }));
    while (env.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const abortedAt = performance.now();
    controller.abort();
    expect(await pending).toBeInstanceOf(AbortError);
    expect(performance.now() - abortedAt).toBeLessThan(1_500);
  });

  it('an already aborted signal sends nothing', async () => {
    env.server.handler = volumeGoes('creating');
    const error = await rejectionOf(
      env.proxy.waitForStatus(volume(), 'available', { ...FAST, signal: AbortSignal.abort() }),
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(env.requests).toEqual([]);
  });

  it('the gaps between polls grow, but never past maxInterval (measured on the server)', async () => {
    env.server.handler = volumeGoes(...Array<string>(9).fill('creating'), 'available');
    // Uncapped, 1.5× growth from 20 ms would reach 341 ms and 512 ms by the last gaps.
    await env.proxy.waitForStatus(volume(), 'available', { interval: 0.02, maxInterval: 0.06 });
    const at = env.requests.map((r) => r.at);
    expect(at).toHaveLength(10);
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    // Arrival times jitter by the client's and server's scheduling, hence the wide margins.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(10); // about the 20 ms interval at least
    const late = gaps.slice(-4);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(40); // grew well past the interval (to the 60 ms cap)…
    expect(Math.max(...late)).toBeLessThan(60 + 200); // …and stayed there (uncapped: 341 ms, 512 ms)
  });

  it('interval 0 means 0.1 s as in openstacksdk, not a tight loop', async () => {
    env.server.handler = volumeGoes('creating');
    await rejectionOf(env.proxy.waitForStatus(volume(), 'available', { interval: 0, wait: 0.35 }));
    // Polls at about 0, 100, 200, 300 (and the deadline): a tight loop would make hundreds.
    expect(env.requests.length).toBeGreaterThanOrEqual(2);
    expect(env.requests.length).toBeLessThanOrEqual(6);
  });
});

describe('sleep', () => {
  it('resolves after the pause; an abort rejects at once with AbortError carrying the reason', async () => {
    const started = performance.now();
    await sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    const controller = new AbortController();
    const pending = rejectionOf(sleep(60_000, controller.signal));
    controller.abort(new Error('stop'));
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).cause).toMatchObject({ message: 'stop' });
    expect(await rejectionOf(sleep(10, AbortSignal.abort()))).toBeInstanceOf(AbortError);
  });

  it('a pause beyond what setTimeout takes (2^31 ms) does not fire at once', async () => {
    const controller = new AbortController();
    let settled = false;
    const pending = sleep(2 ** 32, controller.signal).then(
      () => (settled = true),
      () => undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(settled).toBe(false);
    controller.abort();
    await pending;
  });
});
