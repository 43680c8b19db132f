/** Both transports against the same real servers: one attempt each, errors mapped the same way. */
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, ConnectionError, RequestTimeoutError } from '../../../runtime/errors.js';
import { FetchTransport } from '../../../runtime/http/fetch-transport.js';
import { NodeTransport } from '../../../runtime/http/node-transport.js';
import type { Transport } from '../../../runtime/http/types.js';
import { type TestServer, closeServer, freePort, json, listen, startServer } from './helpers.js';

const transports: Array<[string, () => Transport]> = [
  ['FetchTransport', () => new FetchTransport()],
  ['NodeTransport', () => new NodeTransport({ proxy: false })],
];

describe.each(transports)('%s', (_name, make) => {
  let server: TestServer;
  let transport: Transport;

  beforeAll(async () => {
    transport = make();
    server = await startServer((req, res, seen) => {
      if (req.url === '/hang') return; // never answers
      if (req.url === '/reset') {
        req.socket.destroy();
        return;
      }
      if (req.url === '/slow-body') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"volume":');
        return; // body never finishes
      }
      if (req.url === '/half-body') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"volume":');
        setTimeout(() => req.socket.destroy(), 10);
        return;
      }
      json(
        res,
        req.url === '/missing' ? 404 : 200,
        { echo: { method: seen.method, body: seen.body, ua: seen.headers['user-agent'] } },
        {
          'x-openstack-request-id': 'req-abc',
          'set-cookie': ['a=1', 'b=2'],
        },
      );
    });
  });
  afterAll(async () => {
    await transport.close?.();
    await server.close();
  });

  it('sends a GET and reads status, headers and body', async () => {
    const res = await transport.send({
      method: 'GET',
      url: `${server.url}/volumes/v1`,
      headers: { 'user-agent': 'ua-test' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('X-OpenStack-Request-ID')).toBe('req-abc');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('absent')).toBeNull();
    expect(JSON.parse(res.body)).toEqual({ echo: { method: 'GET', body: '', ua: 'ua-test' } });
    expect(res.url).toBe(`${server.url}/volumes/v1`);
  });

  it('sends a JSON body and returns error statuses as responses', async () => {
    const body = JSON.stringify({ volume: { size: 1, name: 'é' } });
    const res = await transport.send({
      method: 'POST',
      url: `${server.url}/missing`,
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(404);
    expect(res.statusText).toBe('Not Found');
    expect(JSON.parse(res.body).echo.body).toBe(body);
  });

  it('maps a refused connection to ConnectionError with sent=false', async () => {
    const port = await freePort();
    const error = await transport
      .send({ method: 'POST', url: `http://127.0.0.1:${port}/volumes`, headers: {}, body: '{}' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).sent).toBe(false);
    expect((error as ConnectionError).code).toBe('ECONNREFUSED');
    expect((error as Error).message).toContain('connection refused');
  });

  it('maps a reset after the request was written to ConnectionError with sent=true', async () => {
    const error = await transport
      .send({ method: 'POST', url: `${server.url}/reset`, headers: {}, body: '{"a":1}' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).sent).toBe(true);
  });

  it('maps a response cut mid-body to ConnectionError', async () => {
    const error = await transport
      .send({ method: 'GET', url: `${server.url}/half-body`, headers: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).sent).toBe(true);
  });

  it('times out waiting for the response head', async () => {
    const error = await transport
      .send({ method: 'GET', url: `${server.url}/hang`, headers: {}, timeout: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toContain('100 ms');
  });

  it('times out while reading a body that never ends', async () => {
    const error = await transport
      .send({ method: 'GET', url: `${server.url}/slow-body`, headers: {}, timeout: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
  });

  it('honours the caller signal, before and during the attempt', async () => {
    const before = new AbortController();
    before.abort();
    await expect(
      transport.send({ method: 'GET', url: `${server.url}/x`, headers: {}, signal: before.signal }),
    ).rejects.toBeInstanceOf(AbortError);
    const during = new AbortController();
    const pending = transport.send({ method: 'GET', url: `${server.url}/hang`, headers: {}, signal: during.signal });
    setTimeout(() => during.abort(), 30);
    await expect(pending).rejects.toBeInstanceOf(AbortError);
  });
});

/**
 * undici hands a connection to the next request one event-loop turn after a response ends (a
 * server that said keep-alive may still close it): requests with any gap between them share one
 * connection, back-to-back ones alternate between two.
 */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('NodeTransport specifics', () => {
  it('reuses one keep-alive connection for sequential requests', async () => {
    const transport = new NodeTransport({ proxy: false });
    const sockets = new Set<net.Socket>();
    const server = await startServer((req, res) => {
      sockets.add(req.socket);
      json(res, 200, {});
    });
    try {
      for (let i = 0; i < 5; i++) {
        await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
        await nextTurn();
      }
      expect(sockets.size).toBe(1);
    } finally {
      await transport.close();
      await server.close();
    }
  });

  it('keeps back-to-back sequential requests on at most two connections', async () => {
    const transport = new NodeTransport({ proxy: false });
    const sockets = new Set<net.Socket>();
    const server = await startServer((req, res) => {
      sockets.add(req.socket);
      json(res, 200, {});
    });
    try {
      for (let i = 0; i < 20; i++) await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
      expect(sockets.size).toBeLessThanOrEqual(2);
    } finally {
      await transport.close();
      await server.close();
    }
  });

  it('keeps an active request alive past the idle socket timeout', async () => {
    const transport = new NodeTransport({ proxy: false, idleSocketTimeout: 50 });
    const server = await startServer((_req, res) => {
      setTimeout(() => json(res, 200, { ok: true }), 200);
    });
    try {
      const res = await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
      expect(res.status).toBe(200);
    } finally {
      await transport.close();
      await server.close();
    }
  });

  it('reports a connection closed by the server before any request as not sent', async () => {
    // A raw TCP server that accepts and immediately closes: nothing of ours was processed.
    const raw = net.createServer((socket) => socket.destroy());
    const port = await listen(raw);
    const transport = new NodeTransport({ proxy: false });
    try {
      const error = await transport
        .send({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
    } finally {
      await transport.close();
      await closeServer(raw);
    }
  });
});
