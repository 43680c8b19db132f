/** Retries, backoff waits, Retry-After, idempotency rules, abort and timeout, on real sockets. */
import * as http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  ConnectionError,
  RequestTimeoutError,
  ServerError,
  TooManyRequestsError,
} from '../../../runtime/errors.js';
import { FetchTransport } from '../../../runtime/http/fetch-transport.js';
import { HttpClient, type HttpClientOptions } from '../../../runtime/http/http-client.js';
import { NodeTransport } from '../../../runtime/http/node-transport.js';
import type { Transport } from '../../../runtime/http/types.js';
import {
  GET_CONTEXT,
  POST_CONTEXT,
  type TestServer,
  captureLogger,
  closeServer,
  freePort,
  json,
  listen,
  recordingListener,
  startServer,
} from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function serve(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  cleanups.push(() => server.close());
  return server;
}

function client(
  options: HttpClientOptions = {},
  transport: Transport = new NodeTransport({ proxy: false }),
): HttpClient {
  const c = new HttpClient({ transport, retryBaseDelay: 5, ...options });
  cleanups.push(() => c.close());
  return c;
}

describe.each([
  ['node', () => new NodeTransport({ proxy: false })],
  ['fetch', () => new FetchTransport()],
] as const)('HttpClient retries over %s', (_name, makeTransport) => {
  it('retries 503 and 429 and then succeeds', async () => {
    const server = await serve((_req, res, _seen, index) => {
      if (index === 0) json(res, 503, { computeFault: { message: 'busy', code: 503 } });
      else if (index === 1) json(res, 429, { overLimit: { message: 'slow down', code: 429 } });
      else json(res, 200, { volume: { id: 'v1' } });
    });
    const res = await client({}, makeTransport()).request(
      { method: 'GET', url: `${server.url}/volumes/v1`, headers: {} },
      GET_CONTEXT,
    );
    expect(res.status).toBe(200);
    expect(server.requests).toHaveLength(3);
  });

  it('retries a GET whose connection was reset', async () => {
    const server = await serve((req, res, _seen, index) => {
      if (index === 0) req.socket.destroy();
      else json(res, 200, { ok: true });
    });
    const res = await client({}, makeTransport()).request(
      { method: 'GET', url: `${server.url}/volumes/v1`, headers: {} },
      GET_CONTEXT,
    );
    expect(res.status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it('does not repeat a POST that was sent before the reset, and says so', async () => {
    const server = await serve((req) => req.socket.destroy());
    const error = await client({}, makeTransport())
      .request(
        { method: 'POST', url: `${server.url}/volumes`, headers: {}, body: '{"volume":{"size":1}}' },
        POST_CONTEXT,
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).sent).toBe(true);
    if (_name === 'node') expect((error as Error).message).toContain('may have reached the server');
    expect(server.requests).toHaveLength(1);
  });

  it('repeats that POST when the caller allows it', async () => {
    const server = await serve((req, res, _seen, index) => {
      if (index === 0) req.socket.destroy();
      else json(res, 202, {});
    });
    const res = await client({}, makeTransport()).request(
      { method: 'POST', url: `${server.url}/volumes`, headers: {}, body: '{}' },
      { ...POST_CONTEXT, retryNonIdempotent: true },
    );
    expect(res.status).toBe(202);
    expect(server.requests).toHaveLength(2);
  });

  it('retries a POST refused before sending', async () => {
    const port = await freePort();
    const requests: Parameters<typeof recordingListener>[0] = [];
    const server = http.createServer(
      recordingListener(requests, (_req, res) => json(res, 202, { volume: { id: 'v9' } })),
    );
    cleanups.push(() => closeServer(server));
    const capture = captureLogger();
    const c = client(
      {
        connectRetryDelay: 150,
        // The first retry warning is the moment to bring the server up on the refused port.
        logger: {
          warn: (message: string, fields?: Record<string, unknown>) => {
            capture.logger.warn(message, fields);
            if (!server.listening) void listen(server, port);
          },
        },
      },
      makeTransport(),
    );
    const res = await c.request(
      { method: 'POST', url: `http://127.0.0.1:${port}/volumes`, headers: {}, body: '{}' },
      POST_CONTEXT,
    );
    expect(res.status).toBe(202);
    expect(requests).toHaveLength(1);
    expect(capture.lines[0]).toContain('connection refused');
  });

  it('does not retry a 503 for a POST (it reached the server) but does retry a 429', async () => {
    const server = await serve((_req, res, seen, index) => {
      if (seen.url === '/503') json(res, 503, {});
      else if (index % 2 === 1) json(res, 429, {});
      else json(res, 202, {});
    });
    const c = client({}, makeTransport());
    await expect(
      c.request({ method: 'POST', url: `${server.url}/503`, headers: {}, body: '{}' }, POST_CONTEXT),
    ).rejects.toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(1);
    const res = await c.request(
      { method: 'POST', url: `${server.url}/volumes`, headers: {}, body: '{}' },
      POST_CONTEXT,
    );
    expect(res.status).toBe(202);
    expect(server.requests).toHaveLength(3);
  });
});

describe('HttpClient Retry-After and limits of retrying', () => {
  it('waits Retry-After seconds', async () => {
    const server = await serve((_req, res, _seen, index) => {
      if (index === 0) json(res, 503, {}, { 'retry-after': '1' });
      else json(res, 200, {});
    });
    await client().request({ method: 'GET', url: `${server.url}/v`, headers: {} }, GET_CONTEXT);
    const [first, second] = server.requests;
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
  });

  it('waits until a Retry-After HTTP-date', async () => {
    const server = await serve((_req, res, _seen, index) => {
      // Two seconds ahead, truncated to the second by the date format: 1–2 s from now.
      if (index === 0) json(res, 429, {}, { 'retry-after': new Date(Date.now() + 2000).toUTCString() });
      else json(res, 200, {});
    });
    await client().request({ method: 'GET', url: `${server.url}/v`, headers: {} }, GET_CONTEXT);
    const [first, second] = server.requests;
    expect(second.at - first.at).toBeGreaterThanOrEqual(900);
  });

  it('gives up at once when Retry-After exceeds maxRetryAfter, and reports it', async () => {
    const server = await serve((_req, res) =>
      json(res, 429, { overLimit: { message: 'quota', code: 429 } }, { 'retry-after': '3600' }),
    );
    const error = await client({ maxRetryAfter: 10_000 })
      .request({ method: 'GET', url: `${server.url}/v`, headers: {} }, GET_CONTEXT)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyRequestsError);
    expect((error as TooManyRequestsError).retryAfter).toBe(3600);
    expect(server.requests).toHaveLength(1);
  });

  it('stops after statusCodeRetries and throws the last error', async () => {
    const server = await serve((_req, res) =>
      json(res, 503, { computeFault: { message: 'down', code: 503 } }, { 'retry-after': '0' }),
    );
    const error = await client({ statusCodeRetries: 2 })
      .request({ method: 'GET', url: `${server.url}/v`, headers: {} }, GET_CONTEXT)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).retryAfter).toBe(0);
    expect(server.requests).toHaveLength(3);
  });

  it('stops after connectRetries', async () => {
    const server = await serve((req) => req.socket.destroy());
    const error = await client({ connectRetries: 1 })
      .request({ method: 'GET', url: `${server.url}/v`, headers: {} }, GET_CONTEXT)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(server.requests).toHaveLength(2);
  });

  it('times out each attempt and retries an idempotent request', async () => {
    const server = await serve(() => undefined);
    const error = await client({ timeout: 100, connectRetries: 1 })
      .request({ method: 'GET', url: `${server.url}/v`, headers: {} }, GET_CONTEXT)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(server.requests).toHaveLength(2);
  });

  it('aborts during a backoff wait without waiting it out', async () => {
    const controller = new AbortController();
    const server = await serve((_req, res) => {
      json(res, 503, {}, { 'retry-after': '30' });
      setTimeout(() => controller.abort(), 20);
    });
    const started = performance.now();
    const error = await client()
      .request({ method: 'GET', url: `${server.url}/v`, headers: {}, signal: controller.signal }, GET_CONTEXT)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(server.requests).toHaveLength(1);
  });

  it('aborts an attempt in flight', async () => {
    const controller = new AbortController();
    const server = await serve(() => setTimeout(() => controller.abort(), 10));
    await expect(
      client().request({ method: 'GET', url: `${server.url}/v`, headers: {}, signal: controller.signal }, GET_CONTEXT),
    ).rejects.toBeInstanceOf(AbortError);
  });

  it('reports a TLS handshake failure as not sent', async () => {
    // Plain HTTP server, https URL: the TLS socket acknowledged the write before the handshake
    // failed, which must still count as not sent.
    const server = await serve((_req, res) => json(res, 200, {}));
    const error = await client({ connectRetries: 0 })
      .request({ method: 'GET', url: `https://127.0.0.1:${server.port}/v`, headers: {} }, GET_CONTEXT)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).sent).toBe(false);
  });
});

