/**
 * What v3 adds to backups, through the generated v3 proxy against the real Cinder and its backup
 * service: metadata on create and its own methods (3.43, written through PUT /backups/{id}, which
 * replaces the whole set), updateBackup (3.9), and the fields of later microversions (project 3.18,
 * user 3.56). One backup of a 1 GiB volume (the posix driver reads the sparse file, a few seconds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Backup, Volume } from '../../generated/block-storage/v3/index.js';
import { MicroversionNotSupportedError } from '../../generated/index.js';
import { expectRejects, json } from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { uniqueName } from './sdk.js';
import { POLL, V3Cleanup, connectV3, newVolumes, type WiredV3 } from './v3-helpers.js';

const env = loadLiveEnv();

let sdk: WiredV3;
let cleanup: V3Cleanup;
let vol: Volume;
let backup: Backup;
const backupIds = new Set<string>();

beforeAll(async () => {
  sdk = await connectV3();
  cleanup = new V3Cleanup(sdk.bs);
  if (!env.backupEnabled) return;
  [vol] = await newVolumes(sdk.bs, cleanup, uniqueName('v3-backup-src'), 1);
  const b = await sdk.bs.createBackup({
    volumeId: vol.id!,
    name: uniqueName('v3-backup'),
    metadata: { 'osbs-k1': 'v1', 'osbs-k2': 'v2' },
  });
  backupIds.add(b.id!);
  backup = await sdk.bs.waitForStatus(b, 'available', { ...POLL, wait: 150 });
});

afterAll(async () => {
  for (const id of backupIds) {
    try {
      await sdk.bs.deleteBackup(id, { force: true });
      const b = await sdk.bs.getBackup(id).catch(() => undefined);
      if (b) await sdk.bs.waitForDelete(b, POLL);
    } catch (error) {
      console.warn(`clean-up: backup ${id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  await cleanup?.run();
  await sdk?.close();
});

describe.skipIf(!env.backupEnabled)(`v3 backups (${env.mode})`, () => {
  it('createBackup sends metadata (3.43); the 3.70 view has metadata, project and user', async () => {
    expect(sdk.last('POST', '/backups')).toMatchObject({
      apiVersion: 'volume 3.70',
      requestBody: { backup: { volume_id: vol.id, name: backup.name, metadata: { 'osbs-k1': 'v1', 'osbs-k2': 'v2' } } },
    });
    expect(json(backup)).toMatchObject({
      status: 'available',
      volumeId: vol.id,
      metadata: { 'osbs-k1': 'v1', 'osbs-k2': 'v2' },
      projectId: env.projectId,
    });
    expect(backup.userId).toBeDefined();
  });

  it('fetchBackupMetadata reads the metadata; setBackupMetadata replaces it; deleteBackupMetadata empties it', async () => {
    const bs = sdk.bs;
    expect((await bs.fetchBackupMetadata(backup.id!)).metadata).toEqual({ 'osbs-k1': 'v1', 'osbs-k2': 'v2' });
    expect(sdk.last('GET', `/backups/${backup.id}`).apiVersion).toBe('volume 3.70');

    await bs.setBackupMetadata(backup.id!, { 'osbs-k2': 'changed', 'osbs-k3': 'new' });
    expect(sdk.last('PUT', `/backups/${backup.id}`).requestBody).toEqual({
      backup: { metadata: { 'osbs-k2': 'changed', 'osbs-k3': 'new' } },
    });
    // PUT replaces the whole set: osbs-k1 is gone.
    expect((await bs.getBackup(backup.id!)).metadata).toEqual({ 'osbs-k2': 'changed', 'osbs-k3': 'new' });

    await bs.deleteBackupMetadata(backup);
    expect(sdk.last('PUT', `/backups/${backup.id}`).requestBody).toEqual({ backup: { metadata: {} } });
    expect((await bs.fetchBackupMetadata(backup.id!)).metadata).toEqual({});
  });

  it('updateBackup (3.9) renames and re-describes the backup', async () => {
    const name = uniqueName('v3-backup-renamed');
    const updated = await sdk.bs.updateBackup(backup.id!, {
      name,
      description: 'renamed by the live suite',
      metadata: { 'osbs-k4': 'v4' },
    });
    expect(sdk.last('PUT', `/backups/${backup.id}`).requestBody).toEqual({
      backup: { name, description: 'renamed by the live suite', metadata: { 'osbs-k4': 'v4' } },
    });
    expect(json(updated)).toMatchObject({ id: backup.id, name });
    expect(json(await sdk.bs.getBackup(backup.id!))).toMatchObject({
      name,
      description: 'renamed by the live suite',
      metadata: { 'osbs-k4': 'v4' },
      status: 'available',
    });
  });

  it('below 3.43 the metadata methods fail before any request, and the view has no metadata; below 3.9 no update', async () => {
    const [v342, v38] = await Promise.all([
      connectV3('admin', { maxVersion: '3.42' }),
      connectV3('admin', { maxVersion: '3.8' }),
    ]);
    try {
      const got = await v342.bs.getBackup(backup.id!);
      expect(v342.last('GET', `/backups/${backup.id}`).apiVersion).toBe('volume 3.42');
      expect(got.metadata).toBeUndefined();
      expect(got.projectId).toBe(env.projectId); // 3.18
      expect(got.userId).toBeUndefined(); // 3.56
      const mark = v342.wire.length;
      await expectRejects(
        v342.bs.setBackupMetadata(backup.id!, { a: 'b' }),
        MicroversionNotSupportedError,
        undefined,
        'Backup.setMetadata needs microversion 3.43, but 3.0–3.70 is available (client maximum 3.42)',
      );
      await expectRejects(
        v342.bs.fetchBackupMetadata(backup.id!),
        MicroversionNotSupportedError,
        undefined,
        'needs microversion 3.43',
      );
      await expectRejects(
        v342.bs.updateBackup(backup.id!, { metadata: { a: 'b' } }),
        MicroversionNotSupportedError,
        undefined,
        'needs microversion 3.43',
      );
      expect(v342.wire.length).toBe(mark);
      // Without metadata the update goes out at 3.42.
      await v342.bs.updateBackup(backup.id!, { description: 'at 3.42' });
      expect(v342.last('PUT', `/backups/${backup.id}`).apiVersion).toBe('volume 3.42');

      await expectRejects(
        v38.bs.updateBackup(backup.id!, { name: 'x' }),
        MicroversionNotSupportedError,
        undefined,
        'Backup.update needs microversion 3.9, but 3.0–3.70 is available (client maximum 3.8)',
      );
    } finally {
      await Promise.all([v342.close(), v38.close()]);
    }
    expect((await sdk.bs.getBackup(backup.id!)).description).toBe('at 3.42');
  });
});
