/**
 * `errors`: a final response of status ≥ 400 becomes its typed `HttpError` (`NotFoundError`,
 * `ConflictError`, …) carrying Cinder's own message (see http/fault.ts), the request id and
 * `retryAfter`; the URL and the message never carry a secret that was sent.
 */
import { httpErrorFor, type HttpError } from '../errors.js';
import { MAX_DETAILS, faultInfo, type FaultInfo } from '../http/fault.js';
import { headerText } from '../http/header-text.js';
import { collectSecrets, redactUrl, scrubSecrets } from '../http/redact.js';
import { parseRetryAfter } from '../http/retry.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';
import type { Policy } from './types.js';

/** Reads the server's message (and an `overLimit` body's retryAfter) out of an error response. */
export type FaultReader = (response: HttpResponse) => FaultInfo;

/** http/fault.ts: JSON faults, HTML pages cleaned up, the reason phrase for an empty body. */
export const readFault: FaultReader = (r) => faultInfo(r.status, r.headers.get('content-type'), r.body, r.statusText);

/**
 * The lite preset's reader (a fraction of the bytes): Cinder's JSON message (`{"itemNotFound":
 * {"message": …}}`), else the body as text, capped.
 */
export const readJsonFault: FaultReader = (response) => {
  let text = response.body.trim();
  try {
    const fault = JSON.parse(text) as Record<string, { message?: unknown; faultstring?: unknown } | undefined>;
    for (const key in fault) {
      const message = fault[key]?.message ?? fault[key]?.faultstring;
      if (typeof message === 'string') {
        text = message;
        break;
      }
    }
  } catch {
    // Not JSON: the text itself.
  }
  return { details: text === '' ? undefined : text.slice(0, MAX_DETAILS), retryAfter: undefined };
};

export function errorsPolicy(read: FaultReader): Policy {
  return {
    name: 'errors',
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status < 400) return response;
      throw httpError(request, response, read);
    },
  };
}

export function httpError(request: HttpRequest, response: HttpResponse, read: FaultReader): HttpError {
  const status = response.status;
  const fault = read(response);
  const secrets = collectSecrets(request.headers, request.body);
  const retryAfter =
    status === 429 || status === 503 || status === 413
      ? (parseRetryAfter(response.headers.get('retry-after')) ?? fault.retryAfter)
      : undefined;
  return httpErrorFor({
    status,
    method: request.method,
    url: redactUrl(response.url || request.url),
    requestId: headerText(requestIdOf(response), secrets),
    details: fault.details === undefined ? undefined : scrubSecrets(fault.details, secrets),
    retryAfter,
  });
}

/** `X-OpenStack-Request-ID`, or nova-style `X-Compute-Request-Id`. */
export function requestIdOf(response: HttpResponse): string | undefined {
  return response.headers.get('x-openstack-request-id') || response.headers.get('x-compute-request-id') || undefined;
}
