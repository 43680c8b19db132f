/**
 * `createConnection()`: configuration, authentication and service selection in one awaited step,
 * so that afterwards `connection.blockStorage` is a ready proxy, used synchronously.
 *
 * For each service family it looks the service up in the catalog (service type, then aliases of
 * every generated version), asks the endpoint which versions it serves, and instantiates the
 * proxy of the version asked for: `version` in the call, else the newest generated version (v3,
 * openstacksdk's default and the only one current Cinder serves) — the one `connect()`'s type
 * promises. A cloud without it is an `ApiVersionNotOfferedError`, not silently another proxy.
 * A version pinned only by configuration (clouds.yaml `block_storage_api_version` /
 * `volume_api_version`, OS_VOLUME_API_VERSION, …) must match the call's, or be the default: the
 * proxy's type is decided where `connect()` is called.
 *
 * A pinned older version uses its own endpoint where the catalog (`volumev2`) or the version
 * document offers it (`/v2/<project>` beside `/v3/<project>`); where neither does, the v2 proxy
 * talks to the v3 endpoint at base microversion 3.0, which is the v2 API.
 *
 * A cloud without the service does not fail `connect()`: a connection may span several services.
 * Instead `connection.hasService('blockStorage')` is false and reading `connection.blockStorage`
 * throws the `EndpointNotFoundError` (naming the service types looked for and what the catalog
 * has). Problems of the whole connection (configuration, authentication) reject `connect()`.
 */
import { endpointFor } from './auth/endpoint.js';
import { TokenCache } from './auth/token-cache.js';
import { createAuthPlugin } from './config/auth.js';
import { metricSinks, type HttpPassThroughOptions } from './config/http-options.js';
import { settingsFor } from './config/merge.js';
import { resolveConfig } from './config/resolve.js';
import type { CloudSettings, ConfigSourceOptions, ResolvedConfig, ServiceSettings } from './config/types.js';
import { VersionDiscovery, withMajorVersion, type EndpointVersion } from './discovery.js';
import { ApiVersionNotOfferedError, ConfigurationError, EndpointNotFoundError } from './errors.js';
import { defaultTransport } from './http/default-transport.js';
import { HttpClient } from './http/http-client.js';
import type { HttpClientLike, TlsOptions, Transport } from './http/types.js';
import { buildUserAgent } from './http/user-agent.js';
import { adaptLogger, type SdkLogger } from './logging.js';
import type { ProxyClass, ServiceFamily } from './service.js';
import { ServiceSession } from './session.js';
import type { PolicyInput, PolicyPosition } from './pipeline/types.js';

export interface ConnectOptions extends CloudSettings, ConfigSourceOptions, HttpPassThroughOptions {
  /** Transport for every request (default: undici on Node with the TLS settings, fetch elsewhere). Not closed by `close()`. */
  readonly transport?: Transport | undefined;
  /** One HTTP client for every request instead of the ones built from the options (tests, custom stacks). */
  readonly http?: HttpClientLike | undefined;
  /**
   * Milliseconds before `expires_at` at which a token is renewed (default 120 000, as keystoneauth).
   * A token living less than this (or a clock ahead of Keystone's) is renewed partway through its
   * life instead, with one warning.
   */
  readonly tokenRefreshMargin?: number | undefined;
}

/** The instance type of any of a family's proxy classes. */
type ProxyInstance<C> = C extends ProxyClass<infer P> ? P : never;

/**
 * `{ blockStorage: BlockStorageV3 }` for the families passed in: each family's first (newest)
 * version, which connect() uses unless `version` asks for another (see the overloads of connect()).
 */
export type FamilyProxies<F extends readonly ServiceFamily[]> = {
  readonly [E in F[number] as E['attribute']]: ProxyInstance<E['versions'][0]>;
};

