/**
 * The list benchmark's server: a Cinder-like `/volumes/detail` over N synthetic volumes, in a
 * child process (so its memory and CPU do not count in the client's figures). Pages are built on
 * the fly from the marker (the volume index is encoded in its UUID); nothing is held in memory.
 * Like Cinder, a full page carries a `volumes_links` rel=next absolute href with marker and limit.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const SERVER_SOURCE = String.raw`
const http = require('node:http');
const TOTAL = Number(process.env.LIST_BENCH_TOTAL);
const MAX_PAGE = Number(process.env.LIST_BENCH_MAX_PAGE);
const PROJECT = process.env.LIST_BENCH_PROJECT;
const PREFIX = '/v3/' + PROJECT;
const hex = (i, n) => i.toString(16).padStart(n, '0');
const uuid = (i) => '6a1c0000-' + hex((i >>> 16) & 0xffff, 4) + '-4000-8000-' + hex(i, 12);
const indexOf = (id) => parseInt(id.slice(-12), 16);
let origin = '';

function volume(i) {
  const id = uuid(i);
  const bootable = i % 10 === 0;
  const attached = i % 4 === 0;
  return {
    id,
    name: 'bench-volume-' + i,
    description: i % 5 === 0 ? null : 'Synthetic volume number ' + i + ' for the list benchmark',
    status: attached ? 'in-use' : 'available',
    size: (i % 100) + 1,
    availability_zone: 'nova',
    bootable: bootable ? 'true' : 'false',
    encrypted: i % 7 === 0,
    multiattach: false,
    volume_type: 'lvmdriver-1',
    snapshot_id: null,
    source_volid: null,
    consistencygroup_id: null,
    replication_status: 'disabled',
    user_id: 'c2b1f4b5e0a94b0f9e2d7a1c3b5d7e9f',
    'os-vol-tenant-attr:tenant_id': PROJECT,
    'os-vol-host-attr:host': 'node-' + (i % 16) + '@lvmdriver-1#lvmdriver-1',
    'os-vol-mig-status-attr:migstat': null,
    'os-vol-mig-status-attr:name_id': null,
    metadata: { purpose: 'bench', shard: String(i % 10) },
    attachments: attached
      ? [{ id, attachment_id: uuid(i + 50000000), volume_id: id, server_id: uuid(i + 90000000), host_name: null, device: '/dev/vdb', attached_at: '2026-11-27T10:00:00.000000' }]
      : [],
    volume_image_metadata: bootable ? { image_id: uuid(7), image_name: 'cirros-0.6.2-x86_64-disk', checksum: 'c8fc807773e5354afe61636071771906', min_ram: '0', min_disk: '0', disk_format: 'qcow2', container_format: 'bare', size: '21430272' } : undefined,
    created_at: '2026-11-27T10:00:00.000000',
    updated_at: '2026-11-27T10:05:00.000000',
    links: [
      { rel: 'self', href: origin + PREFIX + '/volumes/' + id },
      { rel: 'bookmark', href: origin + '/' + PROJECT + '/volumes/' + id },
    ],
  };
}

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const url = new URL(req.url, origin);
    if (url.pathname === '/') {
      const body = JSON.stringify({ versions: [{ id: 'v3.0', status: 'CURRENT', version: '3.70', min_version: '3.0', links: [] }] });
      res.writeHead(300, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    if (url.pathname !== PREFIX + '/volumes/detail') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"itemNotFound": {"code": 404, "message": "no such path"}}');
      return;
    }
    const limit = Math.min(Number(url.searchParams.get('limit') || MAX_PAGE), MAX_PAGE);
    const marker = url.searchParams.get('marker');
    const start = marker === null ? 0 : indexOf(marker) + 1;
    const end = Math.min(start + limit, TOTAL);
    const items = [];
    for (let i = start; i < end; i++) items.push(volume(i));
    const page = { volumes: items };
    if (items.length === limit) {
      page.volumes_links = [{ rel: 'next', href: origin + PREFIX + '/volumes/detail?limit=' + limit + '&marker=' + items[items.length - 1].id }];
    }
    const body = JSON.stringify(page);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-openstack-request-id': 'req-list-bench' });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => {
  origin = 'http://127.0.0.1:' + server.address().port;
  let bytes = 0;
  for (let i = 0; i < 1000; i++) bytes += Buffer.byteLength(JSON.stringify(volume(i)));
  process.stdout.write(JSON.stringify({ port: server.address().port, sample: Math.round(bytes / 1000) }) + '\n');
});
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
`;

export interface ListBenchServer {
  /** The block-storage endpoint (`http://127.0.0.1:<port>/v3/<project>`). */
  readonly endpoint: string;
  /** Mean bytes of one serialized volume. */
  readonly volumeBytes: number;
  stop(): Promise<void>;
}

export async function startListServer(total: number, maxPage: number, project: string): Promise<ListBenchServer> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SERVER_SOURCE], {
    env: {
      ...process.env,
      LIST_BENCH_TOTAL: String(total),
      LIST_BENCH_MAX_PAGE: String(maxPage),
      LIST_BENCH_PROJECT: project,
      NODE_OPTIONS: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      const nl = buffered.indexOf('\n');
      if (nl >= 0) resolve(buffered.slice(0, nl));
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`list bench server exited with ${String(code)}`)));
  });
  const { port, sample } = JSON.parse(first) as { port: number; sample: number };
  return {
    endpoint: `http://127.0.0.1:${port}/v3/${project}`,
    volumeBytes: sample,
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
