/** NodeTransport TLS: private CA, untrusted certificate, insecure mode, client certificates. */
import * as https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../runtime/errors.js';
import { HttpClient } from '../../../runtime/http/http-client.js';
import { NodeTransport } from '../../../runtime/http/node-transport.js';
import type { TlsOptions } from '../../../runtime/http/types.js';
import { GET_CONTEXT, type SeenRequest, closeServer, json, listen, recordingListener } from './helpers.js';
import { type TlsFixtures, makeTlsFixtures } from './tls-fixtures.js';

let tls: TlsFixtures;
let server: https.Server;
let mtlsServer: https.Server;
let url: string;
let mtlsUrl: string;
const requests: SeenRequest[] = [];

beforeAll(async () => {
  tls = makeTlsFixtures();
  server = https.createServer(
    { cert: tls.serverCert, key: tls.serverKey },
    recordingListener(requests, (_req, res) => json(res, 200, { secure: true })),
  );
  url = `https://127.0.0.1:${await listen(server)}`;
  mtlsServer = https.createServer(
    { cert: tls.serverCert, key: tls.serverKey, ca: tls.caCert, requestCert: true, rejectUnauthorized: true },
    (req, res) =>
      json(res, 200, { client: (req.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN }),
  );
  mtlsUrl = `https://127.0.0.1:${await listen(mtlsServer)}`;
});
afterAll(async () => {
  await closeServer(server);
  await closeServer(mtlsServer);
});

async function get(target: string, options: TlsOptions | undefined, connectRetries = 2) {
  const client = new HttpClient({
    transport: new NodeTransport({ tls: options, proxy: false }),
    connectRetries,
    retryBaseDelay: 1,
  });
  try {
    return await client.request({ method: 'GET', url: `${target}/volumes`, headers: {} }, GET_CONTEXT);
  } finally {
    await client.close();
  }
}

describe('NodeTransport TLS', () => {
  it('trusts a server signed by the given CA (added to the default store)', async () => {
    const res = await get(url, { ca: tls.caCert });
    expect(JSON.parse(res.body)).toEqual({ secure: true });
  });

  it('trusts it with replaceCa too', async () => {
    const res = await get(url, { ca: tls.caCert, replaceCa: true });
    expect(res.status).toBe(200);
  });

  it('rejects an untrusted certificate with a ConnectionError that names the certificate, unsent and not retried', async () => {
    const before = requests.length;
    const error = await get(url, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toMatch(/certificate/i);
    expect((error as ConnectionError).sent).toBe(false);
    expect(requests.length).toBe(before);
  });

  it('skips verification only when insecure is asked for', async () => {
    const res = await get(url, { insecure: true });
    expect(res.status).toBe(200);
  });

  it('presents a client certificate when the server requires one', async () => {
    const res = await get(mtlsUrl, { ca: tls.caCert, cert: tls.clientCert, key: tls.clientKey });
    expect(JSON.parse(res.body)).toEqual({ client: 'test-client' });
  });

  it('fails without the client certificate', async () => {
    const error = await get(mtlsUrl, { ca: tls.caCert }, 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
  });
});

describe('NodeTransport TLS connections', () => {
  it('keeps one TLS connection for sequential requests, and resumes its session on a second one', async () => {
    const handshakes: boolean[] = [];
    const sockets = new Set<import('node:net').Socket>();
    const resuming = https.createServer({ cert: tls.serverCert, key: tls.serverKey }, (_req, res) =>
      json(res, 200, {}),
    );
    resuming.on('secureConnection', (socket: import('node:tls').TLSSocket) => {
      handshakes.push(socket.isSessionReused());
      sockets.add(socket);
    });
    const target = `https://127.0.0.1:${await listen(resuming)}`;
    const transport = new NodeTransport({ tls: { ca: tls.caCert }, proxy: false });
    try {
      for (let i = 0; i < 3; i++) {
        expect((await transport.send({ method: 'GET', url: `${target}/v`, headers: {} })).status).toBe(200);
        // undici reuses a connection one event-loop turn after its response (see transports.test.ts).
        await new Promise((r) => setImmediate(r));
      }
      expect(handshakes).toEqual([false]);
      // Two at once: one takes the idle connection, the other opens a second one and resumes the
      // session of the first. (A connection that ends in an error drops its session: undici's rule.)
      const both = await Promise.all(
        [0, 1].map(() => transport.send({ method: 'GET', url: `${target}/v`, headers: {} })),
      );
      expect(both.map((r) => r.status)).toEqual([200, 200]);
      expect(handshakes).toEqual([false, true]);
    } finally {
      await transport.close();
      await closeServer(resuming);
    }
  });
});
