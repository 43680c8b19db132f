/**
 * The HTTP layer's contract. A `Transport` makes exactly one attempt; the `HttpClient` around it
 * adds retries, rate and concurrency limits, logging, metrics and error mapping. The session (auth,
 * endpoint, microversions) sits above both.
 */
import type { HeaderReader, HttpMethod } from '../client.js';

/** One attempt, fully prepared (absolute URL, final headers, serialised body). */
export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Milliseconds for this attempt, from connect to the end of the body. */
  readonly timeout?: number | undefined;
}

/** A response with its body read as text. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: HeaderReader;
  readonly body: string;
  readonly url: string;
  /** Reason phrase (`Not Found`), when the protocol carried one; used for empty error bodies. */
  readonly statusText?: string | undefined;
}

/**
 * Sends one attempt. Never retries. Throws `ConnectionError` when no response arrived,
 * `RequestTimeoutError` on timeout and `AbortError` when the signal fired.
 * `ConnectionError.sent` tells whether the request may have reached the server.
 */
export interface Transport {
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Releases sockets (keep-alive pools). */
  close?(): Promise<void> | void;
}

/** TLS settings, as real clouds need them (cacert, client cert/key, insecure). */
export interface TlsOptions {
  /** PEM text of extra trusted CAs (added to, not replacing, the system store unless `replaceCa`). */
  readonly ca?: string | undefined;
  /** PEM client certificate. */
  readonly cert?: string | undefined;
  /** PEM client key. */
  readonly key?: string | undefined;
  /** Skip certificate verification. Only when asked for explicitly. */
  readonly insecure?: boolean | undefined;
  /** Trust only `ca`, not the default store as well. */
  readonly replaceCa?: boolean | undefined;
}

/** What the HttpClient needs to know about a request beyond the wire. */
export interface RequestContext {
  /** Service type for metrics (`block-storage`). */
  readonly serviceType: string;
  /** Operation id (`Volume.get`) for logs. */
  readonly operation?: string | undefined;
  /**
   * Endpoint-relative path template for metrics, ids not expanded (`/volumes/{volume_id}`),
   * so that metrics never carry raw ids.
   */
  readonly template?: string | undefined;
  /** The request is safe to repeat after it may have reached the server. */
  readonly idempotent: boolean;
  /** Caller allows repeating a non-idempotent request. */
  readonly retryNonIdempotent?: boolean | undefined;
}

/** A pino/console-style logger. Any subset of methods works. */
export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

/**
 * The HTTP client the session uses: one logical request, with retries, limits, logging and
 * metrics applied. Resolves for status < 400; throws a typed `HttpError` (parsed from Cinder's
 * fault body) for status >= 400 once retries are exhausted, or a `ConnectionError`.
 */
export interface HttpClientLike {
  request(request: HttpRequest, context: RequestContext): Promise<HttpResponse>;
}
