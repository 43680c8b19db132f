/**
 * `transport`: the last step — one attempt on a `Transport` (undici on Node, fetch
 * elsewhere), with the client's per-attempt timeout when the call sets none. Anything it throws
 * becomes a `ConnectionError` whose message never shows URL credentials or a secret sent.
 */
import { AbortError, ConnectionError, SdkError } from '../errors.js';
import { collectSecrets, redactUrl, scrubSecrets } from '../http/redact.js';
import type { HttpRequest, Transport } from '../http/types.js';
import type { Policy } from './types.js';

/** Per-attempt timeout in ms when neither the call nor the client sets one. */
export const DEFAULT_TIMEOUT = 60_000;

export function transportPolicy(transport: Transport, timeout: number | undefined): Policy {
  const fallback = timeout ?? DEFAULT_TIMEOUT;
  return {
    name: 'transport',
    async sendRequest(request) {
      const started = performance.now();
      const attempt: HttpRequest = {
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body,
        signal: request.signal,
        timeout: request.timeout ?? fallback,
      };
      try {
        return await transport.send(attempt);
      } catch (caught) {
        if (caught instanceof AbortError) throw caught;
        throw asConnectionError(caught, attempt);
      } finally {
        request.state.durationMs = performance.now() - started;
      }
    },
  };
}

function asConnectionError(caught: unknown, request: HttpRequest): ConnectionError {
  const safeUrl = redactUrl(request.url);
  if (caught instanceof ConnectionError) {
    if (safeUrl === caught.url) return caught;
    // Rebuild so the message never shows URL credentials.
    const Cls = caught.constructor as typeof ConnectionError;
    const reason = caught.message.slice(caught.message.indexOf('failed before a response: ') + 26);
    return new Cls(request.method, safeUrl, scrubSecrets(reason, [caught.url]), {
      cause: caught.cause,
      sent: caught.sent,
      code: caught.code,
    });
  }
  if (caught instanceof SdkError) throw caught;
  // A custom transport threw something else: treat it as a failure that may have been sent.
  const message = caught instanceof Error ? caught.message : String(caught);
  return new ConnectionError(
    request.method,
    safeUrl,
    scrubSecrets(message, collectSecrets(request.headers, request.body)),
    { cause: caught, sent: true },
  );
}
