/**
 * Retry timing: exponential backoff with full jitter, and `Retry-After` parsing.
 *
 * Full jitter (a uniform draw in [0, min(cap, base·2^n)]) spreads the retries of many clients that
 * failed together, which plain exponential backoff (keystoneauth's 0.5 s, 1 s, 2 s …) does not.
 */

/** Delay in ms before retry number `retry` (0 for the first retry). */
export function backoffDelay(retry: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(retry, 30));
  return Math.floor(random() * ceiling);
}

/**
 * Seconds to wait from a `Retry-After` value: delta-seconds (`120`) or an HTTP-date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`). Undefined when absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const when = Date.parse(text);
  if (Number.isNaN(when)) return undefined;
  return Math.max(0, Math.ceil((when - now) / 1000));
}
