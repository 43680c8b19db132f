/**
 * A FIFO counting semaphore: at most `limit` holders; waiters are served in arrival order (like
 * keystoneauth's FairSemaphore), and a waiter whose signal fires leaves the queue.
 */
interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  granted: boolean;
}

export class Semaphore {
  readonly limit: number;
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(limit: number) {
    if (!(limit >= 1)) throw new RangeError(`concurrency must be >= 1, got ${limit}`);
    this.limit = Math.floor(limit);
  }

  /** Number of holders right now (for tests and metrics). */
  get inFlight(): number {
    return this.active;
  }

  /** Waits for a slot. Call `release()` exactly once after a successful acquire. */
  acquire(signal: AbortSignal | undefined, onAbort: () => Error): Promise<void> {
    if (signal?.aborted) return Promise.reject(onAbort());
    if (this.active < this.limit && this.queue.length === 0) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        granted: false,
        resolve: () => {
          signal?.removeEventListener('abort', aborted);
          resolve();
        },
        reject,
      };
      const aborted = (): void => {
        if (waiter.granted) return;
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(onAbort());
      };
      signal?.addEventListener('abort', aborted, { once: true });
      this.queue.push(waiter);
    });
  }

  release(): void {
    const next = this.queue.shift();
    if (next) {
      // The slot passes straight to the next waiter, so `active` stays the same.
      next.granted = true;
      next.resolve();
    } else {
      this.active--;
    }
  }
}
