/**
 * NodeTransport's HTTP/1.1 client (runtime/http/http1.ts) against raw TCP servers on 127.0.0.1
 * that write exact bytes: framing (Content-Length, chunked, until close), heads split across
 * packets, interim responses, keep-alive and its refusals, protocol errors, request validation,
 * socket limits and idle sockets.
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError, RequestTimeoutError } from '../../../runtime/errors.js';
import { NodeTransport } from '../../../runtime/http/node-transport.js';
import { closeServer, listen } from './helpers.js';

interface RawServer {
  readonly port: number;
  readonly url: string;
  /** Raw requests received, per connection, in order. */
  readonly requests: string[];
  connections: number;
  close(): Promise<void>;
}

/**
 * A server that answers every complete request head (and its Content-Length body) with
 * `respond(request, index)`: a list of byte strings written one by one, 5 ms apart, or a function
 * given the socket for anything else.
 */
async function rawServer(
  respond: (request: string, index: number) => readonly (string | Buffer)[] | ((socket: net.Socket) => void),
): Promise<RawServer> {
  const requests: string[] = [];
  const state = { connections: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    // The handler's own awaits run to completion; nothing waits on its promise.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    socket.on('data', async (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.toString('latin1', 0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const request = buffer.toString('utf8', 0, end + 4 + length);
        buffer = buffer.subarray(end + 4 + length);
        const index = requests.push(request) - 1;
        const answer = respond(request, index);
        if (typeof answer === 'function') {
          answer(socket);
          continue;
        }
        for (const [i, part] of answer.entries()) {
          if (i > 0) await new Promise((r) => setTimeout(r, 5));
          if (!socket.destroyed) socket.write(part);
        }
      }
    });
  });
  const port = await listen(server);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return state.connections;
    },
    set connections(n: number) {
      state.connections = n;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await closeServer(server);
    },
  };
}

/** Whether this machine has an IPv6 loopback (some containers do not). */
const hasIpv6Loopback = await new Promise<boolean>((resolve) => {
  const probe = net.createServer();
  probe.once('error', () => resolve(false));
  probe.listen(0, '::1', () => probe.close(() => resolve(true)));
});

const ok = (body: string, extra = ''): string =>
  `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(
  respond: Parameters<typeof rawServer>[0],
  options: ConstructorParameters<typeof NodeTransport>[0] = {},
): Promise<{ server: RawServer; transport: NodeTransport }> {
  const server = await rawServer(respond);
  const transport = new NodeTransport({ proxy: false, ...options });
  cleanup.push(
    () => server.close(),
    () => transport.close(),
  );
  return { server, transport };
}

describe('HTTP/1.1 client: framing', () => {
  it('reads a head and a body split into single bytes', async () => {
    const response = ok('{"volume": {"name": "é"}}', 'x-openstack-request-id: req-1\r\n');
    const bytes = [...Buffer.from(response)].map((b) => Buffer.from([b]));
    const { server, transport } = await setup(() => bytes);
    const res = await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
    expect(res.status).toBe(200);
    expect(res.statusText).toBe('OK');
    expect(res.headers.get('X-OpenStack-Request-Id')).toBe('req-1');
    expect(JSON.parse(res.body)).toEqual({ volume: { name: 'é' } });
  });

  it('decodes a chunked body with extensions, chunks split across packets, and trailers', async () => {
    const body = '{"volumes": ["ü", "vol-2"]}';
    const b = Buffer.from(body);
    const { server, transport } = await setup(() => [
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n',
      `${(5).toString(16)};name=value\r\n`,
      Buffer.concat([b.subarray(0, 3)]),
      Buffer.concat([b.subarray(3, 5), Buffer.from('\r\n')]),
      `${(b.length - 5).toString(16).toUpperCase()}\r\n`,
      Buffer.concat([b.subarray(5), Buffer.from('\r')]),
      '\n0\r\n',
      'x-trailer: yes\r\n\r\n',
    ]);
    const res = await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
    expect(res.body).toBe(body);
    // The connection stays usable after a chunked body.
    await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
    expect(server.connections).toBe(1);
  });

  it('reads a body delimited by the end of the connection, and does not reuse it', async () => {
    const { server, transport } = await setup(() => (socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nall of ');
      setTimeout(() => socket.end('it'), 10);
    });
    expect((await transport.send({ method: 'GET', url: `${server.url}/a`, headers: {} })).body).toBe('all of it');
    expect((await transport.send({ method: 'GET', url: `${server.url}/b`, headers: {} })).body).toBe('all of it');
    expect(server.connections).toBe(2);
  });

  it('expects no body after HEAD, 204 and 304, and keeps the connection', async () => {
    const { server, transport } = await setup((request) => {
      if (request.startsWith('HEAD')) return ['HTTP/1.1 200 OK\r\ncontent-length: 1234\r\n\r\n'];
      if (request.includes('/gone')) return ['HTTP/1.1 204 No Content\r\n\r\n'];
      return ['HTTP/1.1 304 Not Modified\r\ncontent-length: 99\r\n\r\n'];
    });
    expect((await transport.send({ method: 'HEAD', url: `${server.url}/v`, headers: {} })).body).toBe('');
    expect((await transport.send({ method: 'DELETE', url: `${server.url}/gone`, headers: {} })).status).toBe(204);
    expect((await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} })).status).toBe(304);
    expect(server.connections).toBe(1);
  });

  it('skips interim 1xx responses', async () => {
    const { server, transport } = await setup(() => ['HTTP/1.1 103 Early Hints\r\nlink: </x>\r\n\r\n', ok('{}')]);
    const res = await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
    expect(res.status).toBe(200);
    expect(res.headers.get('link')).toBeNull();
  });

  it('joins repeated headers and keeps 4xx/5xx as responses', async () => {
    const { server, transport } = await setup(() => [
      'HTTP/1.1 404 Not Found\r\nvary: a\r\nvary: b\r\ncontent-length: 2\r\n\r\n{}',
    ]);
    const res = await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
    expect(res.status).toBe(404);
    expect(res.headers.get('vary')).toBe('a, b');
  });

  it('reads a 1 MB body arriving in many packets', async () => {
    const body = JSON.stringify({ data: 'x€'.repeat(350_000) });
    const buf = Buffer.from(body);
    const parts: Buffer[] = [Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${buf.length}\r\n\r\n`)];
    for (let i = 0; i < buf.length; i += 65_537) parts.push(buf.subarray(i, i + 65_537));
    const { server, transport } = await setup(() => parts);
    expect((await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} })).body).toBe(body);
  });
});

