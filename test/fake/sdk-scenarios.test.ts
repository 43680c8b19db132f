/**
 * The SDK's connect() against the fake cloud, doing what users do: real Keystone auth, catalog and
 * version discovery, then volumes and snapshots through their lifecycles, lists with paging and
 * filters, and the fake clock driving transitions that take time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, type BlockStorageV3, type CloudConnection } from 'openstack-block-storage';
import { startFakeCloud, type FakeCloud } from 'openstack-block-storage/testing';

/** Every scenario runs over the loopback server and in-process, which must answer alike. */
describe.each([
  { mode: 'over a loopback socket', inProcess: false },
  { mode: 'in-process', inProcess: true },
])('the SDK against the fake cloud, $mode', ({ inProcess }) => {
  let fake: FakeCloud;
  let cloud: CloudConnection & { readonly blockStorage: BlockStorageV3 };
  let bs: BlockStorageV3;
  const fast = { interval: 0.01, wait: 5 };

  beforeAll(async () => {
    fake = await startFakeCloud({ quotas: { volumes: 50 }, inProcess });
    cloud = await fake.connect();
    bs = cloud.blockStorage;
  });
  afterAll(async () => {
    await cloud.close();
    await fake.close();
  });

  /** A GET outside the SDK, through the same way in (fetch, or the in-process transport). */
  const getJson = async (url: string, headers: Record<string, string>): Promise<unknown> => {
    if (fake.transport) return JSON.parse((await fake.transport.send({ method: 'GET', url, headers })).body);
    return (await fetch(url, { headers })).json();
  };

  it('authenticates with Keystone and discovers the microversion range', async () => {
    const resolved = await cloud.session('blockStorage').resolve();
    expect(resolved.url).toBe(fake.url);
    expect(resolved.microversions).toMatchObject({ min: '3.0', max: '3.71' });
    const auth = fake.requests.find((r) => r.operation === 'Identity.authenticate');
    expect(auth?.status).toBe(201);
    expect(auth?.body).toMatchObject({ auth: { identity: { methods: ['password'] } } });
    // Calls go out at the highest microversion both sides allow.
    await bs.getVolume('nope').catch(() => undefined);
    expect(fake.requests.at(-1)?.microversion).toBe('3.71');
  });

  it('creates a volume, waits for it, extends it, snapshots it and deletes both', async () => {
    const volume = await bs.createVolume({ name: 'data', size: 1, metadata: { team: 'a' } });
    expect(volume.status).toBe('creating');
    const ready = await bs.waitForStatus(volume, 'available', fast);
    expect(ready.size).toBe(1);
    expect(ready.metadata).toEqual({ team: 'a' });
    expect(ready.projectId).toBe(fake.projectId);

    await bs.extendVolume(ready, 3);
    expect((await bs.getVolume(ready.id)).size).toBe(3);

    const snapshot = await bs.createSnapshot({ volumeId: ready.id, name: 'snap' });
    expect(snapshot.status).toBe('creating');
    expect((await bs.waitForStatus(snapshot, 'available', fast)).volumeId).toBe(ready.id);

    await bs.deleteSnapshot(snapshot);
    await bs.waitForDelete(snapshot, fast);
    await bs.deleteVolume(ready);
    await bs.waitForDelete(ready, fast);
    await expect(bs.getVolume(ready.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses to extend a volume that is not available, with Cinder’s message', async () => {
    const volume = await bs.createVolume({ name: 'busy', size: 1 });
    fake.faults.stick('Volume', volume.id, 'backing-up');
    await expect(bs.extendVolume(volume, 2)).rejects.toMatchObject({
      status: 400,
      // Cinder's words (cinder/volume/api.py _extend), as the spec declares them for the transition.
      details: `Invalid volume: Volume ${volume.id} status must be '{'status': 'available'}' to extend, currently backing-up.`,
    });
    fake.faults.clear();
  });

  it('lists across pages with limit and marker, and filters by name and metadata', async () => {
    const names = ['pg-a', 'pg-b', 'pg-c', 'pg-d', 'pg-e'];
    for (const name of names) await bs.createVolume({ name, size: 1, metadata: { page: name === 'pg-c' ? 'x' : 'y' } });
    const seen: string[] = [];
    for await (const v of bs.volumes({ limit: 2 })) if (v.name?.startsWith('pg-')) seen.push(v.name);
    // Newest first, as Cinder sorts by default; three pages of two were fetched lazily.
    expect(seen).toEqual([...names].reverse());
    const pages = fake.requests.filter((r) => r.operation === 'Volume.list' && r.query['limit'] === '2');
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages[1].query['marker']).toBeDefined();

    const byName: string[] = [];
    for await (const v of bs.volumes({ name: 'pg-b' })) byName.push(v.name!);
    expect(byName).toEqual(['pg-b']);
    const byMetadata: string[] = [];
    for await (const v of bs.volumes({ metadata: '{"page": "x"}' })) byMetadata.push(v.name!);
    expect(byMetadata).toEqual(['pg-c']);
  });

  it('sorts by a key and direction, and counts with with_count', async () => {
    const sorted: string[] = [];
    for await (const v of bs.volumes({ sort: 'name:asc' })) if (v.name?.startsWith('pg-')) sorted.push(v.name);
    expect(sorted).toEqual(['pg-a', 'pg-b', 'pg-c', 'pg-d', 'pg-e']);
    const body = (await getJson(`${fake.url}/volumes?with_count=true&limit=1`, {
      'X-Auth-Token': fake.token,
      'OpenStack-API-Version': 'volume 3.45',
    })) as { volumes: unknown[]; count: number; volumes_links: { href: string }[] };
    expect(body.volumes).toHaveLength(1);
    expect(body.count).toBe(fake.state.list('Volume').length);
    expect(body.volumes_links[0].href).toContain('marker=');
  });

  it('answers a summary list with id, name and links only, and details on /detail', async () => {
    const headers = { 'X-Auth-Token': fake.token };
    const summary = (await getJson(`${fake.url}/volumes?limit=1`, headers)) as {
      volumes: Record<string, unknown>[];
    };
    expect(Object.keys(summary.volumes[0]).sort()).toEqual(['id', 'links', 'name']);
    const detail = (await getJson(`${fake.url}/volumes/detail?limit=1`, headers)) as {
      volumes: Record<string, unknown>[];
    };
    expect(detail.volumes[0]).toHaveProperty('size');
    expect(detail.volumes[0]).toHaveProperty('os-vol-tenant-attr:tenant_id', fake.projectId);
  });

  it('completes a transition with a delay only when the fake clock reaches it', async () => {
    const slow = await startFakeCloud({ delays: { 'Volume.create': 60_000 }, inProcess });
    const c = await slow.connect();
    try {
      const volume = await c.blockStorage.createVolume({ size: 1 });
      expect((await c.blockStorage.getVolume(volume.id)).status).toBe('creating');
      slow.clock.advance(59_999);
      expect((await c.blockStorage.getVolume(volume.id)).status).toBe('creating');
      slow.clock.advance(1);
      expect((await c.blockStorage.getVolume(volume.id)).status).toBe('available');
    } finally {
      await c.close();
      await slow.close();
    }
  });

  it('refuses a volume over quota with 413 overLimit', async () => {
    const small = await startFakeCloud({ quotas: { volumes: 1, gigabytes: 5 }, inProcess });
    const c = await small.connect();
    try {
      await c.blockStorage.createVolume({ size: 1 });
      await expect(c.blockStorage.createVolume({ size: 1 })).rejects.toMatchObject({
        status: 413,
        details: expect.stringContaining("exceeded for quota 'volumes'"),
      });
      expect(small.state.list('Volume')).toHaveLength(1);
    } finally {
      await c.close();
      await small.close();
    }
  });

  it('serves a record seeded through state.insert like a created one', async () => {
    const seeded = fake.state.insert('Volume', { name: 'seeded', size: 4, status: 'in-use' });
    const volume = await bs.getVolume(seeded.id);
    expect(volume).toMatchObject({ name: 'seeded', size: 4, status: 'in-use', projectId: fake.projectId });
    expect(volume.createdAt).toBe(fake.clock.timestamp());
    expect(volume.isBootable).toBe(false);
    expect(volume.attachments).toEqual([]);
  });

  it('keeps user metadata through the metadata sub-resource', async () => {
    const volume = await bs.createVolume({ size: 1, metadata: { a: '1' } });
    await bs.setVolumeMetadata(volume, { b: '2' });
    expect((await bs.fetchVolumeMetadata(volume)).metadata).toEqual({ a: '1', b: '2' });
    await bs.deleteVolumeMetadata(volume, { keys: ['a'] });
    expect((await bs.getVolume(volume.id)).metadata).toEqual({ b: '2' });
  });
});
