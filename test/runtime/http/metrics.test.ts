/** statsd, Prometheus and InfluxDB sinks fed by real requests; names from templates, never ids. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../runtime/http/http-client.js';
import { NodeTransport } from '../../../runtime/http/node-transport.js';
import {
  type PromLabels,
  influxLine,
  influxSink,
  metricName,
  prometheusSink,
  statsdSink,
} from '../../../runtime/metrics.js';
import { type TestServer, captureLogger, freePort, json, startServer } from './helpers.js';

const RAW_ID = '3f9c1a2e-7b44-4d2b-9a51-0c1d2e3f4a5b';

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => json(res, req.url?.endsWith('/missing') ? 404 : 200, {}));
});
afterAll(() => server.close());

function sinks() {
  const statsd: string[] = [];
  const prom: string[] = [];
  const influx: string[] = [];
  const statsdClient = {
    timing: (key: string, ms: number) => statsd.push(`timing ${key} ${ms >= 0 ? 'ms' : 'bad'}`),
    increment: (key: string) => statsd.push(`increment ${key}`),
  };
  const counter = { inc: (labels: PromLabels, value?: number) => prom.push(`inc ${JSON.stringify(labels)} ${value}`) };
  const histogram = {
    observe: (labels: PromLabels, value: number) => prom.push(`observe ${labels['status_code']} ${value >= 0}`),
  };
  const writeApi = { writeRecord: (line: string) => influx.push(line) };
  return {
    statsd,
    prom,
    influx,
    metrics: [
      statsdSink(statsdClient),
      prometheusSink({ counter, histogram }),
      influxSink(writeApi, { now: () => 1_700_000_000_123, tags: { cloud: 'my cloud' } }),
    ],
  };
}

describe('metrics sinks', () => {
  it('reports each attempt with the template name, never the raw id', async () => {
    const s = sinks();
    const client = new HttpClient({ transport: new NodeTransport({ proxy: false }), metrics: s.metrics });
    await client.request(
      { method: 'GET', url: `${server.url}/v3/proj/volumes/${RAW_ID}`, headers: {} },
      { serviceType: 'block-storage', idempotent: true, template: '/volumes/{volume_id}' },
    );
    await client
      .request(
        { method: 'POST', url: `${server.url}/v3/proj/volumes/${RAW_ID}/action/missing`, headers: {}, body: '{}' },
        { serviceType: 'block-storage', idempotent: false, template: '/volumes/{volume_id}/action' },
      )
      .catch(() => undefined);
    await client.close();

    expect(s.statsd).toEqual([
      'timing openstack.api.block-storage.GET.volume.200 ms',
      'increment openstack.api.block-storage.GET.volume.200',
      'increment openstack.api.block-storage.GET.volume.attempted',
      'timing openstack.api.block-storage.POST.volume_action.404 ms',
      'increment openstack.api.block-storage.POST.volume_action.404',
      'increment openstack.api.block-storage.POST.volume_action.attempted',
    ]);
    expect(s.prom).toEqual([
      'inc {"method":"GET","endpoint":"/volumes/{volume_id}","service_type":"block-storage","status_code":"200"} 1',
      'observe 200 true',
      'inc {"method":"POST","endpoint":"/volumes/{volume_id}/action","service_type":"block-storage","status_code":"404"} 1',
      'observe 404 true',
    ]);
    expect(s.influx).toHaveLength(2);
    expect(s.influx[0]).toMatch(
      /^openstack_api\.block-storage,cloud=my\\ cloud,method=GET,name=volume,status_code=200 attempted=1i,duration=[\d.]+,200=1i,GET\.200=1i,status_code_val=200i 1700000000123000000$/,
    );
    for (const text of [...s.statsd, ...s.prom, ...s.influx]) expect(text).not.toContain(RAW_ID);
  });

  it('reports failures without a response as failed', async () => {
    const s = sinks();
    const port = await freePort();
    const client = new HttpClient({
      transport: new NodeTransport({ proxy: false }),
      metrics: s.metrics,
      connectRetries: 0,
    });
    await client
      .request(
        { method: 'GET', url: `http://127.0.0.1:${port}/volumes/detail`, headers: {} },
        { serviceType: 'block-storage', idempotent: true, template: '/volumes/detail' },
      )
      .catch(() => undefined);
    await client.close();
    expect(s.statsd).toEqual([
      'increment openstack.api.block-storage.GET.volumes_detail.failed',
      'increment openstack.api.block-storage.GET.volumes_detail.attempted',
    ]);
    expect(s.prom).toEqual([
      'inc {"method":"GET","endpoint":"/volumes/detail","service_type":"block-storage","status_code":"failed"} 1',
    ]);
    expect(s.influx[0]).toMatch(/status_code=failed attempted=1i,duration=[\d.]+,failed=1i /);
  });

  it('catches and logs errors from sinks, sync and async', async () => {
    const capture = captureLogger();
    const client = new HttpClient({
      transport: new NodeTransport({ proxy: false }),
      logger: capture.logger,
      metrics: [
        {
          record: () => {
            throw new Error('statsd down');
          },
        },
        { record: () => Promise.reject(new Error('influx down')) },
      ],
    });
    const res = await client.request(
      { method: 'GET', url: `${server.url}/v`, headers: {} },
      { serviceType: 'block-storage', idempotent: true },
    );
    expect(res.status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    await client.close();
    expect(capture.lines.filter((l) => l.startsWith('warn')).join('\n')).toMatch(/statsd down[\s\S]*influx down/);
  });

  it('accepts prom-client style objects and writePoints/function writers', () => {
    const points: string[][] = [];
    const lines: string[] = [];
    const metric = {
      serviceType: 'block-storage',
      method: 'GET',
      endpoint: '/volumes',
      name: 'volumes',
      status: 200,
      statusCode: '200',
      durationMs: 12.5,
      attempt: 1,
      operation: undefined,
    };
    influxSink({ writePoints: (l: string[]) => points.push(l) }, { precision: false }).record(metric);
    influxSink((l: string) => lines.push(l), {
      precision: 's',
      now: () => 1_700_000_000_999,
      measurement: 'os api',
    }).record(metric);
    expect(points[0]).toEqual([
      'openstack_api.block-storage,method=GET,name=volumes,status_code=200 attempted=1i,duration=12.5,200=1i,GET.200=1i,status_code_val=200i',
    ]);
    expect(lines[0]).toBe(
      'os\\ api.block-storage,method=GET,name=volumes,status_code=200 attempted=1i,duration=12.5,200=1i,GET.200=1i,status_code_val=200i 1700000000',
    );
  });
});

describe('metricName', () => {
  it.each([
    ['/volumes', 'volumes'],
    ['/volumes/detail', 'volumes_detail'],
    ['/volumes/{volume_id}', 'volume'],
    ['/volumes/{volume_id}/action', 'volume_action'],
    ['/v3/{project_id}/volumes/{volume_id}', 'volume'],
    ['/types/{type_id}/extra_specs/{key}', 'type_extra_spec'],
    ['/scheduler-stats/get_pools', 'scheduler-stats_get_pools'],
    ['/os-quota-sets/{project_id}/defaults', 'os-quota-set_defaults'],
    ['/v3/auth/tokens', 'tokens'],
    ['/', 'discovery'],
    [undefined, 'unknown'],
  ])('%s → %s', (template, name) => {
    expect(metricName(template)).toBe(name);
  });
});

describe('influxLine escaping', () => {
  it('escapes measurement, tags, field keys and string values', () => {
    expect(
      influxLine('m e,a', { 't,k': 'v a=l', empty: '' }, { 'f k': 'say "hi"\\', n: { int: 3 }, ok: true, x: 1.5 }, '1'),
    ).toBe('m\\ e\\,a,t\\,k=v\\ a\\=l f\\ k="say \\"hi\\"\\\\",n=3i,ok=true,x=1.5 1');
  });
});
