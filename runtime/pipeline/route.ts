/**
 * `route`: the operation's route for the negotiated microversion, its URL (endpoint, path with
 * encoded values, query) and its JSON body; and what the steps below need to know about it
 * (operation id, path template, whether repeating it is safe).
 */
import type { HttpMethod, Operation, QueryValue, Route } from '../client.js';
import { InvalidResponseError, NotSupportedError } from '../errors.js';
import type { HttpResponse } from '../http/types.js';
import { withinBounds } from '../microversion.js';
import { checkPathValue } from '../args.js';
import { headerText } from '../http/header-text.js';
import type { Policy } from './types.js';

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

export const routePolicy: Policy = {
  name: 'route',
  sendRequest(request, next) {
    const call = request.call;
    const target = request.target;
    if (!call || !target) return next(request);
    const op = call.operation;
    const route = chooseRoute(op, request.microversion);
    const root = op.base === 'version' ? versionRoot(target.url) : target.url;
    const url = root + expandPath(route.path, call.pathParams, op.id) + encodeQuery(call.query);
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const context = {
      serviceType: request.context.serviceType,
      operation: op.id,
      template: route.path,
      idempotent: IDEMPOTENT.has(route.method),
      retryNonIdempotent: request.options.retryNonIdempotent,
    };
    request.state.method = route.method;
    return next({ ...request, method: route.method, url, body, context });
  },
};

/** The route for the negotiated version; operations whose URL moved (v3 transfers) have several. */
export function chooseRoute(op: Operation, microversion: string | undefined): Route {
  if (!op.routes || op.routes.length === 0) return op;
  const route = op.routes.find((r) => withinBounds(microversion, r));
  if (!route) throw new NotSupportedError(`${op.id} has no route for microversion ${microversion ?? '(none)'}`);
  return route;
}

/** `http://h/v3/<project>` → `http://h/v3`: the versioned root, for routes served without a project. */
export function versionRoot(endpoint: string): string {
  const m = /^(.*\/v\d+(?:\.\d+)?)\/[^/]+\/?$/.exec(endpoint);
  return m ? m[1] : endpoint;
}

/** Path templates split once into literal text (even indexes) and parameter names (odd ones). */
const COMPILED_PATHS = new Map<string, readonly string[]>();

export function expandPath(
  template: string,
  params: Readonly<Record<string, string>> | undefined,
  opId: string,
): string {
  let parts = COMPILED_PATHS.get(template);
  if (!parts) {
    parts = (template.startsWith('/') ? template : `/${template}`).split(/\{([^}]+)\}/);
    COMPILED_PATHS.set(template, parts);
  }
  let path = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i];
    const value = params?.[name];
    checkPathValue(name, value, opId);
    path += encodeURIComponent(value) + parts[i + 1];
  }
  return path;
}

export function encodeQuery(query: Readonly<Record<string, QueryValue | undefined>> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of isList(value) ? value : [value]) {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(item))}`);
    }
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

function isList(value: QueryValue): value is readonly (string | number | boolean)[] {
  return Array.isArray(value);
}

export function parseBody(response: HttpResponse, method: string, url: string): unknown {
  // A scan for the first non-space, not trim(): a page of a listing can be megabytes.
  if (!/\S/.test(response.body)) return undefined;
  try {
    return JSON.parse(response.body) as unknown;
  } catch (cause) {
    // The body itself is not quoted: it might be anything, including echoed credentials.
    const type = headerText(response.headers.get('content-type'), []) ?? 'no content type';
    throw new InvalidResponseError(
      `${method} ${url}`,
      `HTTP ${response.status} response is not JSON (${type}, ${response.body.length} characters)`,
      { cause },
    );
  }
}
