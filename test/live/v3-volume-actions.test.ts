/**
 * The volume and snapshot methods v3 shares with v2, called through the generated v3 proxy (every
 * request at 3.70) against the real Cinder: find, update, metadata, image metadata, flags, extend,
 * retype, migrate, migration completion, manage/unmanage, image upload; snapshot find, update,
 * metadata, status resets and driver status updates, manage/unmanage. The v2 files check the data
 * paths in depth; here each call is checked against what Cinder then shows. Three 1 GiB volumes
 * and two snapshots serve every test.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Snapshot, Volume } from '../../generated/block-storage/v3/index.js';
import { BadRequestError, NotFoundError, ResourceFailureError } from '../../generated/index.js';
import { backendOf, expectRejects, filesDir, snapshotFile } from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { uniqueName } from './sdk.js';
import { POLL, V3Cleanup, connectV3, newVolumes, settled, settledSnapshot, type WiredV3 } from './v3-helpers.js';

const env = loadLiveEnv();

let sdk: WiredV3;
let cleanup: V3Cleanup;
/** The volume most tests work on. */
let vol: Volume;
/** A second volume: completion partner, then migrated. */
let mover: Volume;
/** A third volume: completion partner, then unmanaged and managed back. */
let loose: Volume;
/** A snapshot of `vol` that the snapshot tests work on. */
let snap: Snapshot;
/** Backing files left behind on purpose by unmanage (removed at the end when the stack is local). */
const leftovers: string[] = [];

beforeAll(async () => {
  sdk = await connectV3();
  cleanup = new V3Cleanup(sdk.bs);
  [vol, mover, loose] = await newVolumes(sdk.bs, cleanup, uniqueName('v3-act'), 3, {
    metadata: { purpose: 'live' },
  });
  const s = await sdk.bs.createSnapshot({ volumeId: vol.id, name: uniqueName('v3-act-snap'), metadata: { k: 'v' } });
  cleanup.snapshots.add(s.id);
  snap = await sdk.bs.waitForStatus(s, 'available', POLL);
});

afterAll(async () => {
  await cleanup?.run();
  await sdk?.close();
  for (const file of leftovers) rmSync(file, { force: true });
});

