/**
 * Per-request metrics, the equivalents of openstacksdk's statsd, Prometheus and InfluxDB options
 * (`Proxy._report_stats`), behind one small interface the HttpClient calls after every attempt
 * (each retry and redirect is an HTTP request of its own, as in openstacksdk's response history).
 *
 * Names come from the endpoint TEMPLATE (`/volumes/{volume_id}/action`), never the URL, so metrics
 * never carry raw ids and their cardinality stays bounded. `metricName` applies openstacksdk's
 * `_extract_name` to templates: the `{placeholders}` are the ids (openstacksdk guesses them as
 * every second segment, which misnames `/scheduler-stats/get_pools`), and a segment directly
 * followed by an id is singularised: `/volumes/{id}/action` → `volume_action`,
 * `/volumes/detail` → `volumes_detail`, `/volumes` → `volumes`.
 *
 * Sinks never throw into a request: the HttpClient catches (and logs) errors from `record` and
 * from the promise it may return.
 */

/** One HTTP attempt, as reported to sinks. */
export interface RequestMetric {
  /** `block-storage`. */
  readonly serviceType: string;
  readonly method: string;
  /** Endpoint template, query dropped; `unknown` when the request had none. */
  readonly endpoint: string;
  /** openstacksdk-style name from the template (`volume_action`). */
  readonly name: string;
  /** HTTP status, or undefined when no response arrived. */
  readonly status: number | undefined;
  /** `String(status)`, or `failed` when no response arrived. */
  readonly statusCode: string;
  readonly durationMs: number;
  /** 1 for the first attempt of a logical request, 2 for its first retry, … */
  readonly attempt: number;
  /** Operation id such as `Volume.get`, when known. */
  readonly operation: string | undefined;
}

export interface MetricsSink {
  /** May return a promise (async writers); its rejection is caught and logged like a throw. */
  record(metric: RequestMetric): unknown;
}

function isPlaceholder(segment: string): boolean {
  return segment.startsWith('{') && segment.endsWith('}');
}

function singular(segment: string): string {
  return segment.endsWith('s') && !segment.endsWith('is') ? segment.slice(0, -1) : segment;
}

/** The endpoint label: the template without its query. */
export function endpointOf(template: string | undefined): string {
  if (!template) return 'unknown';
  const q = template.indexOf('?');
  return q >= 0 ? template.slice(0, q) : template;
}

/** openstacksdk's metric name for an endpoint template (see module comment). */
export function metricName(template: string | undefined): string {
  if (!template) return 'unknown';
  const segments = endpointOf(template)
    .split('/')
    .filter((s) => s !== '')
    .map((s) => (s.endsWith('.json') ? s.slice(0, -5) : s));
  if (segments.length > 0 && /^v\d+(\.\d+)?$/.test(segments[0])) segments.shift();
  if (segments.at(-1) === 'tokens') return 'tokens';
  const named = segments.filter((s) => !isPlaceholder(s));
  if (segments.at(-1) === 'detail' && named.length >= 2) return named.slice(-2).join('_');
  const parts: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (isPlaceholder(segment)) continue;
    const next = segments[i + 1];
    parts.push(next !== undefined && isPlaceholder(next) ? singular(segment) : segment);
  }
  return parts.length > 0 ? parts.join('_') : 'discovery';
}

// ---------------------------------------------------------------------------------------------
// statsd

/** hot-shots / node-statsd / statsd-client style (`increment`), or python-style `incr`. */
export interface StatsdClient {
  timing?(key: string, ms: number): unknown;
  increment?(key: string, value?: number): unknown;
  incr?(key: string, value?: number): unknown;
}

export interface StatsdOptions {
  /** Key prefix (default `openstack.api`, as openstacksdk). */
  readonly prefix?: string | undefined;
}

/** statsd keys are dot-separated; `:`, `|`, `@` and spaces would break the wire format. */
function statsdSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/**
 * openstacksdk's statsd reporting: key `{prefix}.{service_type}.{METHOD}.{name}`;
 * `timing(key.{status}, ms)`, `increment(key.{status})`, `increment(key.over_1000)` when slower
 * than a second, `increment(key.failed)` without a response, and always `increment(key.attempted)`.
 */
