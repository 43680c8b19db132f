/**
 * `OS_*` environment variables, as python-openstackclient and openstacksdk read them: the prefix is
 * stripped and the rest lower-cased into a clouds.yaml key (`OS_PROJECT_NAME` → `project_name`,
 * `OS_BLOCK_STORAGE_API_VERSION` → `block_storage_api_version`), then read like a cloud entry.
 * A few variables only steer where configuration comes from and are taken out first.
 */
import type { RawSource } from './raw.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Variables about the configuration itself, not settings of a cloud. */
const CONTROL = new Set(['OS_CLOUD', 'OS_CLOUD_NAME', 'OS_CLIENT_CONFIG_FILE', 'OS_CLIENT_SECURE_FILE']);

/** The raw cloud entry the environment describes (empty values are treated as unset). */
export function envCloud(env: Env): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('OS_') || CONTROL.has(name) || value === undefined || value.trim() === '') continue;
    raw[name.slice(3).toLowerCase()] = value;
  }
  // OS_INTERFACE is the current spelling; OS_ENDPOINT_TYPE (publicURL style) the old one.
  if (raw['interface'] !== undefined) delete raw['endpoint_type'];
  return raw;
}

/** Error locations for environment values: the variable name. */
export const ENV_SOURCE: RawSource = {
  describe(path: readonly string[]): string {
    const last = path[path.length - 1] ?? '';
    return `environment variable OS_${last.toUpperCase()}`;
  },
};

/** The default environment: `process.env` on Node, nothing in a browser. */
export function defaultEnv(): Env {
  const g = globalThis as { process?: { env?: Env } };
  return g.process?.env ?? {};
}

export function envValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v;
}
