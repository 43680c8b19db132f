/**
 * Real local servers for the HTTP layer tests: node:http on 127.0.0.1, port 0. No stubbed fetch
 * anywhere; every test talks over sockets.
 */
import * as http from 'node:http';
import type { AddressInfo, Server } from 'node:net';

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly server: http.Server;
  /** Requests seen, in arrival order. */
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** performance.now() when the request head arrived. */
  readonly at: number;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, seen: SeenRequest, index: number) => void;

/** Reads the request body, records it, then calls the handler. */
export function recordingListener(requests: SeenRequest[], handler: Handler): http.RequestListener {
  return (req, res) => {
    const at = performance.now();
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const seen: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at };
      const index = requests.length;
      requests.push(seen);
      handler(req, res, seen, index);
    });
  };
}

export async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function closeServer(server: Server): Promise<void> {
  if ('closeAllConnections' in server && typeof server.closeAllConnections === 'function') {
    (server as http.Server).closeAllConnections();
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server = http.createServer(recordingListener(requests, handler));
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, server, requests, close: () => closeServer(server) };
}

export function json(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}

export const GET_CONTEXT = {
  serviceType: 'block-storage',
  idempotent: true,
  template: '/volumes/{volume_id}',
} as const;
export const POST_CONTEXT = { serviceType: 'block-storage', idempotent: false, template: '/volumes' } as const;

/** Collects log lines from a message-first logger, as text. */
export function captureLogger(): {
  lines: string[];
  levels: string[];
  logger: Record<'debug' | 'info' | 'warn' | 'error', (m: string, f?: Record<string, unknown>) => void>;
} {
  const lines: string[] = [];
  const levels: string[] = [];
  const make =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      levels.push(level);
      lines.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ''}`);
    };
  return {
    lines,
    levels,
    logger: { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') },
  };
}
