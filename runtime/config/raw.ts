/**
 * Reads one cloud as clouds.yaml spells it (snake_case keys, `auth:` section, `<service>_<key>`
 * per-service keys) into `CloudSettings`, checking types and naming the file and key of any bad
 * value. Environment variables go through the same reader after `OS_` is stripped, so both sources
 * accept exactly the same keys.
 *
 * Like openstacksdk, auth keys are also accepted at the top level of a cloud (and must be, for
 * `OS_USERNAME` & co.), and keys the SDK does not use (other services' settings) are ignored.
 */
import { ConfigurationError } from '../errors.js';
import type { SdkLogger } from '../logging.js';
import type { AuthOptions, AuthTypeName, CloudSettings, ServiceSettings } from './types.js';

/** Names the place of a key in error messages: `<file>: clouds.x.auth.password`, or `OS_PASSWORD`. */
export interface RawSource {
  describe(path: readonly string[]): string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const AUTH_KEYS: Readonly<Record<string, keyof AuthOptions>> = {
  auth_url: 'authUrl',
  username: 'username',
  user_id: 'userId',
  password: 'password',
  project_name: 'projectName',
  project_id: 'projectId',
  tenant_name: 'projectName',
  tenant_id: 'projectId',
  user_domain_name: 'userDomainName',
  user_domain_id: 'userDomainId',
  project_domain_name: 'projectDomainName',
  project_domain_id: 'projectDomainId',
  domain_name: 'domainName',
  domain_id: 'domainId',
  default_domain_name: 'defaultDomainName',
  default_domain_id: 'defaultDomainId',
  system_scope: 'systemScope',
  token: 'token',
  application_credential_id: 'applicationCredentialId',
  application_credential_name: 'applicationCredentialName',
  application_credential_secret: 'applicationCredentialSecret',
  endpoint: 'endpoint',
  url: 'endpoint',
};

type Kind = 'string' | 'version' | 'interface' | 'int' | 'seconds';

/** Settings valid both globally and as `<service>_<key>`. Longest suffixes first. */
const SERVICE_KEYS: readonly (readonly [suffix: string, field: keyof ServiceSettings, kind: Kind])[] = [
  ['status_code_retry_delay', 'statusCodeRetryDelay', 'seconds'],
  ['status_code_retries', 'statusCodeRetries', 'int'],
  ['default_microversion', 'defaultMicroversion', 'version'],
  ['connect_retry_delay', 'connectRetryDelay', 'seconds'],
  ['endpoint_override', 'endpointOverride', 'string'],
  ['connect_retries', 'connectRetries', 'int'],
  ['service_name', 'serviceName', 'string'],
  ['service_type', 'serviceType', 'string'],
  ['api_version', 'version', 'version'],
  ['min_version', 'minVersion', 'version'],
  ['max_version', 'maxVersion', 'version'],
  ['region_name', 'regionName', 'string'],
  ['api_timeout', 'timeout', 'seconds'],
  ['interface', 'interface', 'interface'],
  ['endpoint', 'endpointOverride', 'string'],
];

/** Global keys that are not auth keys and not per-service keys. */
const GLOBAL_ONLY = new Set([
  'auth',
  'auth_type',
  'regions',
  'endpoint_type',
  'cacert',
  'cert',
  'key',
  'verify',
  'insecure',
  'rate_limit',
  'concurrency',
  'profile',
]);

const AUTH_TYPES: readonly AuthTypeName[] = [
  'password',
  'v3password',
  'token',
  'v3token',
  'application_credential',
  'v3applicationcredential',
  'admin_token',
  'token_endpoint',
  'none',
  'noauth',
];

/** Whether a raw key configures authentication (top-level auth keys and `auth_type`). */
export function isAuthKey(key: string): boolean {
  return key === 'auth' || key === 'auth_type' || AUTH_KEYS[key] !== undefined;
}

export function readRawCloud(raw: unknown, source: RawSource, logger?: SdkLogger): CloudSettings {
  const cloud = record(raw, [], source);
  const out: Mutable<CloudSettings> = {};
  const auth: Mutable<AuthOptions> = {};
  const services: Record<string, Mutable<ServiceSettings>> = {};

  // Top-level auth keys first, so that the `auth:` section (read next) wins over them.
  for (const [key, value] of Object.entries(cloud)) {
    const field = AUTH_KEYS[key];
    if (field !== undefined) setAuth(auth, field, value, [key], source);
  }
  if (cloud['auth'] !== undefined) {
    for (const [key, value] of Object.entries(record(cloud['auth'], ['auth'], source))) {
      const field = AUTH_KEYS[key];
      if (field !== undefined) setAuth(auth, field, value, ['auth', key], source);
      else logger?.log('debug', 'ignoring unknown auth key', { key: source.describe(['auth', key]) });
    }
  }
  if (Object.keys(auth).length > 0) out.auth = auth;

  if (cloud['auth_type'] !== undefined) out.authType = authType(cloud['auth_type'], ['auth_type'], source);
  if (cloud['profile'] !== undefined) {
    logger?.log(
      'warn',
      'clouds.yaml "profile" (vendor defaults) is not supported; set auth_url and the other values in the cloud itself',
      {
        key: source.describe(['profile']),
      },
    );
  }
  for (const [key, value] of Object.entries(cloud)) {
    if (value === undefined || value === null || AUTH_KEYS[key] !== undefined || GLOBAL_ONLY.has(key)) continue;
    const exact = SERVICE_KEYS.find(([suffix]) => suffix === key);
    if (exact) {
      setService(out, exact, value, [key], source);
      continue;
    }
    const prefixed = SERVICE_KEYS.find(([suffix]) => key.endsWith(`_${suffix}`) && key.length > suffix.length + 1);
    if (prefixed) {
      // `block_storage_api_version` → service `block-storage`; `volume_api_version` → `volume`.
      const service = key.slice(0, key.length - prefixed[0].length - 1).replace(/_/g, '-');
      setService((services[service] ??= {}), prefixed, value, [key], source);
    }
  }
  if (out.interface === undefined && cloud['endpoint_type'] !== undefined) {
    out.interface = interfaceValue(cloud['endpoint_type'], ['endpoint_type'], source);
  }
  if (out.regionName === undefined && cloud['regions'] !== undefined) {
    out.regionName = firstRegion(cloud['regions'], source);
  }
  for (const key of ['cacert', 'cert', 'key'] as const) {
    if (cloud[key] !== undefined) out[key] = str(cloud[key], [key], source);
  }
  if (cloud['verify'] !== undefined) {
    // requests' `verify`: a boolean, or the path of a CA bundle.
    const verify = cloud['verify'];
    if (typeof verify === 'string' && !isBoolText(verify)) out.cacert ??= verify;
    else out.insecure = !bool(verify, ['verify'], source);
  }
  if (cloud['insecure'] !== undefined) out.insecure = bool(cloud['insecure'], ['insecure'], source);
  for (const [key, field] of [
    ['rate_limit', 'rateLimit'],
    ['concurrency', 'concurrency'],
  ] as const) {
    const value = cloud[key];
    if (value === undefined || value === null) continue;
    if (typeof value === 'object') {
      // `rate_limit: {block-storage: 5}`: per service type.
      for (const [service, n] of Object.entries(record(value, [key], source))) {
        (services[service.replace(/_/g, '-')] ??= {})[field] = positive(n, [key, service], source);
      }
    } else {
      out[field] = positive(value, [key], source);
    }
  }
  if (Object.keys(services).length > 0) out.services = services;
  return out;
}

function setAuth(
  auth: Mutable<AuthOptions>,
  field: keyof AuthOptions,
  value: unknown,
  path: string[],
  source: RawSource,
): void {
  if (value === undefined || value === null) return;
  // Ids are sometimes written as numbers in YAML (`project_id: 12345`); accept them as text.
  const text = typeof value === 'number' ? String(value) : str(value, path, source);
  auth[field] = text;
}

function setService(
  target: Mutable<ServiceSettings>,
  [, field, kind]: readonly [string, keyof ServiceSettings, Kind],
  value: unknown,
  path: string[],
  source: RawSource,
): void {
  const t = target as Record<keyof ServiceSettings, unknown>;
  switch (kind) {
    case 'string':
      t[field] = str(value, path, source);
      break;
    case 'version':
      t[field] = version(value, path, source);
      break;
    case 'interface':
      t[field] = interfaceValue(value, path, source);
      break;
    case 'int':
      t[field] = integer(value, path, source);
      break;
    case 'seconds':
      t[field] = Math.round(nonNegative(value, path, source) * 1000);
      break;
  }
}

function authType(value: unknown, path: string[], source: RawSource): AuthTypeName {
  const text = str(value, path, source).trim().toLowerCase().replace(/-/g, '_');
  const found = AUTH_TYPES.find((t) => t === text);
  if (found === undefined) {
    const hint = /^v2/.test(text) ? ' (Keystone v2 is not supported)' : '';
    throw new ConfigurationError(
      `${source.describe(path)}: auth type "${text}" is not supported${hint}; use one of ${AUTH_TYPES.join(', ')}`,
    );
  }
  return found;
}

function interfaceValue(value: unknown, path: string[], source: RawSource): string | string[] {
  if (Array.isArray(value)) return value.map((v, i) => str(v, [...path, String(i)], source));
  return str(value, path, source);
}

function firstRegion(value: unknown, source: RawSource): string | undefined {
  if (!Array.isArray(value)) throw bad(['regions'], 'a list of region names', value, source);
  const first: unknown = value[0];
  if (first === undefined) return undefined;
  if (typeof first === 'string') return first;
  return str(record(first, ['regions', '0'], source)['name'], ['regions', '0', 'name'], source);
}

function record(value: unknown, path: string[], source: RawSource): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw bad(path, 'a mapping', value, source);
}

