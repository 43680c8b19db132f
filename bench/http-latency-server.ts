/**
 * The benchmark's server: node:http in a child process (its own event loop and heap, on the other
 * core of a 2-core machine), answering every request with a small Cinder volume document.
 */
import { spawn } from 'node:child_process';

const SERVER_SOURCE = `
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

export interface BenchServer {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startBenchServer(): Promise<BenchServer> {
  // A separate process (not a worker thread): its event loop and GC never share the client's heap.
  const child = spawn(process.execPath, ['-e', SERVER_SOURCE], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (p) => resolve(p as number));
    child.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}/v3/p/volumes/3f9c1a2e-7b44-4d2b-9a51-0c1d2e3f4a5b`,
    stop: async () => {
      child.send('stop');
      await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    },
  };
}
