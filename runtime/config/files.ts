/**
 * clouds.yaml and secure.yaml, found where python-openstackclient looks. The only module of the
 * config code that touches the file system: `resolve.ts` imports it lazily, and only when a cloud
 * is named or nothing else configures auth, so explicit options work where there is no `fs`.
 *
 * Search order (first file found wins, for each of the two): `OS_CLIENT_CONFIG_FILE` /
 * `OS_CLIENT_SECURE_FILE`, then in the current directory, `$XDG_CONFIG_HOME/openstack`,
 * `~/.config/openstack`, `/etc/openstack`: `clouds.yaml`, `clouds.yml`, `clouds.json`
 * (resp. `secure.*`). secure.yaml is deep-merged over clouds.yaml, its values winning, so that
 * passwords can live in a file with tighter permissions.
 */
import { open, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDocument, type Tags } from 'yaml';
import { ConfigurationError } from '../errors.js';
import { isSensitiveKey } from '../http/redact.js';
import type { SdkLogger } from '../logging.js';
import { envValue } from './env.js';

export interface CloudFilesOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string | undefined;
  readonly homeDir?: string | undefined;
  readonly systemConfigDirs?: readonly string[] | undefined;
  /** Warned when a file holding a secret can be read by others. */
  readonly logger?: SdkLogger | undefined;
}

export interface CloudFiles {
  readonly cloudsFile: string | undefined;
  readonly secureFile: string | undefined;
  /** Every path looked at, for "not found" messages. */
  readonly searched: readonly string[];
  /** `clouds:` of clouds.yaml with secure.yaml merged in. */
  readonly clouds: Readonly<Record<string, unknown>>;
  /**
   * Clouds that clouds.yaml defines. secure.yaml only completes them: a cloud found there alone
   * (often one from another clouds.yaml) does not count when picking the only cloud.
   */
  readonly defined: readonly string[];
  /** Cloud names that secure.yaml contributed to (their errors name both files). */
  readonly secureClouds: ReadonlySet<string>;
}

const SUFFIXES = ['yaml', 'yml', 'json'];

export async function loadCloudFiles(options: CloudFilesOptions): Promise<CloudFiles> {
  const dirs = searchDirs(options);
  const cloudsPaths = dirs.flatMap((d) => SUFFIXES.map((s) => join(d, `clouds.${s}`)));
  const securePaths = dirs.flatMap((d) => SUFFIXES.map((s) => join(d, `secure.${s}`)));
  const explicitClouds = envValue(options.env, 'OS_CLIENT_CONFIG_FILE');
  const explicitSecure = envValue(options.env, 'OS_CLIENT_SECURE_FILE');
  const clouds = await firstFile(explicitClouds, cloudsPaths, 'OS_CLIENT_CONFIG_FILE', options.cwd);
  const secure = await firstFile(explicitSecure, securePaths, 'OS_CLIENT_SECURE_FILE', options.cwd);
  const base = clouds ? cloudsSection(clouds.path, clouds.text) : {};
  const extra = secure ? cloudsSection(secure.path, secure.text) : {};
  if (clouds) warnIfExposed(clouds, base, options.logger);
  if (secure) warnIfExposed(secure, extra, options.logger);
  return {
    cloudsFile: clouds?.path,
    secureFile: secure?.path,
    searched: [...(explicitClouds ? [explicitClouds] : []), ...cloudsPaths],
    clouds: deepMerge(base, extra),
    defined: Object.keys(clouds ? base : extra),
    secureClouds: new Set(Object.keys(extra)),
  };
}

