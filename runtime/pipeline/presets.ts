/**
 * The whole path of a request, in order. Every request the SDK sends goes through one of these
 * lists of policies (pipeline.ts runs them; each step is one concern, in its own file here):
 *
 * - `connectPreset`: a call made through `connect()` or a `ServiceSession`;
 * - `litePreset`: a call made through `createClient()` (lite.ts) — the same steps, minus what a
 *   known endpoint, a given token and `fetch` make unnecessary;
 * - `httpPreset`: a raw HTTP request (Keystone, version discovery, `HttpClient`) — the steps
 *   below `auth`, without the call-building ones.
 *
 * `use()` adds a policy of your own (types.ts, `PolicyPosition`): by default after `headers`
 * (once per call), with `{ phase: 'attempt' }` right before the transport (once per attempt), or
 * before/after any step named here.
 */
import type { LoggerLike, LoggerOptions, SdkLogger } from '../logging.js';
import { adaptLogger } from '../logging.js';
import type { HttpClientLike, Transport } from '../http/types.js';
import type { MetricsSink } from '../metrics.js';
import { authPolicy, type TokenProvider } from './auth.js';
import { endpointPolicy } from './endpoint.js';
import { errorsPolicy, readFault, readJsonFault } from './errors.js';
import { headersPolicy, type HeaderOptions } from './headers.js';
import { limitsPolicy, type LimitOptions } from './limits.js';
import { loggingPolicy, retryLogger, type LogSettings } from './logging.js';
import { metricsPolicy } from './metrics.js';
import { microversionPolicy, type MicroversionRules } from './microversion.js';
import { redirectPolicy } from './redirect.js';
import { retryPolicy, type RetryOptions } from './retry.js';
import { routePolicy } from './route.js';
import { tracingPolicy, type TracingOptions } from './tracing.js';
import { transportPolicy } from './transport.js';
import type { Policy, ServiceTarget } from './types.js';

/** The options of the HTTP steps, declared once (connect(), sessions, HttpClient and clouds.yaml use them). */
export interface PipelineOptions extends RetryOptions, LimitOptions {
  /** Per-attempt timeout in ms, from connect to the end of the body (default 60 000). */
  readonly timeout?: number | undefined;
  /** Max redirects followed (default 30, as keystoneauth). */
  readonly maxRedirects?: number | undefined;
  /** console, pino, winston, bunyan… (see logging.ts). Default: silent. */
  readonly logger?: LoggerLike | SdkLogger | undefined;
  /** How to call `logger` (see logging.ts). */
  readonly loggerOptions?: LoggerOptions | undefined;
  /** Also log request headers and request/response bodies, redacted (default false). */
  readonly logBodies?: boolean | undefined;
  /** Metric sinks (see metrics.ts). */
  readonly metrics?: MetricsSink | readonly MetricsSink[] | undefined;
  /** OpenTelemetry: a client span per attempt and `traceparent` (see tracing.ts). */
  readonly tracing?: TracingOptions | undefined;
}

/** What a call pipeline needs besides the options. */
export interface CallSetup<C> {
  /** Where the service is (found once and shared by a session's calls). */
  readonly target: (signal: AbortSignal | undefined) => ServiceTarget | Promise<ServiceTarget>;
  readonly microversions: MicroversionRules;
  readonly headers: HeaderOptions;
  /** The whole User-Agent value; undefined sends none (browsers). */
  readonly userAgent: string | undefined;
  readonly tokens: TokenProvider<C>;
}

