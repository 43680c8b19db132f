/**
 * The SDK's error hierarchy. Every error a caller can see is an `SdkError`; `instanceof` picks the
 * kind. HTTP errors carry what a support ticket needs (status, method, URL, request id, the
 * server's own message) and never the token or the request body.
 */

/** Base class of every error raised by this SDK. */
export class SdkError extends Error {
  override readonly name: string = 'SdkError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** What an HTTP error knows about the request that failed. */
export interface HttpErrorInit {
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly requestId?: string | undefined;
  /** The server's message, extracted from Cinder's fault body (or the HTML/text body). */
  readonly details?: string | undefined;
  /** A caller-facing summary such as `No Volume found for vol-1`. */
  readonly summary?: string | undefined;
  /** Seconds from a `Retry-After` header, when the server sent one. */
  readonly retryAfter?: number | undefined;
}

/** A response with status >= 400. Subclasses narrow the status. */
export class HttpError extends SdkError {
  override readonly name: string = 'HttpError';
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly requestId: string | undefined;
  readonly details: string | undefined;
  readonly retryAfter: number | undefined;
  /** `Client` for 4xx, `Server` for 5xx (openstacksdk's wording). */
  readonly source: 'Client' | 'Server';

  constructor(init: HttpErrorInit) {
    const source = init.status < 500 ? 'Client' : 'Server';
    const summary = init.summary ?? `HTTP ${init.status}`;
    const tail = init.details ? `, ${init.details}` : '';
    const rid = init.requestId ? ` (request ${init.requestId})` : '';
    super(`${summary}: ${source} Error for ${init.method} ${init.url}${tail}${rid}`);
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.requestId = init.requestId;
    this.details = init.details;
    this.retryAfter = init.retryAfter;
    this.source = source;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      method: this.method,
      url: this.url,
      requestId: this.requestId,
      details: this.details,
    };
  }
}

/** 400 Bad Request. */
export class BadRequestError extends HttpError {
  override readonly name: string = 'BadRequestError';
}
/** 401 Unauthorized (after the one re-authentication the SDK attempts). */
export class UnauthorizedError extends HttpError {
  override readonly name: string = 'UnauthorizedError';
}
/** 403 Forbidden. */
export class ForbiddenError extends HttpError {
  override readonly name: string = 'ForbiddenError';
}
/** 404 Not Found, or a resource that a lookup could not find. */
export class NotFoundError extends HttpError {
  override readonly name: string = 'NotFoundError';
}
/** 405 Method Not Allowed. */
export class MethodNotAllowedError extends HttpError {
  override readonly name: string = 'MethodNotAllowedError';
}
/** 406 Not Acceptable (Cinder's answer to an unsupported microversion). */
export class NotAcceptableError extends HttpError {
  override readonly name: string = 'NotAcceptableError';
}
/** 409 Conflict. */
export class ConflictError extends HttpError {
  override readonly name: string = 'ConflictError';
}
/** 412 Precondition Failed. */
export class PreconditionFailedError extends HttpError {
  override readonly name: string = 'PreconditionFailedError';
}
/** 413 Request Entity Too Large; Cinder also uses it for `overLimit` quota faults. */
export class PayloadTooLargeError extends HttpError {
  override readonly name: string = 'PayloadTooLargeError';
}
/** 429 Too Many Requests. */
export class TooManyRequestsError extends HttpError {
  override readonly name: string = 'TooManyRequestsError';
}
/** Any 5xx. */
export class ServerError extends HttpError {
  override readonly name: string = 'ServerError';
}

const BY_STATUS: Readonly<Record<number, new (init: HttpErrorInit) => HttpError>> = {
  400: BadRequestError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  405: MethodNotAllowedError,
  406: NotAcceptableError,
  409: ConflictError,
  412: PreconditionFailedError,
  413: PayloadTooLargeError,
  429: TooManyRequestsError,
};

/** Builds the most specific HttpError subclass for a status. */
export function httpErrorFor(init: HttpErrorInit): HttpError {
  const Cls = BY_STATUS[init.status] ?? (init.status >= 500 ? ServerError : HttpError);
  return new Cls(init);
}

/** Extra facts a transport knows about a failed attempt. */
export interface ConnectionErrorOptions {
  readonly cause?: unknown;
  /**
   * Whether the request may have reached the server. `false` only when the transport is sure it
   * did not (refused, DNS, TLS handshake, proxy tunnel); defaults to `true` because the safe
   * assumption for a non-idempotent request is "maybe executed".
   */
  readonly sent?: boolean | undefined;
  /** Low-level code such as `ECONNREFUSED`, `ENOTFOUND`, `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  readonly code?: string | undefined;
}

/** The request never got an HTTP response: DNS, refused or reset connection, TLS failure, timeout. */
export class ConnectionError extends SdkError {
  override readonly name: string = 'ConnectionError';
  readonly method: string;
  readonly url: string;
  /** The request may have reached the server (see `ConnectionErrorOptions.sent`). */
  readonly sent: boolean;
  readonly code: string | undefined;
  constructor(method: string, url: string, reason: string, options?: ConnectionErrorOptions) {
    super(`${method} ${url} failed before a response: ${reason}`, options);
    this.method = method;
    this.url = url;
    this.sent = options?.sent ?? true;
    this.code = options?.code;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      method: this.method,
      url: this.url,
      sent: this.sent,
      code: this.code,
    };
  }
}

