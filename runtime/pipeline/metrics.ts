/**
 * `metrics`: every attempt (retries and redirect hops included, as openstacksdk reports them) to
 * the metric sinks (statsd, Prometheus, InfluxDB or your own, see runtime/metrics.ts), named from
 * the path template so that no raw id ever becomes a label. A sink that throws or rejects is
 * logged, never fails the request.
 */
import { AbortError } from '../errors.js';
import type { SdkLogger } from '../logging.js';
import { endpointOf, metricName, type MetricsSink, type RequestMetric } from '../metrics.js';
import type { PipelineRequest, Policy } from './types.js';

export function metricsPolicy(sinks: readonly MetricsSink[], logger: SdkLogger | undefined): Policy {
  const failed = (error: unknown): void =>
    logger?.log('warn', `metrics hook failed: ${error instanceof Error ? error.message : String(error)}`);
  const record = (request: PipelineRequest, status: number | undefined, durationMs: number): void => {
    const context = request.context;
    const metric: RequestMetric = {
      serviceType: context.serviceType,
      method: request.method,
      endpoint: endpointOf(context.template),
      name: metricName(context.template),
      status,
      statusCode: status === undefined ? 'failed' : String(status),
      durationMs,
      attempt: Math.max(1, request.state.attempt),
      operation: context.operation,
    };
    for (const sink of sinks) {
      try {
        const result = sink.record(metric);
        if (isPromiseLike(result)) result.then(undefined, failed);
      } catch (error) {
        failed(error);
      }
    }
  };
  if (sinks.length === 0) return { name: 'metrics', sendRequest: (request, next) => next(request) };
  return {
    name: 'metrics',
    async sendRequest(request, next) {
      const started = performance.now();
      try {
        const response = await next(request);
        record(request, response.status, performance.now() - started);
        return response;
      } catch (error) {
        // An abort is the caller's decision, not a failed request.
        if (!(error instanceof AbortError)) record(request, undefined, performance.now() - started);
        throw error;
      }
    },
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
