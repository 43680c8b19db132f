/**
 * NodeTransport (undici) against raw TCP servers on 127.0.0.1 that write hostile or broken bytes:
 * what a user sees is a typed error, and the connection that carried the bad response is never
 * used again. Also the transport's own promises that need a raw server: `sent` when a request never
 * got a connection, timeouts that close the connection, close(), idle sockets and the process.
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError, InvalidArgumentError, RequestTimeoutError } from '../../../runtime/errors.js';
import { HttpClient } from '../../../runtime/http/http-client.js';
import { NodeTransport } from '../../../runtime/http/node-transport.js';
import { GET_CONTEXT, closeServer, listen } from './helpers.js';

/** What the server does with one request: write these bytes, or act on the socket itself. */
type Reply = string | ((socket: net.Socket) => void);

interface RawServer {
  readonly url: string;
  /** Request lines in arrival order, with the connection number each arrived on. */
  readonly requests: Array<{ line: string; connection: number }>;
  /** Connections accepted so far. */
  connections: number;
  /** Numbers of the connections closed so far. */
  readonly closed: number[];
  close(): Promise<void>;
}

/** Answers each request head (ends at CRLF CRLF; bodies here are small and arrive with it). */
async function rawServer(reply: (requestLine: string, index: number) => Reply): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const state = { requests: [] as RawServer['requests'], connections: 0, closed: [] as number[] };
  const server = net.createServer((socket) => {
    const connection = ++state.connections;
    sockets.add(socket);
    socket.on('close', () => {
      state.closed.push(connection);
      sockets.delete(socket);
    });
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (bytes: Buffer) => {
      buffered += bytes.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) >= 0) {
        const head = buffered.slice(0, end);
        const length = /\r\ncontent-length: *(\d+)/i.exec(head);
        const total = end + 4 + (length ? Number(length[1]) : 0);
        if (buffered.length < total) break;
        buffered = buffered.slice(total);
        const line = head.slice(0, head.indexOf('\r\n'));
        state.requests.push({ line, connection });
        const answer = reply(line, state.requests.length - 1);
        if (typeof answer === 'string') socket.write(answer, 'latin1');
        else answer(socket);
      }
    });
  });
  const port = await listen(server);
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await closeServer(server);
    },
  });
}

