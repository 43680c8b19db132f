/**
 * Resolves connection settings from, in order of precedence: explicit options, `OS_*` environment
 * variables, clouds.yaml (+ secure.yaml).
 *
 * Which sources are read:
 * - explicit auth (`auth` or `authType` in the options) is taken as complete: environment auth
 *   variables are not mixed into it and no file is read unless `cloud` is named. Mixing credentials
 *   of two origins (an application credential from code, a stray OS_PROJECT_NAME from the shell)
 *   produces requests nobody intended;
 * - otherwise the environment's auth variables apply, over the named cloud's (`cloud` / `OS_CLOUD`);
 * - clouds.yaml is read only when a cloud is named or nothing else configures auth. Then a file
 *   with exactly one cloud needs no name, as in openstacksdk.
 *
 * The file loader is imported on demand (`files.ts` holds every `fs`/`os` import), so a browser
 * bundle that passes explicit options never pulls in Node built-ins.
 */
import { Secret } from '../auth/secret.js';
import { ConfigurationError } from '../errors.js';
import { adaptLogger, type SdkLogger } from '../logging.js';
import { decideAuthType, normalizeAuth } from './auth.js';
import { defaultEnv, envCloud, envValue, ENV_SOURCE } from './env.js';
import { SERVICE_FIELDS, mergeLayers } from './merge.js';
import { isAuthKey, readRawCloud, type RawSource } from './raw.js';
import type { CloudSettings, ConfigSourceOptions, ResolvedConfig, ResolvedTls } from './types.js';

type FilesModule = typeof import('./files.js');

/** Held in a variable so that bundlers do not follow it into node:fs (see runtime/http/default-transport.ts). */
const FILES_MODULE = './files.js';

function loadFilesModule(): Promise<FilesModule> {
  return (import(/* @vite-ignore */ /* webpackIgnore: true */ FILES_MODULE) as Promise<FilesModule>).catch(
    (cause: unknown) => {
      throw new ConfigurationError(
        'clouds.yaml and certificate files need Node.js file access; pass auth and tls options instead',
        {
          cause,
        },
      );
    },
  );
}

export type ResolveOptions = CloudSettings & ConfigSourceOptions;

export async function resolveConfig(options: ResolveOptions): Promise<ResolvedConfig> {
  const env = options.env === false ? {} : (options.env ?? defaultEnv());
  const logger = adaptLogger(options.logger);
  const explicit = pickSettings(options);
  const explicitAuth = hasValues(explicit.auth) || explicit.authType !== undefined;

  const envRaw = envCloud(env);
  if (explicitAuth) for (const key of Object.keys(envRaw)) if (isAuthKey(key)) delete envRaw[key];
  const envLayer = readRawCloud(envRaw, ENV_SOURCE, logger);
  const envAuth = hasValues(envLayer.auth) || envLayer.authType !== undefined;
  const cloudName = options.cloud ?? (explicitAuth ? undefined : envValue(env, 'OS_CLOUD'));

  const layers: CloudSettings[] = [explicit, envLayer];
  const sources = ['options', 'environment'];
  let chosen: string | undefined;
  if (cloudName !== undefined || (!explicitAuth && !envAuth)) {
    const file = await fileLayer(cloudName, env, options, logger);
    chosen = file.cloud;
    layers.push(file.layer);
    sources.push(...file.sources);
  }

  const merged = mergeLayers(layers);
  const auth = normalizeAuth(merged.auth ?? {});
  const { auth: _a, authType, tls: _t, cacert: _ca, cert: _ce, key: _k, insecure: _i, ...settings } = merged;
  return {
    cloud: chosen,
    sources,
    authType: decideAuthType(authType, auth),
    auth,
    tls: await resolveTls(merged),
    settings,
  };
}

