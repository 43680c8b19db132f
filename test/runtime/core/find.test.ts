/**
 * find*: GET by ID first; 404/400/403 fall back to the list (filtered by name on the server when
 * the list takes a name, matched here otherwise); 0, 1 and 2 matches; ignoreMissing; any other
 * error propagates.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QosSpec } from '../../../generated/block-storage/v2/index.js';
import { Volume as VolumeV3, type BlockStorageV3 } from '../../../generated/block-storage/v3/index.js';
import type { CloudConnection } from '../../../generated/index.js';
import { startFakeCloud, type FakeCloud } from '../../../fake/index.js';
import {
  DuplicateResourceError,
  InvalidArgumentError,
  NotFoundError,
  ResourceNotFoundError,
  ServerError,
} from '../../../runtime/index.js';
import { coreEnv, rejectionOf, type Reply, type SeenRequest } from './support.js';

const env = coreEnv();

const NOT_FOUND: Reply = { status: 404, body: { itemNotFound: { code: 404, message: 'Volume could not be found.' } } };

const calls = (): [string, string, Record<string, unknown>][] => env.requests.map((r) => [r.method, r.path, r.query]);

/**
 * findVolume against the fake cloud over a loopback socket: volumes are records it holds, the GET
 * by ID and the list filtered by name answer as Cinder does, and failures come from its faults.
 */
describe('findVolume (the list filters by name on the server)', () => {
  let fake: FakeCloud;
  let cloud: CloudConnection & { readonly blockStorage: BlockStorageV3 };
  beforeAll(async () => {
    fake = await startFakeCloud();
    // No retries: the tests count requests.
    cloud = await fake.connect({ statusCodeRetries: 0, connectRetries: 0 });
  });
  afterAll(async () => {
    await cloud.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.faults.clear();
    for (const v of fake.state.list('Volume')) fake.state.remove('Volume', v.id);
    fake.requests.length = 0;
  });

  const volume = (id: string, name: string) =>
    fake.state.insert('Volume', { name, size: 1, status: 'available' }, { id });
  /** Block Storage requests (not Keystone's), their path below the project's endpoint. */
  const sent = (): [string, string, Record<string, string>][] =>
    fake.requests
      .filter((r) => r.path.startsWith(`/v3/${fake.projectId}/`))
      .map((r) => [r.method, r.path.slice(`/v3/${fake.projectId}`.length), r.query]);

  it('an ID: one GET, no list', async () => {
    volume('vol-1', 'one');
    const v = await cloud.blockStorage.findVolume('vol-1');
    expect(v).toBeInstanceOf(VolumeV3);
    expect(v!.name).toBe('one');
    expect(sent()).toEqual([['GET', '/volumes/vol-1', {}]]);
  });

  it('a name: the GET says 404, the list is asked with name=<it>', async () => {
    volume('vol-7', 'data');
    volume('vol-8', 'other');
    const v = await cloud.blockStorage.findVolume('data', { allProjects: true });
    expect(v!.id).toBe('vol-7');
    expect(sent()).toEqual([
      ['GET', '/volumes/data', {}],
      ['GET', '/volumes/detail', { name: 'data', all_tenants: 'true' }],
    ]);
    expect(fake.requests.filter((r) => r.operation === 'Volume.get').map((r) => r.status)).toEqual([404]);
  });

  it('no match: undefined by default, ResourceNotFoundError with ignoreMissing: false', async () => {
    volume('vol-7', 'data');
    expect(await cloud.blockStorage.findVolume('nothing')).toBeUndefined();
    const error = await rejectionOf(cloud.blockStorage.findVolume('nothing', { ignoreMissing: false }));
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as Error).message).toBe('No Volume found for nothing');
    expect(sent()).toHaveLength(4);
  });

  it('two matches: DuplicateResourceError, whatever ignoreMissing says', async () => {
    volume('vol-1', 'dup');
    volume('vol-2', 'dup');
    for (const ignoreMissing of [true, false]) {
      const error = await rejectionOf(cloud.blockStorage.findVolume('dup', { ignoreMissing }));
      expect(error).toBeInstanceOf(DuplicateResourceError);
      expect(error).toMatchObject({ resource: 'Volume', nameOrId: 'dup' });
    }
  });

  it('a 500 on the GET propagates; the list is not tried', async () => {
    volume('vol-1', 'one');
    fake.faults.inject({ operation: 'Volume.get', status: 500 });
    const error = await rejectionOf(cloud.blockStorage.findVolume('vol-1'));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).status).toBe(500);
    expect(sent()).toHaveLength(1);
  });

  it.each([400, 403])('a %i on the GET (the value is no ID) falls back to the list', async (status) => {
    volume('vol-3', 'my disk');
    fake.faults.inject({ operation: 'Volume.get', status });
    const v = await cloud.blockStorage.findVolume('my disk');
    expect(v!.id).toBe('vol-3');
    expect(sent()).toEqual([
      ['GET', '/volumes/my%20disk', {}],
      ['GET', '/volumes/detail', { name: 'my disk' }],
    ]);
  });

  it('a 500 on the list propagates too', async () => {
    fake.faults.inject({ operation: 'Volume.list', status: 503 });
    expect(await rejectionOf(cloud.blockStorage.findVolume('x'))).toBeInstanceOf(ServerError);
  });

  it('an empty name or ID is refused before any request', async () => {
    expect(await rejectionOf(cloud.blockStorage.findVolume(''))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejectionOf(cloud.blockStorage.findVolume(undefined as unknown as string))).toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(sent()).toEqual([]);
  });
});

