/**
 * Client-side rate limit: request starts are spaced at least `1/rate` seconds apart, in arrival
 * order. Same effect as keystoneauth's FairSemaphore with `rate_limit`, without a timer per slot:
 * each caller reserves the next start time and sleeps until it.
 */
import { sleep } from './abort.js';

export class RateLimiter {
  /** Minimum spacing between starts, in ms. */
  readonly intervalMs: number;
  private next = 0;

  constructor(requestsPerSecond: number) {
    if (!(requestsPerSecond > 0)) throw new RangeError(`rateLimit must be > 0, got ${requestsPerSecond}`);
    this.intervalMs = 1000 / requestsPerSecond;
  }

  /** Waits for this caller's start slot. */
  async acquire(signal: AbortSignal | undefined, onAbort: () => Error): Promise<void> {
    if (signal?.aborted) throw onAbort();
    const now = performance.now();
    const start = Math.max(now, this.next);
    this.next = start + this.intervalMs;
    const wait = start - now;
    if (wait <= 0) return;
    try {
      await sleep(wait, signal, onAbort);
    } catch (error) {
      // Give the slot back when it was the last one reserved, so an abort does not slow others.
      if (this.next === start + this.intervalMs) this.next = start;
      throw error;
    }
  }
}
