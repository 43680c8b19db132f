/**
 * The generated SDK, connected to the live stack the way a user connects to a cloud: noauth mode
 * with a static `admin:<project>` token and a fixed endpoint; Keystone mode with password auth,
 * the catalog and version discovery. The v2 proxy talks to Cinder 21's v3 endpoint at its base
 * microversion (no OpenStack-API-Version header).
 *
 * Every proxy call made through `bs` is recorded (method name and outcome) for the coverage report
 * that test/live/run.sh prints at the end of a run.
 */
import { appendFileSync } from 'node:fs';
import { connect, type CloudConnection, type ConnectOptions } from '../../generated/index.js';
import { BlockStorageV2 } from '../../generated/block-storage/v2/index.js';
import { loadLiveEnv, volumeEndpoint, type LiveEnv } from './env.js';

export interface LiveSdk {
  readonly env: LiveEnv;
  readonly connection: CloudConnection;
  /** The v2 proxy, admin in the test project; calls are recorded for coverage. */
  readonly bs: BlockStorageV2;
  close(): Promise<void>;
}

/** Options that keep the developer's own OS_* variables and clouds.yaml out of the tests. */
const ISOLATED = { env: false, cwd: '/nonexistent', homeDir: '/nonexistent', systemConfigDirs: [] } as const;

export function connectOptions(env: LiveEnv, who: 'admin' | 'second' = 'admin'): ConnectOptions {
  if (env.mode === 'noauth') {
    const token = who === 'admin' ? env.noauthToken : env.secondNoauthToken;
    const project = who === 'admin' ? env.projectId : env.secondProjectId;
    if (!token || !project) throw new Error('the live stack has no second noauth project');
    return { ...ISOLATED, authType: 'admin_token', auth: { token, endpoint: volumeEndpoint(env, project) }, version: '2' };
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
    version: '2',
  };
}

/** Connects as the admin (or the second project's user) and wraps the proxy for coverage. */
export async function connectLive(who: 'admin' | 'second' = 'admin', extra: ConnectOptions = {}): Promise<LiveSdk> {
  const env = loadLiveEnv();
  const connection = await connect({ ...connectOptions(env, who), ...extra });
  // connectOptions pins version 2; the connection's type allows every version this SDK has.
  const proxy: unknown = connection.blockStorage;
  if (!(proxy instanceof BlockStorageV2)) throw new Error('expected the v2 proxy (version: "2" is pinned)');
  const bs = recording(proxy);
  return { env, connection, bs, close: () => connection.close() };
}

/** Where calls are recorded (one JSON object per line); run.sh sets it, else no recording. */
const COVERAGE_FILE = process.env['LIVE_COVERAGE_FILE'];

function record(method: string, outcome: string): void {
  if (!COVERAGE_FILE) return;
  appendFileSync(COVERAGE_FILE, `${JSON.stringify({ method, outcome, mode: process.env['RC_AUTH'] ?? 'unknown' })}\n`);
}

function outcomeOf(error: unknown): string {
  return error instanceof Error ? error.name : 'error';
}

/** A view of the proxy that records each method call and whether it succeeded or which error it raised. */
function recording<P extends object>(proxy: P): P {
  return new Proxy(proxy, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
      return (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          record(property, outcomeOf(error));
          throw error;
        }
        if (result instanceof Promise) {
          return result.then(
            (v: unknown) => {
              record(property, 'ok');
              return v;
            },
            (error: unknown) => {
              record(property, outcomeOf(error));
              throw error;
            },
          );
        }
        if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
          return recordIteration(property, result as AsyncIterable<unknown> & object);
        }
        record(property, 'ok');
        return result;
      };
    },
  });
}

/** Listings are lazy: record when iteration ends (or fails). */
function recordIteration<T extends AsyncIterable<unknown> & object>(method: string, iterable: T): T {
  return new Proxy(iterable, {
    get(target, property, receiver) {
      if (property === Symbol.asyncIterator) {
        return () => {
          const it = target[Symbol.asyncIterator]();
          return {
            async next() {
              try {
                const step = await it.next();
                if (step.done) record(method, 'ok');
                return step;
              } catch (error) {
                record(method, outcomeOf(error));
                throw error;
              }
            },
            async return(value?: unknown) {
              record(method, 'ok');
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
            record(method, 'ok');
            return items;
          } catch (error) {
            record(method, outcomeOf(error));
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
