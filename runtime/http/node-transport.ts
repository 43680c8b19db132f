/**
 * The default Transport on Node: undici's `request()` on keep-alive dispatchers.
 *
 * Why undici: it is the HTTP client Node's own `fetch` is built on, maintained with Node, with a
 * strict parser (llhttp): a response head over 16 KiB, `Content-Length` together with
 * `Transfer-Encoding`, CR/LF/NUL in header values or bare-LF line ends are errors, and the connection
 * they arrived on is destroyed, never reused. Its `request()` skips fetch's WHATWG layers (Request,
 * Response, Headers objects, stream adapters), which is where most of fetch's per-call cost goes.
 * undici is loaded with this module, and this module only on the first request (see
 * default-transport.ts), so importing the SDK does not pay for it.
 *
 * Routing: one keep-alive `Agent` for direct requests, and one `ProxyAgent` per proxy URL, chosen per
 * origin by proxy.ts (curl's reading of `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY`, with CIDR
 * and `host:port` entries, from the `env` option rather than only `process.env` — which undici's
 * `EnvHttpProxyAgent` does not offer). HTTPS goes through a CONNECT tunnel; plain HTTP is forwarded
 * as an absolute-URI request, as curl does.
 *
 * What the transport promises on top of undici:
 * - `timeout` covers the whole attempt, connect to the end of the body, and really cancels it: the
 *   request is aborted and its connection destroyed.
 * - `ConnectionError.sent`: false only when undici never started writing the request on a connected
 *   (TLS-established, tunnelled) socket — the dispatchers note the moment undici starts the request
 *   (StartTracker). From then on undici cannot tell whether the bytes reached the server, so the
 *   attempt counts as sent. TLS handshake and certificate failures are never "sent".
 * - Idle connections close after `idleSocketTimeout` (4 s, before the 5 s idle timeout of Node,
 *   Apache and many load balancers) and never keep the process alive (undici unrefs them). undici
 *   hands a connection to the next request one event-loop turn after its response ends (in case
 *   the server closes it anyway), so strictly back-to-back requests alternate between two.
 */
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { Agent, type Dispatcher, ProxyAgent } from 'undici';
import type { HeaderReader } from '../client.js';
import { ConnectionError, InvalidArgumentError, RequestTimeoutError } from '../errors.js';
import { abortError } from './abort.js';
import { describeNetworkError, failedBeforeSend, isTlsFailure } from './network-errors.js';
import { type ProxyConfig, proxyFor, proxyFromEnv } from './proxy.js';
import type { DefaultTransportOptions } from './transport-options.js';
import type { HttpRequest, HttpResponse, TlsOptions, Transport } from './types.js';

export type NodeTransportOptions = DefaultTransportOptions;

export const DEFAULT_IDLE_SOCKET_TIMEOUT = 4000;

/** What one attempt learns from undici while it runs, and how it is cancelled. */
interface Attempt {
  /** undici started the request on a connected socket: the server may have it from here on. */
  started: boolean;
  /** Once started: aborts the request, destroying its connection. */
  abort: ((reason: Error) => void) | undefined;
  /** Set when the attempt timed out or was aborted: undici drops it, unsent, if not yet started. */
  cancelled: Error | undefined;
}

/** Request options carry their Attempt to the dispatcher under this key (undici ignores it). */
const ATTEMPT = Symbol('attempt');
type AttemptOptions = Dispatcher.DispatchOptions & { [ATTEMPT]?: Attempt };
type Handler = Dispatcher.DispatchHandler;

/**
 * Passes undici's callbacks to `request()`'s own handler, noting `onConnect`: undici calls it on a
 * connected socket just before writing the request, and hands over the function that aborts it.
 * (These are undici 7's handler callbacks that `request()` itself implements; the newer
 * `onRequestStart` family would make undici wrap every handler twice, ~5 µs per call.)
 */
