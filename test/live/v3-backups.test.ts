/**
 * What v3 adds to backups, through the generated v3 proxy against the real Cinder and its backup
 * service: metadata on create and its own methods (3.43, written through PUT /backups/{id}, which
 * replaces the whole set), updateBackup (3.9), and the fields of later microversions (project 3.18,
 * user 3.56), and the backup methods v3 shares with v2 (list, find, status resets, restore onto the
 * source volume, export and import of the record). One backup of a 1 GiB volume (the posix driver
 * reads the sparse file, a few seconds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Backup, Volume } from '../../generated/block-storage/v3/index.js';
import { BadRequestError, MicroversionNotSupportedError, NotFoundError } from '../../generated/index.js';
import { expectRejects, json } from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { uniqueName } from './sdk.js';
import { POLL, V3Cleanup, connectV3, newVolumes, settled, type WiredV3 } from './v3-helpers.js';

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
    volumeId: vol.id,
    name: uniqueName('v3-backup'),
    metadata: { 'osbs-k1': 'v1', 'osbs-k2': 'v2' },
  });
  backupIds.add(b.id);
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
    expect((await bs.fetchBackupMetadata(backup.id)).metadata).toEqual({ 'osbs-k1': 'v1', 'osbs-k2': 'v2' });
    expect(sdk.last('GET', `/backups/${backup.id}`).apiVersion).toBe('volume 3.70');

    await bs.setBackupMetadata(backup.id, { 'osbs-k2': 'changed', 'osbs-k3': 'new' });
    expect(sdk.last('PUT', `/backups/${backup.id}`).requestBody).toEqual({
      backup: { metadata: { 'osbs-k2': 'changed', 'osbs-k3': 'new' } },
    });
    // PUT replaces the whole set: osbs-k1 is gone.
    expect((await bs.getBackup(backup.id)).metadata).toEqual({ 'osbs-k2': 'changed', 'osbs-k3': 'new' });

    await bs.deleteBackupMetadata(backup);
    expect(sdk.last('PUT', `/backups/${backup.id}`).requestBody).toEqual({ backup: { metadata: {} } });
    expect((await bs.fetchBackupMetadata(backup.id)).metadata).toEqual({});
  });

  it('updateBackup (3.9) renames and re-describes the backup', async () => {
    const name = uniqueName('v3-backup-renamed');
    const updated = await sdk.bs.updateBackup(backup.id, {
      name,
      description: 'renamed by the live suite',
      metadata: { 'osbs-k4': 'v4' },
    });
    expect(sdk.last('PUT', `/backups/${backup.id}`).requestBody).toEqual({
      backup: { name, description: 'renamed by the live suite', metadata: { 'osbs-k4': 'v4' } },
    });
    expect(json(updated)).toMatchObject({ id: backup.id, name });
    expect(json(await sdk.bs.getBackup(backup.id))).toMatchObject({
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
      const got = await v342.bs.getBackup(backup.id);
      expect(v342.last('GET', `/backups/${backup.id}`).apiVersion).toBe('volume 3.42');
      expect(got.metadata).toBeUndefined();
      expect(got.projectId).toBe(env.projectId); // 3.18
      expect(got.userId).toBeUndefined(); // 3.56
      const mark = v342.wire.length;
      await expectRejects(
        v342.bs.setBackupMetadata(backup.id, { a: 'b' }),
        MicroversionNotSupportedError,
        undefined,
        'Backup.setMetadata needs microversion 3.43, but 3.0–3.70 is available (client maximum 3.42)',
      );
      await expectRejects(
        v342.bs.fetchBackupMetadata(backup.id),
        MicroversionNotSupportedError,
        undefined,
        'needs microversion 3.43',
      );
      await expectRejects(
        v342.bs.updateBackup(backup.id, { metadata: { a: 'b' } }),
        MicroversionNotSupportedError,
        undefined,
        'needs microversion 3.43',
      );
      expect(v342.wire.length).toBe(mark);
      // Without metadata the update goes out at 3.42.
      await v342.bs.updateBackup(backup.id, { description: 'at 3.42' });
      expect(v342.last('PUT', `/backups/${backup.id}`).apiVersion).toBe('volume 3.42');

      await expectRejects(
        v38.bs.updateBackup(backup.id, { name: 'x' }),
        MicroversionNotSupportedError,
        undefined,
        'Backup.update needs microversion 3.9, but 3.0–3.70 is available (client maximum 3.8)',
      );
    } finally {
      await Promise.all([v342.close(), v38.close()]);
    }
    expect((await sdk.bs.getBackup(backup.id)).description).toBe('at 3.42');
  });

  it('backups() lists it with and without details; findBackup by name and ID; getBackupMetadata (deprecated alias)', async () => {
    const bs = sdk.bs;
    const detailed = await bs.backups({ volumeId: vol.id }).toArray();
    expect(detailed.map((b) => [b.id, b.status])).toEqual([[backup.id, 'available']]);
    expect(sdk.last('GET', '/backups/detail').apiVersion).toBe('volume 3.70');
    const brief = await bs.backups({ details: false }).toArray();
    expect(brief.find((b) => b.id === backup.id)?.status).toBeUndefined();
    const name = (await bs.getBackup(backup.id)).name!;
    expect((await bs.findBackup(name, { ignoreMissing: false })).id).toBe(backup.id);
    expect((await bs.findBackup(backup.id))?.name).toBe(name);
    expect(await bs.findBackup(uniqueName('v3-missing'))).toBeUndefined();
    expect((await bs.getBackupMetadata(backup.id)).metadata).toEqual({ 'osbs-k4': 'v4' });
  });

  it('resetBackupStatus and resetBackup (deprecated alias): cinder-backup applies the status shortly after', async () => {
    const bs = sdk.bs;
    const wait = { ...POLL, failures: [] };
    await bs.resetBackupStatus(backup.id, 'error');
    expect((await bs.waitForStatus(await bs.getBackup(backup.id), 'error', wait)).status).toBe('error');
    await bs.resetBackup(backup.id, 'available');
    expect(sdk.last('POST', `/backups/${backup.id}/action`).requestBody).toEqual({
      'os-reset_status': { status: 'available' },
    });
    expect((await bs.waitForStatus(await bs.getBackup(backup.id), 'available', wait)).status).toBe('available');
  });

  it('restoreBackup onto the source volume: both end available', async () => {
    const bs = sdk.bs;
    const restore = await bs.restoreBackup(backup.id, { volume: vol });
    expect([restore.backupId, restore.volumeId]).toEqual([backup.id, vol.id]);
    expect((await settled(bs, vol.id)).status).toBe('available');
    expect((await bs.waitForStatus(await bs.getBackup(backup.id), 'available', POLL)).status).toBe('available');
  });

  it('exportBackup and exportRecord give the record; importBackup refuses it while the backup exists and accepts it after a delete', async () => {
    const bs = sdk.bs;
    const record = await bs.exportBackup(backup.id);
    expect(record.backupService).toMatch(/^cinder\.backup\.drivers\./);
    expect(record.backupUrl).toBeTruthy();
    expect(await bs.exportRecord(backup)).toMatchObject({ backupService: record.backupService });
    await expectRejects(
      bs.importBackup(record.backupService!, record.backupUrl!),
      BadRequestError,
      400,
      'Invalid backup: Backup already exists in database.',
    );

    // The delete removes the data too: the imported record is a backup in name only, enough for Cinder's import.
    await bs.deleteBackup(backup.id);
    await bs.waitForDelete(backup, POLL);
    await expectRejects(bs.getBackup(backup.id), NotFoundError, 404, `Backup ${backup.id} could not be found.`);
    const imported = await bs.importBackup(record.backupService!, record.backupUrl!);
    expect(sdk.last('POST', '/backups/import_record').apiVersion).toBe('volume 3.70');
    expect(imported.id).toBe(backup.id);
    const ready = await bs.waitForStatus(imported, 'available', POLL);
    expect([ready.volumeId, ready.size]).toEqual([vol.id, 1]);
  });
});
