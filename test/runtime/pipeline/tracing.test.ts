/**
 * The OpenTelemetry policy, with the real @opentelemetry/api and an in-memory exporter: a client
 * span per attempt with what an operator needs to find the call, and the W3C traceparent of that
 * very span on the wire.
 */
import * as otel from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../../generated/index.js';
import { BlockStorageV3, extendVolume } from '../../../generated/block-storage/v3/index.js';
import { createClient } from '../../../runtime/lite.js';
import { tracingPolicy } from '../../../runtime/index.js';
import { RecordingServer, TEST_TOKEN } from '../../../testing/recording-server.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracing = { api: otel, tracerProvider: provider };

let server: RecordingServer;
beforeAll(async () => {
  server = await RecordingServer.start();
  // What NodeSDK does: the active span follows async calls.
  otel.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(async () => {
  otel.context.disable();
  await server.close();
});
beforeEach(() => {
  server.reset();
  exporter.reset();
});

describe('tracing', () => {
  it('makes a client span per attempt with operation, microversion, status and request id', async () => {
    server.reply({ status: 429, headers: { 'retry-after': '0' } }, { status: 202 });
    const client = createClient({
      endpoint: server.endpoint,
      token: TEST_TOKEN,
      service: BlockStorageV3.service,
      serverVersions: { min: '3.0', max: '3.70' },
    }).use(tracingPolicy(tracing), { phase: 'attempt' });
    await extendVolume(client, 'vol-1', 20);

    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(2);
    expect(spans.map((s) => s.kind)).toEqual([otel.SpanKind.CLIENT, otel.SpanKind.CLIENT]);
    expect(spans[0].name).toBe('POST /volumes/{volume_id}/action');
    expect(spans[0].attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.full': `${server.endpoint}/volumes/vol-1/action`,
      'server.address': '127.0.0.1',
      'http.response.status_code': 429,
      'error.type': '429',
      'openstack.operation': 'Volume.extend',
      'openstack.microversion': '3.70',
      'openstack.request_id': 'req-00000000-0000-0000-0000-000000000000',
    });
    expect(spans[0].status.code).toBe(otel.SpanStatusCode.ERROR);
    expect(spans[1].attributes).toMatchObject({ 'http.response.status_code': 202, 'http.request.resend_count': 1 });
    expect(spans[1].status.code).toBe(otel.SpanStatusCode.UNSET);
  });

  it('sends each attempt with the traceparent of its own span', async () => {
    server.reply({ status: 429, headers: { 'retry-after': '0' } }, { status: 202 });
    const client = createClient({ endpoint: server.endpoint, token: TEST_TOKEN }).use(tracingPolicy(tracing), {
      phase: 'attempt',
    });
    await extendVolume(client, 'vol-1', 20);
    const sent = server.take().map((r) => r.headers['traceparent']);
    const expected = exporter
      .getFinishedSpans()
      .map((s) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-0${s.spanContext().traceFlags}`);
    expect(sent).toEqual(expected);
    expect(sent[0]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('joins the caller’s trace: the spans are children of the active span', async () => {
    server.reply({ status: 202 });
    const client = createClient({ endpoint: server.endpoint, token: TEST_TOKEN }).use(tracingPolicy(tracing), {
      phase: 'attempt',
    });
    const parent = provider.getTracer('app').startSpan('resize disk');
    await otel.context.with(otel.trace.setSpan(otel.context.active(), parent), () => extendVolume(client, 'vol-1', 20));
    parent.end();
    const [child] = exporter.getFinishedSpans().filter((s) => s.name !== 'resize disk');
    expect(child?.spanContext().traceId).toBe(parent.spanContext().traceId);
  });

  it('records a failure without response as an error span', async () => {
    const client = createClient({
      endpoint: 'http://127.0.0.1:9/v3/p',
      token: TEST_TOKEN,
      connectRetries: 0,
    }).use(tracingPolicy(tracing), { phase: 'attempt' });
    await expect(extendVolume(client, 'vol-1', 20)).rejects.toMatchObject({ name: 'ConnectionError' });
    const [span] = exporter.getFinishedSpans();
    expect(span?.status.code).toBe(otel.SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('ConnectionError');
    expect(span?.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('is a connect() option: spans for Keystone-free calls through the session', async () => {
    server.reply({ status: 200, body: { volume: { id: 'vol-1' } } });
    const connection = await connect({
      env: {},
      cwd: '/nonexistent',
      homeDir: '/nonexistent',
      systemConfigDirs: [],
      version: '3',
      authType: 'admin_token',
      auth: { token: TEST_TOKEN, endpoint: server.endpoint },
      tracing,
    });
    try {
      await connection.blockStorage.getVolume('vol-1');
    } finally {
      await connection.close();
    }
    const spans = exporter.getFinishedSpans().filter((s) => s.attributes['openstack.operation'] === 'Volume.get');
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes['openstack.microversion']).toBe('3.70');
    expect(server.take().find((r) => r.path === '/volumes/vol-1')?.headers['traceparent']).toMatch(/^00-/);
  });
});
