/**
 * HTTP/1.1 over keep-alive sockets, for NodeTransport's direct routes (no proxy).
 *
 * Why not `node:http`: on a local server it costs 0.6–0.7× a bare `fetch()` per call, and the
 * SDK's target is 0.6× with everything on top (auth headers, retries, parsing). Most of that cost
 * is generality this client never needs — streams, events per request, header objects built and
 * validated twice. This is the subset an OpenStack API client uses: one request at a time per
 * socket, string bodies, responses read whole. Proxied requests (forward proxy, CONNECT tunnel)
 * stay on `node:http`.
 *
 * What it does (RFC 9112): request line, Host and Content-Length; response heads split across
 * packets; 1xx interim responses skipped; bodies framed by Content-Length, chunked coding, or the
 * connection's end; no body for HEAD, 204 and 304; keep-alive unless the server says `close` or
 * speaks HTTP/1.0 without keep-alive; header values checked for CR/LF/NUL before anything is written.
 * Sockets: LIFO reuse, closed after `idleTimeout` ms idle (before the 5 s idle timeout of most
 * servers), unref'd while idle so they never keep a process alive; TLS sessions are resumed.
 */
import * as net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import * as tls from 'node:tls';

/** Why an exchange failed, for the transport to map onto its typed errors. */
export class Http1Failure extends Error {
  constructor(
    message: string,
    /** Node's error code (ECONNRESET, a TLS code, …) when there is one. */
    readonly code: string | undefined,
    /** The whole request had been handed to the socket (and TLS was up): the server may have it. */
    readonly written: boolean,
    /** TCP connected (a failure after this and before `secured` is a TLS handshake failure). */
    readonly connected: boolean,
    /** TLS handshake done (always true for plain HTTP). */
    readonly secured: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'Http1Failure';
  }
}

