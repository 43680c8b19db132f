/** An abortable sleep: waiters and retries must stop the moment the caller's signal fires. */
import { AbortError } from './errors.js';

const MAX_TIMER = 2 ** 31 - 1;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortError('aborted', { cause: signal.reason }));
      return;
    }
    // setTimeout fires at once (with a warning) beyond 2^31-1 ms: clamp, or a long pause would
    // become a tight loop. 24.8 days is as good as forever for a waiter.
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.min(Math.max(0, ms), MAX_TIMER));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortError('aborted', { cause: signal?.reason }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