describe(`v3 volume actions (${env.mode})`, () => {
  it('findVolume by name and ID; updateVolume renames at 3.70', async () => {
    const bs = sdk.bs;
    expect((await bs.findVolume(vol.name!, { ignoreMissing: false })).id).toBe(vol.id);
    expect((await bs.findVolume(vol.id))?.name).toBe(vol.name);
    expect(await bs.findVolume(uniqueName('v3-missing'))).toBeUndefined();

    const name = uniqueName('v3-act-renamed');
    const updated = await bs.updateVolume(vol.id, { name, description: 'renamed at 3.70' });
    expect(sdk.last('PUT', `/volumes/${vol.id}`).apiVersion).toBe('volume 3.70');
    expect(updated.name).toBe(name);
    const got = await bs.getVolume(vol.id);
    expect([got.name, got.description]).toEqual([name, 'renamed at 3.70']);
  });

  it('volume metadata: setVolumeMetadata merges, fetch/get read it, deleteVolumeMetadata by key and all', async () => {
    const bs = sdk.bs;
    expect((await bs.setVolumeMetadata(vol.id, { a: '1', b: '2' })).metadata).toEqual({
      purpose: 'live',
      a: '1',
      b: '2',
    });
    expect((await bs.fetchVolumeMetadata(vol.id)).metadata).toEqual({ purpose: 'live', a: '1', b: '2' });
    expect((await bs.getVolumeMetadata(vol)).metadata).toEqual({ purpose: 'live', a: '1', b: '2' });
    await bs.deleteVolumeMetadata(vol.id, { keys: ['b'] });
    expect((await bs.getVolume(vol.id)).metadata).toEqual({ purpose: 'live', a: '1' });
    await expectRejects(
      bs.deleteVolumeMetadata(vol.id, { keys: ['b'] }),
      NotFoundError,
      404,
      `Volume ${vol.id} has no metadata with key b.`,
    );
    await bs.deleteVolumeMetadata(vol.id);
    expect((await bs.fetchVolumeMetadata(vol.id)).metadata).toEqual({});
  });

  it('image metadata: setVolumeImageMetadata on a volume not made from an image, deleteVolumeImageMetadata by key and all', async () => {
    const bs = sdk.bs;
    expect(await bs.setVolumeImageMetadata(vol.id, { os_distro: 'debian', hw_disk_bus: 'scsi' })).toEqual({
      os_distro: 'debian',
      hw_disk_bus: 'scsi',
    });
    await bs.deleteVolumeImageMetadata(vol.id, { keys: ['os_distro'] });
    expect((await bs.getVolume(vol.id)).volumeImageMetadata).toEqual({ hw_disk_bus: 'scsi' });
    await expectRejects(
      bs.deleteVolumeImageMetadata(vol.id, { keys: ['os_distro'] }),
      NotFoundError,
      404,
      `Glance metadata for volume/snapshot ${vol.id} cannot be found.`,
    );
    await bs.deleteVolumeImageMetadata(vol.id);
    expect((await bs.getVolume(vol.id)).volumeImageMetadata ?? {}).toEqual({});
  });

  it('setVolumeBootableStatus and setVolumeReadonly set and clear their flags', async () => {
    const bs = sdk.bs;
    await bs.setVolumeBootableStatus(vol.id, true);
    expect((await bs.getVolume(vol.id)).isBootable).toBe(true);
    await bs.setVolumeBootableStatus(vol.id, false);
    expect((await bs.getVolume(vol.id)).isBootable).toBe(false);
    await bs.setVolumeReadonly(vol.id);
    expect((await bs.getVolume(vol.id)).metadata).toMatchObject({ readonly: 'True' });
    await bs.setVolumeReadonly(vol.id, { readonly: false });
    expect((await bs.getVolume(vol.id)).metadata).toMatchObject({ readonly: 'False' });
  });

  it('resetVolumeStatus writes the status; with nothing to reset Cinder answers 400', async () => {
    const bs = sdk.bs;
    await bs.resetVolumeStatus(vol.id, { status: 'error' });
    expect((await bs.getVolume(vol.id)).status).toBe('error');
    await bs.resetVolumeStatus(vol.id, { status: 'available', attachStatus: 'detached' });
    expect(sdk.last('POST', `/volumes/${vol.id}/action`).requestBody).toEqual({
      'os-reset_status': { status: 'available', attach_status: 'detached' },
    });
    expect((await bs.getVolume(vol.id)).status).toBe('available');
    await expectRejects(
      bs.resetVolumeStatus(vol.id),
      BadRequestError,
      400,
      "Must specify 'status', 'attach_status' or 'migration_status' for update.",
    );
  });

  it('extendVolume grows the volume; a smaller size is refused with Cinder’s 400', async () => {
    const bs = sdk.bs;
    await bs.extendVolume(vol.id, 2);
    expect(sdk.last('POST', `/volumes/${vol.id}/action`).requestBody).toEqual({ 'os-extend': { new_size: 2 } });
    expect((await settled(bs, vol.id)).size).toBe(2);
    await expectRejects(
      bs.extendVolume(vol.id, 1),
      BadRequestError,
      400,
      'New size for extend must be greater than current size. (current: 2, extended: 1)',
    );
  });

  it('uploadVolumeToImage and createImage: without an Image service Cinder answers 400 with an empty message', async () => {
    const bs = sdk.bs;
    await expectRejects(
      bs.uploadVolumeToImage(vol.id, uniqueName('v3-image'), { diskFormat: 'raw', containerFormat: 'bare' }),
      BadRequestError,
      400,
      'badRequest (the server gave no message)',
    );
    expect(sdk.last('POST', `/volumes/${vol.id}/action`)).toMatchObject({
      apiVersion: 'volume 3.70',
      body: { badRequest: { code: 400, message: '' } },
    });
    const image = uniqueName('v3-image');
    await expectRejects(bs.createImage(vol, image), BadRequestError, 400, 'badRequest (the server gave no message)');
    // openstacksdk's create_image defaults: qcow2 in bare.
    expect(sdk.last('POST', `/volumes/${vol.id}/action`)).toMatchObject({
      requestBody: { 'os-volume_upload_image': { image_name: image, disk_format: 'qcow2', container_format: 'bare' } },
      body: { badRequest: { code: 400, message: '' } },
    });
    expect((await bs.getVolume(vol.id)).status).toBe('available');
  });

  it('retypeVolume to a type of the same back end keeps the volume in place', async () => {
    const bs = sdk.bs;
    const here = await bs.createType({
      name: uniqueName('v3-type-here'),
      extraSpecs: { volume_backend_name: backendOf(vol.host!) },
    });
    cleanup.types.add(here.id);
    await bs.retypeVolume(vol.id, here, { migrationPolicy: 'never' });
    const retyped = await settled(bs, vol.id);
    expect(retyped.volumeType).toBe(here.name);
    expect(retyped.host).toBe(vol.host);
  });

  it('completeVolumeMigration on two volumes that are not migrating: 200 {save_volume_id}, nothing changes', async () => {
    await sdk.bs.completeVolumeMigration(mover, loose.id);
    expect(sdk.last('POST', `/volumes/${mover.id}/action`)).toMatchObject({
      requestBody: { 'os-migrate_volume_completion': { new_volume: loose.id, error: false } },
      status: 200,
      body: { save_volume_id: loose.id },
    });
    for (const v of [mover, loose]) {
      const after = await sdk.bs.getVolume(v.id);
      expect([after.status, after.host]).toEqual(['available', v.host]);
    }
  });

  it('migrateVolume to the other pool (or Cinder’s 400 when there is only one)', async () => {
    const bs = sdk.bs;
    const target = env.pools.find((p) => p !== mover.host);
    if (target === undefined) {
      await expectRejects(
        bs.migrateVolume(mover.id, { host: `${mover.host!.split('#')[0]}-none#none` }),
        BadRequestError,
        400,
        'Invalid host',
      );
      return;
    }
    await bs.migrateVolume(mover.id, { host: target });
    expect(sdk.last('POST', `/volumes/${mover.id}/action`).requestBody).toMatchObject({
      'os-migrate_volume': { host: target },
    });
    await bs.waitForStatus(await bs.getVolume(mover.id), 'success', { ...POLL, attribute: 'migrationStatus' });
    expect((await settled(bs, mover.id)).host).toBe(target);
    await expectRejects(
      bs.migrateVolume(mover.id, { host: target }),
      BadRequestError,
      400,
      'destination host/cluster must be different than the current one',
    );
  });

  it('unmanageVolume takes the volume out of Cinder; manageVolume of its object is accepted and ends in error on the fake driver', async () => {
    const bs = sdk.bs;
    const host = loose.host!;
    await bs.unmanageVolume(loose.id);
    await bs.waitForDelete(loose, POLL);
    cleanup.volumes.delete(loose.id);
    const dir = filesDir(env);
    if (dir) leftovers.push(`${dir}/volume-${loose.id}`);
    await expectRejects(bs.getVolume(loose.id), NotFoundError, 404, `Volume ${loose.id} could not be found.`);

    await expectRejects(
      bs.manageVolume({ 'source-name': `volume-${loose.id}` }),
      BadRequestError,
      400,
      'One and only one of cluster and host must be set.',
    );
    const name = uniqueName('v3-managed');
    const managed = await bs.manageVolume({ 'source-name': `volume-${loose.id}` }, { host, name });
    cleanup.volumes.add(managed.id);
    expect(sdk.last('POST', '/manageable_volumes')).toMatchObject({
      apiVersion: 'volume 3.70',
      status: 202,
      requestBody: { volume: { host, name, ref: { 'source-name': `volume-${loose.id}` } } },
    });
    expect([managed.name, managed.status]).toEqual([name, 'creating']);
    // The LVM code the fake driver inherits cannot size the object (TypeError in cinder-volume).
    const failure = await expectRejects(bs.waitForStatus(managed, 'available', POLL), ResourceFailureError);
    expect(failure.status).toBe('error');
  });
});