export interface ConnectionBase {
  /** The resolved configuration (secrets print as `***`). */
  readonly config: ResolvedConfig;
  /** The token cache shared by all services. */
  readonly auth: TokenCache;
  /** Whether the cloud offers this family (`hasService('blockStorage')`). */
  hasService(attribute: string): boolean;
  /** The session behind a family's proxy: endpoint, microversion range (throws like the proxy getter). */
  session(attribute: string): ServiceSession;
  /**
   * Adds a policy to the pipeline of every service of this connection (see
   * runtime/pipeline/types.ts, `PolicyPosition`); Keystone requests are not affected.
   */
  use(policy: PolicyInput, position?: PolicyPosition): this;
  /** Stops all services and releases the connection's sockets. */
  close(): Promise<void>;
}

export type Connection<F extends readonly ServiceFamily[]> = ConnectionBase & FamilyProxies<F>;

type Entry = { readonly proxy: unknown; readonly session: ServiceSession } | { readonly error: Error };

export async function createConnection<const F extends readonly ServiceFamily[]>(
  options: ConnectOptions,
  families: F,
): Promise<Connection<F>> {
  const logger = adaptLogger(options.logger);
  const config = await resolveConfig({ ...options, logger });
  const globalSettings = config.settings;
  const ownTransport =
    (options.transport ?? options.http)
      ? undefined
      : defaultTransport({
          tls: tlsOf(config),
          env: options.env === false ? {} : options.env,
          timeout: globalSettings.timeout,
        });
  const transport = options.transport ?? ownTransport;
  const clock = options.clock;
  const userAgent = globalSettings.userAgent ? `${globalSettings.userAgent} ${buildUserAgent()}` : undefined;
  // The pipeline options of a service: the connection's, under its own clouds.yaml settings.
  const pipelineOptions = (settings: ServiceSettings): HttpPassThroughOptions => ({ ...options, ...settings, logger });

  try {
    // Keystone and version discovery: the HTTP steps of the pipeline (presets.ts, httpPreset).
    const identityHttp =
      options.http ??
      new HttpClient({
        ...pipelineOptions(globalSettings),
        metrics: metricSinks(options),
        transport,
        userAgent,
        globalRequestId: globalSettings.globalRequestId,
        additionalHeaders: globalSettings.additionalHeaders,
      });
    const auth = new TokenCache({
      plugin: createAuthPlugin(config.authType, config.auth),
      http: identityHttp,
      refreshMargin: options.tokenRefreshMargin,
      // Expiry on the same clock as waiters and retries (a test clock may run ahead of real time).
      now: clock ? () => clock.now() : undefined,
      logger,
    });
    await auth.get();
    const discovery = new VersionDiscovery({ http: identityHttp, logger });

    const entries = new Map<string, Entry>();
    for (const family of families) {
      try {
        entries.set(
          family.attribute,
          await connectFamily(
            family,
            config,
            auth,
            discovery,
            (settings) => ({
              ...pipelineOptions(settings),
              http: options.http,
              transport,
            }),
            logger,
            options.version,
          ),
        );
      } catch (err) {
        if (!(err instanceof EndpointNotFoundError)) throw err;
        entries.set(family.attribute, { error: err });
      }
    }
    return buildConnection(config, auth, entries, ownTransport) as Connection<F>;
  } catch (err) {
    // Keep-alive sockets to Keystone would otherwise hold the process open after a failed connect.
    await ownTransport?.close?.();
    throw err;
  }
}

