/**
 * `createClient()`: the smallest complete client — a known endpoint and a token, on `fetch` — for
 * browsers, workers, Deno and small Node tools. With the standalone generated functions
 * (`getVolume(client, id)` from `<pkg>/block-storage/v2`) an application bundles only the calls it
 * makes: an app that calls getVolume is under 8 KB gzip (bench/bundle-size.ts measures it).
 *
 * It is a `ServiceClient` like `ServiceSession` and shares its request building (routes, path and
 * query encoding, body parsing), microversion negotiation, typed errors and retry timing, so a
 * call behaves the same on both:
 * - auth: `X-Auth-Token` from a string, or from a function called per request and once more after
 *   a 401 (so it can hand out a renewed token);
 * - microversions: per call, the highest one that the operation, the server range and the
 *   caller allow, or the pinned `microversion`; failing before any request when the call cannot
 *   be served (`MicroversionNotSupportedError`). The server range is given (`serverVersions`,
 *   e.g. from `discoverServerVersions()`); without it the service's base version is assumed;
 * - retries: HttpClient's rules and defaults — after a failure without response, 2 more attempts
 *   for requests that surely were not sent or are safe to repeat; after 503/429, 3 more
 *   (`Retry-After` honoured up to 60 s, else backoff with full jitter);
 * - errors: the same `HttpError` subclasses (with Cinder's message and the request id),
 *   `ConnectionError`, `RequestTimeoutError` (60 s per attempt by default), `AbortError`.
 *
 * Deliberately smaller than HttpClient: `details` of an error is Cinder's JSON message, or the
 * body as text (HTML is not cleaned up); fetch follows redirects itself. Not here (use
 * `connect()`): Keystone, clouds.yaml and OS_* variables, the catalog, automatic version
 * discovery, rate and concurrency limits, logger and metrics sinks, TLS options and node:http.
 */
import type {
  ApiResponse,
  HeaderReader,
  Operation,
  OperationRequest,
  RequestOptions,
  ServiceClient,
} from './client.js';
import { ConfigurationError, ConnectionError, RequestTimeoutError, httpErrorFor } from './errors.js';
import { parseVersionDocument, splitVersionedUrl } from './discovery.js';
import { abortError } from './http/abort.js';
import { checkHeaderValues } from './http/header-values.js';
import { headerText } from './http/header-text.js';
import { backoffDelay, parseRetryAfter } from './http/retry.js';
import { negotiateMicroversion, type ServerVersions } from './microversion.js';
import type { ServiceVersionDescriptor } from './service.js';
import { chooseRoute, encodeQuery, expandPath, parseBody } from './session.js';
import { sleep } from './sleep.js';

/** A token, or where to get one: called for every request, and again once after a 401. */
export type TokenSource = string | (() => string | Promise<string>);

export interface ClientOptions {
  /** The service endpoint, e.g. `https://cinder.example.com:8776/v3/<project id>`. */
  readonly endpoint: string;
  /** Sent as `X-Auth-Token`; none when absent. */
  readonly token?: TokenSource | undefined;
  /**
   * The API version the functions you call were generated for (`BlockStorageV2.service`); it says
   * whether and how microversions are sent. Default: a service without microversions (v2).
   */
  readonly service?: ServiceVersionDescriptor | undefined;
  /** Microversion sent on every call that allows it, instead of negotiating. */
  readonly microversion?: string | undefined;
  /** The server's microversion range, when known; skips reading it from the service root. */
  readonly serverVersions?: ServerVersions | undefined;
  /** Headers sent with every request. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** The fetch to use (default: the global one, looked up per call). */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** Extra `RequestInit` fields for every fetch, e.g. `{ credentials: 'include' }` or undici's `{ dispatcher }`. */
  readonly init?: Readonly<Record<string, unknown>> | undefined;
  /** Per-attempt timeout in ms (default 60 000). */
  readonly timeout?: number | undefined;
  /** Extra attempts after a failure without response (default 2). */
  readonly connectRetries?: number | undefined;
  /** Extra attempts after a retriable status (default 3; 0 disables). */
  readonly statusCodeRetries?: number | undefined;
  /** Statuses worth retrying (default [503, 429]). */
  readonly retriableStatusCodes?: readonly number[] | undefined;
  /** First backoff ceiling in ms (default 500). */
  readonly retryBaseDelay?: number | undefined;
  /** Backoff cap in ms (default 30 000). */
  readonly retryMaxDelay?: number | undefined;
  /** Longest Retry-After honoured, in ms (default 60 000); longer ones end the retries. */
  readonly maxRetryAfter?: number | undefined;
}

/** What `createClient()` returns: a `ServiceClient` for the standalone generated functions. */
export interface Client extends ServiceClient {
  /** The endpoint requests go to (without trailing slash). */
  readonly endpoint: string;
}

const IDEMPOTENT = ['GET', 'HEAD', 'PUT', 'DELETE'];

