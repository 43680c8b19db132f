/**
 * Cancellation helpers shared by the client's waits (rate limit, concurrency, backoff) so that a
 * caller's AbortSignal ends them at once instead of after the wait.
 */
import { AbortError } from '../errors.js';

/** The AbortError for a request whose caller signal fired. */
export function abortError(method: string, url: string, signal: AbortSignal): AbortError {
  return new AbortError(`${method} ${url} was aborted by the caller`, { cause: signal.reason });
}

/** Resolves after `ms`, or rejects with `onAbort()` as soon as `signal` fires. */
export function sleep(ms: number, signal: AbortSignal | undefined, onAbort: () => Error): Promise<void> {
  if (signal?.aborted) return Promise.reject(onAbort());
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = (): void => {
      signal?.removeEventListener('abort', aborted);
      resolve();
    };
    const aborted = (): void => {
      clearTimeout(timer);
      reject(onAbort());
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
