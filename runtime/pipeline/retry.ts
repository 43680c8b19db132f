/**
 * `retry`: bounded retries, on by default; each attempt goes through everything below (redirects,
 * limits, metrics, tracing, the transport).
 * - No response (`ConnectionError`, `RequestTimeoutError`): up to `connectRetries` more attempts,
 *   but only when the request surely was not sent (`error.sent === false`: refused, DNS, proxy,
 *   TLS) or repeating it is safe (GET, HEAD, PUT, DELETE, or the call's `retryNonIdempotent`).
 *   Certificate failures are never retried: only a configuration change fixes them.
 * - Status in `retriableStatusCodes`: up to `statusCodeRetries` more attempts, for requests safe
 *   to repeat; 429 also for non-idempotent ones, because a rate-limited request was refused
 *   before being processed. `Retry-After` (seconds or HTTP-date; or `retryAfter` of an
 *   `overLimit` body) sets the delay; a wait longer than `maxRetryAfter` is not done: the error
 *   is thrown at once with `retryAfter` set, so the caller can decide.
 * - Otherwise the delay is `connectRetryDelay`/`statusCodeRetryDelay` when set, else exponential
 *   backoff with full jitter from `retryBaseDelay`, capped at `retryMaxDelay`.
 * The caller's AbortSignal ends the waits as well as the attempt.
 */
import { ConnectionError } from '../errors.js';
import { sleepOn, type Clock } from '../clock.js';
import { abortError } from '../http/abort.js';
import { isCertificateError } from '../http/network-errors.js';
import { redactUrl } from '../http/redact.js';
import { backoffDelay, parseRetryAfter } from '../http/retry.js';
import type { HttpResponse } from '../http/types.js';
import type { FaultReader } from './errors.js';
import type { PipelineRequest, Policy } from './types.js';

/** Retry settings (every delay in milliseconds). */
export interface RetryOptions {
  /** Extra attempts after a failure without response (default 2). */
  readonly connectRetries?: number | undefined;
  /** Fixed delay between connection retries (default: backoff). */
  readonly connectRetryDelay?: number | undefined;
  /** Extra attempts after a retriable status (default 3; 0 disables). */
  readonly statusCodeRetries?: number | undefined;
  /** Fixed delay between status retries when no Retry-After came (default: backoff). */
  readonly statusCodeRetryDelay?: number | undefined;
  /** Statuses worth retrying (default [503, 429]). */
  readonly retriableStatusCodes?: readonly number[] | undefined;
  /** First backoff ceiling (default 500, keystoneauth's first delay). */
  readonly retryBaseDelay?: number | undefined;
  /** Backoff cap (default 30 000). */
  readonly retryMaxDelay?: number | undefined;
  /** Longest Retry-After honoured (default 60 000); longer ones end the retries. */
  readonly maxRetryAfter?: number | undefined;
  /** Random source for jitter, for tests (default Math.random). */
  readonly random?: (() => number) | undefined;
  /**
   * The clock the backoff sleeps on, and that waiters (`waitForStatus`, `waitForDelete`) and the
   * token cache read (default: real time; see runtime/clock.ts). The fake cloud's `connect()`
   * passes its own, so tests need not wait.
   */
  readonly clock?: Clock | undefined;
}

export const RETRY_DEFAULTS = {
  connectRetries: 2,
  statusCodeRetries: 3,
  retriableStatusCodes: [503, 429] as readonly number[],
  retryBaseDelay: 500,
  retryMaxDelay: 30_000,
  maxRetryAfter: 60_000,
} as const;

/** Told before each wait (logging.ts's `retryLogger` writes the warning). */
export type RetryListener = (
  request: PipelineRequest,
  reason: string,
  delayMs: number,
  response?: HttpResponse,
) => void;

/**
 * @param readFault reads `retryAfter` out of an `overLimit` body when a 413 came without a
 *   Retry-After header (the errors step's reader).
 */
export function retryPolicy(options: RetryOptions, onRetry: RetryListener | undefined, readFault: FaultReader): Policy {
  const d = RETRY_DEFAULTS;
  const connectRetries = nonNegative('connectRetries', options.connectRetries ?? d.connectRetries);
  const statusCodeRetries = nonNegative('statusCodeRetries', options.statusCodeRetries ?? d.statusCodeRetries);
  const retriable = new Set(options.retriableStatusCodes ?? d.retriableStatusCodes);
  const base = options.retryBaseDelay ?? d.retryBaseDelay;
  const cap = options.retryMaxDelay ?? d.retryMaxDelay;
  const maxRetryAfter = options.maxRetryAfter ?? d.maxRetryAfter;
  const random = options.random ?? Math.random;

  const wait = (request: PipelineRequest, reason: string, delay: number, response?: HttpResponse): Promise<void> => {
    onRetry?.(request, reason, delay, response);
    const signal = request.signal;
    return sleepOn(options.clock, delay, signal, () =>
      abortError(request.method, redactUrl(request.url), signal as AbortSignal),
    );
  };

  return {
    name: 'retry',
    async sendRequest(request, next) {
      const context = request.context;
      const state = request.state;
      let connectFailures = 0;
      let statusFailures = 0;
      for (;;) {
        state.attempt++;
        let response: HttpResponse;
        try {
          response = await next(request);
        } catch (error) {
          if (!(error instanceof ConnectionError)) throw error;
          const safe = !error.sent || context.idempotent || context.retryNonIdempotent === true;
          if (!safe || connectFailures >= connectRetries || isCertificateError(error.code)) throw error;
          const delay = options.connectRetryDelay ?? backoffDelay(connectFailures, base, cap, random);
          connectFailures++;
          await wait(request, error.message, delay);
          continue;
        }
        const status = response.status;
        if (!retriable.has(status) || statusFailures >= statusCodeRetries) return response;
        if (!(context.idempotent || context.retryNonIdempotent === true || status === 429)) return response;
        let retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        if (retryAfter === undefined && status === 413 /* overLimit */) {
          retryAfter = readFault(response).retryAfter;
        }
        if (retryAfter !== undefined && retryAfter * 1000 > maxRetryAfter) return response;
        const delay =
          retryAfter !== undefined
            ? retryAfter * 1000
            : (options.statusCodeRetryDelay ?? backoffDelay(statusFailures, base, cap, random));
        statusFailures++;
        await wait(request, `HTTP ${status}`, delay, response);
      }
    },
  };
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0)) throw new RangeError(`${name} must be >= 0, got ${value}`);
  return Math.floor(value);
}
