/**
 * `createClient()`: the smallest complete client — a known endpoint and a token, on `fetch` — for
 * browsers, workers, Deno and small Node tools. With the standalone generated functions
 * (`getVolume(client, id)` from `<pkg>/block-storage/v2`) an application bundles only the calls it
 * makes: an app that calls getVolume is about 11 KB gzip (bench/bundle-size.ts measures it).
 *
 * It runs the same request pipeline as `connect()` — `litePreset` in runtime/pipeline/presets.ts
 * lists its steps — so a call is built, negotiated, retried and mapped to errors the same way:
 * - auth: `X-Auth-Token` from a string, or from a function called per request and once more after
 *   a 401 (so it can hand out a renewed token);
 * - microversions: per call, the highest one that the operation, the server range and the
 *   caller allow, or the pinned `microversion`; failing before any request when the call cannot
 *   be served (`MicroversionNotSupportedError`). The server range is given (`serverVersions`,
 *   e.g. from `discoverServerVersions()`); without it the service's base version is assumed;
 * - retries, errors, timeouts: the same steps, rules and defaults as `connect()`.
 *
 * Not here (use `connect()`): Keystone, clouds.yaml and OS_* variables, the catalog, automatic
 * version discovery, TLS options and the undici transport; rate and concurrency limits, logging, metrics and
 * tracing are policies you can add with `use()`. fetch follows redirects itself.
 */
import type { ApiResponse, OperationRequest, RequestOptions, ServiceClient } from './client.js';
import { parseVersionDocument, splitVersionedUrl } from './discovery.js';
import { FetchTransport } from './http/fetch-transport.js';
import type { ServerVersions } from './microversion.js';
import type { HeaderOptions } from './pipeline/headers.js';
import { MicroversionRules } from './pipeline/microversion.js';
import { Pipeline } from './pipeline/pipeline.js';
import { litePreset, type PipelineOptions } from './pipeline/presets.js';
import type { RetryOptions } from './pipeline/retry.js';
import { parseBody } from './pipeline/route.js';
import {
  newRequest,
  type CallState,
  type PolicyInput,
  type PolicyPosition,
  type ServiceTarget,
} from './pipeline/types.js';
import type { ServiceVersionDescriptor } from './service.js';

/** A token, or where to get one: called for every request, and again once after a 401. */
export type TokenSource = string | (() => string | Promise<string>);

export interface ClientOptions
  extends RetryOptions, Pick<HeaderOptions, 'globalRequestId'>, Pick<PipelineOptions, 'timeout'> {
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
  /** Headers sent with every request (the same as `additionalHeaders`). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** The fetch to use (default: the global one, looked up per call). */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** Extra `RequestInit` fields for every fetch, e.g. `{ credentials: 'include' }` or undici's `{ dispatcher }`. */
  readonly init?: Readonly<Record<string, unknown>> | undefined;
}

/** What `createClient()` returns: a `ServiceClient` for the standalone generated functions. */
export interface Client extends ServiceClient {
  /** The endpoint requests go to (without trailing slash). */
  readonly endpoint: string;
  /** The steps every call goes through (runtime/pipeline/presets.ts, `litePreset`). */
  readonly pipeline: Pipeline;
  /** Adds a policy to this client's pipeline (see runtime/pipeline/types.ts, `PolicyPosition`). */
  use(policy: PolicyInput, position?: PolicyPosition): Client;
}

/** A client for a known endpoint and token; see the module comment. */
export function createClient(options: ClientOptions): Client {
  const o = options;
  const endpoint = o.endpoint.replace(/\/+$/, '');
  const service: ServiceVersionDescriptor = o.service ?? {
    serviceType: 'block-storage',
    aliases: [],
    version: '2',
    endpointVersions: [],
  };
  const mv = service.microversion;
  const major = /\/v(\d+)(?:\.\d+)?(?:\/|$)/i.exec(new URL(endpoint).pathname)?.[1];
  // Without a known range, the service's base version is all that is assumed.
  const target: ServiceTarget = {
    url: endpoint,
    major: major === undefined ? undefined : Number(major),
    microversions: o.serverVersions ?? (mv && { min: mv.min, max: mv.min }),
    discovered: o.serverVersions !== undefined,
  };
  const rules = new MicroversionRules(service, { defaultMicroversion: o.microversion });
  const token = o.token;
  const pipeline = new Pipeline(
    litePreset(
      {
        target: () => target,
        microversions: rules,
        headers: { globalRequestId: o.globalRequestId, additionalHeaders: o.headers },
        userAgent: undefined,
        tokens: {
          get: () => (typeof token === 'function' ? token() : token),
          token: (value) => value,
          // A function may hand out a renewed token: one more try.
          rejected: () => typeof token === 'function',
        },
      },
      o,
      new FetchTransport({ fetch: o.fetch, init: o.init }),
    ),
  );

  const client: Client = {
    endpoint,
    pipeline,
    clock: o.clock,
    // async so that a refusal (a microversion out of range) is a rejection, like every other failure.
    // eslint-disable-next-line @typescript-eslint/require-await
    negotiate: async (op, requires, call) => rules.version(op, requires, call, target),
    async send(input: OperationRequest, call: RequestOptions = {}): Promise<ApiResponse> {
      const state: CallState = { attempt: 0, durationMs: 0, microversion: undefined, method: undefined };
      const response = await pipeline.send(
        newRequest({
          call: input,
          options: call,
          method: input.operation.method,
          url: endpoint,
          headers: {},
          signal: call.signal,
          timeout: call.timeout,
          context: { serviceType: service.serviceType, idempotent: false },
          state,
        }),
      );
      return {
        status: response.status,
        headers: response.headers,
        body: parseBody(response, state.method ?? 'GET', response.url),
        requestId: response.headers.get('x-openstack-request-id') ?? undefined,
        microversion: state.microversion,
        url: response.url,
      };
    },
    use(policy, position) {
      pipeline.use(policy, position);
      return client;
    },
  };
  return client;
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