function str(value: unknown, path: string[], source: RawSource): string {
  if (typeof value === 'string') return value;
  throw bad(path, 'a string', value, source);
}

function version(value: unknown, path: string[], source: RawSource): string {
  // YAML reads `3` as a number; decimals arrive as their source text (see files.ts), so 3.50 stays 3.50.
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  const text = str(value, path, source).trim().replace(/^v/i, '');
  if (!/^\d+(\.(\d+|latest))?$/.test(text)) throw bad(path, 'a version like "3" or "3.50"', value, source);
  return text;
}

function numberOf(value: unknown, path: string[], source: RawSource, what: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw bad(path, what, value, source);
  return n;
}

function nonNegative(value: unknown, path: string[], source: RawSource): number {
  const n = numberOf(value, path, source, 'a number');
  if (n < 0) throw bad(path, 'a number of zero or more', value, source);
  return n;
}

function positive(value: unknown, path: string[], source: RawSource): number {
  const n = numberOf(value, path, source, 'a number');
  if (n <= 0) throw bad(path, 'a number above zero', value, source);
  return n;
}

function integer(value: unknown, path: string[], source: RawSource): number {
  const n = numberOf(value, path, source, 'a whole number');
  if (!Number.isInteger(n) || n < 0) throw bad(path, 'a whole number of zero or more', value, source);
  return n;
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

function isBoolText(text: string): boolean {
  const t = text.trim().toLowerCase();
  return TRUE.has(t) || FALSE.has(t);
}

function bool(value: unknown, path: string[], source: RawSource): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase();
    if (TRUE.has(t)) return true;
    if (FALSE.has(t)) return false;
  }
  throw bad(path, 'true or false', value, source);
}

function bad(path: string[], expected: string, value: unknown, source: RawSource): ConfigurationError {
  // The value is described by type only: it may be a password in the wrong place.
  const got =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'a list'
        : typeof value === 'object'
          ? 'a mapping'
          : `a ${typeof value}`;
  return new ConfigurationError(`${source.describe(path)} must be ${expected}, got ${got}`);
}