/** Reads a PEM file named by cacert/cert/key. */
export async function readTextFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigurationError(
      `cannot read ${what} file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
}

function searchDirs(options: CloudFilesOptions): string[] {
  const home = options.homeDir ?? homedir();
  const xdg = envValue(options.env, 'XDG_CONFIG_HOME');
  const dirs = [
    options.cwd ?? process.cwd(),
    ...(xdg ? [join(xdg, 'openstack')] : []),
    join(home, '.config', 'openstack'),
    ...(options.systemConfigDirs ?? ['/etc/openstack']),
  ];
  return [...new Set(dirs)];
}

async function firstFile(
  explicit: string | undefined,
  candidates: readonly string[],
  variable: string,
  cwd: string | undefined,
): Promise<FileText | undefined> {
  if (explicit) {
    const path = resolve(cwd ?? process.cwd(), explicit);
    const file = await readIfExists(path);
    if (file === undefined) throw new ConfigurationError(`${variable} names ${path}, which does not exist`);
    return file;
  }
  for (const path of candidates) {
    const file = await readIfExists(path);
    if (file !== undefined) return file;
  }
  return undefined;
}

interface FileText {
  readonly path: string;
  readonly text: string;
  /** Permission bits, as `stat` gives them. */
  readonly mode: number;
}

/**
 * Largest clouds.yaml or secure.yaml read. Real ones are a few KB (a cloud is about twenty lines;
 * hundreds of clouds stay under 100 KB). The YAML parser needs some 30 times a file's size in
 * memory (a 50 MB value took 1.5 GiB), so 1 MiB bounds it near 30 MB while leaving ten times the
 * room the largest real file needs.
 */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

async function readIfExists(path: string): Promise<FileText | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigurationError(`cannot read ${path}: ${code ?? String(err)}`);
  }
  try {
    const { mode } = await handle.stat();
    // Read one byte more than allowed rather than trusting stat's size (pipes and /proc say 0).
    const buffer = Buffer.allocUnsafe(MAX_CONFIG_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_CONFIG_FILE_BYTES)
        throw new ConfigurationError(
          `${path} is larger than ${MAX_CONFIG_FILE_BYTES} bytes, too large for a clouds file`,
        );
    }
    return { path, text: buffer.toString('utf8', 0, length), mode };
  } catch (err) {
    if (err instanceof ConfigurationError) throw err;
    throw new ConfigurationError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  } finally {
    await handle.close();
  }
}

/**
 * A file holding a password, token or secret that group or others can read: warn (ssh refuses
 * such keys; a warning is enough here, as python-openstackclient does not check at all). Windows
 * has no such mode bits.
 */
function warnIfExposed(file: FileText, clouds: Record<string, unknown>, logger: SdkLogger | undefined): void {
  if (!logger || process.platform === 'win32' || (file.mode & 0o077) === 0) return;
  const where = secretPath(clouds, 'clouds', 0);
  if (where === undefined) return;
  logger.log(
    'warn',
    `${file.path} holds a secret (${where}) and can be read by group or others ` +
      `(mode ${(file.mode & 0o777).toString(8)}): chmod 600 it`,
    { file: file.path },
  );
}

/** The dotted path of the first non-empty secret-named value, e.g. `clouds.prod.auth.password`. */
function secretPath(value: unknown, path: string, depth: number): string | undefined {
  if (!isRecord(value) || depth > 8) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const here = `${path}.${key}`;
    if (isSensitiveKey(key) && item !== null && item !== undefined && item !== '' && typeof item !== 'object')
      return here;
    const inner = secretPath(item, here, depth + 1);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/**
 * Decimals stay as their source text: `volume_api_version: 3.50` must mean 3.50, not 3.5.
 * Numeric settings (timeouts, rate limits) accept numeric text anyway, as env variables need.
 */
const decimalsAsText = (tags: Tags): Tags =>
  tags.map((tag) =>
    typeof tag === 'object' && tag.tag === 'tag:yaml.org,2002:float' && tag.format === undefined && tag.test
      ? { ...tag, resolve: (text: string): string => text }
      : tag,
  );

function cloudsSection(path: string, text: string): Record<string, unknown> {
  const doc = parseDocument(text, { customTags: decimalsAsText, prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    throw new ConfigurationError(`${path}: invalid YAML${where}: ${error.message.split('\n')[0] ?? ''}`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    // `yaml` throws a ReferenceError for aliases that expand without bound (a "billion laughs").
    throw new ConfigurationError(`${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (data === null || data === undefined) return {};
  if (!isRecord(data)) throw new ConfigurationError(`${path}: the top level must be a mapping with a "clouds" key`);
  const clouds = data['clouds'];
  if (clouds === undefined || clouds === null) return {};
  if (!isRecord(clouds)) throw new ConfigurationError(`${path}: "clouds" must be a mapping of cloud names`);
  return clouds;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isRecord(current) && isRecord(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
