/**
 * The contract between generated code and the runtime.
 *
 * Generated code describes each request as data (an `Operation` plus the values of one call) and
 * hands it to a `ServiceClient`. Everything else — endpoint, token, microversion negotiation,
 * retries, rate limits, errors, logging, metrics — lives behind `send()`. Keep this file small:
 * changing it means regenerating every SDK.
 */
import type { Clock } from './clock.js';
import type { VersionBounds } from './microversion.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A route an operation can take; several when the route changed at a microversion (v3 transfers). */
export interface Route extends VersionBounds {
  readonly method: HttpMethod;
  /** Path relative to the service endpoint, with `{param}` placeholders. */
  readonly path: string;
}

/** A static description of one API operation, emitted from the spec. */
export interface Operation extends VersionBounds {
  /** Stable id used in errors, logs and metrics, e.g. `Volume.extend`. */
  readonly id: string;
  readonly method: HttpMethod;
  readonly path: string;
  /** Alternatives chosen by the negotiated microversion; when present, `method`/`path` are the first. */
  readonly routes?: readonly Route[] | undefined;
  /**
   * `version`: the path is relative to the versioned root without the project segment (`/v3`
   * rather than `/v3/<project>`), for routes Cinder serves only there.
   */
  readonly base?: 'version' | undefined;
  /**
   * The response is the resource itself rather than `{resource_key: {...}}` (Cinder's GET
   * /types/{id}/encryption). Otherwise a response without the key is an InvalidResponseError.
   */
  readonly bareResponse?: true | undefined;
  /**
   * Where older releases serve the same request: when the route answers `status` with a message
   * containing `message`, the request is sent once more, unchanged, at this method and path.
   */
  readonly fallback?:
    | { readonly status: number; readonly message: string; readonly method: HttpMethod; readonly path: string }
    | undefined;
}

export type QueryScalar = string | number | boolean;
export type QueryValue = QueryScalar | readonly QueryScalar[];

/** One call of an operation. */
export interface OperationRequest {
  readonly operation: Operation;
  /** Values for the `{param}` placeholders of the path; encoded by the runtime. */
  readonly pathParams?: Readonly<Record<string, string>> | undefined;
  /** Query parameters by wire name; `undefined` values are left out. */
  readonly query?: Readonly<Record<string, QueryValue | undefined>> | undefined;
  /** JSON body; `undefined` sends no body. */
  readonly body?: unknown;
  /** Extra microversion minimum from the fields or parameters this call uses. */
  readonly requires?: string | undefined;
  /** Extra microversion maximum: a field or parameter this call uses stops at this version. */
  readonly caps?: string | undefined;
  /** What sets caps (`Snapshot.isForced = false`), named when a pinned version is above it. */
  readonly capsBy?: string | undefined;
}

/** Options every generated method accepts as its last argument. */
export interface RequestOptions {
  /** Cancels the call, including retries and waits between them. */
  readonly signal?: AbortSignal | undefined;
  /** Per-attempt timeout in milliseconds (default from the client configuration). */
  readonly timeout?: number | undefined;
  /** Microversion for this call only; must fit the operation and the server. */
  readonly microversion?: string | undefined;
  /** Extra headers for this call only. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Request id sent as `X-OpenStack-Request-ID` for this call (overrides the global one). */
  readonly globalRequestId?: string | undefined;
  /** Allow retrying this call even if it is not idempotent and may have reached the server. */
  readonly retryNonIdempotent?: boolean | undefined;
}

/** Read access to response headers (case-insensitive). */
export interface HeaderReader {
  get(name: string): string | null;
}

/** A successful response (status < 400), body already parsed. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: HeaderReader;
  /** Parsed JSON, or undefined for an empty body. */
  readonly body: unknown;
  /** `X-OpenStack-Request-ID` (or `X-Compute-Request-Id`) of the response. */
  readonly requestId: string | undefined;
  /** The microversion that was sent, if any. */
  readonly microversion: string | undefined;
  /** The URL that answered (after path and query encoding). */
  readonly url: string;
}

/** What generated code needs from the runtime. */
export interface ServiceClient {
  /** Sends one operation call. Throws a typed SdkError for anything but success. */
  send(request: OperationRequest, options?: RequestOptions): Promise<ApiResponse>;
  /** The microversion a call with these bounds would send now (undefined: no header). */
  negotiate(operation: Operation, requires?: string, options?: RequestOptions): Promise<string | undefined>;
  /** The clock waiters poll by (the `clock` option; absent: real time). */
  readonly clock?: Clock | undefined;
}