const ok = (body = '{}'): string =>
  `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function setup(
  reply: Parameters<typeof rawServer>[0],
  options: ConstructorParameters<typeof NodeTransport>[0] = {},
): Promise<{ server: RawServer; transport: NodeTransport }> {
  const server = await rawServer(reply);
  const transport = new NodeTransport({ proxy: false, ...options });
  cleanup.push(
    () => server.close(),
    () => transport.close(),
  );
  return { server, transport };
}

const hostile: Array<[string, string]> = [
  [
    'a response head larger than 16 KiB',
    `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(70_000)}\r\ncontent-length: 2\r\n\r\n{}`,
  ],
  [
    'Content-Length together with Transfer-Encoding',
    'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
  ],
  ['a CR inside a header value', 'HTTP/1.1 200 OK\r\nx-a: one\rtwo\r\ncontent-length: 2\r\n\r\n{}'],
  ['bare LF line endings', 'HTTP/1.1 200 OK\ncontent-length: 2\n\n{}'],
  ['a bad chunk size', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'],
];

describe('a server sending a malformed response', () => {
  it.each(hostile)(
    '%s is a ConnectionError, the request counts as sent, and the connection is not reused',
    async (_name, response) => {
      const { server, transport } = await setup((_line, index) => (index === 0 ? response : ok('{"next":true}')));
      const started = performance.now();
      const error = await transport
        .send({ method: 'POST', url: `${server.url}/v`, headers: {}, body: '{}', timeout: 5000 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).not.toBeInstanceOf(RequestTimeoutError);
      expect((error as Error).message).toMatch(/invalid HTTP response/);
      expect((error as ConnectionError).sent).toBe(true);
      // Refused as soon as read, not after the timeout.
      expect(performance.now() - started).toBeLessThan(2000);

      const next = await transport.send({ method: 'GET', url: `${server.url}/next`, headers: {} });
      expect(JSON.parse(next.body)).toEqual({ next: true });
      expect(server.requests.map((r) => r.connection)).toEqual([1, 2]);
    },
  );

  it('through the HTTP client, an oversized head is retried on fresh connections, then a typed error', async () => {
    const big = `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(70_000)}\r\ncontent-length: 2\r\n\r\n{}`;
    const { server, transport } = await setup(() => big);
    const client = new HttpClient({ transport, connectRetries: 2, retryBaseDelay: 1 });
    const error = await client
      .request({ method: 'GET', url: `${server.url}/volumes/v1`, headers: {} }, GET_CONTEXT)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).code).toBe('UND_ERR_HEADERS_OVERFLOW');
    expect(server.requests.map((r) => r.connection)).toEqual([1, 2, 3]);
  });
});

describe('NodeTransport promises that need a raw server', () => {
  it('refuses a header value with CR/LF with InvalidArgumentError, before connecting', async () => {
    const { server, transport } = await setup(() => ok());
    const error = await transport
      .send({ method: 'GET', url: `${server.url}/v`, headers: { 'x-a': 'ok\r\nx-injected: 1' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(server.connections).toBe(0);
  });

  it('a timeout closes the connection of the request it cancels', async () => {
    const { server, transport } = await setup(() => () => undefined);
    const error = await transport
      .send({ method: 'GET', url: `${server.url}/hang`, headers: {}, timeout: 50 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as RequestTimeoutError).sent).toBe(true);
    await expect.poll(() => server.closed.includes(1)).toBe(true);
  });

  it('with maxSockets, a request that times out waiting for a connection was never sent', async () => {
    const { server, transport } = await setup(
      (line) => (line.includes('/slow') ? (socket) => setTimeout(() => socket.write(ok()), 150) : ok()),
      { maxSockets: 1 },
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
    // The timed-out POST never reached the server. (undici closes the connection when it drops the
    // cancelled request at its turn, so /after may arrive on a new one.)
    expect(server.requests.map((r) => r.line.split(' ')[1])).toEqual(['/slow', '/after']);
  });

  it('close() fails the request in flight and refuses new ones as not sent', async () => {
    const { server, transport } = await setup(() => () => undefined);
    const inFlight = transport.send({ method: 'GET', url: `${server.url}/hang`, headers: {} }).catch((e: unknown) => e);
    await expect.poll(() => server.requests.length).toBe(1);
    await transport.close();
    const error = await inFlight;
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/the transport was closed/);
    const after = await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} }).catch((e: unknown) => e);
    expect(after).toBeInstanceOf(ConnectionError);
    expect((after as ConnectionError).sent).toBe(false);
  });

  it('idle connections do not keep the process alive', async () => {
    const { server } = await setup(() => ok());
    const transportModule = new URL('../../../runtime/http/node-transport.ts', import.meta.url).href;
    // An idle timeout of 10 minutes, and a server that never closes a connection: a pooled
    // connection that held the event loop would keep the child alive far past this test's
    // timeout, so exiting at all is the proof, however slow the machine is (no wall-clock bound
    // that a loaded CI machine could miss; a bound of 3.5 s did miss under load).
    const script = `
      const { NodeTransport } = await import(${JSON.stringify(transportModule)});
      const t = new NodeTransport({ proxy: false, idleSocketTimeout: 600_000 });
      const res = await t.send({ method: 'GET', url: '${server.url}/v', headers: {} });
      console.log(res.status);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(out.trim()).toBe('200');
    expect(code).toBe(0);
    // The raw server never closes a connection: the child's exit is its own doing.
    expect(server.requests).toHaveLength(1);
  }, 60_000);
});
