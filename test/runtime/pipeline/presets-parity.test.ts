/**
 * connect() and createClient() are two presets of one pipeline: the same calls, against the same
 * faults on a real local Cinder stand-in, must send the same Cinder-bound requests (method, path,
 * query, body, microversion, number of attempts) and end the same way. Keystone traffic and the
 * User-Agent differ by design and are left aside.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../../generated/index.js';
import * as v3 from '../../../generated/block-storage/v3/index.js';
import { BlockStorageV3 } from '../../../generated/block-storage/v3/index.js';
import type { ServiceClient } from '../../../runtime/client.js';
import { createClient, discoverServerVersions } from '../../../runtime/lite.js';
import { PROJECT, USER, catalogEntry, startKeystone, type FakeKeystone } from '../session/fakes.js';

/** What the fault server does with one Cinder-bound request. */
type Fault =
  { readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string> } | 'reset-mid-body';

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly body: string;
  readonly microversion: string | undefined;
}

const VOLUME = { volume: { id: 'vol-1', name: 'data', size: 10, status: 'available' } };

/** Cinder on 127.0.0.1: the version document at `/`, then the queued faults, in order. */
async function startFaultyCinder() {
  const seen: Seen[] = [];
  const queue: Fault[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/') {
        res.writeHead(300, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ versions: [{ id: 'v3.0', status: 'CURRENT', version: '3.70', min_version: '3.0' }] }));
        return;
      }
      seen.push({
        method: req.method ?? '',
        path: url.pathname.replace(`/v3/${PROJECT.id}`, ''),
        query: url.search,
        body: Buffer.concat(chunks).toString('utf8'),
        microversion: req.headers['openstack-api-version'] as string | undefined,
      });
      const fault = queue.shift() ?? { status: 200, body: VOLUME };
      if (fault === 'reset-mid-body') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
        res.write('{"volume": {"id": "vol-1", ');
        setTimeout(() => res.socket?.destroy(), 5);
        return;
      }
      const text = fault.body === undefined ? '' : JSON.stringify(fault.body);
      res.writeHead(fault.status, {
        ...(text ? { 'content-type': 'application/json' } : {}),
        'x-openstack-request-id': 'req-1',
        ...fault.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    queue,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let keystone: FakeKeystone;
let cinder: Awaited<ReturnType<typeof startFaultyCinder>>;
const FAST = { retryBaseDelay: 1, retryMaxDelay: 2 };

beforeAll(async () => {
  [keystone, cinder] = await Promise.all([startKeystone(), startFaultyCinder()]);
  keystone.catalog = [catalogEntry('block-storage', `${cinder.url}/v3/%(project_id)s`)];
});
afterAll(async () => {
  await Promise.all([keystone.close(), cinder.close()]);
});

/** The two clients under test: the connect() preset and the lite preset. */
async function clients(): Promise<Array<[string, ServiceClient, () => Promise<void>]>> {
  const connection = await connect({
    env: {},
    cwd: '/nonexistent',
    homeDir: '/nonexistent',
    systemConfigDirs: [],
    version: '3',
    auth: {
      authUrl: `${keystone.url}/v3`,
      username: USER.name,
      password: USER.password,
      userDomainName: 'Default',
      projectName: PROJECT.name,
      projectDomainName: 'Default',
    },
    ...FAST,
  });
  const endpoint = `${cinder.url}/v3/${PROJECT.id}`;
  let renewals = 0;
  const lite = createClient({
    endpoint,
    token: () => `lite-token-${++renewals}`,
    service: BlockStorageV3.service,
    serverVersions: await discoverServerVersions(endpoint),
    ...FAST,
  });
  return [
    ['connect()', connection.session('blockStorage'), () => connection.close()],
    ['createClient()', lite, () => Promise.resolve()],
  ];
}

/** Runs `call` against `faults`; returns the Cinder-bound requests and the outcome. */
async function run(
  client: ServiceClient,
  faults: readonly Fault[],
  call: (client: ServiceClient) => Promise<unknown>,
): Promise<{ requests: Seen[]; outcome: unknown }> {
  cinder.seen.length = 0;
  cinder.queue.length = 0;
  cinder.queue.push(...faults);
  let outcome: unknown;
  try {
    const result = await call(client);
    outcome = { ok: JSON.parse(JSON.stringify(result ?? null)) as unknown };
  } catch (error) {
    const e = error as { name: string; status?: number; sent?: boolean; retryAfter?: number };
    outcome = { error: e.name, status: e.status, sent: e.sent, retryAfter: e.retryAfter };
  }
  return { requests: [...cinder.seen], outcome };
}

const SCENARIOS: Array<[string, Fault[], (c: ServiceClient) => Promise<unknown>, number, object]> = [
  [
    'a GET through a 503 storm that ends',
    [{ status: 503 }, { status: 503 }, { status: 503 }],
    (c) => v3.getVolume(c, 'vol-1'),
    4,
    { ok: { id: 'vol-1' } },
  ],
  [
    'a GET through a 503 storm that does not end',
    [503, 503, 503, 503].map((status) => ({ status })),
    (c) => v3.getVolume(c, 'vol-1'),
    4,
    { error: 'ServerError', status: 503 },
  ],
  [
    'a POST answered 503 (not repeated)',
    [{ status: 503 }],
    (c) => v3.createVolume(c, { name: 'data', size: 1 }),
    1,
    { error: 'ServerError', status: 503 },
  ],
  [
    'a GET answered 429 with Retry-After',
    [{ status: 429, headers: { 'retry-after': '0' }, body: { overLimit: { message: 'slow down', code: 429 } } }],
    (c) => v3.getVolume(c, 'vol-1'),
    2,
    { ok: { id: 'vol-1' } },
  ],
  [
    'a POST answered 429 with Retry-After (refused, so repeated)',
    [
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 202, body: VOLUME },
    ],
    (c) => v3.createVolume(c, { name: 'data', size: 1 }),
    2,
    { ok: { id: 'vol-1' } },
  ],
  [
    'a 429 whose Retry-After is too long (thrown at once)',
    [{ status: 429, headers: { 'retry-after': '3600' } }],
    (c) => v3.getVolume(c, 'vol-1'),
    1,
    { error: 'TooManyRequestsError', status: 429, retryAfter: 3600 },
  ],
  [
    'a GET whose connection is reset mid-body',
    ['reset-mid-body'],
    (c) => v3.getVolume(c, 'vol-1'),
    2,
    { ok: { id: 'vol-1' } },
  ],
  [
    'a POST whose connection is reset mid-body (not repeated)',
    ['reset-mid-body'],
    (c) => v3.createVolume(c, { size: 1 }),
    1,
    { error: 'ConnectionError', sent: true },
  ],
  [
    'an action answered 401 (a new token, one more try)',
    [{ status: 401, body: { error: { message: 'expired' } } }, { status: 202 }],
    (c) => v3.extendVolume(c, 'vol-1', 20),
    2,
    { ok: null },
  ],
  [
    'a listing with a query',
    [{ status: 200, body: { volumes: [{ id: 'a' }] } }],
    async (c) => {
      const ids: unknown[] = [];
      for await (const v of v3.volumes(c, { status: 'available', limit: 5 })) ids.push(v.id);
      return ids;
    },
    1,
    { ok: ['a'] },
  ],
];

describe('connect() and createClient() run the same pipeline', () => {
  it.each(SCENARIOS)('%s: same requests, attempts and outcome', async (_name, faults, call, attempts, outcome) => {
    const results = [];
    for (const [label, client, close] of await clients()) {
      const result = await run(client, faults, call);
      await close();
      results.push({ label, ...result });
    }
    const [viaConnect, viaLite] = results;
    expect(viaConnect.requests).toHaveLength(attempts);
    expect(viaLite.requests).toEqual(viaConnect.requests);
    expect(viaConnect.outcome).toMatchObject(outcome);
    expect(viaLite.outcome).toEqual(viaConnect.outcome);
  });
});
