/**
 * `limits`: `concurrency` (FIFO, at most that many attempts in flight) then `rateLimit` (FIFO
 * spacing of attempt starts) — keystoneauth's FairSemaphore order. Both apply per attempt, so a
 * retry waits its turn; the caller's AbortSignal ends the wait.
 */
import { abortError } from '../http/abort.js';
import { RateLimiter } from '../http/rate-limiter.js';
import { redactUrl } from '../http/redact.js';
import { Semaphore } from '../http/semaphore.js';
import type { Policy } from './types.js';

export interface LimitOptions {
  /** Requests per second, spaced evenly (default: unlimited). */
  readonly rateLimit?: number | undefined;
  /** Requests in flight at once (default: unlimited). */
  readonly concurrency?: number | undefined;
}

export function limitsPolicy(options: LimitOptions): Policy {
  const semaphore = options.concurrency ? new Semaphore(options.concurrency) : undefined;
  const rateLimiter = options.rateLimit ? new RateLimiter(options.rateLimit) : undefined;
  // Without limits, the next step's promise as is: no extra async hop on every request.
  if (!semaphore && !rateLimiter) return { name: 'limits', sendRequest: (request, next) => next(request) };
  return {
    name: 'limits',
    async sendRequest(request, next) {
      const signal = request.signal;
      const onAbort = (): Error => abortError(request.method, redactUrl(request.url), signal as AbortSignal);
      if (semaphore) await semaphore.acquire(signal, onAbort);
      try {
        if (rateLimiter) await rateLimiter.acquire(signal, onAbort);
        return await next(request);
      } finally {
        semaphore?.release();
      }
    },
  };
}