export interface Http1Response {
  readonly status: number;
  readonly statusText: string;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface Http1PoolOptions {
  /** Idle sockets are closed after this many ms. */
  readonly idleTimeout: number;
  /** TLS options for https origins (ca, cert, key, rejectUnauthorized, checkServerIdentity). */
  readonly tls?: tls.ConnectionOptions | undefined;
  /** Sockets per origin (default: unlimited). */
  readonly maxSockets?: number | undefined;
}

export interface Http1Request {
  readonly method: string;
  readonly secure: boolean;
  /** Host name without brackets, for connect and SNI. */
  readonly hostname: string;
  readonly port: number;
  /** The Host header: `url.host`. */
  readonly host: string;
  /** Path and query, already percent-encoded. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
}

const MAX_HEAD = 64 * 1024;
const READ_BUFFER = 64 * 1024;
const PREALLOCATE_MAX = 16 * 1024 * 1024;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Header values: visible ASCII, space, tab and obs-text; never CR, LF or NUL.
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

type Framing = { kind: 'none' } | { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' };

/** One request/response on a connection. */
interface Exchange {
  readonly method: string;
  resolve(response: Http1Response): void;
  reject(failure: Http1Failure): void;
  /** The socket accepted the whole request (TLS sockets accept it before the handshake is done). */
  flushed: boolean;
}

class Connection {
  readonly socket: net.Socket;
  connected: boolean;
  secured: boolean;
  exchange: Exchange | undefined;
  /** Removed from its origin (closed, or closing): never used again. */
  dropped = false;
  #head: Buffer | undefined;
  #status = 0;
  #statusText = '';
  #headers: Record<string, string> = {};
  #keepAlive = true;
  #framing: Framing | undefined;
  // Body bytes: with a Content-Length, copied into one buffer of that size (off the JS heap) and
  // decoded once at the end into one flat string; without one, decoded as they arrive. A page of
  // a listing then leaves one string behind instead of a rope of pieces plus its flattened copy.
  #fixed: Buffer | undefined;
  #filled = 0;
  #body = '';
  #decoder: StringDecoder | undefined;
  #chunkBuffer: Buffer | undefined;
  #chunkRemaining = -1;
  #trailers = false;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly origin: Origin,
    connect: (onRead: (bytes: Buffer) => void) => net.Socket,
    secure: boolean,
  ) {
    const socket = connect((bytes) => this.#onData(bytes));
    this.socket = socket;
    this.connected = !socket.connecting;
    this.secured = !secure;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 1000);
    if (socket.connecting) socket.once('connect', () => (this.connected = true));
    if (secure) socket.once('secureConnect', () => (this.secured = true));
    socket.on('error', (error: Error & { code?: string }) => this.#fail(error.message, error.code, error));
    socket.on('close', () => this.#fail('socket closed before the response was complete', 'ECONNRESET'));
  }

  get reusable(): boolean {
    return this.#keepAlive && !this.dropped && !this.socket.destroyed;
  }

  /** Writes the request (one write, head and body together). */
  send(request: Http1Request, exchange: Exchange): void {
    // (Origin.acquire stopped the idle timer.)
    this.socket.ref();
    this.exchange = exchange;
    this.#reset();
    let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${request.host}\r\n`;
    for (const name in request.headers) head += `${name}: ${request.headers[name]}\r\n`;
    const body = request.body;
    if (body !== undefined) head += `content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
    else if (request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH')
      head += 'content-length: 0\r\n\r\n';
    else head += '\r\n';
    const onWritten = (error?: Error | null): void => {
      if (!error) exchange.flushed = true;
    };
    if (body === undefined || body === '') this.socket.write(head, 'latin1', onWritten);
    else {
      this.socket.cork();
      this.socket.write(head, 'latin1');
      this.socket.write(body, 'utf8', onWritten);
      this.socket.uncork();
    }
  }

  /** Abandons the exchange in flight (timeout, abort): the socket is closed, `reason` rejects it. */
  cancel(exchange: Exchange, reason: { message: string; code?: string | undefined; cause?: unknown }): void {
    // (Called for timeouts, aborts and close(); a finished exchange is left alone.)
    if (this.exchange !== exchange) return;
    this.exchange = undefined;
    this.origin.drop(this);
    exchange.reject(this.#failure(exchange, reason.message, reason.code, reason.cause));
  }

  #failure(exchange: Exchange, message: string, code: string | undefined, cause?: unknown): Http1Failure {
    // Sent = handed to the socket and, for TLS, the handshake done: only then can the server have it.
    return new Http1Failure(
      message,
      code,
      exchange.flushed && this.connected && this.secured,
      this.connected,
      this.secured,
      { cause },
    );
  }

  /** Back to the pool: unref'd, closed after the idle timeout or when the server closes it. */
  idle(timeout: number): void {
    this.socket.unref();
    this.#idleTimer = setTimeout(() => this.origin.drop(this), timeout);
    this.#idleTimer.unref?.();
  }

  /** Stops the idle timer (the connection is taken again, or dropped). */
  clearIdle(): void {
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #reset(): void {
    this.#head = undefined;
    this.#status = 0;
    this.#statusText = '';
    this.#headers = {};
    this.#keepAlive = true;
    this.#framing = undefined;
    this.#fixed = undefined;
    this.#filled = 0;
    this.#body = '';
    this.#decoder = undefined;
    this.#chunkBuffer = undefined;
    this.#chunkRemaining = -1;
    this.#trailers = false;
  }

  #fail(message: string, code: string | undefined, cause?: unknown): void {
    const exchange = this.exchange;
    if (!exchange) {
      // An idle socket closed by the server (or erroring): forget it.
      this.origin.drop(this);
      return;
    }
    if (this.#framing?.kind === 'close' && cause === undefined) {
      // Body delimited by the end of the connection: the close completes it.
      this.#complete();
      return;
    }
    this.exchange = undefined;
    this.origin.drop(this);
    exchange.reject(this.#failure(exchange, message, code, cause));
  }

  #protocolError(message: string): void {
    this.#keepAlive = false;
    this.#fail(`invalid HTTP response: ${message}`, 'HPE_INVALID');
  }

  #onData(chunk: Buffer): void {
    if (!this.exchange) {
      // Bytes nobody asked for: the connection's state is unknown, do not reuse it.
      this.origin.drop(this);
      return;
    }
    let data: Buffer | undefined = chunk;
    try {
      while (data && data.length > 0 && this.exchange) {
        data = this.#framing === undefined ? this.#readHead(data) : this.#readBody(data);
      }
    } catch (error) {
      // Nothing here may throw into the socket's read callback (it would crash the process):
      // whatever went wrong fails this request and closes the connection.
      this.#keepAlive = false;
      this.#fail(
        `could not read the response: ${(error as Error).message}`,
        (error as { code?: string }).code ?? 'ERR_RESPONSE',
        error,
      );
    }
  }

