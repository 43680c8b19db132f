/**
 * `ServiceSession`: the `ServiceClient` behind one generated proxy (one API version of one service).
 *
 * It finds the endpoint and the server's microversion range once (catalog, then version
 * discovery), shared by all calls, and sends each call through the request pipeline's
 * `connectPreset` (runtime/pipeline/presets.ts lists every step: microversion, route, headers,
 * auth with re-authentication after a 401, logging, errors, retries, redirects, limits, metrics,
 * tracing, transport).
 */
import type { Clock } from './clock.js';
import type { ApiResponse, Operation, OperationRequest, RequestOptions, ServiceClient } from './client.js';
import { ConfigurationError, EndpointNotFoundError, SdkError } from './errors.js';
import { HttpClient } from './http/http-client.js';
import { defaultTransport } from './http/default-transport.js';
import type { HttpClientLike, HttpResponse, Transport } from './http/types.js';
import { buildUserAgent } from './http/user-agent.js';
import { adaptLogger } from './logging.js';
import type { ServerVersions } from './microversion.js';
import type { ServiceVersionDescriptor } from './service.js';
import { abortable } from './auth/abortable.js';
import { endpointFor } from './auth/endpoint.js';
import type { TokenCache } from './auth/token-cache.js';
import type { AuthState } from './auth/types.js';
import { metricSinks, type HttpPassThroughOptions } from './config/http-options.js';
import { VersionDiscovery } from './discovery.js';
import type { HeaderOptions } from './pipeline/headers.js';
import { majorOf, MicroversionRules, type MicroversionOptions } from './pipeline/microversion.js';
import { Pipeline } from './pipeline/pipeline.js';
import { connectPreset, customHttpPreset, type CallSetup } from './pipeline/presets.js';
import { parseBody } from './pipeline/route.js';
import type { TokenProvider } from './pipeline/auth.js';
import { newRequest, type CallState, type PolicyInput, type PolicyPosition } from './pipeline/types.js';

/**
 * openstacksdk's `Proxy(...)` keyword arguments, camelCased. Delays and timeouts are in
 * milliseconds. Retries, limits, logging, metric hooks and tracing are steps of the pipeline.
 */
export interface ProxyOptions extends HttpPassThroughOptions, HeaderOptions, MicroversionOptions {
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
}

export interface ServiceSessionOptions extends ProxyOptions {
  /** The proxy class's descriptor (`ProxyClass.service`). */
  readonly service: ServiceVersionDescriptor;
  readonly auth: TokenCache;
  /**
   * An HTTP client of your own for this service's calls: then only the call steps and auth run
   * here, the rest in it. When absent the whole pipeline runs on `transport` (default: undici
   * on Node, fetch elsewhere; closed by `close()` when the session made it).
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

export class ServiceSession implements ServiceClient {
  readonly service: ServiceVersionDescriptor;
  /** This session's request pipeline; add policies with `use()`. */
  readonly pipeline: Pipeline;
  readonly #options: ServiceSessionOptions;
  readonly #rules: MicroversionRules;
  readonly #discovery: VersionDiscovery;
  /** Set when this session made its transport (or HTTP client for discovery) and must close it. */
  readonly #owned: Array<{ close?(): Promise<void> | void }> = [];
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
    this.#rules = new MicroversionRules(options.service, options);
    const logger = adaptLogger(options.logger, options.loggerOptions);
    const auth = options.auth;
    const tokens: TokenProvider<AuthState> = {
      // The usual case (a valid token at hand) without waiting for anything.
      get: (signal) => auth.usable() ?? auth.get(signal),
      token: (state) => state.token?.reveal(),
      rejected: (state) => auth.invalidate(state),
    };
    const setup: CallSetup<AuthState> = {
      target: (signal) => this.#resolvedValue ?? this.resolve(signal),
      microversions: this.#rules,
      headers: options,
      userAgent: options.userAgent ? `${options.userAgent} ${buildUserAgent()}` : buildUserAgent(),
      tokens,
    };
    let http = options.http;
    if (http) {
      this.pipeline = new Pipeline(customHttpPreset(setup, http, logger));
    } else {
      const transport = options.transport ?? defaultTransport({ timeout: options.timeout });
      if (!options.transport) this.#owned.push(transport);
      const pipelineOptions = { ...options, metrics: metricSinks(options) };
      this.pipeline = new Pipeline(connectPreset(setup, pipelineOptions, transport));
      if (!options.discovery) http = new HttpClient({ ...pipelineOptions, transport, userAgent: setup.userAgent });
    }
    this.#discovery = options.discovery ?? new VersionDiscovery({ http: http as HttpClientLike, logger });
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
    return this.#rules.version(operation, requires, options, resolved);
  }

  async send(request: OperationRequest, options: RequestOptions = {}): Promise<ApiResponse> {
    if (this.#closed) throw new SdkError('The connection is closed');
    const state: CallState = { attempt: 0, durationMs: 0, microversion: undefined, method: undefined };
    const response = await this.pipeline.send(
      newRequest({
        call: request,
        options,
        method: request.operation.method,
        url: '',
        headers: {},
        signal: options.signal,
        timeout: options.timeout ?? this.#options.timeout,
        context: { serviceType: this.service.serviceType, idempotent: false },
        state,
      }),
    );
    return toApiResponse(response, state);
  }

  /** Adds a policy to this session's pipeline (see runtime/pipeline/types.ts, `PolicyPosition`). */
  use(policy: PolicyInput, position?: PolicyPosition): this {
    this.pipeline.use(policy, position);
    return this;
  }

  /** The clock waiters poll by (the `clock` option; undefined: real time). */
  get clock(): Clock | undefined {
    return this.#options.clock;
  }

  /** Stops new calls, and releases the transport if this session made it. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const owned of this.#owned) await owned.close?.();
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
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/** What generated code gets back: the response with its body parsed. */
export function toApiResponse(response: HttpResponse, state: CallState): ApiResponse {
  return {
    status: response.status,
    headers: response.headers,
    body: parseBody(response, state.method ?? 'GET', response.url),
    requestId:
      response.headers.get('x-openstack-request-id') ?? response.headers.get('x-compute-request-id') ?? undefined,
    microversion: state.microversion,
    url: response.url,
  };
}
