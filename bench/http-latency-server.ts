/**
 * The benchmark's server: node:http answering every request with a small Cinder volume document,
 * either in a worker thread of the benchmark's process (its own event loop, on the other core of a
 * 2-core machine) or in a child process (its own heap and GC too). The two setups give different
 * ratios between clients (node:http is ~0.4x fetch against the thread, ~0.65x against the process),
 * so the benchmark reports both.
 */
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';

const THREAD_SOURCE = `
const http = require('node:http');
const { parentPort } = require('node:worker_threads');
const body = JSON.stringify({
  volume: {
    id: '3f9c1a2e-7b44-4d2b-9a51-0c1d2e3f4a5b', name: 'bench-volume', status: 'available', size: 10,
    availability_zone: 'nova', bootable: 'false', encrypted: false, multiattach: false,
    volume_type: 'lvmdriver-1', attachments: [], metadata: { purpose: 'bench' },
    created_at: '2026-11-27T10:00:00.000000', updated_at: null, description: null,
    links: [{ rel: 'self', href: 'http://127.0.0.1/v3/p/volumes/3f9c1a2e-7b44-4d2b-9a51-0c1d2e3f4a5b' }],
  },
});
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-openstack-request-id': 'req-bench',
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', (m) => { if (m === 'stop') { server.closeAllConnections(); server.close(() => process.exit(0)); } });
`;

const PROCESS_SOURCE = `
const http = require('node:http');
const parentPort = { postMessage: (m) => process.send(m) };
const body = JSON.stringify({
  volume: {
    id: '3f9c1a2e-7b44-4d2b-9a51-0c1d2e3f4a5b', name: 'bench-volume', status: 'available', size: 10,
    availability_zone: 'nova', bootable: 'false', encrypted: false, multiattach: false,
    volume_type: 'lvmdriver-1', attachments: [], metadata: { purpose: 'bench' },
    created_at: '2026-11-27T10:00:00.000000', updated_at: null, description: null,
    links: [{ rel: 'self', href: 'http://127.0.0.1/v3/p/volumes/3f9c1a2e-7b44-4d2b-9a51-0c1d2e3f4a5b' }],
  },
});
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-openstack-request-id': 'req-bench',
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
process.on('message', (m) => { if (m === 'stop') { server.closeAllConnections(); server.close(() => process.exit(0)); } });
`;

export type ServerKind = 'thread' | 'process';

export interface BenchServer {
  readonly url: string;
  stop(): Promise<void>;
}

const PATH = '/v3/p/volumes/3f9c1a2e-7b44-4d2b-9a51-0c1d2e3f4a5b';

export async function startBenchServer(kind: ServerKind = 'thread'): Promise<BenchServer> {
  if (kind === 'thread') {
    const worker = new Worker(THREAD_SOURCE, { eval: true });
    const port = await new Promise<number>((resolve, reject) => {
      worker.once('message', (p: number) => resolve(p));
      worker.once('error', reject);
    });
    return {
      url: `http://127.0.0.1:${port}${PATH}`,
      stop: async () => {
        worker.postMessage('stop');
        await new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      },
    };
  }
  const child = spawn(process.execPath, ['-e', PROCESS_SOURCE], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (p) => resolve(p as number));
    child.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}${PATH}`,
    stop: async () => {
      child.send('stop');
      await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    },
  };
}
