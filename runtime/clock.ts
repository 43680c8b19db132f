/**
 * The SDK's notion of time, in one place: the waiters (wait.ts) read `now()` for their deadline and
 * `sleep()` between polls, the retry step (pipeline/retry.ts) sleeps its backoff and Retry-After
 * with it, and connect()'s token cache reads `now()` for expiry. Pass `clock` to `connect()` or
 * `createClient()` to replace it; a test clock (the fake cloud's `fake.clock`) lets a five-minute
 * wait finish without waiting five minutes.
 */
import { AbortError } from './errors.js';
import { sleep } from './sleep.js';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves after `ms` of this clock's time; rejects when `signal` fires (any error: the SDK
   * turns it into its AbortError).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Real time: `Date.now()` and timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, signal),
};

/**
 * Sleeps on `clock`, but always ends with the SDK's own abort error when `signal` fires, whatever a
 * custom clock rejects with (and even if it ignores the signal).
 */
export function sleepOn(
  clock: Clock | undefined,
  ms: number,
  signal: AbortSignal | undefined,
  onAbort?: () => Error,
): Promise<void> {
  if (clock === undefined || clock === systemClock) return sleep(ms, signal, onAbort);
  const abort = (): Error => (onAbort ? onAbort() : new AbortError('aborted', { cause: signal?.reason }));
  if (signal?.aborted) return Promise.reject(abort());
  return new Promise((resolve, reject) => {
    const aborted = (): void => reject(abort());
    signal?.addEventListener('abort', aborted, { once: true });
    clock.sleep(ms, signal).then(
      () => {
        signal?.removeEventListener('abort', aborted);
        resolve();
      },
      (error: unknown) => {
        signal?.removeEventListener('abort', aborted);
        // A custom clock's own failure passes through as it came (wrapping would hide its type).
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(signal?.aborted ? abort() : error);
      },
    );
  });
}