async function connectFamily(
  family: ServiceFamily,
  config: ResolvedConfig,
  auth: TokenCache,
  discovery: VersionDiscovery,
  sessionOptions: (settings: ServiceSettings) => HttpPassThroughOptions & {
    readonly http: HttpClientLike | undefined;
    readonly transport: Transport | undefined;
  },
  logger: SdkLogger,
  /** `version` as given to connect(): what the connection's type was chosen by. */
  callVersion: string | undefined,
): Promise<Entry> {
  const versions = [...family.versions].sort((a, b) => Number(b.service.version) - Number(a.service.version));
  // The first version listed is the default: the one FamilyProxies types the attribute as.
  const typedDefault = family.versions[0];
  const allTypes = unique([
    family.serviceType,
    ...versions.flatMap((v) => [v.service.serviceType, ...v.service.aliases]),
  ]);
  const settings = settingsFor(config.settings, allTypes);
  const pinned = settings.version === undefined ? undefined : majorOf(settings.version);
  if (
    typedDefault &&
    versions.length > 1 &&
    pinned !== undefined &&
    callVersion === undefined &&
    pinned !== majorOf(typedDefault.service.version)
  ) {
    throw new ConfigurationError(
      `${family.serviceType} API version ${settings.version ?? ''} is set by the configuration (clouds.yaml or OS_* variables), ` +
        `but connect() was called without version, so its ${family.attribute} is typed as v${typedDefault.service.version}: ` +
        `pass version: '${pinned}' to connect() for the v${pinned} proxy, or remove the setting`,
    );
  }
  const candidates =
    pinned === undefined ? family.versions.slice(0, 1) : versions.filter((v) => majorOf(v.service.version) === pinned);
  if (candidates.length === 0) {
    throw new ConfigurationError(
      `${family.serviceType} API version ${settings.version ?? ''} was requested; this SDK has version ${versions.map((v) => v.service.version).join(', ')}`,
    );
  }
  const candidateTypes = candidates.flatMap((v) => [v.service.serviceType, ...v.service.aliases]);
  // A pinned version's own catalog entry (`volumev2`) first: the catalog's word on where it lives.
  const types = unique([
    ...(settings.serviceType ? [settings.serviceType] : []),
    ...(pinned === undefined ? [] : candidateTypes.filter((t) => t.endsWith(`v${pinned}`))),
    family.serviceType,
    ...candidateTypes,
    // The family's other names last, so that a cloud listing only those gets a clear version error.
    ...allTypes,
  ]);
  const state = await auth.get();
  const endpoint = endpointFor(state, {
    serviceTypes: types,
    serviceName: settings.serviceName,
    interface: settings.interface,
    regionName: settings.regionName,
    endpointOverride: settings.endpointOverride,
  });
  const discovered = servedVersion(
    await discovery.discover(endpoint.url, { token: state.token, serviceType: family.serviceType }),
    candidates,
    logger,
  );
  const found = pinned === undefined ? discovered : ownVersion(discovered, Number(pinned), logger);
  const major = found.major === undefined ? undefined : String(found.major);
  const Proxy =
    major === undefined ? candidates[0] : candidates.find((v) => v.service.endpointVersions.includes(major));
  if (!Proxy) {
    const offered = unique(
      found.versions.length > 0 ? found.versions.map((v) => String(v.major)) : major === undefined ? [] : [major],
    );
    const others = versions.filter(
      (v) => !candidates.includes(v) && offered.some((o) => v.service.endpointVersions.includes(o)),
    );
    throw new ApiVersionNotOfferedError(
      family.serviceType,
      candidates[0]?.service.version ?? pinned ?? '?',
      offered,
      others.length > 0
        ? `pass version: '${others[0]?.service.version ?? ''}' to connect() to use it`
        : `${found.url} serves no version this SDK speaks`,
    );
  }
  logger.log('debug', 'service selected', {
    attribute: family.attribute,
    url: found.url,
    client: `v${Proxy.service.version}`,
    microversions: found.version?.microversions,
  });
  const session = new ServiceSession({
    ...sessionOptions(settings),
    serviceType: undefined,
    version: undefined,
    defaultMicroversion: impliedMicroversion(settings, Proxy),
    service: Proxy.service,
    auth,
    discovery,
    resolved: {
      url: found.url,
      major: found.major,
      microversions: found.version?.microversions,
      discovered: found.discovered,
      serviceType: endpoint.serviceType,
    },
    userAgent: config.settings.userAgent,
    globalRequestId: config.settings.globalRequestId,
    additionalHeaders: config.settings.additionalHeaders,
    logger,
  });
  return { proxy: new Proxy(session), session };
}

/**
 * Catalogs outlive API versions: a `volumev2` entry may still point at `/v2/<project>` on a Cinder
 * that removed v2 (Xena). When the version document does not list the endpoint's version but lists
 * one a candidate proxy speaks, use that version at the same place (`/v3/<project>`).
 */
