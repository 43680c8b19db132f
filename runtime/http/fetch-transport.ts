/**
 * A Transport on the global `fetch`: browsers, Deno, Bun, workers and Node alike. No Node-only
 * imports here, so browser bundles stay free of Node built-ins.
 *
 * One AbortController per attempt carries both the caller's signal and the per-attempt timeout;
 * that is cheaper than `AbortSignal.any([signal, AbortSignal.timeout(ms)])` and works on runtimes
 * without `AbortSignal.any`, and it still tells a timeout from a caller abort.
 *
 * TLS and proxy settings cannot be expressed through standard `fetch`; runtimes that have them
 * take them as extra `RequestInit` fields (undici's `dispatcher` on Node, `client` on Deno), which
 * `init` passes through.
 */
import { ConnectionError, RequestTimeoutError } from '../errors.js';
import { abortError } from './abort.js';
import { describeNetworkError, failedBeforeSend } from './network-errors.js';
import type { HttpRequest, HttpResponse, Transport } from './types.js';

export interface FetchTransportOptions {
  /** The fetch to call (default: `globalThis.fetch`, looked up per call so polyfills installed later work). */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** Extra `RequestInit` fields merged into every call, e.g. `{ dispatcher }` or `{ client }`. */
  readonly init?: Readonly<Record<string, unknown>> | undefined;
  /** Per-attempt timeout in ms when the request has none (default: none; HttpClient sets one). */
  readonly timeout?: number | undefined;
}

export class FetchTransport implements Transport {
  private readonly fetchFn: typeof globalThis.fetch | undefined;
  private readonly init: Readonly<Record<string, unknown>> | undefined;
  private readonly timeout: number | undefined;

  constructor(options: FetchTransportOptions = {}) {
    this.fetchFn = options.fetch;
    this.init = options.init;
    this.timeout = options.timeout;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const { method, url } = request;
    const caller = request.signal;
    if (caller?.aborted) throw abortError(method, url, caller);
    const timeout = request.timeout ?? this.timeout;
    const timed = timeout !== undefined && timeout > 0;
    // Without a timeout the caller's signal goes to fetch as is: one controller less per call.
    const controller = timed ? new AbortController() : undefined;
    const onAbort = (): void => controller?.abort(caller?.reason);
    if (controller) caller?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = controller
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeout)
      : undefined;
    try {
      const signal = controller ? controller.signal : caller;
      const base: RequestInit = { method, headers: request.headers, body: request.body, signal };
      const init: RequestInit = this.init ? { ...this.init, ...base } : base;
      const fetchFn = this.fetchFn ?? globalThis.fetch;
      const response = await fetchFn(url, init);
      // The timeout covers the body too, so it is cleared only after text() (in finally).
      const body = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body,
        url: response.url || url,
        statusText: response.statusText,
      };
    } catch (error) {
      if (timedOut) {
        // fetch does not say how far it got, so a timeout may have been sent.
        throw new RequestTimeoutError(method, url, `no response within ${timeout} ms`, { cause: error, sent: true });
      }
      if (caller?.aborted) throw abortError(method, url, caller);
      const { code, message } = networkCause(error);
      throw new ConnectionError(method, url, describeNetworkError(code, message), {
        cause: error,
        code,
        // Browsers report every network failure as "Failed to fetch"; without a code the safe
        // answer is "maybe sent". undici (Node's fetch) gives the code in `cause`.
        sent: !failedBeforeSend(code),
      });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      if (controller) caller?.removeEventListener('abort', onAbort);
    }
  }
}

interface CodedError {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
}

/** The innermost error code and message (undici nests them: TypeError → cause → cause). */
function networkCause(error: unknown): { code: string | undefined; message: string } {
  let code: string | undefined;
  let message = error instanceof Error ? error.message : String(error);
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const coded = current as CodedError;
    if (typeof coded.code === 'string') code = coded.code;
    if (depth > 0 && typeof coded.message === 'string' && coded.message !== '') message = coded.message;
    current = coded.cause;
  }
  return { code, message };
}
