/**
 * Purpose-built local Cinder for the core runtime tests: a node:http server on 127.0.0.1 whose
 * answers come from a handler the test sets (so a volume can change state over time, or a listing
 * can be served page by page), which records every request with the time it arrived. A real
 * connection (createConnection, admin_token auth, the node:http transport) talks to it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { BlockStorageV2 } from '../../../generated/block-storage/v2/index.js';
import { createConnection } from '../../../runtime/connect.js';
import type { ServiceClient } from '../../../runtime/client.js';

export const PROJECT = 'fedcba9876543210fedcba9876543210';
export const TOKEN = `admin-token-${PROJECT}`;

export interface SeenRequest {
  readonly method: string;
  /** Path relative to the endpoint (`/v3/<project>` removed), decoded. */
  readonly path: string;
  readonly query: Record<string, string | string[]>;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  /** performance.now() when the request arrived. */
  readonly at: number;
}

export interface Reply {
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (request: SeenRequest) => Reply | Promise<Reply>;

const NOT_SET: Handler = (r) => ({ status: 599, body: { error: { message: `no handler for ${r.method} ${r.path}` } } });

export class CoreServer {
  readonly #server: Server;
  readonly requests: SeenRequest[] = [];
  handler: Handler = NOT_SET;
  #port = 0;

  private constructor() {
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  static async start(): Promise<CoreServer> {
    const s = new CoreServer();
    await new Promise<void>((resolve) => s.#server.listen(0, '127.0.0.1', resolve));
    s.#port = (s.#server.address() as AddressInfo).port;
    return s;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get endpoint(): string {
    return `${this.origin}/v3/${PROJECT}`;
  }

  /** Forgets recorded requests and the handler. */
  reset(): void {
    this.requests.length = 0;
    this.handler = NOT_SET;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', this.origin);
        if (req.method === 'GET' && url.pathname === '/') {
          // Cinder's version document: a v3 endpoint (the v2 proxy speaks to it at 3.0).
          send(res, {
            status: 300,
            body: { versions: [{ id: 'v3.0', status: 'CURRENT', version: '3.70', min_version: '3.0', links: [] }] },
          });
          return;
        }
        const prefix = `/v3/${PROJECT}`;
        const path = decodeURIComponent(
          url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : url.pathname,
        );
        const query: Record<string, string | string[]> = {};
        for (const key of new Set(url.searchParams.keys())) {
          const all = url.searchParams.getAll(key);
          query[key] = all.length === 1 ? all[0] : all;
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = raw === '' ? undefined : JSON.parse(raw);
        } catch {
          body = raw;
        }
        const seen: SeenRequest = { method: req.method ?? 'GET', path, query, headers, body, at };
        this.requests.push(seen);
        let reply: Reply;
        try {
          reply = await this.handler(seen);
        } catch (error) {
          reply = { status: 598, body: { error: { message: String(error) } } };
        }
        send(res, reply);
      })();
    });
  }
}

function send(res: ServerResponse, reply: Reply): void {
  const payload =
    reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status ?? 200, {
    ...(payload !== '' ? { 'content-type': 'application/json' } : {}),
    'x-openstack-request-id': 'req-core',
    ...reply.headers,
  });
  res.end(payload);
}

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
  readonly server: CoreServer;
  readonly proxy: BlockStorageV2;
  readonly client: ServiceClient;
  /** Requests seen since the last reset, without version discovery. */
  readonly requests: SeenRequest[];
}

/** One server and one connection per test file; the handler and the log are reset before each test. */
export function coreEnv(): CoreEnv {
  let server: CoreServer | undefined;
  let connected: Connected | undefined;
  beforeAll(async () => {
    server = await CoreServer.start();
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
