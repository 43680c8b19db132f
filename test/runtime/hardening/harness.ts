/**
 * The hardening tests run every call through both public clients — `connect()` (the full stack)
 * and `createClient()` (the lite one) — against the same real server on 127.0.0.1, so the checks
 * they pin hold whichever request path a call takes, today and after the request path changes.
 */
import type * as http from 'node:http';
import { BlockStorageV3, connect } from '../../../generated/index.js';
import { createClient, type ClientOptions } from '../../../runtime/lite.js';
import type { ConnectOptions } from '../../../runtime/connect.js';
import { json, startServer, type SeenRequest, type TestServer } from '../http/helpers.js';

export const PROJECT = '0123456789abcdef0123456789abcdef';
export const TOKEN = 'gAAAAAB-harden-token-0123456789';

/** A Cinder-like server: answers discovery itself, everything else through `handler`. */
export interface Cinder extends TestServer {
  readonly endpoint: string;
  handler: (req: http.IncomingMessage, res: http.ServerResponse, seen: SeenRequest) => void;
  /** API requests (version discovery left out), relative to the endpoint. */
  api(): SeenRequest[];
}

export async function startCinder(): Promise<Cinder> {
  const state = {
    handler: (_req: http.IncomingMessage, res: http.ServerResponse, seen: SeenRequest): void =>
      json(res, 599, { error: { message: `no handler for ${seen.method} ${seen.url}` } }),
  };
  const server = await startServer((req, res, seen) => {
    if (seen.method === 'GET' && (seen.url === '/' || seen.url === '/v3/' || seen.url === `/v3/${PROJECT}/`)) {
      json(res, 300, {
        versions: [{ id: 'v3.0', status: 'CURRENT', version: '3.70', min_version: '3.0', links: [] }],
      });
      return;
    }
    state.handler(req, res, seen);
  });
  const prefix = `/v3/${PROJECT}`;
  return {
    ...server,
    endpoint: `${server.url}${prefix}`,
    get handler() {
      return state.handler;
    },
    set handler(h) {
      state.handler = h;
    },
    api: () =>
      server.requests
        .filter((r) => !(r.method === 'GET' && (r.url === '/' || r.url === '/v3/' || r.url === `${prefix}/`)))
        .map((r) => ({ ...r, url: r.url.startsWith(prefix) ? r.url.slice(prefix.length) : r.url })),
  };
}

export interface Opened {
  readonly bs: BlockStorageV3;
  close(): Promise<void>;
}

export interface Flavour {
  readonly name: 'connect()' | 'createClient()';
  open(cinder: Cinder, extra?: FlavourOptions): Promise<Opened>;
}

export interface FlavourOptions {
  readonly connect?: Partial<ConnectOptions>;
  readonly lite?: Partial<ClientOptions>;
}

/** No environment and no files: only what the test passes. */
export const ISOLATED = {
  env: false,
  cwd: '/nonexistent',
  homeDir: '/nonexistent',
  systemConfigDirs: [],
} as const satisfies Partial<ConnectOptions>;

const FAST = { retryBaseDelay: 1, retryMaxDelay: 2 } as const;

export const CONNECT: Flavour = {
  name: 'connect()',
  async open(cinder, extra = {}) {
    const conn = await connect({
      ...ISOLATED,
      ...FAST,
      authType: 'admin_token',
      auth: { token: TOKEN, endpoint: cinder.endpoint },
      ...extra.connect,
      version: '3',
    });
    return { bs: conn.blockStorage, close: () => conn.close() };
  },
};

export const LITE: Flavour = {
  name: 'createClient()',
  async open(cinder, extra = {}) {
    const client = createClient({
      ...FAST,
      endpoint: cinder.endpoint,
      token: TOKEN,
      service: BlockStorageV3.service,
      serverVersions: { min: '3.0', max: '3.70' },
      ...extra.lite,
    });
    return { bs: new BlockStorageV3(client), close: () => Promise.resolve() };
  },
};

export const FLAVOURS: readonly Flavour[] = [CONNECT, LITE];

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error as Error,
  );
}