describe('HTTP/1.1 client: responses match requests', () => {
  it('hundreds of sequential and concurrent requests each get their own response', async () => {
    const { server, transport } = await setup((request) => {
      const target = request.split(' ')[1];
      const body = JSON.stringify({ target });
      // Odd requests answer in two packets, head then body, to vary the framing path.
      return target.endsWith('1') || target.endsWith('3') ? [ok(body).slice(0, 20), ok(body).slice(20)] : [ok(body)];
    });
    for (let i = 0; i < 200; i++) {
      const res = await transport.send({ method: 'GET', url: `${server.url}/seq/${i}`, headers: {} });
      expect(JSON.parse(res.body)).toEqual({ target: `/seq/${i}` });
    }
    const all = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        transport.send({ method: 'GET', url: `${server.url}/par/${i}`, headers: {} }),
      ),
    );
    all.forEach((res, i) => expect(JSON.parse(res.body)).toEqual({ target: `/par/${i}` }));
    // Sequential calls share one socket; concurrent ones open more and keep them for reuse.
    expect(server.connections).toBeLessThanOrEqual(51);
  });
});

describe('HTTP/1.1 client: keep-alive', () => {
  it('reuses one socket, and opens another after the server says close', async () => {
    const { server, transport } = await setup((_r, i) => [ok('{}', i === 1 ? 'connection: close\r\n' : '')]);
    for (let i = 0; i < 4; i++) await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
    expect(server.connections).toBe(2);
  });

  it('does not reuse an HTTP/1.0 connection without keep-alive', async () => {
    const { server, transport } = await setup(() => ['HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\n{}']);
    await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
    await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
    expect(server.connections).toBe(2);
  });

  it('drops an idle socket the server closed and sends on a new one', async () => {
    const { server, transport } = await setup(() => (socket) => {
      socket.write(ok('{}'));
      setTimeout(() => socket.destroy(), 5);
    });
    await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
    await new Promise((r) => setTimeout(r, 50));
    expect((await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} })).status).toBe(200);
    expect(server.connections).toBe(2);
  });

  it('closes idle sockets after idleSocketTimeout', async () => {
    const { server, transport } = await setup(() => [ok('{}')], { idleSocketTimeout: 30 });
    await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
    await new Promise((r) => setTimeout(r, 120));
    await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
    expect(server.connections).toBe(2);
  });

  it('never reuses a socket that sent bytes beyond the response', async () => {
    const { server, transport } = await setup(() => [`${ok('{}')}HTTP/1.1 200 OK\r\n`]);
    await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
    await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
    expect(server.connections).toBe(2);
  });

  it('idle sockets do not keep the process alive', async () => {
    const { server } = await setup(() => [ok('{}')]);
    const script = `
      const { NodeTransport } = await import(${JSON.stringify(new URL('../../../runtime/http/node-transport.ts', import.meta.url).href)});
      const t = new NodeTransport({ proxy: false });
      const res = await t.send({ method: 'GET', url: '${server.url}/v', headers: {} });
      console.log(res.status);
    `;
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(out.trim()).toBe('200');
    expect(code).toBe(0);
    // The idle timeout is 4 s: exiting well before it means the socket did not hold the loop.
    expect(Date.now() - started).toBeLessThan(3500);
  }, 15_000);
});

