/**
 * The fake cloud without a socket: a `Transport` (runtime/http/types.ts) that hands each attempt
 * to the fake's handler and gives back its answer as the SDK's transports do, with the same
 * failure types: a timeout is a `RequestTimeoutError`, the caller's abort an `AbortError`, a
 * `reset` fault a `ConnectionError` (ECONNRESET), a request for another origin a refusal.
 */
import { STATUS_CODES } from 'node:http';
import { abortError } from '../runtime/http/abort.js';
import { ConnectionError, RequestTimeoutError } from '../runtime/errors.js';
import type { HttpRequest, HttpResponse, Transport } from '../runtime/http/types.js';

/** Loopback, port 0: nothing can listen there, so these URLs never reach anything else. */
export const IN_PROCESS_ORIGIN = 'http://127.0.0.1:0';

/** A request as the fake reads it: header names in lower case, the body as text. */
export interface WireRequest {
  readonly method: string;
  /** Path and query. */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The fake's answer, or `reset`: drop the connection without one. */
export type WireAnswer =
  { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string } | 'reset';

export class InProcessTransport implements Transport {
  readonly #origin: string;
  readonly #handle: (request: WireRequest) => Promise<WireAnswer>;
  #closed = false;

  constructor(origin: string, handle: (request: WireRequest) => Promise<WireAnswer>) {
    this.#origin = origin;
    this.#handle = handle;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const { method, url, signal } = request;
    if (signal?.aborted) throw abortError(method, url, signal);
    const parsed = new URL(url);
    if (this.#closed || parsed.origin !== this.#origin) {
      const reason = this.#closed ? 'the fake cloud is closed' : `the in-process fake cloud is ${this.#origin}`;
      throw new ConnectionError(method, url, `connection refused (${reason})`, { code: 'ECONNREFUSED', sent: false });
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    const pending = this.#handle({
      method,
      target: parsed.pathname + parsed.search,
      headers,
      body: request.body ?? '',
    });
    const answer = await this.#race(pending, request);
    if (answer === 'reset') {
      throw new ConnectionError(method, url, 'connection reset by peer (in-process fake cloud)', {
        code: 'ECONNRESET',
        sent: true,
      });
    }
    return {
      status: answer.status,
      headers: new Headers(answer.headers),
      body: answer.body,
      url,
      statusText: STATUS_CODES[answer.status],
    };
  }

  /** Later sends are refused, as by a stopped server. */
  close(): void {
    this.#closed = true;
  }

  /** The answer, unless the attempt's timeout or the caller's signal comes first. */
  #race(pending: Promise<WireAnswer>, request: HttpRequest): Promise<WireAnswer> {
    const { method, url, signal, timeout } = request;
    const timed = timeout !== undefined && timeout > 0;
    // The usual case: nothing to race, no timer to make.
    if (!timed && !signal) return pending;
    return new Promise((resolve, reject) => {
      const timer = timed
        ? setTimeout(() => {
            done();
            reject(new RequestTimeoutError(method, url, `no response within ${timeout} ms`, { sent: true }));
          }, timeout)
        : undefined;
      const aborted = (): void => {
        done();
        reject(abortError(method, url, signal as AbortSignal));
      };
      const done = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
      };
      signal?.addEventListener('abort', aborted, { once: true });
      pending.then(
        (answer) => {
          done();
          resolve(answer);
        },
        (error: unknown) => {
          done();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}
