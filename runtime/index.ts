/**
 * The runtime the generated SDK runs on. Generated modules import from here only.
 */
export * from './errors.js';
export type {
  ApiResponse,
  HeaderReader,
  HttpMethod,
  Operation,
  OperationRequest,
  QueryScalar,
  QueryValue,
  RequestOptions,
  Route,
  ServiceClient,
} from './client.js';
export {
  compareMicroversions,
  formatMicroversion,
  negotiateMicroversion,
  parseMicroversion,
  withinBounds,
  type Microversion,
  type ServerVersions,
  type VersionBounds,
} from './microversion.js';
export {
  Resource,
  construct,
  decodeValue,
  encodeValue,
  fromWire,
  type FieldSpec,
  type FieldType,
  type ResourceClass,
  type ResourceSchema,
  type StatusSpec,
  type StructSchema,
} from './resource.js';
export type { ProxyClass, ServiceFamily, ServiceVersionDescriptor } from './service.js';
export { checkArg, checkArgs, type ArgRule, type ArgRules } from './args.js';
export { optionalRefId, refId, toTarget, type TargetOptions } from './target.js';
export {
  callOperation,
  createResource,
  deleteResource,
  fetchResource,
  mergeInto,
  readResource,
  readValue,
  resourceBody,
  unwrapResource,
  updateResource,
  type CallInput,
} from './operations.js';
export { Paginated, listResources, type ListInput, type ListOptions, type Page } from './paginate.js';
export { findResource, type FindInput, type FindPlan } from './find.js';
export { sleepOn, systemClock, type Clock } from './clock.js';
export {
  DEFAULT_DELETE_WAIT,
  DEFAULT_STATUS_WAIT,
  waitForDelete,
  waitForStatus,
  type KnownStatus,
  type StatusFailures,
  type StatusTarget,
  type WaitForStatusOptions,
  type WaitForStatusOptionsOf,
  type WaitOptions,
} from './wait.js';

// Connecting: configuration (options, OS_*, clouds.yaml), auth, catalog, discovery.
export {
  createConnection,
  type Connection,
  type ConnectionBase,
  type ConnectOptions,
  type FamilyProxies,
} from './connect.js';
export { ServiceSession, type ProxyOptions, type ResolvedService, type ServiceSessionOptions } from './session.js';
export * from './auth/index.js';
export * from './config/index.js';
export {
  VersionDiscovery,
  parseVersionDocument,
  splitVersionedUrl,
  type ApiVersion,
  type EndpointVersion,
} from './discovery.js';

// The request pipeline: every step of a request is a policy (pipeline/presets.ts lists them);
// add your own with use() on a connection, a session, createClient() or an HttpClient.
export { Pipeline } from './pipeline/pipeline.js';
export type {
  CallState,
  Next,
  PipelineRequest,
  Policy,
  PolicyInput,
  PolicyPosition,
  ServiceTarget,
} from './pipeline/types.js';
export type { PipelineOptions } from './pipeline/presets.js';
export type { HeaderOptions } from './pipeline/headers.js';
export type { MicroversionOptions } from './pipeline/microversion.js';
export { RETRY_DEFAULTS, retryPolicy, type RetryListener, type RetryOptions } from './pipeline/retry.js';
export { limitsPolicy, type LimitOptions } from './pipeline/limits.js';
export { loggingPolicy, type LogSettings } from './pipeline/logging.js';
export { metricsPolicy } from './pipeline/metrics.js';
export { tracingPolicy, type OpenTelemetryApi, type TraceSpan, type TracingOptions } from './pipeline/tracing.js';

// HTTP: transports, the retrying client, logging, metrics. NodeTransport is not exported here so
// browser bundles and browser type checks never see undici or Node built-ins; defaultTransport()
// loads it on Node.
export { HttpClient, HTTP_CLIENT_DEFAULTS, type HttpClientOptions } from './http/http-client.js';
export { defaultTransport, type DefaultTransportOptions } from './http/default-transport.js';
export { FetchTransport, type FetchTransportOptions } from './http/fetch-transport.js';
export type {
  HttpClientLike,
  HttpRequest,
  HttpResponse,
  Logger,
  RequestContext,
  TlsOptions,
  Transport,
} from './http/types.js';
export type { ProxyConfig } from './http/proxy.js';
export { REDACTED, redact, redactHeaders, redactUrl } from './http/redact.js';
export { adaptLogger, silentLogger, type LoggerLike, type SdkLogger } from './logging.js';
export { influxSink, metricName, prometheusSink, statsdSink, type MetricsSink, type RequestMetric } from './metrics.js';
