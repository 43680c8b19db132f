/** NodeTransport (undici's ProxyAgent) through a tiny proxy written here: HTTP forwarding, CONNECT tunnels, NO_PROXY. */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../runtime/errors.js';
import { NodeTransport } from '../../../runtime/http/node-transport.js';
import {
  type SeenRequest,
  type TestServer,
  closeServer,
  json,
  listen,
  recordingListener,
  startServer,
} from './helpers.js';
import { type TlsFixtures, makeTlsFixtures } from './tls-fixtures.js';

interface ProxyLog {
  forwarded: string[];
  tunnels: string[];
  auth: Array<string | undefined>;
}

/** A forwarding + CONNECT proxy. `refuse` answers CONNECT with 403. */
function startProxy(log: ProxyLog, refuse = false): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    log.forwarded.push(`${req.method} ${req.url}`);
    log.auth.push(req.headers['proxy-authorization']);
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    log.tunnels.push(req.url ?? '');
    log.auth.push(req.headers['proxy-authorization']);
    if (refuse) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return listen(server).then((port) => ({ server, url: `http://127.0.0.1:${port}` }));
}

let tls: TlsFixtures;
let target: TestServer;
let secure: https.Server;
let secureUrl: string;
const secureRequests: SeenRequest[] = [];
const log: ProxyLog = { forwarded: [], tunnels: [], auth: [] };
let proxy: { server: http.Server; url: string };
const refusedLog: ProxyLog = { forwarded: [], tunnels: [], auth: [] };
let refusing: { server: http.Server; url: string };

beforeAll(async () => {
  tls = makeTlsFixtures();
  target = await startServer((_req, res, seen) => json(res, 200, { path: seen.url, host: seen.headers.host }));
  secure = https.createServer(
    { cert: tls.serverCert, key: tls.serverKey },
    recordingListener(secureRequests, (_req, res, seen) => json(res, 200, { path: seen.url })),
  );
  secureUrl = `https://127.0.0.1:${await listen(secure)}`;
  proxy = await startProxy(log);
  refusing = await startProxy(refusedLog, true);
});
afterAll(async () => {
  await target.close();
  await closeServer(secure);
  await closeServer(proxy.server);
  await closeServer(refusing.server);
});

function reset(): void {
  log.forwarded.length = 0;
  log.tunnels.length = 0;
  log.auth.length = 0;
}

describe('NodeTransport proxies', () => {
  it('sends plain HTTP to HTTP_PROXY as an absolute-URI request (loopback is proxied unless listed)', async () => {
    reset();
    const transport = new NodeTransport({ env: { HTTP_PROXY: proxy.url } });
    try {
      const res = await transport.send({ method: 'GET', url: `${target.url}/volumes?limit=1`, headers: {} });
      expect(JSON.parse(res.body)).toEqual({ path: '/volumes?limit=1', host: `127.0.0.1:${target.port}` });
      expect(log.forwarded).toEqual([`GET ${target.url}/volumes?limit=1`]);
    } finally {
      await transport.close();
    }
  });

  it('tunnels HTTPS through CONNECT, with proxy credentials, and keeps the tunnel alive', async () => {
    reset();
    const proxyWithAuth = proxy.url.replace('http://', 'http://user:p%40ss@');
    const transport = new NodeTransport({ env: { https_proxy: proxyWithAuth }, tls: { ca: tls.caCert } });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await transport.send({ method: 'GET', url: `${secureUrl}/v/${i}`, headers: {} });
        expect(JSON.parse(res.body)).toEqual({ path: `/v/${i}` });
        // undici reuses a connection one event-loop turn after its response (see transports.test.ts).
        await new Promise((r) => setImmediate(r));
      }
      expect(log.tunnels).toEqual([new URL(secureUrl).host]);
      expect(log.auth).toEqual([`Basic ${Buffer.from('user:p@ss').toString('base64')}`]);
    } finally {
      await transport.close();
    }
  });

  it('bypasses the proxy for NO_PROXY hosts', async () => {
    reset();
    const transport = new NodeTransport({
      env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com,127.0.0.1' },
      tls: { ca: tls.caCert },
    });
    try {
      expect((await transport.send({ method: 'GET', url: `${target.url}/direct`, headers: {} })).status).toBe(200);
      expect((await transport.send({ method: 'GET', url: `${secureUrl}/direct`, headers: {} })).status).toBe(200);
      expect(log.forwarded).toEqual([]);
      expect(log.tunnels).toEqual([]);
    } finally {
      await transport.close();
    }
  });

  it('reports a refused CONNECT as a ConnectionError that was not sent', async () => {
    const transport = new NodeTransport({ env: { HTTPS_PROXY: refusing.url }, tls: { ca: tls.caCert } });
    try {
      const before = secureRequests.length;
      const error = await transport
        .send({ method: 'POST', url: `${secureUrl}/volumes`, headers: {}, body: '{}' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).sent).toBe(false);
      expect((error as Error).message).toContain('403');
      expect(secureRequests.length).toBe(before);
    } finally {
      await transport.close();
    }
  });

  it('ignores the environment when proxy is false', async () => {
    reset();
    const transport = new NodeTransport({ proxy: false, env: { HTTP_PROXY: proxy.url } });
    try {
      await transport.send({ method: 'GET', url: `${target.url}/x`, headers: {} });
      expect(log.forwarded).toEqual([]);
    } finally {
      await transport.close();
    }
  });
});
