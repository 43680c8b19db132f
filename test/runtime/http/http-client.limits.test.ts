/**
 * Rate and concurrency limits, checked on the server side. Behaviour checks with generous
 * tolerances, not benchmarks.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortError } from '../../../runtime/errors.js';
import { HttpClient } from '../../../runtime/http/http-client.js';
import { NodeTransport } from '../../../runtime/http/node-transport.js';
import { RateLimiter } from '../../../runtime/http/rate-limiter.js';
import { Semaphore } from '../../../runtime/http/semaphore.js';
import { GET_CONTEXT, type TestServer, json, startServer } from './helpers.js';

// undici compiles its HTTP parser (WebAssembly) on its first connection in a process, which
// would make the first measured request late by tens of milliseconds on a busy machine.
beforeAll(async () => {
  const server = await startServer((_req, res) => json(res, 200, {}));
  const transport = new NodeTransport({ proxy: false });
  await transport.send({ method: 'GET', url: `${server.url}/warm`, headers: {} });
  await transport.close();
  await server.close();
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function serve(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  cleanups.push(() => server.close());
  return server;
}

describe('HttpClient limits', () => {
  it('spaces request starts by 1/rateLimit seconds', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const client = new HttpClient({ transport: new NodeTransport({ proxy: false }), rateLimit: 20 });
    cleanups.push(() => client.close());
    const n = 6;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        client.request({ method: 'GET', url: `${server.url}/v/${i}`, headers: {} }, GET_CONTEXT),
      ),
    );
    const arrivals = server.requests.map((r) => r.at).sort((a, b) => a - b);
    // Slot i starts 50·i ms after the calls were made, and no request arrives before its slot. A
    // lower bound from the start only: a busy machine delays arrivals, never brings one forward
    // (measured from the first arrival instead, a slow first connection would squeeze the gaps).
    for (let i = 1; i < n; i++) expect(arrivals[i] - start).toBeGreaterThanOrEqual(i * 50 - 2);
    // FIFO: requests reach the server in the order they were made.
    expect(server.requests.map((r) => r.url)).toEqual(Array.from({ length: n }, (_, i) => `/v/${i}`));
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let max = 0;
    const server = await serve((_req, res) => {
      inFlight++;
      max = Math.max(max, inFlight);
      setTimeout(() => {
        inFlight--;
        json(res, 200, {});
      }, 30);
    });
    const client = new HttpClient({ transport: new NodeTransport({ proxy: false }), concurrency: 2 });
    cleanups.push(() => client.close());
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        client.request({ method: 'GET', url: `${server.url}/v/${i}`, headers: {} }, GET_CONTEXT),
      ),
    );
    expect(server.requests).toHaveLength(8);
    expect(max).toBe(2);
  });

  it('lets an aborted waiter leave the concurrency queue', async () => {
    const semaphore = new Semaphore(1);
    await semaphore.acquire(undefined, () => new Error('x'));
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal, () => new AbortError('aborted'));
    const next = semaphore.acquire(undefined, () => new Error('x'));
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    semaphore.release();
    await next; // granted to the next waiter, not the aborted one
    expect(semaphore.inFlight).toBe(1);
    semaphore.release();
    expect(semaphore.inFlight).toBe(0);
  });

  it('gives an aborted rate-limit slot back', async () => {
    // 1 s spacing: the two outcomes are a second apart, a margin no loaded machine eats (at 100 ms
    // spacing a 50 ms margin was tight on a busy CI machine).
    const limiter = new RateLimiter(1);
    await limiter.acquire(undefined, () => new Error('x'));
    const controller = new AbortController();
    const pending = limiter.acquire(controller.signal, () => new AbortError('aborted'));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    const started = performance.now();
    await limiter.acquire(undefined, () => new Error('x'));
    // It takes the aborted caller's slot (≤ 1 s away), not the one after it (2 s).
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
