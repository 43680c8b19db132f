/**
 * CORS as Cinder's and Keystone's `[cors]` middleware answers it (oslo_middleware/cors.py, the
 * outermost filter of both pipelines), so a page on an allowed origin can call the fake from a
 * browser: preflights (`OPTIONS` with `Access-Control-Request-Method`) get 200 with the allow
 * headers when the origin, method and every requested header are permitted, and every other
 * answer (errors and 401s included) carries `Access-Control-Allow-Origin` and the exposed headers.
 * Anything not permitted gets no CORS header at all, which the browser turns into a refusal.
 */

export interface FakeCorsOptions {
  /** Origins a page may call from (`[cors] allowed_origin`), e.g. `http://127.0.0.1:8080`; `*` is any. */
  readonly allowedOrigins: readonly string[];
  /**
   * Request headers a page may send beyond the simple ones (`allow_headers`). Default: the
   * service's own defaults, Cinder's (cinder/common/config.py set_middleware_defaults) below the
   * Cinder root and Keystone's (keystone/conf/__init__.py) below `/identity`.
   */
  readonly allowHeaders?: readonly string[] | undefined;
  /** Response headers a page may read (`expose_headers`). Default: the service's own. */
  readonly exposeHeaders?: readonly string[] | undefined;
  /** Methods a page may use (`allow_methods`). Default: the service's own. */
  readonly allowMethods?: readonly string[] | undefined;
  /** `allow_credentials` (default true, as oslo.middleware's). */
  readonly allowCredentials?: boolean | undefined;
  /** `max_age` in seconds (default 3600, as oslo.middleware's); 0 sends none. */
  readonly maxAge?: number | undefined;
}

interface CorsSettings {
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly allowMethods: readonly string[];
}

/** cinder/common/config.py set_middleware_defaults (Cinder 21). */
const CINDER_DEFAULTS: CorsSettings = {
  allowHeaders: [
    'X-Auth-Token',
    'X-Identity-Status',
    'X-Roles',
    'X-Service-Catalog',
    'X-User-Id',
    'X-Tenant-Id',
    'X-OpenStack-Request-ID',
    'X-Trace-Info',
    'X-Trace-HMAC',
    'OpenStack-API-Version',
  ],
  exposeHeaders: [
    'X-Auth-Token',
    'X-Subject-Token',
    'X-Service-Token',
    'X-OpenStack-Request-ID',
    'OpenStack-API-Version',
  ],
  allowMethods: ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD'],
};

/** keystone/conf/__init__.py set_external_opts_defaults (Keystone 22). */
const KEYSTONE_DEFAULTS: CorsSettings = {
  allowHeaders: [
    'X-Auth-Token',
    'X-Openstack-Request-Id',
    'X-Subject-Token',
    'X-Project-Id',
    'X-Project-Name',
    'X-Project-Domain-Id',
    'X-Project-Domain-Name',
    'X-Domain-Id',
    'X-Domain-Name',
    'Openstack-Auth-Receipt',
  ],
  exposeHeaders: ['X-Auth-Token', 'X-Openstack-Request-Id', 'X-Subject-Token', 'Openstack-Auth-Receipt'],
  allowMethods: ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'],
};

/** Headers a browser may always send (oslo.middleware's `simple_headers`). */
const SIMPLE_HEADERS = [
  'Accept',
  'Accept-Language',
  'Content-Type',
  'Cache-Control',
  'Content-Language',
  'Expires',
  'Last-Modified',
  'Pragma',
];

