/**
 * Connection settings as callers write them (camelCase), and as they come out of resolution.
 *
 * One shape serves every source: explicit options are a `CloudSettings`; `OS_*` variables and a
 * clouds.yaml entry are translated into one. Resolution then takes each field from the first source
 * that sets it (options, then environment, then files).
 *
 * Units: every duration in these types is in milliseconds (clouds.yaml's seconds are converted).
 */
import type { Secret } from '../auth/secret.js';
import type { AuthType } from '../auth/types.js';
import type { TlsOptions } from '../http/types.js';
import type { LoggerLike, SdkLogger } from '../logging.js';
import type { PipelineOptions } from '../pipeline/presets.js';

/** A secret may be given as a plain string; it is wrapped at once. */
export type SecretInput = string | Secret;

/** The `auth:` section of clouds.yaml, camelCased. Which fields count depends on the auth type. */
export interface AuthOptions {
  readonly authUrl?: string | undefined;
  readonly username?: string | undefined;
  readonly userId?: string | undefined;
  readonly password?: SecretInput | undefined;
  readonly projectName?: string | undefined;
  readonly projectId?: string | undefined;
  readonly userDomainName?: string | undefined;
  readonly userDomainId?: string | undefined;
  readonly projectDomainName?: string | undefined;
  readonly projectDomainId?: string | undefined;
  /** With a project: default for user and project domain. Without: a domain scope. */
  readonly domainName?: string | undefined;
  readonly domainId?: string | undefined;
  /** Fallback domain for names that need one (python-openstackclient's `--os-default-domain`). */
  readonly defaultDomainId?: string | undefined;
  readonly defaultDomainName?: string | undefined;
  /** `all` for a system-scoped token. */
  readonly systemScope?: string | undefined;
  /** An existing token: exchanged with Keystone (`token`), or sent as is (`admin_token`). */
  readonly token?: SecretInput | undefined;
  readonly applicationCredentialId?: string | undefined;
  readonly applicationCredentialName?: string | undefined;
  readonly applicationCredentialSecret?: SecretInput | undefined;
  /** The fixed service endpoint of `admin_token` / `none`. */
  readonly endpoint?: string | undefined;
}

/** Auth type spellings accepted (keystoneauth plugin names and their v3 variants). */
export type AuthTypeName =
  | 'password'
  | 'v3password'
  | 'token'
  | 'v3token'
  | 'application_credential'
  | 'v3applicationcredential'
  | 'admin_token'
  | 'token_endpoint'
  | 'none'
  | 'noauth';

/**
 * Settings that can differ per service (clouds.yaml `<service>_<key>`) or apply to all. Retries,
 * limits and the timeout are the pipeline's options (declared in pipeline/presets.ts).
 */
export interface ServiceSettings extends Pick<
  PipelineOptions,
  | 'connectRetries'
  | 'connectRetryDelay'
  | 'statusCodeRetries'
  | 'statusCodeRetryDelay'
  | 'retriableStatusCodes'
  | 'rateLimit'
  | 'concurrency'
  | 'timeout'
> {
  /** Major API version (`2`, `3`); with a minor (`3.50`) it also pins that microversion. */
  readonly version?: string | undefined;
  readonly endpointOverride?: string | undefined;
  readonly interface?: string | readonly string[] | undefined;
  readonly serviceName?: string | undefined;
  readonly serviceType?: string | undefined;
  readonly regionName?: string | undefined;
  readonly defaultMicroversion?: string | undefined;
  readonly minVersion?: string | undefined;
  readonly maxVersion?: string | undefined;
}

/** Everything one source can say about a cloud. */
export interface CloudSettings extends ServiceSettings {
  readonly authType?: AuthTypeName | undefined;
  readonly auth?: AuthOptions | undefined;
  /** Path of a CA bundle (needs a file system; use `tls.ca` for PEM text). */
  readonly cacert?: string | undefined;
  /** Path of a client certificate. */
  readonly cert?: string | undefined;
  /** Path of the client certificate's key. */
  readonly key?: string | undefined;
  /** Skip TLS verification (clouds.yaml `verify: false` / `insecure: true`, OS_INSECURE). */
  readonly insecure?: boolean | undefined;
  /** PEM text directly; wins over the paths and reads no files. */
  readonly tls?: TlsOptions | undefined;
  /** Application product prepended to the User-Agent, e.g. `my-app/1.0`. */
  readonly userAgent?: string | undefined;
  readonly globalRequestId?: string | undefined;
  readonly additionalHeaders?: Readonly<Record<string, string>> | undefined;
  /** Per service type or alias (`block-storage`, `volume`), over the values above. */
  readonly services?: Readonly<Record<string, ServiceSettings>> | undefined;
}

/** Where configuration is looked for; all injectable so tests never see the real machine. */
export interface ConfigSourceOptions {
  /** A clouds.yaml entry to use (else `OS_CLOUD`). */
  readonly cloud?: string | undefined;
  /** Environment variables; default `process.env` where it exists. `false` reads none. */
  readonly env?: Readonly<Record<string, string | undefined>> | false | undefined;
  /** Directory searched first for clouds.yaml (default `process.cwd()`). */
  readonly cwd?: string | undefined;
  /** Home directory for `~/.config/openstack` (default `os.homedir()`). */
  readonly homeDir?: string | undefined;
  /** System directories searched last (default `/etc/openstack`). */
  readonly systemConfigDirs?: readonly string[] | undefined;
  /** Receives warnings about ignored settings (console, pino, winston…). */
  readonly logger?: LoggerLike | SdkLogger | undefined;
}

/** A resolved TLS setup; the key stays wrapped until the transport is built. */
export interface ResolvedTls {
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: Secret | undefined;
  readonly insecure?: boolean | undefined;
}

/** Auth options after resolution: secrets wrapped, domain shorthands applied. */
export interface ResolvedAuthOptions extends Omit<AuthOptions, 'password' | 'token' | 'applicationCredentialSecret'> {
  readonly password?: Secret | undefined;
  readonly token?: Secret | undefined;
  readonly applicationCredentialSecret?: Secret | undefined;
}

/** The outcome of resolution: safe to log and to `JSON.stringify` (secrets print as `***`). */
export interface ResolvedConfig {
  /** The clouds.yaml entry used, if any. */
  readonly cloud: string | undefined;
  /** Where values came from, in precedence order: `options`, `environment`, file paths. */
  readonly sources: readonly string[];
  readonly authType: AuthType;
  readonly auth: ResolvedAuthOptions;
  readonly tls: ResolvedTls;
  /** All other settings, merged across sources. */
  readonly settings: Omit<CloudSettings, 'auth' | 'authType' | 'tls' | 'cacert' | 'cert' | 'key' | 'insecure'>;
}
