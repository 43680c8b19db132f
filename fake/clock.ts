import type { Clock } from '../runtime/clock.js';

/**
 * The fake cloud's time. Timestamps and lifecycle delays read it, and tests move it with `advance`,
 * so that a transition of five minutes takes no real time. It starts at the real time of start-up
 * unless told otherwise; it moves only by `advance` and by `sleep`.
 *
 * It is also a `Clock` for the SDK (runtime/clock.ts): `fake.connect()` passes it as the `clock`
 * option, so the SDK's waiters and retry backoff sleep by moving this clock instead of waiting, and
 * a five-minute `waitForStatus` against a four-minute transition ends in milliseconds.
 */
export class FakeClock implements Clock {
  #now: number;

  constructor(start: number = Date.now()) {
    this.#now = start;
  }

  /** Milliseconds since the epoch, as the fake sees them. */
  now(): number {
    return this.#now;
  }

  /** Moves time forward; transitions whose delay has passed complete on their resource's next read. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock.advance: expected a duration ≥ 0 in ms, got ${ms}`);
    this.#now += ms;
  }

  /**
   * The SDK's sleep on fake time: moves the clock forward by `ms` and resolves on the next turn of
   * the event loop (so other callers and the fake's server run in between, as during a real wait).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new Error('aborted', { cause: signal.reason }));
    if (ms > 0) this.advance(ms);
    return new Promise((resolve) => setImmediate(resolve));
  }

  /** Cinder's timestamp format: ISO 8601 with microseconds and no zone (`2026-01-02T03:04:05.000000`). */
  timestamp(): string {
    return new Date(this.#now).toISOString().replace(/\.(\d{3})Z$/, '.$1000');
  }
}
