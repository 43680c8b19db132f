/**
 * Snapshots through the generated v2 proxy against the real Cinder: every Snapshot method. The
 * file-backed driver copies the volume's file into snapshot-<id>, so the tests prove with markers
 * that a snapshot holds the data of its moment and that a volume made from it carries that data.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { BlockStorageV2, Snapshot, Volume } from '../../generated/block-storage/v2/index.js';
import {
  BadRequestError,
  InvalidArgumentError,
  NotFoundError,
  ResourceFailureError,
  ResourceNotFoundError,
} from '../../generated/index.js';
import {
  Cleanup,
  POLL,
  backendOf,
  connectWired,
  expectMarkers,
  expectRejects,
  filesDir,
  json,
  settledVolume,
  snapshotFile,
  volumeFile,
  writeMarkers,
  type WiredSdk,
} from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { connectLive, uniqueName, type LiveSdk } from './sdk.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const env = loadLiveEnv();

let sdk: WiredSdk;
let second: LiveSdk;
let bs: BlockStorageV2;
let cleanup: Cleanup;
let dir: string | undefined;
/** The source volume; its file holds `marker` from before the first snapshot. */
let vol: Volume;
let marker: string;
/** The snapshot most tests work on, as createSnapshot answered and once available. */
let created: Snapshot;
let snap: Snapshot;

async function newSnapshot(name = uniqueName('snap')): Promise<Snapshot> {
  const s = await bs.createSnapshot({ volumeId: vol.id, name });
  cleanup.snapshots.add(s.id);
  return bs.waitForStatus(s, 'available', POLL);
}

beforeAll(async () => {
  [sdk, second] = await Promise.all([connectWired(), connectLive('second')]);
  bs = sdk.bs;
  cleanup = new Cleanup(bs);
  dir = filesDir(sdk.env);
  const v = await bs.createVolume({ name: uniqueName('snap-source'), size: 1 });
  cleanup.volumes.add(v.id);
  vol = await bs.waitForStatus(v, 'available', POLL);
  marker = `osbs-snapshot-${vol.id}`;
  if (dir) writeMarkers(volumeFile(dir, vol), marker);
  created = await bs.createSnapshot({
    volumeId: vol.id,
    name: uniqueName('snap-main'),
    description: 'taken by the live suite',
    metadata: { k: 'v' },
  });
  cleanup.snapshots.add(created.id);
  snap = await bs.waitForStatus(created, 'available', POLL);
});

afterAll(async () => {
  await cleanup?.run();
  await Promise.all([sdk?.close(), second?.close()]);
});

