/**
 * `headers`: the headers every request carries, built once per request here and nowhere else —
 * `Accept`, the `User-Agent`, the client's `X-OpenStack-Request-ID` and additional headers, then
 * what the steps above set (microversion), then the call's own request id and headers, and
 * `Content-Type` for a body. Names are lower-cased. (The token is added below, by `auth`, so a
 * caller's header cannot replace it.)
 */
import { checkHeaderValues } from '../http/header-values.js';
import type { Policy } from './types.js';

export interface HeaderOptions {
  /** Sent as `X-OpenStack-Request-ID` on every call (a call's `globalRequestId` wins). */
  readonly globalRequestId?: string | undefined;
  /** Headers sent with every request (a call's `headers` win). */
  readonly additionalHeaders?: Readonly<Record<string, string>> | undefined;
}

/**
 * @param userAgent the whole `User-Agent` value, or undefined to send none (browsers forbid it).
 */
export function headersPolicy(options: HeaderOptions, userAgent: string | undefined): Policy {
  const base: Record<string, string> = { accept: 'application/json' };
  if (userAgent !== undefined) base['user-agent'] = userAgent;
  const extra = options.additionalHeaders;
  for (const name in extra) base[name.toLowerCase()] = extra[name];
  if (options.globalRequestId !== undefined) base['x-openstack-request-id'] = options.globalRequestId;
  return {
    name: 'headers',
    sendRequest(request, next) {
      // Object.assign, not a spread: with header names (not identifiers) as keys, V8 copies this
      // way about 4x faster, and this runs on every request.
      const headers: Record<string, string> = Object.assign({}, base);
      const own = request.headers;
      for (const name in own) headers[name.toLowerCase()] = own[name];
      const call = request.options;
      if (call.globalRequestId !== undefined) headers['x-openstack-request-id'] = call.globalRequestId;
      const given = call.headers;
      for (const name in given) headers[name.toLowerCase()] = given[name];
      if (request.body !== undefined && headers['content-type'] === undefined)
        headers['content-type'] = 'application/json';
      // CR, LF or NUL in a value: the caller's mistake, refused at once (not a connection error after retries).
      checkHeaderValues(headers);
      return next({ ...request, headers });
    },
  };
}
