/**
 * openstacksdk's transport-level Proxy options (retries, limits, metric hooks), as sessions and
 * `connect()` take them.
 */
import type { PipelineOptions } from '../pipeline/presets.js';
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

/**
 * The pipeline's options (retries, limits, timeout, logger, metric sinks, tracing: declared once,
 * in pipeline/presets.ts) plus openstacksdk's metric hooks, which become metric sinks.
 */
export interface HttpPassThroughOptions extends PipelineOptions {
  readonly statsdClient?: StatsdClient | undefined;
  /** Default `openstack.api`. */
  readonly statsdPrefix?: string | undefined;
  readonly prometheusCounter?: PromCounter | undefined;
  readonly prometheusHistogram?: PromHistogram | undefined;
  readonly influxdbClient?: LineProtocolWriter | undefined;
  readonly influxdbConfig?: InfluxdbConfig | undefined;
}

/** The metric sinks of the options: openstacksdk's hooks, then `metrics`. */
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
