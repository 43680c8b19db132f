/**
 * The core runtime tests' local Cinder: the project's one recording server (testing/recording-server.ts)
 * on 127.0.0.1, answering from a handler each test sets (a volume whose status changes over time,
 * a listing served page by page, a reply that is broken on purpose), recording every request with
 * the time it arrived. A real connection (createConnection, admin_token auth, the node:http
 * transport) talks to it. Tests that need a cloud that keeps state use the fake cloud instead
 * (`openstack-block-storage/testing`, as find.test.ts does).
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { BlockStorageV2 } from '../../../generated/block-storage/v2/index.js';
import { createConnection } from '../../../runtime/connect.js';
import type { ServiceClient } from '../../../runtime/client.js';
import {
  RecordingServer,
  TEST_PROJECT,
  TEST_REQUEST_ID,
  TEST_TOKEN,
  type CannedResponse,
  type RecordedRequest,
  type ReplyHandler,
} from '../../../testing/recording-server.js';

export const PROJECT = TEST_PROJECT;
export const TOKEN = TEST_TOKEN;
export const REQUEST_ID = TEST_REQUEST_ID;
export type SeenRequest = RecordedRequest;
export type Reply = CannedResponse;
export type Handler = ReplyHandler;
export { RecordingServer };

export interface Connected {
  readonly proxy: BlockStorageV2;
  /** The ServiceClient behind the proxy (for runtime functions called directly). */
  readonly client: ServiceClient;
  close(): Promise<void>;
}

/** A real connection to `endpoint`: static token, no retries (tests count requests). */
export async function connect(endpoint: string): Promise<Connected> {
  const family = { attribute: 'blockStorage', serviceType: 'block-storage', versions: [BlockStorageV2] } as const;
  const connection = await createConnection(
    {
      authType: 'admin_token',
      auth: { token: TOKEN, endpoint },
      version: '2',
      env: false,
      cwd: '/nonexistent',
      homeDir: '/nonexistent',
      systemConfigDirs: [],
      statusCodeRetries: 0,
      connectRetries: 0,
    },
    [family],
  );
  return { proxy: connection.blockStorage, client: connection.blockStorage.client, close: () => connection.close() };
}

export interface CoreEnv {
  readonly server: RecordingServer;
  readonly proxy: BlockStorageV2;
  readonly client: ServiceClient;
  /** Requests seen since the last reset, without version discovery. */
  readonly requests: SeenRequest[];
}

/** One server and one connection per test file; the handler and the log are reset before each test. */
export function coreEnv(): CoreEnv {
  let server: RecordingServer | undefined;
  let connected: Connected | undefined;
  beforeAll(async () => {
    server = await RecordingServer.start();
    connected = await connect(server.endpoint);
  });
  beforeEach(() => server?.reset());
  afterAll(async () => {
    await connected?.close();
    await server?.close();
  });
  const must = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('coreEnv used outside a test');
    return v;
  };
  return {
    get server() {
      return must(server);
    },
    get proxy() {
      return must(connected).proxy;
    },
    get client() {
      return must(connected).client;
    },
    get requests() {
      return must(server).requests;
    },
  };
}

/** The rejection of a promise (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

/** The error a synchronous call throws (fails the test when it returns). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
