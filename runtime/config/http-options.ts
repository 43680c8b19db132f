/**
 * openstacksdk's transport-level Proxy options (retries, limits, metric hooks) turned into the
 * HttpClient's options. Shared by `ServiceSession` (when it builds its own client) and `connect()`.
 */
import type { HttpClientOptions } from '../http/http-client.js';
import type { Transport } from '../http/types.js';
import type { LoggerLike, SdkLogger } from '../logging.js';
import {
  influxSink,
  prometheusSink,
  statsdSink,
  type LineProtocolWriter,
  type MetricsSink,
  type PromCounter,
  type PromHistogram,
  type StatsdClient,
} from '../metrics.js';

/** openstacksdk's `influxdb_config`, camelCased. */
export interface InfluxdbConfig {
  readonly measurement?: string | undefined;
  readonly additionalMetricTags?: Readonly<Record<string, string>> | undefined;
}

/** Options that only the HTTP layer acts on. Delays and timeouts in milliseconds. */
export interface HttpPassThroughOptions {
  readonly connectRetries?: number | undefined;
  readonly connectRetryDelay?: number | undefined;
  readonly statusCodeRetries?: number | undefined;
  readonly statusCodeRetryDelay?: number | undefined;
  readonly retriableStatusCodes?: readonly number[] | undefined;
  /** Requests per second. */
  readonly rateLimit?: number | undefined;
  /** Requests in flight at once. */
  readonly concurrency?: number | undefined;
  /** Per-attempt timeout. */
  readonly timeout?: number | undefined;
  readonly logger?: LoggerLike | SdkLogger | undefined;
  /** Log redacted bodies at debug level. */
  readonly logBodies?: boolean | undefined;
  readonly statsdClient?: StatsdClient | undefined;
  /** Default `openstack.api`. */
  readonly statsdPrefix?: string | undefined;
  readonly prometheusCounter?: PromCounter | undefined;
  readonly prometheusHistogram?: PromHistogram | undefined;
  readonly influxdbClient?: LineProtocolWriter | undefined;
  readonly influxdbConfig?: InfluxdbConfig | undefined;
  /** Any other metric sinks. */
  readonly metrics?: MetricsSink | readonly MetricsSink[] | undefined;
}

export function httpClientOptions(
  options: HttpPassThroughOptions,
  transport: Transport | undefined,
): HttpClientOptions {
  return {
    transport,
    connectRetries: options.connectRetries,
    connectRetryDelay: options.connectRetryDelay,
    statusCodeRetries: options.statusCodeRetries,
    statusCodeRetryDelay: options.statusCodeRetryDelay,
    retriableStatusCodes: options.retriableStatusCodes,
    rateLimit: options.rateLimit,
    concurrency: options.concurrency,
    timeout: options.timeout,
    logger: options.logger,
    logBodies: options.logBodies,
    metrics: metricSinks(options),
  };
}

export function metricSinks(options: HttpPassThroughOptions): MetricsSink[] {
  const sinks: MetricsSink[] = [];
  if (options.statsdClient) sinks.push(statsdSink(options.statsdClient, { prefix: options.statsdPrefix }));
  if (options.prometheusCounter || options.prometheusHistogram) {
    sinks.push(prometheusSink({ counter: options.prometheusCounter, histogram: options.prometheusHistogram }));
  }
  if (options.influxdbClient) {
    sinks.push(
      influxSink(options.influxdbClient, {
        measurement: options.influxdbConfig?.measurement,
        tags: options.influxdbConfig?.additionalMetricTags,
      }),
    );
  }
  const extra = options.metrics;
  if (extra !== undefined) sinks.push(...(isList(extra) ? extra : [extra]));
  return sinks;
}

function isList(value: MetricsSink | readonly MetricsSink[]): value is readonly MetricsSink[] {
  return Array.isArray(value);
}