describe('HttpClient headers and redirects', () => {
  it('sends User-Agent, additional headers, global request id and Content-Type', async () => {
    const server = await serve((_req, res) => json(res, 200, {}));
    const c = client({
      appName: 'portal',
      appVersion: '2.1',
      additionalHeaders: { 'X-Extra': 'yes' },
      globalRequestId: 'req-global',
    });
    await c.request(
      { method: 'POST', url: `${server.url}/v`, headers: { 'X-Auth-Token': 'tok' }, body: '{}' },
      POST_CONTEXT,
    );
    await c.request(
      { method: 'GET', url: `${server.url}/v`, headers: { 'X-OpenStack-Request-ID': 'req-own' } },
      GET_CONTEXT,
    );
    const [post, get] = server.requests;
    expect(post.headers['user-agent']).toMatch(/^portal\/2\.1 openstack-block-storage\/\d+\.\d+\.\d+ Node\.js\//);
    expect(post.headers['x-extra']).toBe('yes');
    expect(post.headers['x-openstack-request-id']).toBe('req-global');
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.headers['x-auth-token']).toBe('tok');
    expect(get.headers['x-openstack-request-id']).toBe('req-own');
    expect(get.headers['content-type']).toBeUndefined();
  });

  it('follows redirects, turning a 303 into a GET and dropping the token across origins', async () => {
    const other = await serve((_req, res) => json(res, 200, { moved: true }));
    const server = await serve((req, res) => {
      if (req.url === '/start') res.writeHead(303, { location: '/next' }).end();
      else if (req.url === '/next') res.writeHead(307, { location: `${other.url}/final` }).end();
      else json(res, 404, {});
    });
    const res = await client().request(
      { method: 'POST', url: `${server.url}/start`, headers: { 'x-auth-token': 'secret-token' }, body: '{}' },
      POST_CONTEXT,
    );
    expect(res.status).toBe(200);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /start', 'GET /next']);
    expect(server.requests[1].headers['x-auth-token']).toBe('secret-token');
    expect(other.requests[0].headers['x-auth-token']).toBeUndefined();
  });
});
