/**
 * Version discovery: what API versions and microversion range a service endpoint offers.
 *
 * The catalog gives `http://h:8776/v3/<project>`; the version document lives at the service root
 * (`http://h:8776/`, Cinder answers 300 with `{"versions": [...]}`), or at `/v3/` (200 with
 * `{"version": {...}}`, needs a token). Results are cached per root URL for the life of the
 * connection, since a deployment does not change its API range under a running client.
 *
 * Discovery failing is not fatal: the endpoint still works at its base version, so the result falls
 * back to the version in the URL with no microversions, and the reason goes to the logger. Such a
 * failure is remembered only for `failureTtl`, so a blip at start-up does not pin a long-running
 * process to the base version forever.
 */
import { AbortError, ConnectionError, HttpError, InvalidResponseError } from './errors.js';
import type { HttpClientLike } from './http/types.js';
import type { SdkLogger } from './logging.js';
import type { ServerVersions } from './microversion.js';
import { abortable } from './auth/abortable.js';
import type { Secret } from './auth/secret.js';

export interface VersionLink {
  readonly rel: string;
  readonly href: string;
  readonly type?: string | undefined;
}

/** One entry of a version document. */
export interface ApiVersion {
  /** As sent, e.g. `v3.0`. */
  readonly id: string;
  readonly major: number;
  readonly minor: number;
  /** Upper-cased: CURRENT, SUPPORTED, DEPRECATED, EXPERIMENTAL, STABLE. */
  readonly status: string;
  /** Microversion range; undefined when the version has none (empty strings in the document). */
  readonly microversions: ServerVersions | undefined;
  readonly links: readonly VersionLink[];
}

/** What discovery says about one endpoint. */
export interface EndpointVersion {
  /** The endpoint to send requests to: as given, or with the version path added when it had none. */
  readonly url: string;
  /** Major version the endpoint serves (from the URL, else from the document); undefined if unknown. */
  readonly major: number | undefined;
  /** The document entry for that version, when discovery worked and listed it. */
  readonly version: ApiVersion | undefined;
  /** Every version the service root listed (empty when discovery failed). */
  readonly versions: readonly ApiVersion[];
  readonly discovered: boolean;
}

export interface VersionDiscoveryOptions {
  readonly http: HttpClientLike;
  readonly logger?: SdkLogger | undefined;
  /** How long a failed discovery is remembered before trying again, in ms. Default 60 000. */
  readonly failureTtl?: number | undefined;
  readonly now?: (() => number) | undefined;
}

export interface DiscoverOptions {
  /** Sent when discovery has to fall back to the versioned URL, which needs authentication. */
  readonly token?: Secret | undefined;
  /** For metrics and logs. */
  readonly serviceType: string;
  readonly signal?: AbortSignal | undefined;
}

interface CacheEntry {
  readonly promise: Promise<readonly ApiVersion[] | undefined>;
  /** Set once the discovery failed: the entry is dropped after this time. */
  failedUntil?: number;
}

const VERSION_SEGMENT = /^v(\d+)(?:\.(\d+))?$/i;

/** Splits `http://h:8776/v3/<project>` into the root `http://h:8776/` and major version 3. */
export function splitVersionedUrl(endpoint: string): { root: string; major: number | undefined } {
  const url = new URL(endpoint);
  const segments = url.pathname.split('/');
  // The last version-looking segment: a deployment may sit below a prefix (`/volume/v3/<project>`).
  let at = -1;
  segments.forEach((s, i) => {
    if (VERSION_SEGMENT.test(s)) at = i;
  });
  if (at < 0) {
    url.pathname = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
    url.search = '';
    return { root: url.toString(), major: undefined };
  }
  const major = Number(VERSION_SEGMENT.exec(segments[at] ?? '')?.[1]);
  url.pathname = `${segments.slice(0, at).join('/')}/`;
  url.search = '';
  return { root: url.toString(), major };
}

/**
 * The same endpoint at another major version: `http://h/v2/<project>` → `http://h/v3/<project>`.
 * Undefined when the URL has no version segment.
 */
export function withMajorVersion(endpoint: string, major: number): string | undefined {
  const url = new URL(endpoint);
  const segments = url.pathname.split('/');
  let at = -1;
  segments.forEach((s, i) => {
    if (VERSION_SEGMENT.test(s)) at = i;
  });
  if (at < 0) return undefined;
  segments[at] = `v${major}`;
  url.pathname = segments.join('/');
  return url.toString().replace(/\/+$/, '');
}

/** Reads `{"versions": [...]}`, `{"versions": {"values": [...]}}` (Keystone) or `{"version": {...}}`. */
export function parseVersionDocument(body: unknown, where: string): ApiVersion[] {
  if (!isRecord(body)) throw new InvalidResponseError(where, 'version document is not a JSON object');
  let entries: unknown[];
  const versions = body['versions'];
  if (Array.isArray(versions)) entries = versions;
  else if (isRecord(versions) && Array.isArray(versions['values'])) entries = versions['values'];
  else if (isRecord(body['version'])) entries = [body['version']];
  else throw new InvalidResponseError(where, 'no "versions" or "version" in the version document');
  return entries.flatMap((e): ApiVersion[] => {
    if (!isRecord(e) || typeof e['id'] !== 'string') return [];
    const m = /^v?(\d+)(?:\.(\d+))?/i.exec(e['id']);
    if (!m) return [];
    const max = text(e['version']) ?? text(e['max_version']);
    const min = text(e['min_version']);
    const links = Array.isArray(e['links']) ? e['links'] : [];
    return [
      {
        id: e['id'],
        major: Number(m[1]),
        minor: Number(m[2] ?? 0),
        status: typeof e['status'] === 'string' ? e['status'].toUpperCase() : 'UNKNOWN',
        // Both ends or nothing: a maximum without a minimum (or the reverse) cannot be negotiated.
        microversions: max && min ? { min, max } : undefined,
        links: links.flatMap((l: unknown): VersionLink[] =>
          isRecord(l) && typeof l['href'] === 'string'
            ? [
                {
                  rel: typeof l['rel'] === 'string' ? l['rel'] : '',
                  href: l['href'],
                  type: typeof l['type'] === 'string' ? l['type'] : undefined,
                },
              ]
            : [],
        ),
      },
    ];
  });
}

