/**
 * Live: the v2 methods issue 14 added (what Cinder serves at 3.0, and openstacksdk's create_image
 * and deprecated export_record/reset_backup/reset_snapshot) through the generated v2 proxy against
 * a real Cinder 21, which serves v2 as v3 at its base microversion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BadRequestError } from '../../generated/index.js';
import { Cleanup, POLL, expectRejects, settledVolume } from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { sharedExtras } from './extras-shared.js';
import { connectLive, uniqueName, type LiveSdk } from './sdk.js';

const env = loadLiveEnv();
let sdk: LiveSdk;
let cleanup: Cleanup;

beforeAll(async () => {
  sdk = await connectLive();
  cleanup = new Cleanup(sdk.bs);
});

afterAll(async () => {
  await cleanup?.run();
  await sdk?.close();
});

async function volume(metadata?: Record<string, string>): Promise<{ id: string }> {
  const v = await sdk.bs.createVolume({ name: uniqueName('v2-extras'), size: 1, ...(metadata ? { metadata } : {}) });
  cleanup.volumes.add(v.id);
  await sdk.bs.waitForStatus(v, 'available', POLL);
  return { id: v.id };
}

async function snapshot(metadata?: Record<string, string>): Promise<{ id: string }> {
  const v = await volume();
  const s = await sdk.bs.createSnapshot({
    volumeId: v.id,
    name: uniqueName('v2-extras-snap'),
    ...(metadata ? { metadata } : {}),
  });
  cleanup.snapshots.add(s.id);
  await sdk.bs.waitForStatus(s, 'available', POLL);
  return { id: s.id };
}

describe(`v2 methods for what Cinder serves at 3.0 (${env.mode})`, () => {
  sharedExtras({
    bs: () => sdk.bs,
    volume,
    snapshot,
    type: async (extraSpecs) => {
      const t = await sdk.bs.createType({ name: uniqueName('v2-extras-type'), extraSpecs });
      cleanup.types.add(t.id);
      return { id: t.id };
    },
    status: (id, status) => settledVolume(sdk.bs, id, status as Parameters<typeof settledVolume>[2]),
  });

  it('completeVolumeExtend: Cinder 21 (2023.1) has no os-extend_volume_completion and answers 400', async () => {
    const v = await volume();
    await expectRejects(
      sdk.bs.completeVolumeExtend(v.id),
      BadRequestError,
      400,
      'There is no such action: os-extend_volume_completion',
    );
  });

  it('manageableSnapshots lists through the os-snapshot-manage extension (nothing unmanaged on the fake back end)', async () => {
    const host = (env.pools[0] ?? 'rc-host@fake#fake').split('#')[0];
    const listed = await sdk.bs.manageableSnapshots({ host }).toArray();
    expect(Array.isArray(listed)).toBe(true);
    for (const s of listed) expect(s.reference).toBeDefined();
    await expectRejects(sdk.bs.manageableSnapshots().toArray(), BadRequestError, 400, 'Host field is missing');
  });
});

describe(`openstacksdk's deprecated v2 aliases (${env.mode})`, () => {
  it('resetSnapshot (for resetSnapshotStatus) resets a snapshot status', async () => {
    const s = await snapshot();
    await sdk.bs.resetSnapshot(s.id, 'error');
    expect((await sdk.bs.getSnapshot(s.id)).status).toBe('error');
    await sdk.bs.resetSnapshot(s.id, 'available');
    expect((await sdk.bs.getSnapshot(s.id)).status).toBe('available');
  });

  it('exportRecord (for exportBackup) exports a backup record; resetBackup (for resetBackupStatus) resets its status', async () => {
    const v = await volume();
    const backup = await sdk.bs.createBackup({ volumeId: v.id, name: uniqueName('v2-extras-backup') });
    cleanup.backups.add(backup.id);
    await sdk.bs.waitForStatus(backup, 'available', { ...POLL, wait: 170 });
    const record = await sdk.bs.exportRecord(backup.id);
    expect(record.backupService).toContain('cinder.backup.drivers');
    expect(record.backupUrl).toBeTruthy();
    // cinder-backup applies the status asynchronously: wait for it, without failing fast on error.
    await sdk.bs.resetBackup(backup.id, 'error');
    const reset = await sdk.bs.waitForStatus(await sdk.bs.getBackup(backup.id), 'error', { ...POLL, failures: [] });
    expect(reset.status).toBe('error');
  });
});