/** The per-request timeout elapsed. */
export class RequestTimeoutError extends ConnectionError {
  override readonly name: string = 'RequestTimeoutError';
}

/** The caller's AbortSignal fired. */
export class AbortError extends SdkError {
  override readonly name: string = 'AbortError';
}

/** The catalog has no endpoint for the service, interface and region asked for. */
export class EndpointNotFoundError extends SdkError {
  override readonly name: string = 'EndpointNotFoundError';
}

/**
 * The cloud offers the service, but not at the API version connect() was asked for (or defaults
 * to): a cloud serving only Block Storage v2 to a `connect()` without `version`. `offered` lists
 * the major versions the cloud does serve, `requested` the one looked for.
 */
export class ApiVersionNotOfferedError extends EndpointNotFoundError {
  override readonly name: string = 'ApiVersionNotOfferedError';
  readonly serviceType: string;
  readonly requested: string;
  readonly offered: readonly string[];
  constructor(serviceType: string, requested: string, offered: readonly string[], hint: string) {
    super(
      `${serviceType} v${requested} is not offered by this cloud (it serves ${offered.length > 0 ? offered.map((v) => `v${v}`).join(', ') : 'no version this SDK knows'}); ${hint}`,
    );
    this.serviceType = serviceType;
    this.requested = requested;
    this.offered = offered;
  }
}

/** Authentication failed or is misconfigured (bad credentials, missing auth_url, …). */
export class AuthenticationError extends SdkError {
  override readonly name: string = 'AuthenticationError';
}

/** Options, clouds.yaml or environment variables are inconsistent or incomplete. */
export class ConfigurationError extends SdkError {
  override readonly name: string = 'ConfigurationError';
}

/** `find*` matched more than one resource. */
export class DuplicateResourceError extends SdkError {
  override readonly name: string = 'DuplicateResourceError';
  readonly resource: string;
  readonly nameOrId: string;
  readonly matches: number;
  constructor(resource: string, nameOrId: string, matches: number) {
    super(`More than one ${resource} exists with the name '${nameOrId}'.`);
    this.resource = resource;
    this.nameOrId = nameOrId;
    this.matches = matches;
  }
}

/** `find*` with `ignoreMissing: false` found nothing (no HTTP 404 behind it). */
export class ResourceNotFoundError extends SdkError {
  override readonly name: string = 'ResourceNotFoundError';
  readonly resource: string;
  readonly nameOrId: string;
  constructor(resource: string, nameOrId: string) {
    super(`No ${resource} found for ${nameOrId}`);
    this.resource = resource;
    this.nameOrId = nameOrId;
  }
}

/** A waiter ran out of time. */
export class ResourceTimeoutError extends SdkError {
  override readonly name: string = 'ResourceTimeoutError';
  readonly resource: string;
  readonly id: string | undefined;
  readonly lastStatus: string | undefined;
  constructor(message: string, resource: string, id: string | undefined, lastStatus?: string) {
    super(message);
    this.resource = resource;
    this.id = id;
    this.lastStatus = lastStatus;
  }
}

/** A waiter saw a failure state (e.g. `error`, `error_extending`), or the resource went away. */
export class ResourceFailureError extends SdkError {
  override readonly name: string = 'ResourceFailureError';
  readonly resource: string;
  readonly id: string | undefined;
  readonly status: string | undefined;
  constructor(message: string, resource: string, id: string | undefined, status?: string) {
    super(message);
    this.resource = resource;
    this.id = id;
    this.status = status;
  }
}

/** The operation does not exist on this service version or cloud. */
export class NotSupportedError extends SdkError {
  override readonly name: string = 'NotSupportedError';
}

/** The call needs a microversion the server (or the caller's pin) does not offer. */
export class MicroversionNotSupportedError extends NotSupportedError {
  override readonly name: string = 'MicroversionNotSupportedError';
  readonly operation: string;
  readonly required: string;
  readonly available: string;
  constructor(operation: string, required: string, available: string, why?: string) {
    super(`${operation} needs microversion ${required}, but ${available} is available` + (why ? ` (${why})` : ''));
    this.operation = operation;
    this.required = required;
    this.available = available;
  }
}

/** A caller passed something the SDK cannot send (wrong type, unknown attribute, missing id). */
export class InvalidArgumentError extends SdkError {
  override readonly name: string = 'InvalidArgumentError';
  readonly argument: string;
  constructor(argument: string, message: string) {
    super(`${argument}: ${message}`);
    this.argument = argument;
  }
}

/** The server answered with a body this SDK cannot read (not JSON, missing key, wrong type). */
export class InvalidResponseError extends SdkError {
  override readonly name: string = 'InvalidResponseError';
  readonly where: string;
  constructor(where: string, message: string, options?: { cause?: unknown }) {
    super(`${where}: ${message}`, options);
    this.where = where;
  }
}

/** A listing returned the same next link twice; following it would loop forever. */
export class PaginationLoopError extends SdkError {
  override readonly name: string = 'PaginationLoopError';
}