class StartTracker implements Handler {
  constructor(
    private readonly inner: Handler,
    private readonly attempt: Attempt,
  ) {}
  onConnect(abort: (error?: Error) => void): void {
    const attempt = this.attempt;
    attempt.started = true;
    attempt.abort = abort;
    this.inner.onConnect?.(abort);
    if (attempt.cancelled) abort(attempt.cancelled);
  }
  onResponseStarted(): void {
    this.inner.onResponseStarted?.();
  }
  onHeaders(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean {
    return this.inner.onHeaders?.(statusCode, headers, resume, statusText) ?? true;
  }
  onData(chunk: Buffer): boolean {
    return this.inner.onData?.(chunk) ?? true;
  }
  onComplete(trailers: string[] | null): void {
    this.inner.onComplete?.(trailers);
  }
  onError(error: Error): void {
    this.inner.onError?.(error);
  }
  onUpgrade(statusCode: number, headers: Buffer[] | string[] | null, socket: Duplex): void {
    this.inner.onUpgrade?.(statusCode, headers, socket);
  }
  onBodySent(chunkSize: number, totalBytesSent: number): void {
    this.inner.onBodySent?.(chunkSize, totalBytesSent);
  }
}

function track(options: Dispatcher.DispatchOptions, handler: Handler): Handler {
  const attempt = (options as AttemptOptions)[ATTEMPT];
  return attempt ? new StartTracker(handler, attempt) : handler;
}

/** undici's keep-alive Agent, tracking attempts. */
class TrackingAgent extends Agent {
  override dispatch(options: Dispatcher.DispatchOptions, handler: Handler): boolean {
    return super.dispatch(options, track(options, handler));
  }
}

/** undici's ProxyAgent (CONNECT tunnels, forwarding), tracking attempts. */
class TrackingProxyAgent extends ProxyAgent {
  override dispatch(options: Dispatcher.DispatchOptions, handler: Handler): boolean {
    return super.dispatch(options, track(options, handler));
  }
}

export class NodeTransport implements Transport {
  private readonly timeout: number | undefined;
  private readonly proxy: ProxyConfig | undefined;
  private readonly agentOptions: Agent.Options;
  private readonly tls: tls.ConnectionOptions;
  private readonly dispatchers: Dispatcher[] = [];
  private direct: Dispatcher | undefined;
  private readonly proxied = new Map<string, Dispatcher>();
  /** Origin → dispatcher, so that proxy selection runs once per origin. */
  private readonly routes = new Map<string, Dispatcher>();
  private closed = false;

  constructor(options: NodeTransportOptions = {}) {
    this.timeout = options.timeout;
    this.proxy = options.proxy === false ? undefined : (options.proxy ?? proxyFromEnv(options.env ?? process.env));
    this.tls = tlsConnectOptions(options.tls);
    const idle = options.idleSocketTimeout ?? DEFAULT_IDLE_SOCKET_TIMEOUT;
    this.agentOptions = {
      keepAliveTimeout: idle,
      // A server's `Keep-Alive: timeout=N` may shorten the idle time, never lengthen it past ours.
      keepAliveMaxTimeout: idle,
      ...(options.maxSockets !== undefined ? { connections: options.maxSockets } : {}),
    };
  }

  send(request: HttpRequest): Promise<HttpResponse> {
    const { method, url: rawUrl, signal } = request;
    if (signal?.aborted) return Promise.reject(abortError(method, rawUrl, signal));
    if (this.closed) {
      return Promise.reject(new ConnectionError(method, rawUrl, 'the transport was closed', { sent: false }));
    }
    let url: URL;
    let dispatcher: Dispatcher;
    try {
      url = new URL(rawUrl);
      dispatcher = this.route(url);
    } catch (error) {
      return Promise.reject(
        new ConnectionError(method, rawUrl, `invalid URL or proxy: ${(error as Error).message}`, {
          cause: error,
          sent: false,
        }),
      );
    }
    return this.attempt(dispatcher, request, url, request.timeout ?? this.timeout);
  }

