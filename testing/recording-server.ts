/**
 * A local HTTP server on 127.0.0.1 that records every request and answers from a queue of canned
 * responses. The generated tests run the real SDK (session, HTTP client, node:http transport)
 * against it and assert exactly what went over the wire.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
}

export interface CannedResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export const TEST_PROJECT = '0123456789abcdef0123456789abcdef';
export const TEST_TOKEN = `admin:${TEST_PROJECT}`;

export class RecordingServer {
  readonly #server: Server;
  readonly #queue: CannedResponse[] = [];
  readonly #requests: RecordedRequest[] = [];
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
    return this.#requests.splice(0, this.#requests.length);
  }

  /** Forgets queued responses and recorded requests. */
  reset(): void {
    this.#queue.length = 0;
    this.#requests.length = 0;
  }

  get pending(): number {
    return this.#queue.length;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
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
      this.#requests.push({
        method: req.method ?? 'GET',
        path: decodePath(path),
        rawPath: path,
        query,
        headers,
        body,
        rawBody,
      });
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
    res.writeHead(response.status, {
      ...(payload !== '' && typeof response.body !== 'string' ? { 'content-type': 'application/json' } : {}),
      'x-openstack-request-id': 'req-00000000-0000-0000-0000-000000000000',
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
