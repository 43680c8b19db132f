/**
 * `ServiceSession`: the `ServiceClient` behind one generated proxy (one API version of one service).
 *
 * Per call it (1) finds the endpoint and the server's microversion range once, shared by all calls;
 * (2) negotiates the microversion for this operation, failing before any request when the call
 * cannot be served; (3) picks the route for that microversion, encodes path and query, sets the
 * headers; (4) sends through the HTTP client, re-authenticating once on a 401.
 */
import type {
  ApiResponse,
  HttpMethod,
  Operation,
  OperationRequest,
  QueryValue,
  RequestOptions,
  Route,
  ServiceClient,
} from './client.js';
import {
  ConfigurationError,
  EndpointNotFoundError,
  InvalidResponseError,
  MicroversionNotSupportedError,
  NotSupportedError,
  SdkError,
  UnauthorizedError,
} from './errors.js';
import { checkPathValue } from './args.js';
import { HttpClient } from './http/http-client.js';
import type { HttpClientLike, HttpResponse, Transport } from './http/types.js';
import { headerText } from './http/header-text.js';
import { buildUserAgent } from './http/user-agent.js';
import { adaptLogger, type SdkLogger } from './logging.js';
import {
  compareMicroversions,
  highestMinimum,
  lowestMaximum,
  negotiateMicroversion,
  parseMicroversion,
  withinBounds,
  type ServerVersions,
} from './microversion.js';
import type { ServiceVersionDescriptor } from './service.js';
import { abortable } from './auth/abortable.js';
import { endpointFor } from './auth/endpoint.js';
import type { TokenCache } from './auth/token-cache.js';
import type { AuthState } from './auth/types.js';
import { httpClientOptions, type HttpPassThroughOptions } from './config/http-options.js';
import { VersionDiscovery } from './discovery.js';

/**
 * openstacksdk's `Proxy(...)` keyword arguments, camelCased. Delays and timeouts are in
 * milliseconds. Retries, limits, logging and metric hooks act in the HTTP client.
 */
export interface ProxyOptions extends HttpPassThroughOptions {
  /** Catalog type to look up first (default: the descriptor's), then the descriptor's aliases. */
  readonly serviceType?: string | undefined;
  readonly serviceName?: string | undefined;
  /** `public` (default), `internal`, `admin`; `publicURL` style accepted; a list means "in this order". */
  readonly interface?: string | readonly string[] | undefined;
  readonly regionName?: string | undefined;
  /** Use this URL instead of the catalog; `%(project_id)s` is filled. */
  readonly endpointOverride?: string | undefined;
  /** Major API version; must be the descriptor's (a safety check when wiring sessions by hand). */
  readonly version?: string | undefined;
  /** Prepended to the SDK's own User-Agent, e.g. `my-app/1.2`. */
  readonly userAgent?: string | undefined;
  /** Sent as `X-OpenStack-Request-ID` on every call (per-call `globalRequestId` wins). */
  readonly globalRequestId?: string | undefined;
  readonly additionalHeaders?: Readonly<Record<string, string>> | undefined;
  /** Microversion sent on every call instead of negotiating (`block_storage_default_microversion`). */
  readonly defaultMicroversion?: string | undefined;
  /** Lowest microversion this client accepts (`X.Y`); a call that would go lower fails instead. */
  readonly minVersion?: string | undefined;
  /** Highest microversion this client sends (`X.Y`); `X` or `X.latest` means no ceiling. */
  readonly maxVersion?: string | undefined;
}

export interface ServiceSessionOptions extends ProxyOptions {
  /** The proxy class's descriptor (`ProxyClass.service`). */
  readonly service: ServiceVersionDescriptor;
  readonly auth: TokenCache;
  /**
   * The HTTP client for this service. When absent one is built from the pass-through options on
   * `transport` (default: node:http on Node, fetch elsewhere), and closed by `close()`.
   */
  readonly http?: HttpClientLike | undefined;
  readonly transport?: Transport | undefined;
  /** Shared version-discovery cache; a private one is made when absent. */
  readonly discovery?: VersionDiscovery | undefined;
  /** Where `connect()` already found the service; skips the lookup. */
  readonly resolved?: ResolvedService | undefined;
}

/** Where the service is and what it supports, as found once per session. */
export interface ResolvedService {
  /** Endpoint URL without trailing slash, e.g. `http://h:8776/v3/<project>`. */
  readonly url: string;
  /** Major version served at that URL, when known. */
  readonly major: number | undefined;
  /** The server's microversion range, when discovery found one. */
  readonly microversions: ServerVersions | undefined;
  readonly discovered: boolean;
  /** Catalog type it was found under (undefined for overrides and fixed endpoints). */
  readonly serviceType: string | undefined;
}

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

