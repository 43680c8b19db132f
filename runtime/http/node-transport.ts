/**
 * The default Transport on Node.
 *
 * Direct requests (no proxy) go through `http1.ts`, a small HTTP/1.1 client on keep-alive
 * `node:net`/`node:tls` sockets; requests through a proxy (forward, or a CONNECT tunnel) go
 * through `node:http`/`node:https` agents. Why not `node:http` for everything: against a local
 * server it costs 0.6–0.7× a bare `fetch()` per call (request and response objects, streams and
 * events per request), which left no room for the SDK's own work under its 0.6× target; the
 * HTTP/1.1 client costs about half (benchmark: bench/http-latency.bench.ts). Why not Node's global
 * `fetch`: ~1.5–2.4× `node:http`, and no TLS or proxy options without undici's `Agent`. Why not
 * undici's `request()`: no faster than `node:http` here, and a dependency.
 *
 * Both paths keep the same contract: keep-alive with LIFO reuse, idle sockets closed after 4 s
 * (before the 5 s idle timeout of Node, Apache and many load balancers, so a request rarely lands
 * on a socket the server is closing), custom CAs, client certificates, `insecure`, per-attempt
 * timeouts, AbortSignal, and exact knowledge of whether a failed request may have reached the
 * server (`sent`). `maxSockets` is unbounded by default: the HttpClient's `concurrency` option is
 * the limit callers configure.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import * as tls from 'node:tls';
import { ConnectionError, RequestTimeoutError } from '../errors.js';
import { abortError } from './abort.js';
import { describeNetworkError, failedBeforeSend, isTlsFailure } from './network-errors.js';
import { Http1Failure, Http1Pool, type Http1Control, type Http1Response } from './http1.js';
import { TunnelAgent, proxyAuthorization } from './node-tunnel-agent.js';
import { type ProxyConfig, proxyFor, proxyFromEnv } from './proxy.js';
import type { HeaderReader } from '../client.js';
import type { HttpRequest, HttpResponse, TlsOptions, Transport } from './types.js';

export interface NodeTransportOptions {
  /** CA, client certificate and key, insecure mode. */
  readonly tls?: TlsOptions | undefined;
  /** Proxies; default from `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` (see proxy.ts). `false` disables. */
  readonly proxy?: ProxyConfig | false | undefined;
  /** Environment to read proxy variables from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Per-attempt timeout in ms when the request has none (default: none; HttpClient sets one). */
  readonly timeout?: number | undefined;
  /** Sockets per origin (default: unlimited; limit with HttpClient `concurrency`). */
  readonly maxSockets?: number | undefined;
  /** Idle keep-alive sockets are closed after this many ms (default 4000). */
  readonly idleSocketTimeout?: number | undefined;
}

export const DEFAULT_IDLE_SOCKET_TIMEOUT = 4000;

interface Route {
  /** No proxy: requests go through the HTTP/1.1 pool (http1.ts) instead of node:http. */
  readonly direct?: boolean | undefined;
  readonly agent: http.Agent;
  readonly request: typeof http.request;
  /** Set when going through a forwarding proxy (plain HTTP). */
  readonly forwardProxy?: URL | undefined;
  readonly proxyAuth?: string | undefined;
}

export class NodeTransport implements Transport {
  private readonly timeout: number | undefined;
  private readonly proxy: ProxyConfig | undefined;
  private readonly baseAgentOptions: http.AgentOptions;
  private readonly agentOptions: https.AgentOptions;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly proxyAgents = new Map<string, http.Agent>();
  private readonly routes = new Map<string, Route>();
  private readonly pool: Http1Pool;

  constructor(options: NodeTransportOptions = {}) {
    this.timeout = options.timeout;
    this.proxy = options.proxy === false ? undefined : (options.proxy ?? proxyFromEnv(options.env ?? process.env));
    const base: http.AgentOptions = {
      keepAlive: true,
      scheduling: 'lifo',
      timeout: options.idleSocketTimeout ?? DEFAULT_IDLE_SOCKET_TIMEOUT,
      ...(options.maxSockets !== undefined ? { maxSockets: options.maxSockets } : {}),
    };
    this.baseAgentOptions = base;
    this.agentOptions = { ...base, ...tlsAgentOptions(options.tls) };
    this.httpAgent = new http.Agent(base);
    this.httpsAgent = new https.Agent(this.agentOptions);
    this.pool = new Http1Pool({
      idleTimeout: options.idleSocketTimeout ?? DEFAULT_IDLE_SOCKET_TIMEOUT,
      tls: tlsAgentOptions(options.tls),
      maxSockets: options.maxSockets,
    });
  }

