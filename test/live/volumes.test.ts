/**
 * Volumes through the generated v2 proxy against the real Cinder: every Volume method, with the
 * server's state re-read after each change and, where the stack is local, the sparse backing
 * files checked (extend grows the file, a migration carries the data, unmanage keeps the file).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { BlockStorageV2, Volume } from '../../generated/block-storage/v2/index.js';
import {
  BadRequestError,
  DuplicateResourceError,
  NotFoundError,
  ResourceNotFoundError,
} from '../../generated/index.js';
import {
  Cleanup,
  GIB,
  POLL,
  backendOf,
  connectWired,
  expectMarkers,
  expectRejects,
  filesDir,
  json,
  settledVolume,
  volumeFile,
  writeMarkers,
  type WiredSdk,
} from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { uniqueName } from './sdk.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const env = loadLiveEnv();
const twoPools = env.pools.length >= 2;

let sdk: WiredSdk;
let bs: BlockStorageV2;
let cleanup: Cleanup;
let dir: string | undefined;
/** The volume most tests work on (name, metadata, flags, extend, upload). */
let vol: Volume;
/** Available 1 GiB volumes made by earlier tests, for tests that use a volume up. */
const spares: Volume[] = [];

async function newVolume(
  attrs: { name?: string; description?: string; metadata?: Record<string, string> } = {},
): Promise<Volume> {
  const created = await bs.createVolume({ name: uniqueName('vol'), size: 1, ...attrs });
  cleanup.volumes.add(created.id);
  return bs.waitForStatus(created, 'available', POLL);
}

/** An available volume nobody else uses (a spare, else a new one). */
async function spare(): Promise<Volume> {
  return spares.pop() ?? newVolume();
}

beforeAll(async () => {
  sdk = await connectWired();
  bs = sdk.bs;
  cleanup = new Cleanup(bs);
  dir = filesDir(sdk.env);
  vol = await newVolume({
    name: uniqueName('vol-main'),
    description: 'live data-plane test',
    metadata: { purpose: 'live' },
  });
});

afterAll(async () => {
  await cleanup?.run();
  await sdk?.close();
});