export function statsdSink(client: StatsdClient, options: StatsdOptions = {}): MetricsSink {
  const prefix = options.prefix ?? 'openstack.api';
  const increment = (key: string): void => {
    if (client.increment) client.increment(key);
    else client.incr?.(key);
  };
  return {
    record(m: RequestMetric): void {
      const key = [prefix, statsdSafe(m.serviceType.replace(/[.:]/g, '_')), m.method, statsdSafe(m.name)].join('.');
      if (m.status !== undefined) {
        client.timing?.(`${key}.${m.status}`, m.durationMs);
        increment(`${key}.${m.status}`);
        if (m.durationMs > 1000) increment(`${key}.over_1000`);
      } else {
        increment(`${key}.failed`);
      }
      increment(`${key}.attempted`);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Prometheus

export type PromLabels = Record<string, string>;

/** prom-client `Counter` (`inc(labels, value?)`). */
export interface PromCounter {
  inc(labels: PromLabels, value?: number): void;
}

/** prom-client `Histogram` (`observe(labels, value)`). */
export interface PromHistogram {
  observe(labels: PromLabels, value: number): void;
}

export interface PrometheusOptions {
  /**
   * Create with `labelNames: ['method', 'endpoint', 'service_type', 'status_code']`; openstacksdk
   * names them `openstack_http_requests` and `openstack_http_response_time`.
   */
  readonly counter?: PromCounter | undefined;
  readonly histogram?: PromHistogram | undefined;
  /** Unit of histogram observations: `ms` as openstacksdk (default), or `s` as Prometheus prefers. */
  readonly unit?: 'ms' | 's' | undefined;
}

/**
 * openstacksdk's Prometheus reporting, with `endpoint` = the template (openstacksdk uses the URL,
 * ids included) and failures counted with `status_code="failed"` (openstacksdk skips them).
 */
export function prometheusSink(options: PrometheusOptions): MetricsSink {
  const { counter, histogram } = options;
  const divisor = options.unit === 's' ? 1000 : 1;
  return {
    record(m: RequestMetric): void {
      const labels: PromLabels = {
        method: m.method,
        endpoint: m.endpoint,
        service_type: m.serviceType,
        status_code: m.statusCode,
      };
      counter?.inc(labels, 1);
      if (m.status !== undefined) histogram?.observe(labels, m.durationMs / divisor);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// InfluxDB line protocol

/**
 * Where lines go: a function, an @influxdata/influxdb-client `WriteApi` (`writeRecord`), or any
 * client with `writeRecords`/`writePoints` taking line-protocol strings.
 */
export type LineProtocolWriter =
  | ((line: string) => unknown)
  | { writeRecord(line: string): unknown }
  | { writeRecords(lines: string[]): unknown }
  | { writePoints(lines: string[]): unknown };

export interface InfluxOptions {
  /** Measurement prefix (default `openstack_api`); the service type is appended after a dot. */
  readonly measurement?: string | undefined;
  /** Extra tags on every point (openstacksdk's `additional_metric_tags`). */
  readonly tags?: Readonly<Record<string, string>> | undefined;
  /** Timestamp precision written, or `false` to let the server stamp points (default `ns`). */
  readonly precision?: 'ns' | 'ms' | 's' | false | undefined;
  /** Clock, for tests (default `Date.now`). */
  readonly now?: (() => number) | undefined;
}

export type FieldValue = number | bigint | string | boolean | { readonly int: number };

function escapeMeasurement(text: string): string {
  return text.replace(/[\\, ]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
}

function escapeKey(text: string): string {
  return text.replace(/[\\,= ]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
}

function fieldValue(value: FieldValue): string {
  if (typeof value === 'object') return `${Math.trunc(value.int)}i`;
  if (typeof value === 'bigint') return `${value}i`;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * One line of InfluxDB line protocol. Tags are sorted (InfluxDB's recommendation) and empty tag
 * values dropped (InfluxDB rejects them); integers are written as `{ int: n }` → `ni`.
 */
export function influxLine(
  measurement: string,
  tags: Readonly<Record<string, string>>,
  fields: Readonly<Record<string, FieldValue>> | ReadonlyArray<readonly [string, FieldValue]>,
  timestamp?: string,
): string {
  let line = escapeMeasurement(measurement);
  for (const key of Object.keys(tags).sort()) {
    const value = tags[key];
    if (value) line += `,${escapeKey(key)}=${escapeKey(value)}`;
  }
  const parts: string[] = [];
  // Pairs keep their order; a record would put integer-like keys (`"200"`) first.
  const entries = Array.isArray(fields) ? fields : Object.entries(fields);
  for (const [key, value] of entries as ReadonlyArray<readonly [string, FieldValue]>)
    parts.push(`${escapeKey(key)}=${fieldValue(value)}`);
  line += ` ${parts.join(',')}`;
  return timestamp ? `${line} ${timestamp}` : line;
}

function timestampOf(ms: number, precision: 'ns' | 'ms' | 's'): string {
  const whole = Math.floor(ms);
  // Date.now() in ns exceeds 2^53, so append zeros instead of multiplying.
  if (precision === 'ns') return `${whole}000000`;
  if (precision === 'ms') return String(whole);
  return String(Math.floor(whole / 1000));
}

function writeLine(writer: LineProtocolWriter, line: string): unknown {
  if (typeof writer === 'function') return writer(line);
  if ('writeRecord' in writer) return writer.writeRecord(line);
  if ('writeRecords' in writer) return writer.writeRecords([line]);
  return writer.writePoints([line]);
}

/**
 * openstacksdk's InfluxDB reporting: measurement `{measurement}.{service_type}`; tags `method`,
 * `name`, `status_code` (+ `tags`); fields `attempted=1`, `duration` (ms), `"{status}"=1`,
 * `"{METHOD}.{status}"=1`, `status_code_val`, or `failed=1` without a response.
 */
export function influxSink(writer: LineProtocolWriter, options: InfluxOptions = {}): MetricsSink {
  const measurement = options.measurement ?? 'openstack_api';
  const extraTags = options.tags ?? {};
  const precision = options.precision ?? 'ns';
  const now = options.now ?? Date.now;
  return {
    record(m: RequestMetric): unknown {
      const tags: Record<string, string> = { ...extraTags, method: m.method, name: m.name, status_code: m.statusCode };
      const fields: Array<[string, FieldValue]> = [
        ['attempted', { int: 1 }],
        ['duration', Math.round(m.durationMs * 1000) / 1000],
      ];
      if (m.status !== undefined) {
        fields.push(
          [String(m.status), { int: 1 }],
          [`${m.method}.${m.status}`, { int: 1 }],
          ['status_code_val', { int: m.status }],
        );
      } else {
        fields.push(['failed', { int: 1 }]);
      }
      const timestamp = precision === false ? undefined : timestampOf(now(), precision);
      return writeLine(writer, influxLine(`${measurement}.${m.serviceType}`, tags, fields, timestamp));
    },
  };
}
