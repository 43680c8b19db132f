/**
 * The request pipeline's contract: a request goes through an ordered list of policies, each one
 * concern, each calling `next` to go on (presets.ts lists them in order). A policy may change the
 * request it passes on (copy it: `next({ ...request, headers })`), call `next` several times
 * (retries, re-authentication), or answer without calling it.
 */
import type { HttpMethod, OperationRequest, RequestOptions } from '../client.js';
import type { ServerVersions } from '../microversion.js';
import type { HttpResponse, RequestContext } from '../http/types.js';

/** Per-call state that every copy of a request shares (attempt counter, last attempt's duration). */
export interface CallState {
  /** 1 for the first attempt, 2 for the next retry or redirect hop, … (0 before the first). */
  attempt: number;
  /** Duration of the last attempt in ms (for the final log line). */
  durationMs: number;
  /** The microversion sent, once negotiated. */
  microversion?: string | undefined;
  /** The method of the operation's route (for messages about the response). */
  method?: HttpMethod | undefined;
}

/** Where the service is and which microversions it serves, as far as the client knows. */
export interface ServiceTarget {
  /** Endpoint URL without trailing slash, e.g. `http://h:8776/v3/<project>`. */
  readonly url: string;
  /** Major version served at that URL, when known. */
  readonly major: number | undefined;
  /** The server's microversion range, when known. */
  readonly microversions: ServerVersions | undefined;
  /** Whether the range was read from the server (only then is a pinned version checked against it). */
  readonly discovered: boolean;
}

/** A request on its way through the pipeline. */
export interface PipelineRequest {
  /** The generated call (operation, path values, query, body); absent for raw HTTP (Keystone, discovery). */
  readonly call?: OperationRequest | undefined;
  /** The caller's per-call options (signal, timeout, headers, microversion, request id). */
  readonly options: RequestOptions;
  /** Set by the `endpoint` policy. */
  readonly target?: ServiceTarget | undefined;
  /** Set by the `microversion` policy: the version sent (undefined: no header). */
  readonly microversion?: string | undefined;
  readonly method: HttpMethod;
  /** Absolute URL (set by the `route` policy for calls). */
  readonly url: string;
  /** Header names lower-cased once the `headers` policy ran. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Per-attempt timeout in ms. */
  readonly timeout?: number | undefined;
  /** What logs, metrics, traces and the retry rules need to know (operation id, template, idempotence). */
  readonly context: RequestContext;
  readonly state: CallState;
}

/** Sends the request through the rest of the pipeline. */
export type Next = (request: PipelineRequest) => Promise<HttpResponse>;

/** One step of the pipeline. */
export interface Policy {
  /** Unique within a pipeline; `use()` can place a policy before or after a named one. */
  readonly name: string;
  sendRequest(request: PipelineRequest, next: Next): Promise<HttpResponse>;
}

/**
 * Where `use()` puts a policy:
 * - `call` (default): once per call, outside retries and re-authentication — sees the final
 *   outcome, typed errors included (timing a whole call, adding a header to every request);
 * - `attempt`: once per attempt, right before the transport — sees every response, also the 503
 *   that is about to be retried, with the final headers (token included: never log them raw);
 * - `before`/`after`: next to a named policy of presets.ts (e.g. `{ after: 'retry' }`).
 */
export type PolicyPosition =
  | { readonly phase?: 'call' | 'attempt' | undefined; readonly before?: undefined; readonly after?: undefined }
  | { readonly before: string; readonly phase?: undefined; readonly after?: undefined }
  | { readonly after: string; readonly phase?: undefined; readonly before?: undefined };

/** A policy, or just its `sendRequest` function (named `custom`). */
export type PolicyInput = Policy | ((request: PipelineRequest, next: Next) => Promise<HttpResponse>);

/** Whether a value is a promise (or any thenable): policies skip an async hop for plain values. */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * A new request, every field present and always in this order: policies copy requests with
 * `{ ...request, … }`, and V8 copies objects of one shape several times faster than a mix.
 */
export function newRequest(init: Omit<PipelineRequest, 'target' | 'microversion'>): PipelineRequest {
  return {
    call: init.call,
    options: init.options,
    target: undefined,
    microversion: undefined,
    method: init.method,
    url: init.url,
    headers: init.headers,
    body: init.body,
    signal: init.signal,
    timeout: init.timeout,
    context: init.context,
    state: init.state,
  };
}
