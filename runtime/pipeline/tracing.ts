/**
 * `tracing`: an OpenTelemetry client span per attempt (retries and redirect hops each get one),
 * with the W3C `traceparent` header sent so that the cloud's own traces join the caller's.
 *
 * `@opentelemetry/api` is never imported here: the application hands in the module it already
 * uses (`tracing: { api: otel }` where `import * as otel from '@opentelemetry/api'`). So bundlers
 * never look for it, an application without OpenTelemetry pays nothing, and spans go to the very
 * API instance (and global provider) the application registered — two copies of the API in one
 * process would otherwise each keep their own. The types below are the few members used.
 *
 * Attributes follow OpenTelemetry's HTTP client conventions (`http.request.method`, `url.full`
 * — redacted —, `server.address`, `server.port`, `http.response.status_code`,
 * `http.request.resend_count`, `error.type`) plus `openstack.operation` (`Volume.extend`),
 * `openstack.service_type`, `openstack.microversion` and `openstack.request_id`.
 */
import { SDK_NAME, SDK_VERSION } from '../http/user-agent.js';
import { headerText } from '../http/header-text.js';
import { collectSecrets, redactUrl } from '../http/redact.js';
import { requestIdOf } from './errors.js';
import type { Policy } from './types.js';

type AttributeValue = string | number | boolean;

/** The part of an OpenTelemetry `Span` used here. */
export interface TraceSpan {
  setAttribute(key: string, value: AttributeValue): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  recordException(exception: Error): unknown;
  spanContext(): { traceId: string; spanId: string; traceFlags: number; traceState?: { serialize(): string } };
  end(): void;
}

/** The part of an OpenTelemetry `TracerProvider` used here. */
export interface TraceProvider {
  getTracer(
    name: string,
    version?: string,
  ): {
    startSpan(name: string, options?: { kind?: number; attributes?: Record<string, AttributeValue> }): TraceSpan;
  };
}

/** The part of `@opentelemetry/api` used here (pass the module itself). */
export interface OpenTelemetryApi {
  readonly trace: TraceProvider & { setSpan(context: never, span: never): unknown };
  readonly context: { active(): unknown };
  readonly propagation: { inject(context: never, carrier: Record<string, string>): void };
}

export interface TracingOptions {
  /** The `@opentelemetry/api` module (`import * as otel from '@opentelemetry/api'`). */
  readonly api: OpenTelemetryApi;
  /** Where spans go (default: the provider registered with `api`, i.e. `api.trace`). */
  readonly tracerProvider?: TraceProvider | undefined;
  /** Tracer name (default: the package name). */
  readonly tracerName?: string | undefined;
}

/** OpenTelemetry's `SpanKind.CLIENT` and `SpanStatusCode.ERROR` (fixed by the specification). */
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

export function tracingPolicy(options: TracingOptions): Policy {
  const api = options.api;
  const tracer = (options.tracerProvider ?? api.trace).getTracer(options.tracerName ?? SDK_NAME, SDK_VERSION);
  return {
    name: 'tracing',
    async sendRequest(request, next) {
      const context = request.context;
      const url = new URL(request.url);
      const attributes: Record<string, AttributeValue> = {
        'http.request.method': request.method,
        'url.full': redactUrl(request.url),
        'server.address': url.hostname,
        'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
        'openstack.service_type': context.serviceType,
      };
      if (request.state.attempt > 1) attributes['http.request.resend_count'] = request.state.attempt - 1;
      if (context.operation) attributes['openstack.operation'] = context.operation;
      if (request.microversion) attributes['openstack.microversion'] = request.microversion;
      const span = tracer.startSpan(context.template ? `${request.method} ${context.template}` : request.method, {
        kind: SPAN_KIND_CLIENT,
        attributes,
      });
      // The application's propagators first (baggage, B3…); traceparent in any case.
      const carrier: Record<string, string> = {};
      api.propagation.inject(api.trace.setSpan(api.context.active() as never, span as never) as never, carrier);
      const sc = span.spanContext();
      if (carrier['traceparent'] === undefined && !/^0*$/.test(sc.traceId)) {
        carrier['traceparent'] =
          `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
        const state = sc.traceState?.serialize();
        if (state) carrier['tracestate'] = state;
      }
      try {
        const response = await next({ ...request, headers: { ...request.headers, ...carrier } });
        span.setAttribute('http.response.status_code', response.status);
        const requestId = headerText(requestIdOf(response), collectSecrets(request.headers));
        if (requestId) span.setAttribute('openstack.request_id', requestId);
        if (response.status >= 400) {
          span.setAttribute('error.type', String(response.status));
          span.setStatus({ code: STATUS_ERROR });
        }
        return response;
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        span.setAttribute('error.type', e.name);
        span.recordException(e);
        span.setStatus({ code: STATUS_ERROR, message: e.message });
        throw error;
      } finally {
        span.end();
      }
    },
  };
}