describe(`v3 snapshot actions (${env.mode})`, () => {
  it('findSnapshot by name and ID; updateSnapshot renames', async () => {
    const bs = sdk.bs;
    expect((await bs.findSnapshot(snap.name!, { ignoreMissing: false })).id).toBe(snap.id);
    expect((await bs.findSnapshot(snap.id))?.name).toBe(snap.name);
    expect(await bs.findSnapshot(uniqueName('v3-missing'))).toBeUndefined();
    const name = uniqueName('v3-snap-renamed');
    expect((await bs.updateSnapshot(snap.id, { name, description: 'renamed at 3.70' })).name).toBe(name);
    const got = await bs.getSnapshot(snap.id);
    expect([got.name, got.description]).toEqual([name, 'renamed at 3.70']);
  });

  it('snapshot metadata: setSnapshotMetadata merges, fetch/get read it, deleteSnapshotMetadata by key and all', async () => {
    const bs = sdk.bs;
    expect((await bs.setSnapshotMetadata(snap.id, { a: '1', b: '2' })).metadata).toEqual({ k: 'v', a: '1', b: '2' });
    expect((await bs.fetchSnapshotMetadata(snap.id)).metadata).toEqual({ k: 'v', a: '1', b: '2' });
    expect((await bs.getSnapshotMetadata(snap)).metadata).toEqual({ k: 'v', a: '1', b: '2' });
    await bs.deleteSnapshotMetadata(snap.id, { keys: ['a', 'b'] });
    expect((await bs.getSnapshot(snap.id)).metadata).toEqual({ k: 'v' });
    await expectRejects(
      bs.deleteSnapshotMetadata(snap.id, { keys: ['a'] }),
      NotFoundError,
      404,
      `Snapshot ${snap.id} has no metadata with key a.`,
    );
    await bs.deleteSnapshotMetadata(snap.id);
    expect((await bs.fetchSnapshotMetadata(snap.id)).metadata).toEqual({});
  });

  it('resetSnapshotStatus and resetSnapshot write the status; setSnapshotStatus moves a creating snapshot on, and only that', async () => {
    const bs = sdk.bs;
    await expectRejects(
      bs.setSnapshotStatus(snap.id, 'error'),
      BadRequestError,
      400,
      'Snapshot status available not allowed for update_snapshot_status',
    );
    await bs.resetSnapshotStatus(snap.id, 'error');
    expect((await bs.getSnapshot(snap.id)).status).toBe('error');
    await bs.resetSnapshot(snap.id, 'creating');
    expect((await bs.getSnapshot(snap.id)).status).toBe('creating');
    await bs.setSnapshotStatus(snap, 'available', { progress: '100%' });
    expect(sdk.last('POST', `/snapshots/${snap.id}/action`).requestBody).toEqual({
      'os-update_snapshot_status': { status: 'available', progress: '100%' },
    });
    const got = await bs.getSnapshot(snap.id);
    expect([got.status, got.progress]).toEqual(['available', '100%']);
  });

  it('unmanageSnapshot takes the snapshot out of Cinder; manageSnapshot is accepted and ends in error on the fake driver', async () => {
    const bs = sdk.bs;
    const s = await settledSnapshot(
      bs,
      (await bs.createSnapshot({ volumeId: vol.id, name: uniqueName('v3-act-unmanage') })).id,
    );
    cleanup.snapshots.add(s.id);
    await bs.unmanageSnapshot(s.id);
    await bs.waitForDelete(s, POLL);
    cleanup.snapshots.delete(s.id);
    const dir = filesDir(env);
    if (dir) leftovers.push(snapshotFile(dir, s.id));
    await expectRejects(bs.getSnapshot(s.id), NotFoundError, 404, `Snapshot ${s.id} could not be found.`);

    const name = uniqueName('v3-snap-managed');
    const managed = await bs.manageSnapshot(vol.id, { 'source-name': `snapshot-${s.id}` }, { name });
    cleanup.snapshots.add(managed.id);
    expect([managed.name, managed.volumeId, managed.status]).toEqual([name, vol.id, 'creating']);
    expect(sdk.last('POST', '/manageable_snapshots').apiVersion).toBe('volume 3.70');
    const failure = await expectRejects(bs.waitForStatus(managed, 'available', POLL), ResourceFailureError);
    expect(failure.status).toBe('error');
  });
});