describe(`volumes (${env.mode})`, () => {
  it('createVolume answers "creating"; waitForStatus reaches available; getVolume shows the stored volume', async () => {
    const name = uniqueName('vol-create');
    const created = await bs.createVolume({
      name,
      size: 1,
      description: 'created by the live suite',
      metadata: { k: 'v' },
    });
    cleanup.volumes.add(created.id);
    expect(created.id).toMatch(UUID);
    expect(created.status).toBe('creating');
    expect(created.size).toBe(1);

    const ready = await bs.waitForStatus(created, 'available', POLL);
    expect(ready.status).toBe('available');

    const got = await bs.getVolume(created.id);
    expect(json(got)).toMatchObject({
      id: created.id,
      name,
      description: 'created by the live suite',
      size: 1,
      status: 'available',
      metadata: { k: 'v' },
      isBootable: false,
      isEncrypted: false,
      isMultiattach: false,
      attachments: [],
      availabilityZone: 'nova',
      projectId: env.projectId,
    });
    expect(typeof got.volumeType).toBe('string');
    expect(env.pools).toContain(got.host);
    expect(got.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    if (dir) expect(statSync(volumeFile(dir, got)).size).toBe(GIB);
    spares.push(got);
  });

  it('findVolume finds by ID and by name; a missing one is undefined, or ResourceNotFoundError', async () => {
    const name = (await bs.getVolume(vol.id)).name!;
    expect((await bs.findVolume(vol.id))?.id).toBe(vol.id);
    const byName = await bs.findVolume(name);
    expect(byName?.id).toBe(vol.id);
    expect(byName?.status).toBe('available');
    const missing = uniqueName('missing');
    expect(await bs.findVolume(missing)).toBeUndefined();
    await expectRejects(bs.findVolume(missing, { ignoreMissing: false }), ResourceNotFoundError, undefined, missing);
  });

  it('volumes() pages through five volumes of one name two at a time (each seen once); filters, maxItems, details; findVolume of that name is a duplicate', async () => {
    const name = uniqueName('vol-page');
    const created = await Promise.all(Array.from({ length: 5 }, () => bs.createVolume({ name, size: 1 })));
    for (const v of created) cleanup.volumes.add(v.id);
    const ready = await Promise.all(created.map((v) => bs.waitForStatus(v, 'available', POLL)));
    const ids = created.map((v) => v.id).sort();

    const seen: string[] = [];
    for await (const v of bs.volumes({ name, limit: 2 })) {
      expect(v.name).toBe(name);
      expect(v.status).toBe('available');
      seen.push(v.id);
    }
    expect([...seen].sort()).toEqual(ids);
    // pages() through the unrecorded proxy: sdk.ts's recording wrapper calls it with its Proxy as
    // `this`, which has no private fields (TypeError: Cannot read private member #maxItems).
    const pages: number[] = [];
    for await (const page of (sdk.connection.blockStorage as unknown as BlockStorageV2)
      .volumes({ name, limit: 2 })
      .pages())
      pages.push(page.items.length);
    expect(pages).toEqual([2, 2, 1]);
    const pageRequests = sdk.wire.filter(
      (e) => e.method === 'GET' && e.url.includes('/volumes/detail?') && e.url.includes(`name=${name}`),
    );
    expect(pageRequests.slice(-3).map((e) => new URL(e.url).searchParams.has('marker'))).toEqual([false, true, true]);

    const three = await bs.volumes({ name, maxItems: 3 }).toArray();
    expect(three).toHaveLength(3);
    expect(new URL(sdk.last('GET', '/volumes/detail').url).searchParams.get('limit')).toBe('3');
    for (const v of three) expect(ids).toContain(v.id);

    const brief = await bs.volumes({ name, details: false }).toArray();
    expect(brief.map((v) => v.id).sort()).toEqual(ids);
    for (const v of brief) {
      expect(v.name).toBe(name);
      expect(v.status).toBeUndefined();
      expect(v.size).toBeUndefined();
    }
    const briefRequest = sdk.wire.filter((e) => e.method === 'GET' && e.url.includes(`name=${name}`)).at(-1)!;
    expect(new URL(briefRequest.url).pathname).toBe(
      new URL(`${sdk.env.cinderUrl}/v3/${sdk.env.projectId}/volumes`).pathname,
    );

    expect(await bs.volumes({ name, status: 'available' }).toArray()).toHaveLength(5);
    expect(await bs.volumes({ name, status: 'error' }).toArray()).toHaveLength(0);
    const sorted = await bs.volumes({ name, sortKey: 'created_at', sortDir: 'asc' }).toArray();
    expect(sorted.map((v) => v.createdAt)).toEqual(sorted.map((v) => v.createdAt).sort());

    const dup = await expectRejects(
      bs.findVolume(name),
      DuplicateResourceError,
      undefined,
      `More than one Volume exists with the name '${name}'`,
    );
    expect(dup.matches).toBe(2); // the search stops at the second match
    spares.push(...ready);
  });

  it('updateVolume changes name and description; getVolume shows them', async () => {
    const name = uniqueName('vol-renamed');
    const updated = await bs.updateVolume(vol.id, { name, description: 'renamed by the live suite' });
    expect(json(updated)).toMatchObject({ id: vol.id, name, description: 'renamed by the live suite' });
    const got = await bs.getVolume(vol.id);
    expect(json(got)).toMatchObject({ name, description: 'renamed by the live suite', status: 'available' });
    expect((await bs.findVolume(name))?.id).toBe(vol.id);
  });

  it('volume metadata: set merges, fetch/get read it, delete by key and all at once', async () => {
    const set = await bs.setVolumeMetadata(vol.id, { a: '1', b: '2' });
    expect(set.metadata).toEqual({ purpose: 'live', a: '1', b: '2' });
    expect((await bs.fetchVolumeMetadata(vol.id)).metadata).toEqual({ purpose: 'live', a: '1', b: '2' });
    const legacy = await bs.getVolumeMetadata(vol.id);
    expect(legacy.id).toBe(vol.id);
    expect(legacy.metadata).toEqual({ purpose: 'live', a: '1', b: '2' });

    await bs.setVolumeMetadata(vol.id, { a: 'changed' });
    await bs.deleteVolumeMetadata(vol.id, { keys: ['b'] });
    expect((await bs.getVolume(vol.id)).metadata).toEqual({ purpose: 'live', a: 'changed' });
    await expectRejects(
      bs.deleteVolumeMetadata(vol.id, { keys: ['b'] }),
      NotFoundError,
      404,
      `Volume ${vol.id} has no metadata with key b.`,
    );

    await bs.deleteVolumeMetadata(vol.id);
    expect((await bs.fetchVolumeMetadata(vol.id)).metadata).toEqual({});
    expect((await bs.getVolume(vol.id)).metadata).toEqual({});
  });

  it('extendVolume: extending → available at the new size; the backing file grows; shrinking is refused', async () => {
    await bs.extendVolume(vol.id, 2);
    const extended = await settledVolume(bs, vol.id);
    expect(extended.size).toBe(2);
    if (dir) expect(statSync(volumeFile(dir, extended)).size).toBe(2 * GIB);
    await expectRejects(
      bs.extendVolume(vol.id, 1),
      BadRequestError,
      400,
      'New size for extend must be greater than current size. (current: 2, extended: 1)',
    );
    expect((await bs.getVolume(vol.id)).size).toBe(2);
  });

  it('setVolumeReadonly sets and clears the readonly flag (shown in the volume metadata)', async () => {
    await bs.setVolumeReadonly(vol.id);
    expect((await bs.getVolume(vol.id)).metadata).toMatchObject({ readonly: 'True' });
    await bs.setVolumeReadonly(vol.id, { readonly: false });
    expect((await bs.getVolume(vol.id)).metadata).toMatchObject({ readonly: 'False' });
    // The flag is admin metadata: the user metadata route does not list it.
    expect((await bs.fetchVolumeMetadata(vol.id)).metadata).not.toHaveProperty('readonly');
  });

  it('setVolumeBootableStatus flips isBootable', async () => {
    await bs.setVolumeBootableStatus(vol.id, true);
    expect((await bs.getVolume(vol.id)).isBootable).toBe(true);
    await bs.setVolumeBootableStatus(vol.id, false);
    expect((await bs.getVolume(vol.id)).isBootable).toBe(false);
  });

  it('resetVolumeStatus writes the status; with nothing to reset Cinder answers 400', async () => {
    await bs.resetVolumeStatus(vol.id, { status: 'error' });
    expect((await bs.getVolume(vol.id)).status).toBe('error');
    await bs.resetVolumeStatus(vol.id, { status: 'available', attachStatus: 'detached' });
    expect((await bs.getVolume(vol.id)).status).toBe('available');
    await expectRejects(
      bs.resetVolumeStatus(vol.id),
      BadRequestError,
      400,
      "Must specify 'status', 'attach_status' or 'migration_status' for update.",
    );
  });

  it('image metadata: Cinder lets an admin set it on a volume not made from an image; keys are removed one by one or all', async () => {
    const set = await bs.setVolumeImageMetadata(vol.id, { os_distro: 'debian', hw_disk_bus: 'scsi' });
    expect(set).toEqual({ os_distro: 'debian', hw_disk_bus: 'scsi' });
    expect((await bs.getVolume(vol.id)).volumeImageMetadata).toEqual({ os_distro: 'debian', hw_disk_bus: 'scsi' });

    await bs.deleteVolumeImageMetadata(vol.id, { keys: ['os_distro'] });
    expect((await bs.getVolume(vol.id)).volumeImageMetadata).toEqual({ hw_disk_bus: 'scsi' });
    await expectRejects(
      bs.deleteVolumeImageMetadata(vol.id, { keys: ['os_distro'] }),
      NotFoundError,
      404,
      `Glance metadata for volume/snapshot ${vol.id} cannot be found.`,
    );

    await bs.setVolumeImageMetadata(vol.id, { min_ram: '512' });
    await bs.deleteVolumeImageMetadata(vol.id);
    expect((await bs.getVolume(vol.id)).volumeImageMetadata ?? {}).toEqual({});
  });

  it('uploadVolumeToImage: without Glance Cinder answers 400 with an empty fault message; the volume stays available', async () => {
    await expectRejects(
      bs.uploadVolumeToImage(vol.id, uniqueName('image'), { diskFormat: 'raw', containerFormat: 'bare' }),
      BadRequestError,
      400,
      'badRequest (the server gave no message)',
    );
    const exchange = sdk.last('POST', `/volumes/${vol.id}/action`);
    expect(exchange.requestBody).toMatchObject({
      'os-volume_upload_image': { force: false, disk_format: 'raw', container_format: 'bare' },
    });
    expect(exchange.body).toEqual({ badRequest: { code: 400, message: '' } });
    expect((await bs.getVolume(vol.id)).status).toBe('available');
  });

  it('attachVolume (host) → in-use; detachVolume with the attachment ID → available; attach to a server and force-detach', async () => {
    const v = await spare();
    await bs.attachVolume(v.id, '/dev/vdb', { hostName: 'osbs-live-host' });
    const inUse = await settledVolume(bs, v.id, 'in-use');
    expect(inUse.attachments).toHaveLength(1);
    const attachment = inUse.attachments![0];
    expect(attachment).toMatchObject({ volumeId: v.id, hostName: 'osbs-live-host', device: '/dev/vdb' });
    expect(attachment.attachmentId).toMatch(UUID);
    expect(attachment.serverId).toBeUndefined();

    await bs.detachVolume(v.id, attachment.attachmentId!);
    expect((await settledVolume(bs, v.id)).attachments).toEqual([]);

    const server = randomUUID();
    await bs.attachVolume(v.id, '/dev/vdc', { instance: server });
    const onServer = await settledVolume(bs, v.id, 'in-use');
    expect(onServer.attachments![0]).toMatchObject({ serverId: server, device: '/dev/vdc' });
    await bs.detachVolume(v.id, onServer.attachments![0].attachmentId!, { force: true });
    const free = await settledVolume(bs, v.id);
    expect(free.attachments).toEqual([]);

    // os-attach needs a server or a host name.
    await expectRejects(
      bs.attachVolume(v.id, '/dev/vdd'),
      BadRequestError,
      400,
      'is not valid under any of the given schemas',
    );
    expect((await bs.getVolume(v.id)).status).toBe('available');
    spares.push(free);
  });

  it('retypeVolume to a type of the same backend (policy never) keeps the volume where it is', async () => {
    const v = await spare();
    const here = backendOf(v.host!);
    const same = await bs.createType({ name: uniqueName('type-here'), extraSpecs: { volume_backend_name: here } });
    cleanup.types.add(same.id);
    await bs.retypeVolume(v.id, same.name!);
    const retyped = await settledVolume(bs, v.id);
    expect(retyped.volumeType).toBe(same.name);
    expect(retyped.host).toBe(v.host);
  });

  // With one pool there is no other backend to move to: the report lists this test as skipped.
  it.skipIf(!twoPools)(
    'retypeVolume on-demand to a type of the other backend moves the volume (needs two pools)',
    async () => {
      const v = await spare();
      const otherPool = env.pools.find((p) => p !== v.host)!;
      const there = await bs.createType({
        name: uniqueName('type-there'),
        extraSpecs: { volume_backend_name: backendOf(otherPool) },
      });
      cleanup.types.add(there.id);
      await bs.retypeVolume(v.id, there, { migrationPolicy: 'on-demand' });
      await bs.waitForStatus(await bs.getVolume(v.id), 'success', { ...POLL, attribute: 'migrationStatus' });
      const moved = await settledVolume(bs, v.id);
      expect(moved.volumeType).toBe(there.name);
      expect(moved.host).toBe(otherPool);
    },
  );

  it.runIf(twoPools)(
    'migrateVolume moves the volume and its data to the other pool; migrating to where it is is refused',
    async () => {
      const v = await spare();
      const target = env.pools.find((p) => p !== v.host)!;
      const marker = `osbs-migrate-${v.id}`;
      if (dir) writeMarkers(volumeFile(dir, v), marker);

      await bs.migrateVolume(v.id, target);
      const done = await bs.waitForStatus(await bs.getVolume(v.id), 'success', {
        ...POLL,
        attribute: 'migrationStatus',
      });
      expect(done.host).toBe(target);
      const moved = await settledVolume(bs, v.id);
      expect(json(moved)).toMatchObject({ id: v.id, host: target, migrationStatus: 'success', size: 1 });
      expect(moved.migrationId).toMatch(UUID);
      expect(moved.migrationId).not.toBe(v.id);
      if (dir) expectMarkers(volumeFile(dir, moved), marker);

      await expectRejects(
        bs.migrateVolume(v.id, target, { forceHostCopy: true }),
        BadRequestError,
        400,
        'destination host/cluster must be different than the current one',
      );
      // The migration is over: completing it again names the destination's state.
      await expectRejects(
        bs.completeVolumeMigration(v.id, v.id),
        BadRequestError,
        400,
        `Invalid volume: Destination has migration_status success, expected target:${v.id}.`,
      );
    },
  );

  it('completeVolumeMigration on two volumes that are not migrating: Cinder answers 200 {save_volume_id} and changes nothing', async () => {
    const a = await spare();
    const b = await spare();
    await bs.completeVolumeMigration(a.id, b.id);
    const exchange = sdk.last('POST', `/volumes/${a.id}/action`);
    expect(exchange.requestBody).toEqual({ 'os-migrate_volume_completion': { new_volume: b.id, error: false } });
    expect(exchange.status).toBe(200);
    expect(exchange.body).toEqual({ save_volume_id: b.id });
    for (const before of [a, b]) {
      const after = await bs.getVolume(before.id);
      expect(json(after)).toMatchObject({ status: 'available', host: before.host, attachments: [] });
      expect(after.migrationStatus ?? null).toBeNull();
    }
    spares.push(a, b);
  });

  it('unmanageVolume: the volume leaves the API (404, not listed) while its backing file stays', async () => {
    const v = await spare();
    const file = dir ? volumeFile(dir, v) : undefined;
    await bs.unmanageVolume(v.id);
    await bs.waitForDelete(v, POLL);
    cleanup.volumes.delete(v.id);
    if (file) cleanup.files.add(file);
    await expectRejects(bs.getVolume(v.id), NotFoundError, 404, `Volume ${v.id} could not be found.`);
    expect((await bs.volumes({ details: false }).toArray()).map((x) => x.id)).not.toContain(v.id);
    if (file) expect(existsSync(file)).toBe(true);
  });

  it('deleteVolume with cascade removes the volume and its snapshots (refused without cascade)', async () => {
    const v = await spare();
    const snap = await bs.createSnapshot({ volumeId: v.id, name: uniqueName('snap-cascade') });
    cleanup.snapshots.add(snap.id);
    await bs.waitForStatus(snap, 'available', POLL);
    await expectRejects(
      bs.deleteVolume(v.id),
      BadRequestError,
      400,
      'must not be migrating, attached, belong to a group, have snapshots',
    );

    await bs.deleteVolume(v.id, { cascade: true });
    await bs.waitForDelete(v, POLL);
    await expectRejects(bs.getVolume(v.id), NotFoundError, 404);
    await expectRejects(bs.getSnapshot(snap.id), NotFoundError, 404, `Snapshot ${snap.id} could not be found.`);
    if (dir) expect(existsSync(volumeFile(dir, v))).toBe(false);
  });

  it('deleteVolume with force removes a volume whose status forbids a normal delete; a missing volume is ignored unless ignoreMissing is false', async () => {
    const v = await spare();
    await bs.resetVolumeStatus(v.id, { status: 'creating' });
    await expectRejects(bs.deleteVolume(v.id), BadRequestError, 400, 'Volume status must be available or error');
    await bs.deleteVolume(v.id, { force: true });
    const gone = await bs.waitForDelete(v, POLL);
    expect(gone.id).toBe(v.id);
    await expectRejects(bs.getVolume(v.id), NotFoundError, 404);

    await bs.deleteVolume(v.id);
    await bs.deleteVolume(v.id, { force: true });
    await expectRejects(
      bs.deleteVolume(v.id, { ignoreMissing: false }),
      NotFoundError,
      404,
      `Volume ${v.id} could not be found.`,
    );
    await expectRejects(bs.deleteVolume(v.id, { force: true, ignoreMissing: false }), NotFoundError, 404);
  });
});