/** A client for a known endpoint and token; see the module comment. */
export function createClient(options: ClientOptions): Client {
  const o = options;
  const endpoint = o.endpoint.replace(/\/+$/, '');
  const service = o.service;
  const mv = service?.microversion;
  // A v2 client on a v3 endpoint speaks the base version: nothing is negotiated (ServiceSession's
  // rule). Without a known range, the service's base version is all that is assumed.
  const major = /\/v(\d+)(?:\.\d+)?(?:\/|$)/i.exec(new URL(endpoint).pathname)?.[1];
  const server =
    mv && (major === undefined || major === service?.version)
      ? (o.serverVersions ?? { min: mv.min, max: mv.min })
      : undefined;
  // HttpClient's defaults (HTTP_CLIENT_DEFAULTS), written out so that its module stays out of bundles.
  const timeout = o.timeout ?? 60_000;
  const retriable = o.retriableStatusCodes ?? [503, 429];
  const backoff = (retry: number): number => backoffDelay(retry, o.retryBaseDelay ?? 500, o.retryMaxDelay ?? 30_000);

  // async so that a refusal (a microversion out of range) is a rejection, like every other failure.
  const negotiate = async (
    op: Operation,
    requires?: string,
    call: RequestOptions = {},
    // eslint-disable-next-line @typescript-eslint/require-await
  ): Promise<string | undefined> => {
    const pinned = call.microversion ?? o.microversion;
    return negotiateMicroversion({
      operation: op.id,
      bounds: op,
      requires,
      server: pinned === undefined ? server : undefined,
      pinned,
      clientMax: mv?.max,
    });
  };

  return {
    endpoint,
    negotiate,
    async send(input: OperationRequest, call: RequestOptions = {}): Promise<ApiResponse> {
      const op = input.operation;
      const microversion = await negotiate(op, input.requires, call);
      const { method, path } = chooseRoute(op, microversion);
      const url = endpoint + expandPath(path, input.pathParams, op.id) + encodeQuery(input.query);
      const body = input.body === undefined ? undefined : JSON.stringify(input.body);
      const caller = call.signal;
      const aborted = (): Error => abortError(method, url, caller as AbortSignal);
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (call.globalRequestId !== undefined) headers['x-openstack-request-id'] = call.globalRequestId;
      if (microversion !== undefined) {
        if (!mv) throw new ConfigurationError('this API version has no microversions');
        headers['openstack-api-version'] = `${mv.headerService} ${microversion}`;
      }
      for (const extra of [o.headers, call.headers]) {
        for (const k in extra) headers[k.toLowerCase()] = extra[k];
      }
      const safe = IDEMPOTENT.includes(method) || call.retryNonIdempotent === true;
      const ms = call.timeout ?? timeout;
      const token = o.token;
      let renewed = typeof token !== 'function';
      let connectFailures = 0;
      let statusFailures = 0;
      for (;;) {
        const value = typeof token === 'function' ? await token() : token;
        if (value) headers['x-auth-token'] = value;
        checkHeaderValues(headers);
        if (caller?.aborted) throw aborted();
        // One attempt: the timeout (covering the body too) and the caller's signal end it.
        const controller = new AbortController();
        const abort = (): void => controller.abort();
        caller?.addEventListener('abort', abort);
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          abort();
        }, ms);
        let response: { status: number; headers: HeaderReader; body: string; url: string };
        try {
          const r = await (o.fetch ?? fetch)(url, { ...o.init, method, headers, body, signal: controller.signal });
          response = { status: r.status, headers: r.headers, url: r.url || url, body: await r.text() };
        } catch (error) {
          if (timedOut) throw new RequestTimeoutError(method, url, `no response within ${ms} ms`, { cause: error });
          if (caller?.aborted) throw aborted();
          // fetch does not say how far it got; undici (Node) names the cause, browsers only say "Failed to fetch".
          const code = (error as { cause?: { code?: string } }).cause?.code;
          const failure = new ConnectionError(method, url, String((error as Error).message ?? error), {
            cause: error,
            code,
            sent: !/^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN)$/.test(String(code)),
          });
          // HttpClient's rule: retry what surely was not sent or is safe to repeat; never a certificate failure.
          if ((!safe && failure.sent) || connectFailures >= (o.connectRetries ?? 2) || /CERT/.test(String(code))) {
            throw failure;
          }
          await sleep(backoff(connectFailures++), caller, aborted);
          continue;
        } finally {
          clearTimeout(timer);
          caller?.removeEventListener('abort', abort);
        }
        const status = response.status;
        const after = parseRetryAfter(response.headers.get('retry-after'));
        if (
          retriable.includes(status) &&
          (safe || status === 429) &&
          statusFailures < (o.statusCodeRetries ?? 3) &&
          (after === undefined || after * 1000 <= (o.maxRetryAfter ?? 60_000))
        ) {
          await sleep(after === undefined ? backoff(statusFailures) : after * 1000, caller, aborted);
          statusFailures++;
          continue;
        }
        // A token function may hand out a renewed token: one more try, as ServiceSession does.
        if (status === 401 && !renewed) {
          renewed = true;
          continue;
        }
        const requestId = response.headers.get('x-openstack-request-id') ?? undefined;
        if (status >= 400) {
          throw httpErrorFor({
            status,
            method,
            url,
            requestId: headerText(requestId, value ? [value] : []),
            details: details(response.body, value),
            retryAfter: after,
          });
        }
        return { ...response, body: parseBody(response, method, url), requestId, microversion };
      }
    },
  };
}

/** Cinder's message from a fault body (`{"itemNotFound": {"message": …}}`), else the body as text; never the token. */
function details(body: string, token: string | undefined): string | undefined {
  let text = body.trim();
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
  if (token) text = text.split(token).join('***');
  return text === '' ? undefined : text.slice(0, 1000);
}

/**
 * The server's microversion range for `createClient({ serverVersions })`: read from the version
 * document at the service root (`http://h:8776/`, served without a token), for the endpoint's major
 * version. Undefined when the document does not list it.
 */
export async function discoverServerVersions(
  endpoint: string,
  fetchFn: typeof globalThis.fetch = globalThis.fetch,
): Promise<ServerVersions | undefined> {
  const { root, major } = splitVersionedUrl(endpoint);
  const response = await fetchFn(root, { headers: { accept: 'application/json' } });
  const versions = parseVersionDocument((await response.json()) as unknown, root);
  return versions.find((v) => v.major === major)?.microversions;
}
