/**
 * The fake cloud's time. Timestamps and lifecycle delays read it, and tests move it with `advance`,
 * so that a transition of five minutes takes no real time. It starts at the real time of start-up
 * unless told otherwise; it never moves by itself.
 */
export class FakeClock {
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

  /** Cinder's timestamp format: ISO 8601 with microseconds and no zone (`2026-01-02T03:04:05.000000`). */
  timestamp(): string {
    return new Date(this.#now).toISOString().replace(/\.(\d{3})Z$/, '.$1000');
  }
}