  private attempt(
    dispatcher: Dispatcher,
    request: HttpRequest,
    url: URL,
    timeout: number | undefined,
  ): Promise<HttpResponse> {
    const { method, url: rawUrl } = request;
    const caller = request.signal;
    const attempt: Attempt = { started: false, abort: undefined, cancelled: undefined };
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        caller?.removeEventListener('abort', onAbort);
        return true;
      };
      // Timeout and abort settle at once, with `sent` as it stands now, and cancel the request:
      // in flight, undici aborts it and destroys its connection; still waiting for a connection,
      // undici drops it unsent when its turn comes (StartTracker). Cheaper than an AbortSignal,
      // which costs undici a listener per request (~9 µs per call here).
      const stop = (error: Error): void => {
        if (!settle()) return;
        attempt.cancelled = error;
        attempt.abort?.(error);
        reject(error);
      };
      const onAbort = (): void => stop(abortError(method, rawUrl, caller as AbortSignal));
      caller?.addEventListener('abort', onAbort, { once: true });
      if (timeout !== undefined && timeout > 0) {
        timer = setTimeout(() => {
          stop(
            new RequestTimeoutError(method, rawUrl, `no response within ${timeout} ms`, {
              sent: attempt.started,
              code: 'ETIMEDOUT',
            }),
          );
        }, timeout);
      }
      const options: AttemptOptions & Dispatcher.RequestOptions = {
        origin: url.origin,
        path: url.pathname + url.search,
        method,
        headers: request.headers,
        body: request.body,
        // The attempt's timeout (above) is the one limit; undici's own 300 s ones would cut a
        // longer timeout short.
        headersTimeout: 0,
        bodyTimeout: 0,
        [ATTEMPT]: attempt,
      };
      // Plain callbacks, not an async function and a .catch(): one promise fewer per request.
      const fail = (error: unknown): void => {
        if (settle()) reject(failure(method, rawUrl, error, attempt.started));
      };
      dispatcher.request(options).then((response) => {
        response.body.text().then((body) => {
          if (!settle()) return;
          resolve({
            status: response.statusCode,
            statusText: response.statusText,
            headers: new NodeHeaders(response.headers),
            body,
            url: rawUrl,
          });
        }, fail);
      }, fail);
    });
  }

  /** Closes every connection; requests in flight fail, later ones are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const dispatchers = this.dispatchers.splice(0);
    this.routes.clear();
    this.proxied.clear();
    this.direct = undefined;
    await Promise.all(dispatchers.map((d) => d.destroy()));
  }

  private route(url: URL): Dispatcher {
    const key = url.origin;
    const cached = this.routes.get(key);
    if (cached) return cached;
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`unsupported protocol ${url.protocol}`);
    const proxy = this.proxy ? proxyFor(url, this.proxy) : undefined;
    const dispatcher = proxy ? this.proxyDispatcher(proxy) : this.directDispatcher();
    // A client talks to a handful of hosts; the cap only guards against unbounded growth.
    if (this.routes.size > 256) this.routes.clear();
    this.routes.set(key, dispatcher);
    return dispatcher;
  }

  private directDispatcher(): Dispatcher {
    this.direct ??= this.keep(new TrackingAgent({ ...this.agentOptions, connect: this.tls }));
    return this.direct;
  }

  private proxyDispatcher(proxy: URL): Dispatcher {
    if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:')
      throw new Error(`unsupported proxy protocol ${proxy.protocol}`);
    let dispatcher = this.proxied.get(proxy.href);
    if (!dispatcher) {
      const token = proxyAuthorization(proxy);
      const uri = new URL(proxy.href);
      uri.username = '';
      uri.password = '';
      dispatcher = this.keep(
        new TrackingProxyAgent({
          ...this.agentOptions,
          uri: uri.href,
          ...(token ? { token } : {}),
          // Plain HTTP is forwarded (absolute-URI request line), HTTPS tunnelled through CONNECT.
          proxyTunnel: false,
          requestTls: this.tls,
          // The cloud's CA may have signed an https: proxy's certificate too.
          proxyTls: this.tls,
        }),
      );
      this.proxied.set(proxy.href, dispatcher);
    }
    return dispatcher;
  }

  private keep(dispatcher: Dispatcher): Dispatcher {
    this.dispatchers.push(dispatcher);
    return dispatcher;
  }
}

/** undici's codes for a response it refused to read, besides llhttp's `HTTPParserError`s. */
const INVALID_RESPONSE = new Set([
  'UND_ERR_HEADERS_OVERFLOW',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
]);

/**
 * The typed error for an attempt undici failed: a refused request, or a network or protocol
 * failure whose message says whether the request may have reached the server.
 */
function failure(method: HttpRequest['method'], rawUrl: string, error: unknown, started: boolean): Error {
  const { code, message, name } = errorFacts(error);
  // A header value with CR, LF or NUL (or another request undici will not write): the caller's
  // mistake, found before anything was sent; retrying cannot help.
  if (code === 'UND_ERR_INVALID_ARG') return new InvalidArgumentError(`${method} ${rawUrl}`, message);
  const sent = started && !failedBeforeSend(code) && !isTlsFailure(code);
  let reason: string;
  if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') reason = 'the transport was closed';
  else if (code === 'UND_ERR_ABORTED' && !started) reason = `the proxy refused the tunnel (${message})`;
  else if (name === 'HTTPParserError' || (code !== undefined && INVALID_RESPONSE.has(code)))
    reason = `invalid HTTP response (${code ? `${code}: ` : ''}${message})`;
  else reason = describeNetworkError(code, message);
  return new ConnectionError(method, rawUrl, sent ? `${reason}; the request may have reached the server` : reason, {
    cause: error,
    code,
    sent,
  });
}

/** The innermost error code and its message (undici may wrap a socket or TLS error). */
function errorFacts(error: unknown): { code: string | undefined; message: string; name: string | undefined } {
  const name = error instanceof Error ? error.name : undefined;
  let code: string | undefined;
  let message = error instanceof Error ? error.message : String(error);
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const coded = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof coded.code === 'string') {
      code = coded.code;
      if (typeof coded.message === 'string' && coded.message !== '') message = coded.message;
    }
    current = coded.cause;
  }
  return { code, message, name };
}

/** Response headers as a HeaderReader (undici already lower-cases names). */
class NodeHeaders implements HeaderReader {
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

/** `Proxy-Authorization` for a proxy URL with credentials (a user without a password too). */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username && !proxy.password) return undefined;
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

/** TLS connect options from TlsOptions: an extra CA is added to (not replacing) Node's store. */
export function tlsConnectOptions(options: TlsOptions | undefined): tls.ConnectionOptions {
  if (!options) return {};
  const out: tls.ConnectionOptions = {};
  if (options.ca) out.ca = options.replaceCa ? [options.ca] : [...tls.rootCertificates, options.ca];
  if (options.cert) out.cert = options.cert;
  if (options.key) out.key = options.key;
  if (options.insecure) {
    out.rejectUnauthorized = false;
    out.checkServerIdentity = () => undefined;
  }
  return out;
}
