/**
 * Options of the default transport, in their own file with no runtime code and no Node or undici
 * types, so that the declarations reachable from browser entries (`defaultTransport()` is exported
 * by `…/runtime`) never lead a type checker to `node-transport.d.ts` and from there to `node:tls` or
 * undici's types.
 */
import type { ProxyConfig } from './proxy.js';
import type { TlsOptions } from './types.js';

export interface DefaultTransportOptions {
  /** CA, client certificate and key, insecure mode (Node only; fetch cannot express them). */
  readonly tls?: TlsOptions | undefined;
  /** Proxies; default from `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY` (see proxy.ts). `false` disables. */
  readonly proxy?: ProxyConfig | false | undefined;
  /** Environment to read proxy variables from (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Per-attempt timeout in ms when the request has none (default: none; HttpClient sets one). */
  readonly timeout?: number | undefined;
  /** Connections per origin (default: unlimited; limit with HttpClient `concurrency`). */
  readonly maxSockets?: number | undefined;
  /** Idle keep-alive connections are closed after this many ms (default 4000). */
  readonly idleSocketTimeout?: number | undefined;
}
