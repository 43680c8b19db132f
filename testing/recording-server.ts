/**
 * A local HTTP server on 127.0.0.1 that records every request and answers from a queue of canned
 * responses, or from a handler a test sets (a reply computed from the request, or one that
 * misbehaves on purpose). The generated tests and the runtime's tests run the real SDK (session,
 * HTTP client, node:http transport) against it and assert exactly what went over the wire. The one
 * place that starts such a server and records requests: tests that need a cloud that keeps state
 * use the fake cloud (`openstack-block-storage/testing`) instead.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface RecordedRequest {
  readonly method: string;
  /** Path relative to the endpoint (the `/v3/<project>` prefix removed). */
  readonly path: string;
  /** The path as sent (percent-encoded). */
  readonly rawPath: string;
  readonly query: Record<string, string | string[]>;
  readonly headers: Record<string, string>;
  /** Parsed JSON body, or undefined when none was sent. */
  readonly body: unknown;
  readonly rawBody: string;
  /** performance.now() when the request arrived (tests of pacing read it). */
  readonly at: number;
}

export interface CannedResponse {
  /** Default 200. */
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** Computes the answer to one request (it may wait); a throw answers 598 with the error. */
export type ReplyHandler = (request: RecordedRequest) => CannedResponse | Promise<CannedResponse>;

export const TEST_PROJECT = '0123456789abcdef0123456789abcdef';
export const TEST_TOKEN = `admin:${TEST_PROJECT}`;
/** The `x-openstack-request-id` of every answer (unless a reply sets its own). */
export const TEST_REQUEST_ID = 'req-00000000-0000-0000-0000-000000000000';

export class RecordingServer {
  readonly #server: Server;
  readonly #queue: CannedResponse[] = [];
  /** Every request recorded since the last take() or reset(), not counting version discovery. */
  readonly requests: RecordedRequest[] = [];
  /** When set, answers every request instead of the queue. */
  handler: ReplyHandler | undefined;
  /** The version document served at `/` (Cinder's shape). */
  versions: unknown = {
    versions: [{ id: 'v3.0', status: 'CURRENT', version: '3.70', min_version: '3.0', links: [] }],
  };
  #port = 0;

  private constructor() {
    this.#server = createServer((req, res) => this.#handle(req, res));
    this.#server.keepAliveTimeout = 5_000;
  }

  static async start(): Promise<RecordingServer> {
    const server = new RecordingServer();
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve));
    server.#port = (server.#server.address() as AddressInfo).port;
    return server;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The block-storage endpoint as a catalog would give it. */
  get endpoint(): string {
    return `${this.origin}/v3/${TEST_PROJECT}`;
  }

  /** Queues responses, answered in order. */
  reply(...responses: CannedResponse[]): void {
    this.#queue.push(...responses);
  }

  /** Returns and forgets the recorded requests (not counting version discovery). */
  take(): RecordedRequest[] {
    return this.requests.splice(0, this.requests.length);
  }

  /** Forgets queued responses, recorded requests and the handler. */
  reset(): void {
    this.#queue.length = 0;
    this.requests.length = 0;
    this.handler = undefined;
  }

  get pending(): number {
    return this.#queue.length;
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
      const url = new URL(req.url ?? '/', this.origin);
      if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '')) {
        this.#send(res, { status: 300, body: this.versions });
        return;
      }
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const prefix = `/v3/${TEST_PROJECT}`;
      const query: Record<string, string | string[]> = {};
      for (const key of new Set(url.searchParams.keys())) {
        const all = url.searchParams.getAll(key);
        query[key] = all.length === 1 ? all[0] : all;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      let body: unknown;
      try {
        body = rawBody === '' ? undefined : (JSON.parse(rawBody) as unknown);
      } catch {
        body = rawBody;
      }
      // decodeURIComponent per segment: tests compare the path the caller meant.
      const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : url.pathname;
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: decodePath(path),
        rawPath: path,
        query,
        headers,
        body,
        rawBody,
        at,
      };
      this.requests.push(recorded);
      const handler = this.handler;
      if (handler) {
        Promise.resolve()
          .then(() => handler(recorded))
          .then(
            (reply) => this.#send(res, reply),
            (error: unknown) => this.#send(res, { status: 598, body: { error: { message: String(error) } } }),
          );
        return;
      }
      const next = this.#queue.shift() ?? {
        status: 599,
        body: { error: { message: `recording server: no response queued for ${req.method} ${path}` } },
      };
      this.#send(res, next);
    });
  }

  #send(res: ServerResponse, response: CannedResponse): void {
    const payload =
      response.body === undefined
        ? ''
        : typeof response.body === 'string'
          ? response.body
          : JSON.stringify(response.body);
    res.writeHead(response.status ?? 200, {
      ...(payload !== '' && typeof response.body !== 'string' ? { 'content-type': 'application/json' } : {}),
      'x-openstack-request-id': TEST_REQUEST_ID,
      ...response.headers,
    });
    res.end(payload);
  }
}

function decodePath(path: string): string {
  return path
    .split('/')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    })
    .join('/');
}