  /** Consumes the head; returns the bytes after it, or undefined when more are needed. */
  #readHead(chunk: Buffer): Buffer | undefined {
    const buffer = this.#head ? Buffer.concat([this.#head, chunk]) : chunk;
    const end = buffer.indexOf(HEAD_END);
    if (end < 0) {
      if (buffer.length > MAX_HEAD) this.#protocolError('response head larger than 64 KiB');
      // A copy: `chunk` may be the socket's read buffer, which the next read overwrites.
      else this.#head = this.#head ? buffer : Buffer.from(buffer);
      return undefined;
    }
    this.#head = undefined;
    const lines = buffer.toString('latin1', 0, end).split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0]);
    if (!statusLine) {
      this.#protocolError(`bad status line ${JSON.stringify(lines[0].slice(0, 80))}`);
      return undefined;
    }
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const colon = line.indexOf(':');
      if (colon <= 0 || !TOKEN.test(line.slice(0, colon))) {
        this.#protocolError(`bad header line ${JSON.stringify(line.slice(0, 80))}`);
        return undefined;
      }
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const status = Number(statusLine[2]);
    const rest = buffer.subarray(end + 4);
    if (status >= 100 && status < 200) {
      // Interim response (100 Continue, 103 Early Hints): the real one follows.
      return rest;
    }
    this.#status = status;
    this.#statusText = statusLine[3] ?? '';
    this.#headers = headers;
    const connection = (headers['connection'] ?? '').toLowerCase();
    this.#keepAlive =
      statusLine[1] === '1'
        ? !/(?:^|,)\s*close\s*(?:,|$)/.test(connection)
        : /(?:^|,)\s*keep-alive\s*(?:,|$)/.test(connection);
    const encoding = headers['transfer-encoding'];
    const length = headers['content-length'];
    if (this.exchange!.method === 'HEAD' || status === 204 || status === 304) this.#framing = { kind: 'none' };
    else if (encoding !== undefined) {
      if (!/(?:^|,)\s*chunked\s*$/i.test(encoding)) {
        this.#framing = { kind: 'close' };
        this.#keepAlive = false;
      } else this.#framing = { kind: 'chunked' };
    } else if (length !== undefined) {
      // Repeated Content-Length headers must agree (they arrive joined with ", ").
      const values = new Set(length.split(',').map((v) => v.trim()));
      const value = values.size === 1 ? [...values][0] : '';
      if (!/^\d{1,15}$/.test(value)) {
        this.#protocolError(`bad content-length ${JSON.stringify(length)}`);
        return undefined;
      }
      this.#framing = { kind: 'length', remaining: Number(value) };
      // Only a length this client can hold is allocated up front: the server's word is not
      // enough to reserve gigabytes (larger bodies are decoded as they arrive).
      if (this.#framing.remaining > 0 && this.#framing.remaining <= PREALLOCATE_MAX)
        this.#fixed = Buffer.allocUnsafe(this.#framing.remaining);
    } else {
      this.#framing = { kind: 'close' };
      this.#keepAlive = false;
    }
    if (this.#framing.kind === 'none' || (this.#framing.kind === 'length' && this.#framing.remaining === 0)) {
      this.#complete();
      return rest.length > 0 ? this.#unexpected() : undefined;
    }
    return rest;
  }

  /** Consumes body bytes; returns what follows the body (nothing expected), or undefined. */
  #readBody(chunk: Buffer): Buffer | undefined {
    const framing = this.#framing!;
    switch (framing.kind) {
      case 'close':
        this.#append(chunk);
        return undefined;
      case 'length': {
        if (chunk.length < framing.remaining) {
          this.#append(chunk);
          framing.remaining -= chunk.length;
          return undefined;
        }
        this.#append(chunk.subarray(0, framing.remaining));
        const rest = chunk.subarray(framing.remaining);
        framing.remaining = 0;
        this.#complete();
        return rest.length > 0 ? this.#unexpected() : undefined;
      }
      case 'chunked':
        return this.#readChunked(chunk);
      case 'none':
        return this.#unexpected();
    }
  }

  #readChunked(chunk: Buffer): Buffer | undefined {
    let data = this.#chunkBuffer ? Buffer.concat([this.#chunkBuffer, chunk]) : chunk;
    this.#chunkBuffer = undefined;
    for (;;) {
      if (this.#chunkRemaining > 0) {
        if (data.length <= this.#chunkRemaining) {
          this.#append(data);
          this.#chunkRemaining -= data.length;
          return undefined;
        }
        this.#append(data.subarray(0, this.#chunkRemaining));
        data = data.subarray(this.#chunkRemaining);
        this.#chunkRemaining = 0;
      }
      if (this.#chunkRemaining === 0) {
        // The CRLF after a chunk's data.
        if (data.length < 2) {
          this.#chunkBuffer = Buffer.from(data);
          return undefined;
        }
        if (data[0] !== 0x0d || data[1] !== 0x0a) {
          this.#protocolError('chunk data not followed by CRLF');
          return undefined;
        }
        data = data.subarray(2);
        this.#chunkRemaining = -1;
      }
      const eol = data.indexOf(CRLF);
      if (eol < 0) {
        if (data.length > MAX_HEAD) this.#protocolError('chunk line too long');
        else this.#chunkBuffer = Buffer.from(data);
        return undefined;
      }
      const line = data.toString('latin1', 0, eol);
      data = data.subarray(eol + 2);
      if (this.#trailers) {
        // Trailer fields until an empty line; their values are not used.
        if (line === '') {
          this.#complete();
          return data.length > 0 ? this.#unexpected() : undefined;
        }
        continue;
      }
      const size = /^([0-9A-Fa-f]{1,12})[ \t]*(?:;.*)?$/.exec(line);
      if (!size) {
        this.#protocolError(`bad chunk size line ${JSON.stringify(line.slice(0, 40))}`);
        return undefined;
      }
      const n = parseInt(size[1], 16);
      if (n === 0) this.#trailers = true;
      else this.#chunkRemaining = n;
    }
  }

  #append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.#fixed) {
      this.#filled += bytes.copy(this.#fixed, this.#filled);
      return;
    }
    this.#decoder ??= new StringDecoder('utf8');
    this.#body += this.#decoder.write(bytes);
  }

  #unexpected(): undefined {
    // Bytes after a complete response (no pipelining here): the connection is out of sync.
    this.#keepAlive = false;
    this.origin.drop(this);
    return undefined;
  }

  #complete(): void {
    const exchange = this.exchange;
    if (!exchange) return;
    this.exchange = undefined;
    const body = this.#fixed
      ? this.#fixed.toString('utf8', 0, this.#filled)
      : this.#decoder
        ? this.#body + this.#decoder.end()
        : this.#body;
    const response: Http1Response = {
      status: this.#status,
      statusText: this.#statusText,
      headers: this.#headers,
      body,
    };
    const reusable = this.reusable;
    this.#reset();
    if (reusable) this.origin.release(this);
    else this.origin.drop(this);
    exchange.resolve(response);
  }
}