describe(`snapshots (${env.mode})`, () => {
  it('createSnapshot answers "creating"; it becomes available; getSnapshot shows it; its file holds the volume data', async () => {
    expect(created.id).toMatch(UUID);
    expect(created.status).toBe('creating');
    expect(snap.status).toBe('available');
    const got = await bs.getSnapshot(created.id);
    expect(json(got)).toMatchObject({
      id: created.id,
      name: created.name,
      description: 'taken by the live suite',
      volumeId: vol.id,
      status: 'available',
      size: 1,
      metadata: { k: 'v' },
      progress: '100%',
      projectId: env.projectId,
    });
    expect(got.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    if (dir) expectMarkers(snapshotFile(dir, created.id), marker);
  });

  it('createSnapshot of an in-use volume is refused unless force', async () => {
    const v = await bs.createVolume({ name: uniqueName('snap-in-use'), size: 1 });
    cleanup.volumes.add(v.id);
    await bs.waitForStatus(v, 'available', POLL);
    await bs.attachVolume(v.id, '/dev/vdb', { hostName: 'osbs-live-host' });
    await settledVolume(bs, v.id, 'in-use');
    await expectRejects(
      bs.createSnapshot({ volumeId: v.id, name: uniqueName('snap-refused') }),
      BadRequestError,
      400,
      `Invalid volume: Volume ${v.id} status must be available, but current status is: in-use.`,
    );
    const forced = await bs.createSnapshot({ volumeId: v.id, name: uniqueName('snap-forced'), force: true });
    cleanup.snapshots.add(forced.id);
    expect((await bs.waitForStatus(forced, 'available', POLL)).volumeId).toBe(v.id);
  });

  it('findSnapshot by ID and by name; a missing one is undefined, or ResourceNotFoundError', async () => {
    const name = (await bs.getSnapshot(snap.id)).name!;
    expect((await bs.findSnapshot(snap.id))?.name).toBe(name);
    const byName = await bs.findSnapshot(name);
    expect(byName?.id).toBe(snap.id);
    expect(byName?.volumeId).toBe(vol.id);
    const missing = uniqueName('missing');
    expect(await bs.findSnapshot(missing)).toBeUndefined();
    await expectRejects(bs.findSnapshot(missing, { ignoreMissing: false }), ResourceNotFoundError, undefined, missing);
  });

  it('snapshots(): details on and off, filters, paging, allProjects; the second project does not see them', async () => {
    const other = await newSnapshot();
    const ids = [snap.id, other.id].sort();

    const detailed = await bs.snapshots({ volumeId: vol.id }).toArray();
    expect(detailed.map((s) => s.id).sort()).toEqual(ids);
    for (const s of detailed)
      expect(json(s)).toMatchObject({
        volumeId: vol.id,
        status: 'available',
        progress: '100%',
        projectId: env.projectId,
      });

    // The summary view has no os-extended-snapshot-attributes.
    const brief = await bs.snapshots({ volumeId: vol.id, details: false }).toArray();
    expect(brief.map((s) => s.id).sort()).toEqual(ids);
    for (const s of brief) {
      expect(json(s)).toMatchObject({ volumeId: vol.id, status: 'available', size: 1 });
      expect(s.progress).toBeUndefined();
      expect(s.projectId).toBeUndefined();
    }

    const seen: string[] = [];
    for await (const s of bs.snapshots({ volumeId: vol.id, limit: 1 })) seen.push(s.id);
    expect(seen.sort()).toEqual(ids);
    expect(await bs.snapshots({ volumeId: vol.id, maxItems: 1 }).toArray()).toHaveLength(1);

    expect((await bs.snapshots({ name: other.name! }).toArray()).map((s) => s.id)).toEqual([other.id]);
    expect(await bs.snapshots({ volumeId: vol.id, status: 'error' }).toArray()).toEqual([]);

    const everywhere = await bs.snapshots({ allProjects: true, volumeId: vol.id }).toArray();
    expect(everywhere.map((s) => s.id).sort()).toEqual(ids);
    for (const s of everywhere) expect(s.projectId).toBe(env.projectId);

    const theirs = await second.bs.snapshots().toArray();
    expect(theirs.map((s) => s.id)).not.toContain(snap.id);
    expect(theirs.map((s) => s.id)).not.toContain(other.id);
  });

  it('updateSnapshot changes name and description', async () => {
    const name = uniqueName('snap-renamed');
    const updated = await bs.updateSnapshot(snap.id, { name, description: 'renamed by the live suite' });
    expect(json(updated)).toMatchObject({ id: snap.id, name, description: 'renamed by the live suite' });
    expect(json(await bs.getSnapshot(snap.id))).toMatchObject({
      name,
      description: 'renamed by the live suite',
      status: 'available',
    });
  });

  it('snapshot metadata: set merges, fetch/get read it, delete by key and all at once', async () => {
    const set = await bs.setSnapshotMetadata(snap.id, { a: '1', b: '2' });
    expect(set.metadata).toEqual({ k: 'v', a: '1', b: '2' });
    expect((await bs.fetchSnapshotMetadata(snap.id)).metadata).toEqual({ k: 'v', a: '1', b: '2' });
    const legacy = await bs.getSnapshotMetadata(snap.id);
    expect(legacy.id).toBe(snap.id);
    expect(legacy.metadata).toEqual({ k: 'v', a: '1', b: '2' });

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
    expect((await bs.getSnapshot(snap.id)).metadata).toEqual({});
  });

  it('createVolume from a snapshot: the new volume has the data of the snapshot, not what the source got later', async () => {
    if (dir) writeMarkers(volumeFile(dir, vol), 'written-after-the-snapshot');
    const made = await bs.createVolume({ name: uniqueName('vol-from-snap'), snapshotId: snap.id });
    cleanup.volumes.add(made.id);
    const ready = await bs.waitForStatus(made, 'available', POLL);
    expect(json(ready)).toMatchObject({ snapshotId: snap.id, size: 1, status: 'available' });
    expect(backendOf(ready.host!)).toBe(backendOf(vol.host!));
    if (dir) {
      expectMarkers(volumeFile(dir, ready), marker);
      expectMarkers(snapshotFile(dir, snap.id), marker);
    }
  });

  it('resetSnapshotStatus writes the status (an unknown status is refused before any request)', async () => {
    await bs.resetSnapshotStatus(snap.id, 'error');
    expect((await bs.getSnapshot(snap.id)).status).toBe('error');
    await bs.resetSnapshotStatus(snap.id, 'available');
    expect((await bs.getSnapshot(snap.id)).status).toBe('available');
    const before = sdk.wire.length;
    await expectRejects(bs.resetSnapshotStatus(snap.id, 'bogus' as 'error'), InvalidArgumentError);
    expect(sdk.wire.length).toBe(before);
  });

  it('unmanageSnapshot: the snapshot leaves the API, its file stays; manageSnapshot of that file is accepted but ends in error on the fake driver', async () => {
    const s = await newSnapshot(uniqueName('snap-unmanage'));
    await bs.unmanageSnapshot(s.id);
    await bs.waitForDelete(s, POLL);
    cleanup.snapshots.delete(s.id);
    await expectRejects(bs.getSnapshot(s.id), NotFoundError, 404, `Snapshot ${s.id} could not be found.`);
    const file = dir ? snapshotFile(dir, s.id) : undefined;
    if (file) {
      cleanup.files.add(file);
      expect(existsSync(file)).toBe(true);
    }

    const name = uniqueName('snap-managed');
    const managed = await bs.manageSnapshot(
      vol.id,
      { 'source-name': `snapshot-${s.id}` },
      { name, description: 'managed back', metadata: { m: '1' } },
    );
    cleanup.snapshots.add(managed.id);
    expect(json(managed)).toMatchObject({ name, volumeId: vol.id, status: 'creating', metadata: { m: '1' } });
    expect(managed.id).not.toBe(s.id);
    // Cinder's manage flow asks the driver for the object's size; FakeBrickLVM.get_volume returns
    // a list there, so the flow fails (TypeError in cinder-volume) and the snapshot ends in error.
    const failure = await expectRejects(bs.waitForStatus(managed, 'available', POLL), ResourceFailureError);
    expect(failure.status).toBe('error');
    expect((await bs.getSnapshot(managed.id)).status).toBe('error');

    await expectRejects(
      bs.manageSnapshot('00000000-0000-0000-0000-000000000000', { 'source-name': 'nothing' }),
      NotFoundError,
      404,
      'Volume 00000000-0000-0000-0000-000000000000 could not be found.',
    );
  });

  it('deleteSnapshot: a normal delete removes the snapshot and its file; a missing one is ignored unless ignoreMissing is false', async () => {
    const s = await newSnapshot();
    await bs.deleteSnapshot(s.id);
    await bs.waitForDelete(s, POLL);
    await expectRejects(bs.getSnapshot(s.id), NotFoundError, 404);
    if (dir) expect(existsSync(snapshotFile(dir, s.id))).toBe(false);
    await bs.deleteSnapshot(s.id);
    await expectRejects(
      bs.deleteSnapshot(s.id, { ignoreMissing: false }),
      NotFoundError,
      404,
      `Snapshot ${s.id} could not be found.`,
    );
  });

  it('deleteSnapshot with force removes a snapshot whose status forbids a normal delete', async () => {
    const s = await newSnapshot();
    await bs.resetSnapshotStatus(s.id, 'creating');
    await expectRejects(
      bs.deleteSnapshot(s.id),
      BadRequestError,
      400,
      'Invalid snapshot: Snapshot status must be available or error and must not be part of a group.',
    );
    await bs.deleteSnapshot(s.id, { force: true });
    await bs.waitForDelete(s, POLL);
    await expectRejects(bs.getSnapshot(s.id), NotFoundError, 404);
    await bs.deleteSnapshot(s.id, { force: true });
    await expectRejects(bs.deleteSnapshot(s.id, { force: true, ignoreMissing: false }), NotFoundError, 404);
  });
});