export class ServiceSession implements ServiceClient {
  readonly service: ServiceVersionDescriptor;
  readonly #options: ServiceSessionOptions;
  readonly #http: HttpClientLike;
  /** Set when this session built the HTTP client and must close it. */
  readonly #ownHttp: HttpClient | undefined;
  readonly #logger: SdkLogger;
  readonly #discovery: VersionDiscovery;
  readonly #clientMax: string | undefined;
  readonly #clientMin: string | undefined;
  readonly #userAgent: string | undefined;
  /** Headers every call sends, lower-cased (Accept, User-Agent, additional and global request id). */
  readonly #baseHeaders: Readonly<Record<string, string>>;
  readonly #major: string;
  #resolved: Promise<ResolvedService> | undefined;
  /** The settled value of #resolved, so that calls after the first need not wait for it. */
  #resolvedValue: ResolvedService | undefined;
  #closed = false;

  constructor(options: ServiceSessionOptions) {
    this.service = options.service;
    this.#options = options;
    if (options.version !== undefined && majorOf(options.version) !== majorOf(options.service.version)) {
      throw new ConfigurationError(
        `version ${options.version} was requested for a ${options.service.serviceType} v${options.service.version} session`,
      );
    }
    this.#clientMax = microversionBound(options.maxVersion, 'maxVersion');
    this.#clientMin = microversionBound(options.minVersion, 'minVersion');
    if (options.defaultMicroversion !== undefined)
      parseMicroversion(options.defaultMicroversion, 'defaultMicroversion');
    this.#logger = adaptLogger(options.logger);
    if (options.http) {
      this.#http = options.http;
      this.#ownHttp = undefined;
    } else {
      const own = new HttpClient(httpClientOptions(options, options.transport));
      this.#http = own;
      this.#ownHttp = own;
    }
    this.#discovery = options.discovery ?? new VersionDiscovery({ http: this.#http, logger: this.#logger });
    // The HttpClient sends the SDK's own User-Agent; an application product goes in front of it.
    this.#userAgent = options.userAgent ? `${options.userAgent} ${buildUserAgent()}` : undefined;
    this.#major = majorOf(options.service.version);
    const base: Record<string, string> = { accept: 'application/json' };
    if (this.#userAgent !== undefined) base['user-agent'] = this.#userAgent;
    for (const [k, v] of Object.entries(options.additionalHeaders ?? {})) base[k.toLowerCase()] = v;
    if (options.globalRequestId !== undefined) base['x-openstack-request-id'] = options.globalRequestId;
    this.#baseHeaders = base;
    if (options.resolved) {
      this.#resolved = Promise.resolve(options.resolved);
      this.#resolvedValue = options.resolved;
    }
  }

  /** Endpoint and microversion range (authenticates and discovers on first use). */
  resolve(signal?: AbortSignal): Promise<ResolvedService> {
    if (!this.#resolved) {
      const pending = this.#resolve();
      this.#resolved = pending;
      pending.then(
        (value) => {
          if (this.#resolved === pending) this.#resolvedValue = value;
        },
        () => undefined,
      );
      // A failure (Keystone down, no endpoint) is not kept: the next call tries again.
      pending.catch(() => {
        if (this.#resolved === pending) this.#resolved = undefined;
      });
    }
    return abortable(this.#resolved, signal);
  }

  async negotiate(operation: Operation, requires?: string, options?: RequestOptions): Promise<string | undefined> {
    const resolved = await this.resolve(options?.signal);
    return this.#microversion(operation, requires, options, resolved);
  }

  async send(request: OperationRequest, options: RequestOptions = {}): Promise<ApiResponse> {
    if (this.#closed) throw new SdkError('The connection is closed');
    const resolved = this.#resolvedValue ?? (await this.resolve(options.signal));
    const op = request.operation;
    const microversion = this.#microversion(op, request.requires, options, resolved, request.caps);
    const route = chooseRoute(op, microversion);
    const root = op.base === 'version' ? versionRoot(resolved.url) : resolved.url;
    const url = root + expandPath(route.path, request.pathParams, op.id) + encodeQuery(request.query);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const context = {
      serviceType: this.service.serviceType,
      operation: op.id,
      template: route.path,
      idempotent: IDEMPOTENT.has(route.method),
      retryNonIdempotent: options.retryNonIdempotent,
    };
    const timeout = options.timeout ?? this.#options.timeout;
    const response = await this.#withAuth(options.signal, (state) =>
      this.#http.request(
        {
          method: route.method,
          url,
          headers: this.#headers(microversion, body !== undefined, options, state),
          body,
          signal: options.signal,
          timeout,
        },
        context,
      ),
    );
    return {
      status: response.status,
      headers: response.headers,
      body: parseBody(response, route.method, url),
      requestId:
        response.headers.get('x-openstack-request-id') ?? response.headers.get('x-compute-request-id') ?? undefined,
      microversion,
      url: response.url || url,
    };
  }

  /** Stops new calls, and releases the HTTP client if this session built it. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#ownHttp?.close();
  }

  toJSON(): Record<string, unknown> {
    return { serviceType: this.service.serviceType, version: this.service.version };
  }

  async #resolve(): Promise<ResolvedService> {
    const o = this.#options;
    const state = await o.auth.get();
    const serviceTypes = unique([
      o.serviceType ?? this.service.serviceType,
      this.service.serviceType,
      ...this.service.aliases,
    ]);
    const endpoint = endpointFor(state, {
      serviceTypes,
      serviceName: o.serviceName,
      interface: o.interface,
      regionName: o.regionName,
      endpointOverride: o.endpointOverride,
    });
    const found = await this.#discovery.discover(endpoint.url, {
      token: state.token,
      serviceType: this.service.serviceType,
    });
    const resolved: ResolvedService = {
      url: found.url,
      major: found.major,
      microversions: found.version?.microversions,
      discovered: found.discovered,
      serviceType: endpoint.serviceType,
    };
    if (resolved.major !== undefined && !this.service.endpointVersions.includes(String(resolved.major))) {
      throw new EndpointNotFoundError(
        `${resolved.url} serves ${this.service.serviceType} v${resolved.major}; the v${this.service.version} client needs an endpoint of version ${this.service.endpointVersions.join(' or ')}`,
      );
    }
    return resolved;
  }

  /** Runs `attempt` with a token; on a 401 drops that token and tries once more with a new one. */
  #withAuth(
    signal: AbortSignal | undefined,
    attempt: (state: AuthState) => Promise<HttpResponse>,
  ): Promise<HttpResponse> {
    const auth = this.#options.auth;
    const retry =
      (first: AuthState) =>
      (err: unknown): Promise<HttpResponse> => {
        if (!(err instanceof UnauthorizedError) || !auth.invalidate(first)) throw err;
        this.#logger.log('info', 'token rejected (401); authenticating again', {
          serviceType: this.service.serviceType,
        });
        return auth.get(signal).then(attempt);
      };
    // The usual case (a valid token at hand) without waiting for anything.
    const usable = auth.usable();
    if (usable) return attempt(usable).catch(retry(usable));
    return auth.get(signal).then((first) => attempt(first).catch(retry(first)));
  }