function servedVersion(found: EndpointVersion, candidates: readonly ProxyClass[], logger: SdkLogger): EndpointVersion {
  if (!found.discovered || found.version !== undefined || found.major === undefined) return found;
  const usable = found.versions
    .filter((v) => candidates.some((p) => p.service.endpointVersions.includes(String(v.major))))
    .sort((a, b) => b.major - a.major || b.minor - a.minor)[0];
  const url = usable && withMajorVersion(found.url, usable.major);
  if (!usable || url === undefined) return found;
  logger.log(
    'warn',
    `${found.url} is not served (the service offers ${found.versions.map((v) => v.id).join(', ')}); using ${url}`,
  );
  return { ...found, url, major: usable.major, version: usable };
}

/**
 * A pinned older version (v2) at its own endpoint where the version document lists it beside the
 * one the catalog gave (`/v2/<project>` for a catalog entry at `/v3/<project>`). Where it does not
 * (Cinder since Xena), the endpoint stays: the v2 proxy speaks to v3 at 3.0.
 */
function ownVersion(found: EndpointVersion, pinned: number, logger: SdkLogger): EndpointVersion {
  if (!found.discovered || found.major === undefined || found.major === pinned) return found;
  const own = found.versions.filter((v) => v.major === pinned).sort((a, b) => b.minor - a.minor)[0];
  const url = own && withMajorVersion(found.url, pinned);
  if (!own || url === undefined) return found;
  logger.log('debug', 'pinned version served at its own endpoint', { from: found.url, url });
  return { ...found, url, major: pinned, version: own };
}

/**
 * openstacksdk: an api_version with a minor (`3.50`) also pins that microversion, unless the minor
 * is 0 (`3.0` is just "version 3"); combined with a different default_microversion it is an error.
 */
function impliedMicroversion(settings: ServiceSettings, Proxy: ProxyClass): string | undefined {
  const implied =
    settings.version?.match(/^\d+\.(\d+)$/) && !settings.version.endsWith('.0') ? settings.version : undefined;
  if (implied !== undefined && settings.defaultMicroversion !== undefined && implied !== settings.defaultMicroversion) {
    throw new ConfigurationError(
      `api version ${implied} looks like a microversion, and default_microversion ${settings.defaultMicroversion} differs; set the api version to just the major version`,
    );
  }
  if (Proxy.service.microversion === undefined) return settings.defaultMicroversion;
  return settings.defaultMicroversion ?? implied;
}

function buildConnection(
  config: ResolvedConfig,
  auth: TokenCache,
  entries: ReadonlyMap<string, Entry>,
  transport: Transport | undefined,
): ConnectionBase {
  const get = (attribute: string): { readonly proxy: unknown; readonly session: ServiceSession } => {
    const entry = entries.get(attribute);
    if (!entry) throw new ConfigurationError(`this connection was not created with a "${attribute}" service family`);
    if ('error' in entry) throw entry.error;
    return entry;
  };
  const connection: ConnectionBase & { toJSON(): unknown } = {
    config,
    auth,
    hasService: (attribute) => {
      const entry = entries.get(attribute);
      return entry !== undefined && !('error' in entry);
    },
    session: (attribute) => get(attribute).session,
    use(policy, position) {
      for (const entry of entries.values()) if ('session' in entry) entry.session.use(policy, position);
      return this;
    },
    async close() {
      for (const entry of entries.values()) if ('session' in entry) await entry.session.close();
      await transport?.close?.();
    },
    toJSON: () => ({
      cloud: config.cloud,
      sources: config.sources,
      auth: auth.plugin.describe(),
      services: Object.fromEntries(
        [...entries].map(([name, e]) => [name, 'error' in e ? e.error.message : e.session.service.version]),
      ),
    }),
  };
  for (const attribute of entries.keys()) {
    Object.defineProperty(connection, attribute, { enumerable: true, get: () => get(attribute).proxy });
  }
  return connection;
}

function tlsOf(config: ResolvedConfig): TlsOptions | undefined {
  const { ca, cert, key, insecure } = config.tls;
  if (ca === undefined && cert === undefined && key === undefined && insecure === undefined) return undefined;
  return { ca, cert, key: key?.reveal(), insecure };
}

function majorOf(version: string): string {
  return version.trim().replace(/^v/i, '').split('.')[0] ?? version;
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}
