/**
 * A keep-alive `https.Agent` whose sockets are TLS sessions inside a CONNECT tunnel through an
 * HTTP(S) proxy. Node's Agent accepts an asynchronous `createConnection(options, callback)`, so the
 * tunnel is built there and everything else (pooling, keep-alive, LIFO reuse) stays Node's.
 *
 * The callback fires only after the TLS handshake with the target succeeds, so a proxy refusal or
 * a certificate failure surfaces as a request error before anything was sent.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';

export class TunnelError extends Error {
  readonly code = 'ERR_PROXY_TUNNEL';
}

export interface TunnelAgentOptions extends https.AgentOptions {
  /** The proxy, `http://[user:pass@]host:port` or `https://…`. */
  readonly proxy: URL;
  /** TLS options for an `https:` proxy itself (CA to trust it). */
  readonly proxyTls?: tls.ConnectionOptions | undefined;
}

export class TunnelAgent extends https.Agent {
  private readonly proxy: URL;
  private readonly proxyTls: tls.ConnectionOptions | undefined;

  constructor(options: TunnelAgentOptions) {
    const { proxy, proxyTls, ...agentOptions } = options;
    super(agentOptions);
    this.proxy = proxy;
    this.proxyTls = proxyTls;
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const done = callback ?? ((): void => undefined);
    const host = String(options.hostname ?? options.host ?? 'localhost').replace(/^\[|\]$/g, '');
    const port = Number(options.port ?? 443);
    const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    const headers: Record<string, string> = { host: authority };
    const auth = proxyAuthorization(this.proxy);
    if (auth) headers['proxy-authorization'] = auth;
    const proxyPort = this.proxy.port !== '' ? Number(this.proxy.port) : this.proxy.protocol === 'https:' ? 443 : 80;
    const connectOptions: https.RequestOptions = {
      method: 'CONNECT',
      hostname: this.proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxyPort,
      path: authority,
      headers,
      agent: false,
      ...(this.proxy.protocol === 'https:' ? this.proxyTls : undefined),
    };
    const connect = this.proxy.protocol === 'https:' ? https.request(connectOptions) : http.request(connectOptions);
    let finished = false;
    const fail = (error: Error): void => {
      if (finished) return;
      finished = true;
      done(error, undefined as unknown as Duplex);
    };
    connect.once('connect', (res: http.IncomingMessage, socket: Duplex) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        fail(
          new TunnelError(
            `proxy ${this.proxy.host} refused CONNECT ${authority}: ${res.statusCode} ${res.statusMessage ?? ''}`.trim(),
          ),
        );
        return;
      }
      const servername = options.servername ?? (isIP(host) === 0 ? host : undefined);
      // `options` already holds this agent's TLS settings: Node merges agent options into them.
      const secure = tls.connect({ ...pickTls(options), socket, servername });
      secure.once('secureConnect', () => {
        if (finished) return;
        finished = true;
        secure.removeListener('error', fail);
        done(null, secure);
      });
      secure.once('error', fail);
    });
    connect.once('error', fail);
    connect.end();
    return undefined;
  }
}

/** `Proxy-Authorization` for a proxy URL with credentials. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username && !proxy.password) return undefined;
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

/** The TLS fields of request options (the agent merges its own options into them). */
function pickTls(options: https.RequestOptions): tls.ConnectionOptions {
  const picked: tls.ConnectionOptions = {};
  if (options.ca !== undefined) picked.ca = options.ca;
  if (options.cert !== undefined) picked.cert = options.cert;
  if (options.key !== undefined) picked.key = options.key;
  if (options.rejectUnauthorized !== undefined) picked.rejectUnauthorized = options.rejectUnauthorized;
  if (options.checkServerIdentity !== undefined) picked.checkServerIdentity = options.checkServerIdentity;
  return picked;
}