/** The chosen clouds.yaml entry (secure.yaml merged in) as a layer. */
async function fileLayer(
  name: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  options: ConfigSourceOptions,
  logger: SdkLogger,
): Promise<{ cloud: string; layer: CloudSettings; sources: string[] }> {
  const { loadCloudFiles } = await loadFilesModule();
  const files = await loadCloudFiles({
    env,
    cwd: options.cwd,
    homeDir: options.homeDir,
    systemConfigDirs: options.systemConfigDirs,
    logger,
  });
  const cloud = name ?? onlyCloud(files);
  const raw = files.clouds[cloud];
  if (raw === undefined) throw unknownCloud(cloud, files);
  // A bad value may come from either file once they are merged: name both.
  const label =
    files.secureClouds.has(cloud) && files.secureFile
      ? `${files.cloudsFile ?? ''} + ${files.secureFile}`
      : (files.cloudsFile ?? files.secureFile ?? '');
  return {
    cloud,
    layer: readRawCloud(raw, fileSource(label, cloud), logger),
    sources: [files.cloudsFile, files.secureFile].filter((f): f is string => f !== undefined),
  };
}

function onlyCloud(files: {
  defined: readonly string[];
  cloudsFile: string | undefined;
  searched: readonly string[];
}): string {
  const names = files.defined;
  if (names.length === 1 && names[0] !== undefined) return names[0];
  if (names.length === 0) {
    throw new ConfigurationError(
      'No authentication configured: pass auth options, set OS_AUTH_URL (or OS_TOKEN and OS_ENDPOINT), or name a cloud; ' +
        `no clouds.yaml with clouds was found (searched ${files.searched.join(', ')})`,
    );
  }
  throw new ConfigurationError(
    `${files.cloudsFile ?? 'clouds.yaml'} has several clouds (${names.join(', ')}); choose one with the cloud option or OS_CLOUD`,
  );
}

function unknownCloud(
  name: string,
  files: { clouds: Readonly<Record<string, unknown>>; cloudsFile: string | undefined; searched: readonly string[] },
): ConfigurationError {
  const where = files.cloudsFile
    ? `${files.cloudsFile} has ${Object.keys(files.clouds).join(', ') || 'no clouds'}`
    : 'no clouds.yaml was found';
  return new ConfigurationError(`Cloud "${name}" not found: ${where} (searched ${files.searched.join(', ')})`);
}

function fileSource(label: string, cloud: string): RawSource {
  return { describe: (path) => `${label}: clouds.${[cloud, ...path].join('.')}` };
}

/** PEM text given directly wins; paths are read through the file loader. */
async function resolveTls(settings: CloudSettings): Promise<ResolvedTls> {
  const direct = settings.tls;
  const paths = { ca: settings.cacert, cert: settings.cert, key: settings.key };
  const needsFiles =
    (direct?.ca === undefined && paths.ca !== undefined) ||
    (direct?.cert === undefined && paths.cert !== undefined) ||
    (direct?.key === undefined && paths.key !== undefined);
  const read = needsFiles ? (await loadFilesModule()).readTextFile : undefined;
  const load = async (text: string | undefined, path: string | undefined, what: string): Promise<string | undefined> =>
    text ?? (path !== undefined && read ? await read(path, what) : undefined);
  const key = await load(direct?.key, paths.key, 'key');
  return {
    ca: await load(direct?.ca, paths.ca, 'cacert'),
    cert: await load(direct?.cert, paths.cert, 'cert'),
    key: key === undefined ? undefined : new Secret(key),
    insecure: direct?.insecure ?? settings.insecure,
  };
}

/** Every key of CloudSettings: options objects may carry other things (transports, metric clients). */
const SETTING_KEYS = [
  'authType',
  'auth',
  'cacert',
  'cert',
  'key',
  'insecure',
  'tls',
  'userAgent',
  'globalRequestId',
  'additionalHeaders',
  'services',
  ...SERVICE_FIELDS,
] as const satisfies readonly (keyof CloudSettings)[];

// Does not compile when CloudSettings gains a key that SETTING_KEYS lacks.
const _everyKey: [Exclude<keyof CloudSettings, (typeof SETTING_KEYS)[number]>] extends [never] ? true : never = true;
void _everyKey;

function pickSettings(options: CloudSettings): CloudSettings {
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) if (options[key] !== undefined) out[key] = options[key];
  return out;
}

function hasValues(value: object | undefined): boolean {
  return value !== undefined && Object.values(value).some((v) => v !== undefined);
}
