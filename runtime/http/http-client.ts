/**
 * `HttpClient`: raw HTTP requests (Keystone, version discovery, your own) through the request
 * pipeline's HTTP steps — headers, logging, error mapping, retries, redirects, limits, metrics,
 * tracing, then the transport (runtime/pipeline/presets.ts, `httpPreset`, lists them in order;
 * each step's file says what it does). Calls of generated methods take the same steps, after the
 * call-building ones (`connectPreset`).
 */
import { Pipeline } from '../pipeline/pipeline.js';
import { httpPreset, type PipelineOptions } from '../pipeline/presets.js';
import { DEFAULT_MAX_REDIRECTS } from '../pipeline/redirect.js';
import { RETRY_DEFAULTS } from '../pipeline/retry.js';
import { DEFAULT_TIMEOUT } from '../pipeline/transport.js';
import { newRequest, type PolicyInput, type PolicyPosition } from '../pipeline/types.js';
import { defaultTransport } from './default-transport.js';
import type { HttpClientLike, HttpRequest, HttpResponse, RequestContext, Transport } from './types.js';
import { buildUserAgent } from './user-agent.js';
import type { HeaderOptions } from '../pipeline/headers.js';

export interface HttpClientOptions extends PipelineOptions, HeaderOptions {
  /** Default: `defaultTransport()` (undici on Node, fetch elsewhere). */
  readonly transport?: Transport | undefined;
  /** Replaces the whole User-Agent (default: `[app/ver] openstack-block-storage/x Node.js/y`). */
  readonly userAgent?: string | undefined;
  /** Application name and version put first in the User-Agent. */
  readonly appName?: string | undefined;
  readonly appVersion?: string | undefined;
}

export const HTTP_CLIENT_DEFAULTS = {
  ...RETRY_DEFAULTS,
  timeout: DEFAULT_TIMEOUT,
  maxRedirects: DEFAULT_MAX_REDIRECTS,
} as const;

export class HttpClient implements HttpClientLike {
  readonly pipeline: Pipeline;
  readonly #transport: Transport;

  constructor(options: HttpClientOptions = {}) {
    this.#transport = options.transport ?? defaultTransport();
    const userAgent = options.userAgent ?? buildUserAgent({ appName: options.appName, appVersion: options.appVersion });
    this.pipeline = new Pipeline(httpPreset(options, userAgent, options, this.#transport));
  }

  /** Sends one logical request: resolves for status < 400, else throws its typed error. */
  request(request: HttpRequest, context: RequestContext): Promise<HttpResponse> {
    return this.pipeline.send(
      newRequest({
        options: {},
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body,
        signal: request.signal,
        timeout: request.timeout,
        context,
        state: { attempt: 0, durationMs: 0, microversion: undefined, method: undefined },
      }),
    );
  }

  /** Adds a policy to this client's pipeline (see runtime/pipeline/types.ts, `PolicyPosition`). */
  use(policy: PolicyInput, position?: PolicyPosition): this {
    this.pipeline.use(policy, position);
    return this;
  }

  /** Releases the transport's sockets. */
  async close(): Promise<void> {
    await this.#transport.close?.();
  }
}

export { requestIdOf } from '../pipeline/errors.js';