/** A call made through `connect()` / `ServiceSession`. */
export function connectPreset<C>(setup: CallSetup<C>, options: PipelineOptions, transport: Transport): Policy[] {
  const log = logSettings(options);
  return [
    // 1. endpoint: the catalog's endpoint and the server's microversion range, found once.
    endpointPolicy(setup.target),
    // 2. microversion: negotiated per call; fails before any request when it cannot be served.
    microversionPolicy(setup.microversions),
    // 3. route: route for that microversion, URL with encoded path and query, JSON body.
    routePolicy,
    // 4. headers: Accept, User-Agent, request id, additional and per-call headers.
    headersPolicy(setup.headers, setup.userAgent),
    //    (use() puts `phase: 'call'` policies here.)
    // 5. auth: the token; one more try with a new token after a 401.
    authPolicy(setup.tokens, log.logger),
    // 6. logging: one line with the final outcome of the call (below auth, so it sees each 401).
    loggingPolicy(log),
    // 7. errors: a final status >= 400 becomes its typed HttpError, with the server's message.
    errorsPolicy(readFault),
    // 8. retry: 503/429 and failures without response, by today's rules (retry.ts).
    retryPolicy(options, retryLogger(log), readFault),
    // 9. redirect: undici's request() does not follow redirects; this does, dropping credentials across origins.
    redirectPolicy(options.maxRedirects, log),
    // 10. limits: concurrency, then rate limit, per attempt.
    limitsPolicy(options),
    // 11. metrics: every attempt to the metric sinks.
    metricsPolicy(sinkList(options.metrics), log.logger),
    // 12. tracing: a client span per attempt and traceparent — only when asked for.
    ...(options.tracing ? [tracingPolicy(options.tracing)] : []),
    //    (use() puts `phase: 'attempt'` policies here.)
    // 13. transport: one attempt (default: undici on Node, fetch elsewhere).
    transportPolicy(transport, options.timeout),
  ];
}

/** A call made through `createClient()`: only what a known endpoint, a token and fetch need. */
export function litePreset<C>(
  setup: CallSetup<C>,
  options: RetryOptions & Pick<PipelineOptions, 'timeout'>,
  transport: Transport,
): Policy[] {
  return [
    // 1. endpoint: the given one; the microversion range given or the service's base version.
    endpointPolicy(setup.target),
    // 2. microversion: as connect().
    microversionPolicy(setup.microversions),
    // 3. route: as connect().
    routePolicy,
    // 4. headers: as connect(), without User-Agent (browsers refuse to set it).
    headersPolicy(setup.headers, setup.userAgent),
    //    (use() puts `phase: 'call'` policies here.)
    // 5. auth: a token string, or a function asked again once after a 401.
    authPolicy(setup.tokens, undefined),
    // No logging, metrics or limits: add them with use() if you need them.
    // 6. errors: as connect(), reading only JSON faults (HTML error pages stay as they came).
    errorsPolicy(readJsonFault),
    // 7. retry: the same rules and defaults as connect().
    retryPolicy(options, undefined, readJsonFault),
    // No redirect step: fetch follows redirects itself.
    //    (use() puts `phase: 'attempt'` policies here, e.g. tracingPolicy.)
    // 8. transport: fetch.
    transportPolicy(transport, options.timeout),
  ];
}

/** A raw HTTP request: Keystone, version discovery, `HttpClient.request()`. */
export function httpPreset(
  headers: HeaderOptions,
  userAgent: string | undefined,
  options: PipelineOptions,
  transport: Transport,
): Policy[] {
  const log = logSettings(options);
  return [
    // The steps of connectPreset from 4 on, without auth (these requests carry their own credentials).
    headersPolicy(headers, userAgent),
    loggingPolicy(log),
    errorsPolicy(readFault),
    retryPolicy(options, retryLogger(log), readFault),
    redirectPolicy(options.maxRedirects, log),
    limitsPolicy(options),
    metricsPolicy(sinkList(options.metrics), log.logger),
    ...(options.tracing ? [tracingPolicy(options.tracing)] : []),
    transportPolicy(transport, options.timeout),
  ];
}

/**
 * A call through a session given its own `HttpClientLike` (`connect({ http })`, tests): the call
 * steps and auth here, everything else in that client.
 */
export function customHttpPreset<C>(setup: CallSetup<C>, http: HttpClientLike, logger: SdkLogger): Policy[] {
  return [
    endpointPolicy(setup.target),
    microversionPolicy(setup.microversions),
    routePolicy,
    headersPolicy(setup.headers, setup.userAgent),
    authPolicy(setup.tokens, logger),
    { name: 'transport', sendRequest: (request) => http.request(request, request.context) },
  ];
}

function logSettings(options: PipelineOptions): LogSettings {
  return { logger: adaptLogger(options.logger, options.loggerOptions), logBodies: options.logBodies ?? false };
}

function sinkList(metrics: MetricsSink | readonly MetricsSink[] | undefined): readonly MetricsSink[] {
  return metrics === undefined
    ? []
    : Array.isArray(metrics)
      ? (metrics as readonly MetricsSink[])
      : [metrics as MetricsSink];
}