describe('findQosSpec (the list takes no name filter: matched here)', () => {
  const specs = (n: number, names: Record<number, string> = {}): { id: string; name: string }[] =>
    Array.from({ length: n }, (_, i) => ({ id: `q-${i}`, name: names[i] ?? `spec-${i}` }));

  /** /qos-specs lists everything in pages of `page`, with Cinder-style links. */
  function qos(all: readonly { id: string; name: string }[], page: number): (r: SeenRequest) => Reply {
    return (r) => {
      if (r.path !== '/qos-specs') return NOT_FOUND;
      const marker = r.query['marker'] as string | undefined;
      const start = marker === undefined ? 0 : all.findIndex((s) => s.id === marker) + 1;
      const items = all.slice(start, start + page);
      const links =
        items.length === page
          ? [{ rel: 'next', href: `${env.server.endpoint}/qos-specs?marker=${items.at(-1)!.id}` }]
          : [];
      return { body: { qos_specs: items, qos_specs_links: links } };
    };
  }

  it('the name is not sent; items are matched by name across pages', async () => {
    env.server.handler = qos(specs(25, { 17: 'gold' }), 10);
    const q = await env.proxy.findQosSpec('gold');
    expect(q).toBeInstanceOf(QosSpec);
    expect(q!.id).toBe('q-17');
    expect(calls()).toEqual([
      ['GET', '/qos-specs/gold', {}],
      ['GET', '/qos-specs', {}],
      ['GET', '/qos-specs', { marker: 'q-9' }],
      ['GET', '/qos-specs', { marker: 'q-19' }],
    ]);
  });

  it('an ID the GET refused (403) still matches by ID in the list', async () => {
    env.server.handler = (r) =>
      r.path === '/qos-specs/q-3' ? { status: 403, body: { forbidden: { message: 'policy' } } } : qos(specs(5), 10)(r);
    expect((await env.proxy.findQosSpec('q-3'))!.name).toBe('spec-3');
  });

  it('a second match ends the search without listing the rest', async () => {
    env.server.handler = qos(specs(100, { 2: 'dup', 12: 'dup', 55: 'dup' }), 10);
    const error = await rejectionOf(env.proxy.findQosSpec('dup'));
    expect(error).toBeInstanceOf(DuplicateResourceError);
    // GET + pages 0–9 and 10–19: the match at 12 settles it.
    expect(env.requests).toHaveLength(3);
  });

  it('nothing in the whole list: undefined, or ResourceNotFoundError', async () => {
    env.server.handler = qos(specs(15), 10);
    expect(await env.proxy.findQosSpec('none')).toBeUndefined();
    env.server.requests.length = 0;
    const error = await rejectionOf(env.proxy.findQosSpec('none', { ignoreMissing: false }));
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error).not.toBeInstanceOf(NotFoundError);
    expect(env.requests).toHaveLength(3);
  });
});
