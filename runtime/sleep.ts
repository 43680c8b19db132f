/** An abortable sleep: waiters, retries and limits must stop the moment the caller's signal fires. */
import { AbortError } from './errors.js';

const MAX_TIMER = 2 ** 31 - 1;

/**
 * Resolves after `ms` (at once for ms <= 0), or rejects as soon as `signal` fires: with
 * `onAbort()` when given, else an AbortError.
 */
export function sleep(ms: number, signal?: AbortSignal, onAbort?: () => Error): Promise<void> {
  const abort = (): Error => (onAbort ? onAbort() : new AbortError('aborted', { cause: signal?.reason }));
  if (signal?.aborted) return Promise.reject(abort());
  if (!(ms > 0)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    // setTimeout fires at once (with a warning) beyond 2^31-1 ms: clamp, or a long pause would
    // become a tight loop. 24.8 days is as good as forever for a waiter.
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', aborted);
        resolve();
      },
      Math.min(ms, MAX_TIMER),
    );
    const aborted = (): void => {
      clearTimeout(timer);
      reject(abort());
    };
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
