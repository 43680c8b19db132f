/**
 * `redirect`: follows 301/302/303/307/308 up to `maxRedirects` (default 30, as keystoneauth),
 * because undici's request() does not follow them (fetch does, so the lite preset has no such step). A 303,
 * or a 301/302 answering a POST, continues as a GET without body; credentials are dropped when a
 * redirect leaves the origin. Each hop is an attempt of its own for metrics and traces.
 */
import { isSensitiveHeader, redactUrl } from '../http/redact.js';
import { logFields, type LogSettings } from './logging.js';
import type { Policy } from './types.js';

export const DEFAULT_MAX_REDIRECTS = 30;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function redirectPolicy(maxRedirects: number | undefined, log: LogSettings | undefined): Policy {
  const max = maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  return {
    name: 'redirect',
    async sendRequest(first, next) {
      let request = first;
      for (let hops = 0; ; hops++) {
        const response = await next(request);
        const location = REDIRECTS.has(response.status) ? response.headers.get('location') : null;
        if (!location || hops >= max) return response;
        const target = new URL(location, request.url);
        if (log?.logger.enabled('debug')) {
          log.logger.log(
            'debug',
            `${request.method} ${redactUrl(request.url)} ${response.status} → ${redactUrl(target.href)}`,
            logFields(request, response, log.logBodies),
          );
        }
        let { method, body, headers } = request;
        const status = response.status;
        if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          headers = without(headers, (name) => name === 'content-type');
        }
        if (target.origin !== new URL(request.url).origin) headers = without(headers, isSensitiveHeader);
        request.state.attempt++;
        request = { ...request, method, url: target.href, body, headers };
      }
    },
  };
}

function without(headers: Readonly<Record<string, string>>, drop: (name: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) if (!drop(name)) out[name] = headers[name];
  return out;
}