  send(request: HttpRequest): Promise<HttpResponse> {
    const { method, url: rawUrl } = request;
    const signal = request.signal;
    if (signal?.aborted) return Promise.reject(abortError(method, rawUrl, signal));
    let url: URL;
    let route: Route;
    try {
      url = new URL(rawUrl);
      route = this.route(url);
    } catch (error) {
      return Promise.reject(
        new ConnectionError(method, rawUrl, `invalid URL or proxy: ${(error as Error).message}`, {
          cause: error,
          sent: false,
        }),
      );
    }
    const timeout = request.timeout ?? this.timeout;
    if (route.direct) return this.sendDirect(request, url, timeout);
    const options: http.RequestOptions = {
      agent: route.agent,
      method,
      headers: request.headers,
    };
    if (route.forwardProxy) {
      // Plain HTTP through a proxy: absolute-URI request line, Host of the target.
      const proxy = route.forwardProxy;
      options.hostname = stripBrackets(proxy.hostname);
      options.port = proxy.port !== '' ? Number(proxy.port) : proxy.protocol === 'https:' ? 443 : 80;
      options.path = url.href;
      const headers: Record<string, string> = { ...request.headers, host: url.host };
      if (route.proxyAuth) headers['proxy-authorization'] = route.proxyAuth;
      options.headers = headers;
    } else {
      options.hostname = stripBrackets(url.hostname);
      if (url.port !== '') options.port = Number(url.port);
      options.path = url.pathname + url.search;
    }

    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      let finished = false;
      // TLS sockets accept (and acknowledge) writes before the handshake completes, so for
      // https the request counts as sent only once the handshake is done as well.
      let secured = url.protocol !== 'https:';
      let timedOut = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const req = route.request(options);

      const cleanup = (): void => {
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (error: Error & { code?: string }): void => {
        if (settled) return;
        cleanup();
        const code = typeof error.code === 'string' ? error.code : undefined;
        reject(
          failure(method, rawUrl, error, {
            code,
            timeout,
            timedOut,
            signal,
            sent: finished && secured,
            connected,
            secured,
          }),
        );
      };
      const onAbort = (): void => {
        req.destroy(new Error('aborted'));
      };

      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeout !== undefined && timeout > 0) {
        timer = setTimeout(() => {
          timedOut = true;
          req.destroy(new Error(`timeout after ${timeout} ms`));
        }, timeout);
      }
      // 'finish' = the whole request was handed to the socket after connect (and TLS): from here
      // on the server may act on it. Before that, a failure proves it was not processed.
      req.once('finish', () => {
        finished = true;
      });
      let connected = false;
      req.once('socket', (socket: Socket) => {
        const markConnected = (): void => {
          connected = true;
        };
        if (socket.connecting) socket.once('connect', markConnected);
        else connected = true;
        if (!secured) {
          // A reused socket, or a tunnel socket (handed over after its handshake), is secure
          // already; a fresh one is still connecting and will emit secureConnect.
          if (socket.connecting && socket instanceof tls.TLSSocket) {
            socket.once('secureConnect', () => {
              secured = true;
            });
          } else {
            secured = true;
          }
        }
      });
      req.on('error', fail);
      req.once('response', (res) => {
        res.setEncoding('utf8');
        let body = '';
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.once('end', () => {
          if (settled) return;
          cleanup();
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage,
            headers: new NodeHeaders(res.headers),
            body,
            url: rawUrl,
          });
        });
        res.once('aborted', () => fail(Object.assign(new Error('response body interrupted'), { code: 'ECONNRESET' })));
        res.on('error', fail);
      });
      if (request.body !== undefined) req.end(request.body);
      else req.end();
    });
  }

  /** Without a proxy: the HTTP/1.1 pool, with the same timeout, abort and error semantics. */
  private sendDirect(request: HttpRequest, url: URL, timeout: number | undefined): Promise<HttpResponse> {
    const { method, url: rawUrl, signal } = request;
    const secure = url.protocol === 'https:';
    const control: Http1Control = {};
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => control.cancel?.({ message: 'aborted' });
    const sending = this.pool.send(
      {
        method,
        secure,
        hostname: stripBrackets(url.hostname),
        port: url.port !== '' ? Number(url.port) : secure ? 443 : 80,
        host: url.host,
        path: url.pathname + url.search,
        headers: request.headers,
        body: request.body,
      },
      control,
    );
    if (timeout !== undefined && timeout > 0) {
      timer = setTimeout(() => {
        timedOut = true;
        control.cancel?.({ message: `timeout after ${timeout} ms`, code: 'ETIMEDOUT' });
      }, timeout);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    return sending.then(
      (response: Http1Response) => {
        cleanup();
        return {
          status: response.status,
          statusText: response.statusText,
          headers: new RecordHeaders(response.headers),
          body: response.body,
          url: rawUrl,
        };
      },
      (error: unknown) => {
        cleanup();
        if (!(error instanceof Http1Failure)) throw error;
        throw failure(method, rawUrl, error, {
          code: error.code,
          timeout,
          timedOut,
          signal,
          sent: error.written,
          connected: error.connected,
          secured: error.secured,
        });
      },
    );
  }

  close(): void {
    this.pool.close();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    for (const agent of this.proxyAgents.values()) agent.destroy();
    this.proxyAgents.clear();
    this.routes.clear();
  }

  private route(url: URL): Route {
    const key = `${url.protocol}//${url.host}`;
    const cached = this.routes.get(key);
    if (cached) return cached;
    const route = this.newRoute(url);
    // A client talks to a handful of hosts; the cap only guards against unbounded growth.
    if (this.routes.size > 256) this.routes.clear();
    this.routes.set(key, route);
    return route;
  }

  private newRoute(url: URL): Route {
    const isHttps = url.protocol === 'https:';
    if (!isHttps && url.protocol !== 'http:') throw new Error(`unsupported protocol ${url.protocol}`);
    const proxy = this.proxy ? proxyFor(url, this.proxy) : undefined;
    if (!proxy)
      return isHttps
        ? { direct: true, agent: this.httpsAgent, request: https.request }
        : { direct: true, agent: this.httpAgent, request: http.request };
    if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:')
      throw new Error(`unsupported proxy protocol ${proxy.protocol}`);
    const proxyKey = `${isHttps ? 'tunnel' : 'forward'} ${proxy.href}`;
    let agent = this.proxyAgents.get(proxyKey);
    if (isHttps) {
      if (!agent) {
        agent = new TunnelAgent({ ...this.agentOptions, proxy });
        this.proxyAgents.set(proxyKey, agent);
      }
      return { agent, request: https.request };
    }
    const proxyIsHttps = proxy.protocol === 'https:';
    if (!agent) {
      agent = proxyIsHttps ? new https.Agent(this.agentOptions) : new http.Agent(this.baseAgentOptions);
      this.proxyAgents.set(proxyKey, agent);
    }
    return {
      agent,
      request: proxyIsHttps ? https.request : http.request,
      forwardProxy: proxy,
      proxyAuth: proxyAuthorization(proxy),
    };
  }
}