/** The sockets of one scheme://host:port. */
class Origin {
  readonly #idle: Connection[] = [];
  readonly #all = new Set<Connection>();
  readonly #waiting: (() => void)[] = [];
  #open = 0;
  #session: Buffer | undefined;

  constructor(
    readonly pool: Http1Pool,
    readonly secure: boolean,
    readonly hostname: string,
    readonly port: number,
  ) {}

  acquire(): Connection | undefined {
    let connection = this.#idle.pop();
    while (connection && (connection.dropped || connection.socket.destroyed)) {
      this.drop(connection);
      connection = this.#idle.pop();
    }
    if (connection) {
      connection.clearIdle();
      return connection;
    }
    const max = this.pool.options.maxSockets;
    if (max !== undefined && this.#open >= max) return undefined;
    this.#open++;
    const created = new Connection(this, (onRead) => this.#connect(onRead), this.secure);
    this.#all.add(created);
    return created;
  }

  /** Calls `wake` once when a socket may be available (maxSockets reached); returns a canceller. */
  wait(wake: () => void): () => void {
    this.#waiting.push(wake);
    return () => {
      const i = this.#waiting.indexOf(wake);
      if (i >= 0) this.#waiting.splice(i, 1);
    };
  }

  release(connection: Connection): void {
    if (this.pool.closed) {
      this.drop(connection);
      return;
    }
    connection.idle(this.pool.options.idleTimeout);
    this.#idle.push(connection);
    this.#waiting.shift()?.();
  }

  /** Forgets a connection for good and closes its socket. Idempotent. */
  drop(connection: Connection): void {
    if (connection.dropped) return;
    connection.dropped = true;
    this.#all.delete(connection);
    connection.clearIdle();
    const i = this.#idle.indexOf(connection);
    if (i >= 0) this.#idle.splice(i, 1);
    connection.socket.destroy();
    this.#open--;
    this.#waiting.shift()?.();
  }

  closeIdle(): void {
    for (const connection of [...this.#idle]) this.drop(connection);
  }

  /** Closes every socket; a request in flight fails as if the connection had been reset. */
  closeAll(): void {
    for (const connection of [...this.#all]) {
      if (connection.exchange)
        connection.cancel(connection.exchange, { message: 'the transport was closed', code: 'ECONNRESET' });
      else this.drop(connection);
    }
  }

  /**
   * Plain sockets read into one buffer of their own (`onread`), so that reading a large response
   * does not allocate a new 64 KiB buffer per packet: a page of a listing then costs its text and
   * its objects, nothing more. What the parser keeps beyond a callback, it copies. TLS sockets
   * have no `onread`; they hand over fresh buffers.
   */
  #connect(onRead: (bytes: Buffer) => void): net.Socket {
    if (!this.secure) {
      return net.connect({
        host: this.hostname,
        port: this.port,
        onread: {
          buffer: Buffer.allocUnsafe(READ_BUFFER),
          callback: (n: number, buffer: Uint8Array): boolean => {
            onRead(Buffer.from(buffer.buffer, buffer.byteOffset, n));
            return true;
          },
        },
      });
    }
    const socket = tls.connect({
      ...this.pool.options.tls,
      host: this.hostname,
      port: this.port,
      // SNI only for names, never for IP literals.
      ...(net.isIP(this.hostname) === 0 ? { servername: this.hostname } : {}),
      ALPNProtocols: ['http/1.1'],
      ...(this.#session ? { session: this.#session } : {}),
    });
    socket.on('session', (session: Buffer) => {
      this.#session = session;
    });
    socket.on('data', onRead);
    return socket;
  }
}

export interface Http1Control {
  cancel?: ((reason: { message: string; code?: string | undefined; cause?: unknown }) => void) | undefined;
}

export class Http1Pool {
  readonly #origins = new Map<string, Origin>();
  /** After close(): connections that finish are closed instead of kept. */
  closed = false;

  constructor(readonly options: Http1PoolOptions) {}

  /**
   * Sends one request and reads the whole response; rejects with Http1Failure. `control.cancel`
   * is set to a function that abandons the request (timeout, abort): its reason rejects it, and a
   * request still waiting for a socket (maxSockets) is never written.
   */
  async send(request: Http1Request, control: Http1Control): Promise<Http1Response> {
    checkRequest(request);
    const key = `${request.secure ? 's' : 'p'}${request.hostname}:${request.port}`;
    let origin = this.#origins.get(key);
    if (this.closed) throw new Http1Failure('the transport was closed', 'ERR_TRANSPORT_CLOSED', false, false, false);
    if (!origin) {
      if (this.#origins.size > 256) {
        // A client talks to a handful of hosts; the cap only guards against unbounded growth.
        for (const old of this.#origins.values()) old.closeIdle();
        this.#origins.clear();
      }
      origin = new Origin(this, request.secure, request.hostname, request.port);
      this.#origins.set(key, origin);
    }
    let connection = origin.acquire();
    if (!connection) {
      let cancelled: Http1Failure | undefined;
      let stopWaiting: (() => void) | undefined;
      let wake: (() => void) | undefined;
      control.cancel = (reason) => {
        cancelled = new Http1Failure(reason.message, reason.code, false, false, false, { cause: reason.cause });
        stopWaiting?.();
        wake?.();
      };
      while (!connection) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          stopWaiting = origin.wait(resolve);
        });
        if (cancelled) throw cancelled;
        connection = origin.acquire();
      }
    }
    const conn = connection;
    return new Promise<Http1Response>((resolve, reject) => {
      const exchange: Exchange = { method: request.method, resolve, reject, flushed: false };
      control.cancel = (reason) => conn.cancel(exchange, reason);
      conn.send(request, exchange);
    });
  }

  close(): void {
    this.closed = true;
    for (const origin of this.#origins.values()) origin.closeAll();
    this.#origins.clear();
  }
}

/** Refuses what would corrupt the request stream (header injection, bad method) before writing. */
function checkRequest(request: Http1Request): void {
  if (!TOKEN.test(request.method))
    throw new Http1Failure(
      `invalid method ${JSON.stringify(request.method)}`,
      'ERR_INVALID_METHOD',
      false,
      false,
      false,
    );
  // Control characters are exactly what this check looks for.
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(request.path))
    throw new Http1Failure('invalid characters in the request path', 'ERR_UNESCAPED_CHARACTERS', false, false, false);
  for (const name in request.headers) {
    const value = request.headers[name];
    if (!TOKEN.test(name))
      throw new Http1Failure(
        `invalid header name ${JSON.stringify(name)}`,
        'ERR_INVALID_HTTP_TOKEN',
        false,
        false,
        false,
      );
    if (INVALID_VALUE.test(value))
      throw new Http1Failure(
        `invalid character in the value of header ${name}`,
        'ERR_INVALID_CHAR',
        false,
        false,
        false,
      );
  }
}
