/**
 * v3-only volume and snapshot calls through the generated v3 proxy: the volume summary (3.12,
 * metadata 3.36), revert to the latest snapshot (3.40) checked through the volume's backing file,
 * and the snapshot `force` flag that Cinder refuses as false from 3.66.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Snapshot, Volume, VolumeSummary } from '../../generated/block-storage/v3/index.js';
import { BadRequestError, MicroversionNotSupportedError } from '../../generated/index.js';
import { expectMarkers, expectRejects, filesDir, snapshotFile, writeMarkers } from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { uniqueName } from './sdk.js';
import { POLL, V3Cleanup, connectV3, newVolumes, settled, settledSnapshot, type WiredV3 } from './v3-helpers.js';

const env = loadLiveEnv();

let sdk: WiredV3;
let cleanup: V3Cleanup;
let dir: string | undefined;
let before: VolumeSummary;
/** Two volumes with metadata for the summary; the first is also reverted. */
let vols: Volume[];
const tag = uniqueName('v3-sum');

async function snapshotOf(v: Volume, name: string): Promise<Snapshot> {
  const s = await sdk.bs.createSnapshot({ volumeId: v.id, name: uniqueName(name) });
  cleanup.snapshots.add(s.id);
  return sdk.bs.waitForStatus(s, 'available', POLL);
}

beforeAll(async () => {
  sdk = await connectV3();
  cleanup = new V3Cleanup(sdk.bs);
  dir = filesDir(env);
  before = await sdk.bs.summary();
  vols = [
    ...(await newVolumes(sdk.bs, cleanup, uniqueName('v3-vol-a'), 1, { metadata: { [tag]: 'a', 'osbs-shared': 'x' } })),
    ...(await newVolumes(sdk.bs, cleanup, uniqueName('v3-vol-b'), 1, { metadata: { [tag]: 'b', 'osbs-shared': 'x' } })),
  ];
});

afterAll(async () => {
  await cleanup?.run();
  await sdk?.close();
});

describe(`v3 volume summary (${env.mode})`, () => {
  it('summary (3.12) counts the volumes and sizes of the project, with their metadata values (3.36)', async () => {
    const after = await sdk.bs.summary();
    expect(sdk.last('GET', '/volumes/summary')).toMatchObject({ apiVersion: 'volume 3.70', status: 200 });
    expect(after.totalCount).toBe(before.totalCount! + 2);
    expect(after.totalSize).toBe(before.totalSize! + 2);
    expect([...after.metadata![tag]].sort()).toEqual(['a', 'b']);
    expect(after.metadata!['osbs-shared']).toEqual(['x']);
  });

  it('below 3.36 the summary has no metadata; allProjects is sent as all_tenants', async () => {
    const old = await connectV3('admin', { maxVersion: '3.35' });
    try {
      const summary = await old.bs.summary();
      expect(old.last('GET', '/volumes/summary').apiVersion).toBe('volume 3.35');
      expect(summary.metadata).toBeUndefined();
      expect(summary.totalCount).toBeGreaterThanOrEqual(2);
    } finally {
      await old.close();
    }
    const all = await sdk.bs.summary({ allProjects: true });
    expect(new URL(sdk.last('GET', '/volumes/summary').url).searchParams.get('all_tenants')).toBe('true');
    expect(all.totalCount).toBeGreaterThanOrEqual(2);
  });
});

describe(`v3 revert to snapshot (${env.mode})`, () => {
  it('revertVolumeToSnapshot (3.40) only takes the latest snapshot, and puts its data back', async () => {
    const bs = sdk.bs;
    const vol = vols[0];
    const file = dir ? `${dir}/volume-${vol.id}` : undefined;
    if (file) writeMarkers(file, 'osbs-revert-first');
    const first = await snapshotOf(vol, 'v3-revert-1');
    if (file) writeMarkers(file, 'osbs-revert-second');
    const latest = await snapshotOf(vol, 'v3-revert-2');
    if (file) writeMarkers(file, 'osbs-revert-changed');
    if (dir) expectMarkers(snapshotFile(dir, latest.id), 'osbs-revert-second');

    await expectRejects(
      bs.revertVolumeToSnapshot(vol.id, first.id),
      BadRequestError,
      400,
      `Specified snapshot ${first.id} is None or not the latest one of volume ${vol.id}.`,
    );

    await bs.revertVolumeToSnapshot(vol, latest);
    expect(sdk.last('POST', `/volumes/${vol.id}/action`)).toMatchObject({
      apiVersion: 'volume 3.70',
      requestBody: { revert: { snapshot_id: latest.id } },
      status: 202,
    });
    const reverted = await settled(bs, vol.id);
    expect(reverted.size).toBe(1);
    if (file) expectMarkers(file, 'osbs-revert-second');
    // The snapshot stays, available.
    expect((await settledSnapshot(bs, latest.id)).status).toBe('available');
  });
});

describe(`v3 snapshot force flag (${env.mode})`, () => {
  it('force: true goes out at the server maximum (Cinder ignores it from 3.66); false is capped at 3.65, and refused before any request when pinned above', async () => {
    const bs = sdk.bs;
    const vol = vols[1];
    // Cinder refuses force false from 3.66 and accepts (ignores) true: true is sent as it is.
    const forced = await bs.createSnapshot({ volumeId: vol.id, name: uniqueName('v3-forced'), force: true });
    cleanup.snapshots.add(forced.id);
    expect(sdk.last('POST', '/snapshots')).toMatchObject({
      apiVersion: 'volume 3.70',
      status: 202,
      requestBody: { snapshot: { force: true } },
    });
    await settledSnapshot(bs, forced.id);

    const unforced = await bs.createSnapshot({ volumeId: vol.id, name: uniqueName('v3-unforced'), force: false });
    cleanup.snapshots.add(unforced.id);
    expect(sdk.last('POST', '/snapshots')).toMatchObject({
      apiVersion: 'volume 3.65',
      status: 202,
      requestBody: { snapshot: { force: false } },
    });
    expect((await settledSnapshot(bs, unforced.id)).consumesQuota).toBe(true);

    // Without force the call goes out at the server's maximum.
    const plain = await bs.createSnapshot({ volumeId: vol.id, name: uniqueName('v3-plain') });
    cleanup.snapshots.add(plain.id);
    expect(sdk.last('POST', '/snapshots')).toMatchObject({ apiVersion: 'volume 3.70', status: 202 });
    await settledSnapshot(bs, plain.id);

    // Pinned above the field's range: refused before any request, naming both versions.
    const before = sdk.wire.length;
    const error = await bs
      .createSnapshot({ volumeId: vol.id, name: uniqueName('v3-pinned'), force: false }, { microversion: '3.70' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MicroversionNotSupportedError);
    expect((error as Error).message).toContain('Snapshot.force = false is accepted only up to microversion 3.65');
    expect((error as Error).message).toContain('3.70');
    expect(sdk.wire.length).toBe(before);
  });
});