/**
 * The typed error for an attempt that got no response: timeout, abort, or a network failure whose
 * message says whether the request may have reached the server.
 */
function failure(
  method: HttpRequest['method'],
  rawUrl: string,
  error: Error,
  at: {
    code: string | undefined;
    timeout: number | undefined;
    timedOut: boolean;
    signal: AbortSignal | undefined;
    /** The request was handed to the socket (after connect and TLS). */
    sent: boolean;
    connected: boolean;
    secured: boolean;
  },
): Error {
  const { code, sent, connected, secured } = at;
  if (at.timedOut) {
    return new RequestTimeoutError(method, rawUrl, `no response within ${at.timeout} ms`, {
      cause: error,
      sent,
      code: 'ETIMEDOUT',
    });
  }
  if (at.signal?.aborted) return abortError(method, rawUrl, at.signal);
  const maybeSent = sent && !failedBeforeSend(code) && !isTlsFailure(code);
  const handshake = !secured && !isTlsFailure(code) && !failedBeforeSend(code) && connected;
  const reason = handshake
    ? `TLS handshake failed (${code ?? 'error'}: ${error.message})`
    : describeNetworkError(code, error.message);
  return new ConnectionError(
    method,
    rawUrl,
    maybeSent ? `${reason}; the request may have reached the server` : reason,
    {
      cause: error,
      code,
      sent: maybeSent,
    },
  );
}

/** Response headers read by the HTTP/1.1 pool (names already lower-case). */
class RecordHeaders implements HeaderReader {
  constructor(private readonly raw: Readonly<Record<string, string>>) {}
  get(name: string): string | null {
    return this.raw[name.toLowerCase()] ?? null;
  }
}

/** Response headers as a HeaderReader (Node already lower-cases names). */
class NodeHeaders implements HeaderReader {
  constructor(private readonly raw: http.IncomingHttpHeaders) {}
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

/** Agent TLS options from TlsOptions: extra CA added to (not replacing) Node's default store. */
export function tlsAgentOptions(options: TlsOptions | undefined): https.AgentOptions {
  if (!options) return {};
  const out: https.AgentOptions = {};
  if (options.ca) out.ca = options.replaceCa ? [options.ca] : [...tls.rootCertificates, options.ca];
  if (options.cert) out.cert = options.cert;
  if (options.key) out.key = options.key;
  if (options.insecure) {
    out.rejectUnauthorized = false;
    out.checkServerIdentity = () => undefined;
  }
  return out;
}