/** Checks the options once, at start: a clear error for an origin a browser would never send. */
export function checkCorsOptions(cors: FakeCorsOptions | undefined): void {
  if (cors === undefined) return;
  // Checked at run time too: callers from JavaScript get no help from the types.
  const origins: unknown = cors.allowedOrigins;
  if (!Array.isArray(origins))
    throw new Error('fake cloud: cors.allowedOrigins must be a list of origins such as http://127.0.0.1:8080');
  for (const origin of origins as readonly unknown[]) {
    if (origin === '*') continue;
    let parsed: URL | undefined;
    try {
      parsed = typeof origin === 'string' ? new URL(origin) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin)
      throw new Error(
        `fake cloud: cors.allowedOrigins: ${JSON.stringify(origin)} is not an origin (scheme://host[:port], no path or trailing slash)`,
      );
  }
  if (cors.maxAge !== undefined && !(Number.isInteger(cors.maxAge) && cors.maxAge >= 0))
    throw new Error(`fake cloud: cors.maxAge must be a whole number of seconds, got ${String(cors.maxAge)}`);
}

export type CorsService = 'cinder' | 'keystone';

/**
 * The CORS middleware of one service. `preflight` answers an OPTIONS request (always 200, as
 * oslo.middleware turns the application's refusal of OPTIONS into 200); `decorate` adds the headers
 * of a simple or actual request to an answer.
 */
export class FakeCors {
  readonly #options: FakeCorsOptions | undefined;

  constructor(options: FakeCorsOptions | undefined) {
    checkCorsOptions(options);
    this.#options = options;
  }

  #settings(service: CorsService): CorsSettings {
    const defaults = service === 'keystone' ? KEYSTONE_DEFAULTS : CINDER_DEFAULTS;
    const o = this.#options;
    return {
      allowHeaders: o?.allowHeaders ?? defaults.allowHeaders,
      exposeHeaders: o?.exposeHeaders ?? defaults.exposeHeaders,
      allowMethods: o?.allowMethods ?? defaults.allowMethods,
    };
  }

  /** The origin to answer with (`*` when only the wildcard admits it); undefined when not allowed. */
  #allowed(origin: string | undefined): string | undefined {
    const origins = this.#options?.allowedOrigins ?? [];
    if (origin === undefined) return undefined;
    if (origins.includes(origin)) return origin;
    return origins.includes('*') ? '*' : undefined;
  }

  #common(origin: string): Record<string, string> {
    const out: Record<string, string> = { Vary: 'Origin', 'Access-Control-Allow-Origin': origin };
    if (this.#options?.allowCredentials ?? true) out['Access-Control-Allow-Credentials'] = 'true';
    return out;
  }

  /** The headers of a preflight's 200 (none when the origin, method or a header is not permitted). */
  preflight(service: CorsService, headers: Readonly<Record<string, string | undefined>>): Record<string, string> {
    const origin = this.#allowed(headers['origin']);
    const method = headers['access-control-request-method'];
    if (origin === undefined || method === undefined) return {};
    const settings = this.#settings(service);
    if (!settings.allowMethods.includes(method)) return {};
    const requested = (headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '');
    const permitted = new Set([...settings.allowHeaders, ...SIMPLE_HEADERS].map((h) => h.toUpperCase()));
    if (requested.some((h) => !permitted.has(h.toUpperCase()))) return {};
    const out = this.#common(origin);
    const maxAge = this.#options?.maxAge ?? 3600;
    if (maxAge > 0) out['Access-Control-Max-Age'] = String(maxAge);
    out['Access-Control-Allow-Methods'] = method;
    if (requested.length > 0) out['Access-Control-Allow-Headers'] = requested.join(',');
    return out;
  }

  /** The answer's headers with the CORS headers of an actual request added. */
  decorate(
    service: CorsService,
    requestHeaders: Readonly<Record<string, string | undefined>>,
    answer: Readonly<Record<string, string>>,
  ): Record<string, string> {
    const origin = this.#allowed(requestHeaders['origin']);
    if (origin === undefined) return { ...answer };
    const out: Record<string, string> = { ...answer };
    const vary = Object.keys(out).find((k) => k.toLowerCase() === 'vary');
    const common = this.#common(origin);
    if (vary !== undefined) {
      out[vary] = `${out[vary]},Origin`;
      delete common['Vary'];
    }
    Object.assign(out, common);
    const expose = this.#settings(service).exposeHeaders;
    if (expose.length > 0) out['Access-Control-Expose-Headers'] = expose.join(',');
    return out;
  }
}