describe('HTTP/1.1 client: requests', () => {
  it('writes the request line, Host, the headers and a UTF-8 body with its byte length', async () => {
    const { server, transport } = await setup(() => [ok('{}')]);
    await transport.send({
      method: 'POST',
      url: `${server.url}/v3/p/volumes?a=1%20b`,
      headers: { 'x-auth-token': 't', 'content-type': 'application/json' },
      body: '{"name":"é"}',
    });
    expect(server.requests[0]).toBe(
      `POST /v3/p/volumes?a=1%20b HTTP/1.1\r\nhost: 127.0.0.1:${server.port}\r\nx-auth-token: t\r\ncontent-type: application/json\r\ncontent-length: 13\r\n\r\n{"name":"é"}`,
    );
  });

  it.skipIf(!hasIpv6Loopback)(
    'reaches an IPv6 literal host, with the brackets in Host only (skipped without an IPv6 loopback)',
    async () => {
      let head = '';
      const server = net.createServer((socket) => {
        socket.once('data', (d: Buffer) => {
          head = d.toString('latin1');
          socket.end(ok('{"v6":true}', 'connection: close\r\n'));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
      const port = (server.address() as net.AddressInfo).port;
      const transport = new NodeTransport({ proxy: false });
      cleanup.push(
        () => closeServer(server),
        () => transport.close(),
      );
      const res = await transport.send({ method: 'GET', url: `http://[::1]:${port}/v`, headers: {} });
      expect(JSON.parse(res.body)).toEqual({ v6: true });
      expect(head).toContain(`\r\nhost: [::1]:${port}\r\n`);
    },
  );

  it('sends content-length: 0 for a POST without a body, none for a GET', async () => {
    const { server, transport } = await setup(() => [ok('{}')]);
    await transport.send({ method: 'POST', url: `${server.url}/a`, headers: {} });
    await transport.send({ method: 'GET', url: `${server.url}/b`, headers: {} });
    expect(server.requests[0]).toContain('\r\ncontent-length: 0\r\n');
    expect(server.requests[1]).not.toMatch(/content-length/i);
  });

  it('refuses a header value with CR/LF before writing anything', async () => {
    const { server, transport } = await setup(() => [ok('{}')]);
    const error = await transport
      .send({ method: 'GET', url: `${server.url}/v`, headers: { 'x-a': 'ok\r\nx-injected: 1' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).sent).toBe(false);
    expect((error as Error).message).toMatch(/invalid character in the value of header x-a/);
    expect(server.requests).toEqual([]);
  });
});

describe('HTTP/1.1 client: failures', () => {
  it.each([
    ['a bad status line', 'HTTP/2 200 OK\r\n\r\n'],
    ['a bad header line', 'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n'],
    ['a bad content-length', 'HTTP/1.1 200 OK\r\ncontent-length: 12abc\r\n\r\n'],
    ['conflicting content-lengths', 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'],
  ])('%s is a ConnectionError that says the request may have been processed', async (_name, response) => {
    const { server, transport } = await setup(() => [response]);
    const error = await transport
      .send({ method: 'POST', url: `${server.url}/v`, headers: {}, body: '{}' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/invalid HTTP response/);
    expect((error as ConnectionError).sent).toBe(true);
  });

  it('close() fails the request in flight and refuses new ones, without a retry-worthy "sent"', async () => {
    const { server, transport } = await setup(() => () => undefined);
    const inFlight = transport.send({ method: 'GET', url: `${server.url}/hang`, headers: {} }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 30));
    transport.close();
    const error = await inFlight;
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/the transport was closed/);
    const after = await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} }).catch((e: unknown) => e);
    expect(after).toBeInstanceOf(ConnectionError);
    expect((after as ConnectionError).sent).toBe(false);
  });

  it('a huge declared Content-Length reserves nothing up front, and a cut body is a ConnectionError', async () => {
    const { server, transport } = await setup(() => (socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 999999999999999\r\n\r\n{"partial":');
      setTimeout(() => socket.destroy(), 20);
    });
    const error = await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
  });

  it('a response head over 64 KiB is refused', async () => {
    const { server, transport } = await setup(() => [`HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(70_000)}`]);
    const error = await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/larger than 64 KiB/);
  });

  it('with maxSockets, a request waits for a socket, and one that times out waiting was never sent', async () => {
    const { server, transport } = await setup(
      (request) => (request.includes('/slow') ? (socket) => setTimeout(() => socket.write(ok('{}')), 150) : [ok('{}')]),
      {
        maxSockets: 1,
      },
    );
    const slow = transport.send({ method: 'GET', url: `${server.url}/slow`, headers: {} });
    const waiting = transport
      .send({ method: 'POST', url: `${server.url}/fast`, headers: {}, body: '{}', timeout: 40 })
      .catch((e: unknown) => e);
    const queued = transport.send({ method: 'GET', url: `${server.url}/after`, headers: {} });
    const timedOut = await waiting;
    expect(timedOut).toBeInstanceOf(RequestTimeoutError);
    expect((timedOut as RequestTimeoutError).sent).toBe(false);
    expect((await slow).status).toBe(200);
    expect((await queued).status).toBe(200);
    expect(server.requests.map((r) => r.split(' ')[1])).toEqual(['/slow', '/after']);
    expect(server.connections).toBe(1);
  });
});