export class VersionDiscovery {
  readonly #http: HttpClientLike;
  readonly #logger: SdkLogger | undefined;
  readonly #failureTtl: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, CacheEntry>();

  constructor(options: VersionDiscoveryOptions) {
    this.#http = options.http;
    this.#logger = options.logger;
    this.#failureTtl = options.failureTtl ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  async discover(endpoint: string, options: DiscoverOptions): Promise<EndpointVersion> {
    const { root, major } = splitVersionedUrl(endpoint);
    const versions = await abortable(this.#document(root, major, options), options.signal);
    const base = endpoint.replace(/\/+$/, '');
    if (!versions) return { url: base, major, version: undefined, versions: [], discovered: false };
    if (major !== undefined) {
      const version = matchVersion(versions, major, base);
      if (!version) {
        this.#logger?.log('warn', 'version discovery: the endpoint version is not in the version document', {
          endpoint: base,
          offered: versions.map((v) => v.id),
        });
      }
      return { url: base, major, version, versions, discovered: true };
    }
    // An unversioned endpoint (a bare service root): use the newest usable version it offers.
    const newest = [...versions]
      .filter((v) => v.status !== 'DEPRECATED' && v.status !== 'EXPERIMENTAL')
      .sort((a, b) => b.major - a.major || b.minor - a.minor)[0];
    if (!newest) return { url: base, major: undefined, version: undefined, versions, discovered: true };
    const self = newest.links.find((l) => l.rel === 'self')?.href;
    const url = (self ?? `${root}v${newest.major}`).replace(/\/+$/, '');
    return { url, major: newest.major, version: newest, versions, discovered: true };
  }

  #document(
    root: string,
    major: number | undefined,
    options: DiscoverOptions,
  ): Promise<readonly ApiVersion[] | undefined> {
    const cached = this.#cache.get(root);
    if (cached && (cached.failedUntil === undefined || this.#now() < cached.failedUntil)) return cached.promise;
    const entry: CacheEntry = { promise: this.#fetch(root, major, options) };
    entry.promise.then(
      (v) => {
        if (!v) entry.failedUntil = this.#now() + this.#failureTtl;
      },
      () => {
        if (this.#cache.get(root) === entry) this.#cache.delete(root);
      },
    );
    this.#cache.set(root, entry);
    return entry.promise;
  }

  async #fetch(
    root: string,
    major: number | undefined,
    options: DiscoverOptions,
  ): Promise<readonly ApiVersion[] | undefined> {
    // The root needs no token; the versioned URL does (and is the only one some proxies expose).
    const attempts: { url: string; token: Secret | undefined }[] = [{ url: root, token: undefined }];
    if (major !== undefined) attempts.push({ url: `${root}v${major}/`, token: options.token });
    const reasons: string[] = [];
    for (const { url, token } of attempts) {
      try {
        const versions = await this.#get(url, token, options.serviceType);
        this.#logger?.log('debug', 'version discovery', {
          url,
          versions: versions.map(
            (v) =>
              `${v.id} ${v.status} ${v.microversions ? `${v.microversions.min}-${v.microversions.max}` : 'no microversions'}`,
          ),
        });
        return versions;
      } catch (err) {
        if (err instanceof AbortError) throw err;
        if (!(err instanceof HttpError || err instanceof ConnectionError || err instanceof InvalidResponseError))
          throw err;
        reasons.push(err.message);
      }
    }
    this.#logger?.log('warn', 'version discovery failed; using the endpoint without microversions', { root, reasons });
    return undefined;
  }

  async #get(url: string, token: Secret | undefined, serviceType: string): Promise<ApiVersion[]> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers['X-Auth-Token'] = token.reveal();
    const response = await this.#http.request(
      { method: 'GET', url, headers },
      { serviceType, operation: 'discovery', template: '/', idempotent: true },
    );
    const where = `GET ${url}`;
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch (cause) {
      throw new InvalidResponseError(where, `version document is not JSON (HTTP ${response.status})`, { cause });
    }
    return parseVersionDocument(body, where);
  }
}

/** The document entry an endpoint of this major version is served by. */
function matchVersion(versions: readonly ApiVersion[], major: number, endpoint: string): ApiVersion | undefined {
  const same = versions.filter((v) => v.major === major);
  const bySelf = same.find((v) =>
    v.links.some((l) => l.rel === 'self' && endpoint.startsWith(l.href.replace(/\/+$/, ''))),
  );
  return bySelf ?? [...same].sort((a, b) => b.minor - a.minor)[0];
}

function text(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
