/**
 * The generated SDK, connected to the live stack the way a user connects to a cloud: noauth mode
 * with a static `admin:<project>` token and a fixed endpoint; Keystone mode with password auth,
 * the catalog and version discovery. The v2 proxy (the default, `version: '2'` pinned) talks to
 * Cinder 21's v3 endpoint at its base microversion (no OpenStack-API-Version header); the v3
 * proxy (`connectLive(who, extra, '3')`) negotiates microversions against the server's 3.70.
 *
 * Every proxy call made through `bs` is recorded (method name, outcome and proxy version) for the
 * coverage report that test/live/run.sh prints at the end of a run.
 */
import { appendFileSync } from 'node:fs';
import { connect, type CloudConnection, type ConnectOptions } from '../../generated/index.js';
import { BlockStorageV2 } from '../../generated/block-storage/v2/index.js';
import { BlockStorageV3 } from '../../generated/block-storage/v3/index.js';
import { defaultTransport } from '../../runtime/index.js';
import { loadLiveEnv, volumeEndpoint, type LiveEnv } from './env.js';
import { recordingKeys } from './response-keys.js';

export interface LiveSdk {
  readonly env: LiveEnv;
  readonly connection: CloudConnection;
  /** The v2 proxy, admin in the test project; calls are recorded for coverage. */
  readonly bs: BlockStorageV2;
  close(): Promise<void>;
}

/** The same, with the v3 proxy (`connectLive(who, extra, '3')`). */
export interface LiveSdkV3 {
  readonly env: LiveEnv;
  readonly connection: CloudConnection;
  /** The v3 proxy, admin in the test project; calls are recorded for the v3 coverage line. */
  readonly bs: BlockStorageV3;
  close(): Promise<void>;
}

/** Which generated proxy a live connection uses. */
export type ProxyVersion = '2' | '3';

/** Options that keep the developer's own OS_* variables and clouds.yaml out of the tests. */
const ISOLATED = { env: false, cwd: '/nonexistent', homeDir: '/nonexistent', systemConfigDirs: [] } as const;

export function connectOptions(
  env: LiveEnv,
  who: 'admin' | 'second' = 'admin',
  version: ProxyVersion = '2',
): ConnectOptions {
  if (env.mode === 'noauth') {
    const token = who === 'admin' ? env.noauthToken : env.secondNoauthToken;
    const project = who === 'admin' ? env.projectId : env.secondProjectId;
    if (!token || !project) throw new Error('the live stack has no second noauth project');
    return { ...ISOLATED, authType: 'admin_token', auth: { token, endpoint: volumeEndpoint(env, project) }, version };
  }
  const creds = who === 'admin' ? env.admin : env.demo;
  if (!creds) throw new Error('the live stack has no demo user');
  return {
    ...ISOLATED,
    authType: 'password',
    auth: {
      authUrl: creds.authUrl,
      username: creds.username,
      password: creds.password,
      projectName: creds.projectName,
      userDomainName: creds.userDomainName,
      projectDomainName: creds.projectDomainName,
    },
    regionName: env.regionName,
    interface: env.interface,
    version,
  };
}

/**
 * Connects as the admin (or the second project's user) and wraps the proxy for coverage: the v2
 * proxy by default, the v3 proxy with version '3'.
 */
export async function connectLive(who?: 'admin' | 'second', extra?: ConnectOptions, version?: '2'): Promise<LiveSdk>;
export async function connectLive(who: 'admin' | 'second', extra: ConnectOptions, version: '3'): Promise<LiveSdkV3>;
export async function connectLive(
  who: 'admin' | 'second' = 'admin',
  extra: ConnectOptions = {},
  version: ProxyVersion = '2',
): Promise<LiveSdk | LiveSdkV3> {
  const env = loadLiveEnv();
  // With LIVE_KEYS_FILE (run.sh sets it) the keys of Cinder's answers are recorded, for the check
  // that the fake cloud answers at least the keys the real Cinder does (test/live/response-keys.ts).
  const keysFile = process.env['LIVE_KEYS_FILE'];
  const recorded: ConnectOptions =
    keysFile && extra.http === undefined
      ? { transport: recordingKeys(extra.transport ?? defaultTransport({ env: {} }), keysFile, env.cinderUrl) }
      : {};
  const connection = await connect({ ...connectOptions(env, who, version), ...extra, ...recorded });
  // connectOptions pins the version; the connection's type allows every version this SDK has.
  const proxy: unknown = connection.blockStorage;
  const expected = version === '2' ? BlockStorageV2 : BlockStorageV3;
  if (!(proxy instanceof expected)) {
    await connection.close();
    throw new Error(`expected the v${version} proxy (version: "${version}" is pinned)`);
  }
  const bs = recording(proxy, version);
  return { env, connection, bs, close: () => connection.close() } as LiveSdk | LiveSdkV3;
}

/** Where calls are recorded (one JSON object per line); run.sh sets it, else no recording. */
const COVERAGE_FILE = process.env['LIVE_COVERAGE_FILE'];

function record(method: string, outcome: string, version: ProxyVersion): void {
  if (!COVERAGE_FILE) return;
  appendFileSync(
    COVERAGE_FILE,
    `${JSON.stringify({ method, outcome, version, mode: process.env['RC_AUTH'] ?? 'unknown' })}\n`,
  );
}

function outcomeOf(error: unknown): string {
  return error instanceof Error ? error.name : 'error';
}

/** A view of the proxy that records each method call and whether it succeeded or which error it raised. */
function recording<P extends object>(proxy: P, version: ProxyVersion): P {
  return new Proxy(proxy, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
      return (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          record(property, outcomeOf(error), version);
          throw error;
        }
        if (result instanceof Promise) {
          return result.then(
            (v: unknown) => {
              record(property, 'ok', version);
              return v;
            },
            (error: unknown) => {
              record(property, outcomeOf(error), version);
              throw error;
            },
          );
        }
        if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
          return recordIteration(property, version, result as AsyncIterable<unknown> & object);
        }
        record(property, 'ok', version);
        return result;
      };
    },
  });
}

/** Listings are lazy: record when iteration ends (or fails). */
function recordIteration<T extends AsyncIterable<unknown> & object>(
  method: string,
  version: ProxyVersion,
  iterable: T,
): T {
  return new Proxy(iterable, {
    get(target, property, receiver) {
      if (property === Symbol.asyncIterator) {
        return () => {
          const it = target[Symbol.asyncIterator]();
          return {
            async next() {
              try {
                const step = await it.next();
                if (step.done) record(method, 'ok', version);
                return step;
              } catch (error) {
                record(method, outcomeOf(error), version);
                throw error;
              }
            },
            async return(value?: unknown) {
              record(method, 'ok', version);
              return it.return ? it.return(value) : { done: true as const, value };
            },
          };
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property === 'toArray' && typeof value === 'function') {
        return async () => {
          try {
            const items = await (value as () => Promise<unknown[]>).call(target);
            record(method, 'ok', version);
            return items;
          } catch (error) {
            record(method, outcomeOf(error), version);
            throw error;
          }
        };
      }
      // Other methods (pages()) run on the real listing: its private fields are not on the proxy.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A unique, recognisable name for resources a test creates. */
export function uniqueName(prefix: string): string {
  return `osbs-${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}