  #microversion(
    op: Operation,
    requires: string | undefined,
    options: RequestOptions | undefined,
    resolved: ResolvedService,
    caps?: string,
  ): string | undefined {
    const desc = this.service.microversion;
    const pinned = options?.microversion ?? this.#options.defaultMicroversion;
    // The common v2 case: no microversions, nothing pinned or required, no header.
    if (!desc && pinned === undefined && requires === undefined && this.#clientMin === undefined && !op.minVersion) {
      return undefined;
    }
    // A proxy talking to an endpoint of another major version (v2 on a v3 endpoint) speaks that
    // endpoint's base version: nothing is negotiated, a header goes out only when pinned.
    const native = resolved.major === undefined || String(resolved.major) === this.#major;
    const server = desc && native ? resolved.microversions : undefined;
    // The operation's range, narrowed by what this SDK was generated for and by the fields and
    // arguments of this call; the caller's own ceiling (maxVersion) is reported as such.
    // (A pinned version is the caller's decision: only the operation, the call and the server limit it.)
    const bounds = {
      minVersion: op.minVersion,
      maxVersion: lowestMaximum([op.maxVersion, caps, pinned === undefined ? desc?.max : undefined]),
    };
    const version = negotiateMicroversion({
      operation: op.id,
      bounds,
      requires: highestMinimum([requires, this.#clientMin]),
      server,
      pinned,
      clientMax: this.#clientMax,
    });
    if (pinned !== undefined && server !== undefined) {
      const p = parseMicroversion(pinned);
      if (
        compareMicroversions(p, parseMicroversion(server.min)) < 0 ||
        compareMicroversions(p, parseMicroversion(server.max)) > 0
      ) {
        throw new MicroversionNotSupportedError(
          op.id,
          pinned,
          `${server.min}–${server.max}`,
          'pinned version outside the server range',
        );
      }
    }
    return version;
  }

  /** The headers of one attempt, lower-cased: built once per attempt, with that attempt's token. */
  #headers(
    microversion: string | undefined,
    hasBody: boolean,
    options: RequestOptions,
    state: AuthState,
  ): Record<string, string> {
    const headers: Record<string, string> = Object.assign({}, this.#baseHeaders);
    if (hasBody) headers['content-type'] = 'application/json';
    if (options.globalRequestId !== undefined) headers['x-openstack-request-id'] = options.globalRequestId;
    if (microversion !== undefined) {
      const name = this.service.microversion?.headerService;
      if (name === undefined) {
        throw new ConfigurationError(
          `${this.service.serviceType} v${this.service.version} has no microversions; do not set defaultMicroversion or microversion`,
        );
      }
      headers['openstack-api-version'] = `${name} ${microversion}`;
    }
    if (options.headers) for (const [k, v] of Object.entries(options.headers)) headers[k.toLowerCase()] = v;
    // The token last: a caller's header cannot replace it.
    if (state.token) headers['x-auth-token'] = state.token.reveal();
    return headers;
  }
}

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

/** `3.27` → `3.27`; `3`, `3.latest` or undefined → undefined (a major-only bound limits nothing here). */
function microversionBound(value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^v?\d+(\.latest)?$/i.test(v)) return undefined;
  parseMicroversion(v, what);
  return v;
}

function majorOf(version: string): string {
  return version.trim().replace(/^v/i, '').split('.')[0] ?? version;
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}
