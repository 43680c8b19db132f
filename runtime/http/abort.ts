/**
 * Cancellation helpers shared by the client's waits (rate limit, concurrency, backoff) so that a
 * caller's AbortSignal ends them at once instead of after the wait.
 */
import { AbortError } from '../errors.js';

/** The AbortError for a request whose caller signal fired. */
export function abortError(method: string, url: string, signal: AbortSignal): AbortError {
  return new AbortError(`${method} ${url} was aborted by the caller`, { cause: signal.reason });
}

/** The shared abortable sleep (backoff, rate limit): see runtime/sleep.ts. */
export { sleep } from '../sleep.js';
