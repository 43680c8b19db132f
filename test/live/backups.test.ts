/**
 * Backups through the generated v2 proxy against the real Cinder with the posix backup driver
 * (real data under STATE/cinder/backups): every Backup method. Markers written into the volume's
 * file before the backup must come back in every restored volume, including a restore from a
 * backup record that was exported, deleted (with its data set aside) and imported again.
 */
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Backup, BlockStorageV2, Volume } from '../../generated/block-storage/v2/index.js';
import { BadRequestError, InvalidArgumentError, NotFoundError, ResourceNotFoundError } from '../../generated/index.js';
import {
  Cleanup,
  POLL,
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
const POSIX = 'cinder.backup.drivers.posix.PosixBackupDriver';
const env = loadLiveEnv();

let sdk: WiredSdk;
let bs: BlockStorageV2;
let cleanup: Cleanup;
let dir: string | undefined;
/** The backed-up volume; its file holds `marker`. */
let vol: Volume;
let marker: string;
let created: Backup;
let backup: Backup;

/** The directory of a backup's chunks (posix driver), when the stack runs on this machine. */
function backupDir(b: Backup): string | undefined {
  if (env.stateDir === undefined || env.backupDriver !== 'posix' || !b.container) return undefined;
  const path = join(env.stateDir, 'cinder', 'backups', b.container);
  return existsSync(join(env.stateDir, 'cinder', 'backups')) ? path : undefined;
}

/** The files of a backup's directory (the posix driver deletes the files, not the directory). */
function chunkFiles(path: string): string[] {
  return existsSync(path) ? readdirSync(path) : [];
}

/**
 * Restores `b` to a new volume, waits for both to settle, and checks the data. The volume is
 * created as `name` (default restore_backup_<id>) and ends up as `finalName`.
 */
async function restoreAndCheck(b: Backup, name: string | undefined, finalName: string): Promise<Volume> {
  const restore = await bs.restoreBackup(b.id, name === undefined ? {} : { name });
  cleanup.volumes.add(restore.volumeId!);
  expect(restore.backupId).toBe(b.id);
  expect(restore.volumeId).toMatch(UUID);
  expect(restore.volumeName).toBe(name ?? `restore_backup_${b.id}`);
  const restored = await settledVolume(bs, restore.volumeId!);
  expect(json(restored)).toMatchObject({ name: finalName, size: 1, status: 'available' });
  expect((await bs.waitForStatus(await bs.getBackup(b.id), 'available', POLL)).status).toBe('available');
  if (dir) expectMarkers(volumeFile(dir, restored), marker);
  return restored;
}

beforeAll(async () => {
  sdk = await connectWired();
  bs = sdk.bs;
  cleanup = new Cleanup(bs);
  dir = filesDir(sdk.env);
  if (!env.backupEnabled) return;
  const v = await bs.createVolume({ name: uniqueName('backup-source'), size: 1 });
  cleanup.volumes.add(v.id);
  vol = await bs.waitForStatus(v, 'available', POLL);
  marker = `osbs-backup-${vol.id}`;
  if (dir) writeMarkers(volumeFile(dir, vol), marker);
  created = await bs.createBackup({
    volumeId: vol.id,
    name: uniqueName('backup'),
    description: 'made by the live suite',
  });
  cleanup.backups.add(created.id);
  backup = await bs.waitForStatus(created, 'available', { ...POLL, wait: 150 });
});

afterAll(async () => {
  await cleanup?.run();
  await sdk?.close();
});

describe.runIf(env.backupEnabled)(`backups (${env.mode}, ${env.backupDriver ?? 'unknown'} driver)`, () => {
  it('createBackup answers id, name and links; the backup becomes available; getBackup shows it; the volume is available again', async () => {
    expect(created.id).toMatch(UUID);
    expect(created.links?.map((l) => l.rel)).toEqual(['self', 'bookmark']);
    expect(created.status).toBeUndefined();
    const got = await bs.getBackup(created.id);
    expect(json(got)).toMatchObject({
      id: created.id,
      name: created.name,
      description: 'made by the live suite',
      volumeId: vol.id,
      status: 'available',
      size: 1,
      isIncremental: false,
      hasDependentBackups: false,
    });
    expect(got.objectCount).toBeGreaterThan(0);
    expect(got.container).toBeTruthy();
    expect(got.dataTimestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(got.failReason ?? null).toBeNull();
    expect((await bs.getVolume(vol.id)).status).toBe('available');
    const chunks = backupDir(got);
    if (chunks) expect(readdirSync(chunks).length).toBeGreaterThan(0);
  });

  it('findBackup by ID and by name; backups() with and without details, with filters', async () => {
    expect((await bs.findBackup(backup.id))?.name).toBe(backup.name);
    expect((await bs.findBackup(backup.name!))?.id).toBe(backup.id);
    const missing = uniqueName('missing');
    expect(await bs.findBackup(missing)).toBeUndefined();
    await expectRejects(bs.findBackup(missing, { ignoreMissing: false }), ResourceNotFoundError, undefined, missing);

    const detailed = await bs.backups({ volumeId: vol.id }).toArray();
    expect(detailed.map((b) => b.id)).toEqual([backup.id]);
    expect(json(detailed[0])).toMatchObject({ status: 'available', size: 1, volumeId: vol.id, isIncremental: false });
    const brief = await bs.backups({ volumeId: vol.id, details: false }).toArray();
    expect(brief.map((b) => b.id)).toEqual([backup.id]);
    expect(brief[0].name).toBe(backup.name);
    expect(brief[0].status).toBeUndefined();
    expect((await bs.backups({ name: backup.name! }).toArray()).map((b) => b.id)).toEqual([backup.id]);
    expect(await bs.backups({ volumeId: vol.id, status: 'error' }).toArray()).toEqual([]);
    expect((await bs.backups({ maxItems: 1 }).toArray()).length).toBe(1);
  });

  it('restoreBackup with a name: a new volume of that name with the backed-up data', async () => {
    const name = uniqueName('restored');
    await restoreAndCheck(backup, name, name);
  });

  it('resetBackupStatus: cinder-backup applies the status asynchronously (only available or error are accepted)', async () => {
    // The API only casts to cinder-backup, so wait for the status (and do not fail fast on error).
    const wait = { ...POLL, failures: [] };
    await bs.resetBackupStatus(backup.id, 'error');
    expect((await bs.waitForStatus(await bs.getBackup(backup.id), 'error', wait)).status).toBe('error');
    await bs.resetBackupStatus(backup.id, 'available');
    expect((await bs.waitForStatus(await bs.getBackup(backup.id), 'available', wait)).status).toBe('available');
    await expectRejects(bs.resetBackupStatus(backup.id, 'restoring' as 'error'), InvalidArgumentError);
  });

  it('exportBackup gives the posix record; importBackup refuses it while the backup exists, accepts it after a delete, and the data restores', async () => {
    const record = await bs.exportBackup(backup.id);
    expect(record.backupService).toBe(POSIX);
    const decoded = JSON.parse(Buffer.from(record.backupUrl!, 'base64').toString()) as Record<string, unknown>;
    expect(decoded).toMatchObject({ id: backup.id, volume_id: vol.id, status: 'available', size: 1 });

    await expectRejects(
      bs.importBackup(record.backupService!, record.backupUrl!),
      BadRequestError,
      400,
      'Invalid backup: Backup already exists in database.',
    );

    // Carry the data away as one would to another deployment: deleting the backup deletes it.
    const chunks = backupDir(backup);
    const aside = chunks ? `${chunks}.osbs-aside` : undefined;
    if (chunks && aside) cpSync(chunks, aside, { recursive: true });
    try {
      await bs.deleteBackup(backup.id);
      await bs.waitForDelete(backup, POLL);
      await expectRejects(bs.getBackup(backup.id), NotFoundError, 404, `Backup ${backup.id} could not be found.`);
      if (chunks && aside) {
        expect(chunkFiles(chunks)).toEqual([]);
        cpSync(aside, chunks, { recursive: true });
      }
    } finally {
      if (aside) rmSync(aside, { recursive: true, force: true });
    }

    const imported = await bs.importBackup(record.backupService!, record.backupUrl!);
    expect(imported.id).toBe(backup.id);
    expect(imported.name).toBe(backup.name);
    const ready = await bs.waitForStatus(imported, 'available', POLL);
    expect(json(ready)).toMatchObject({ id: backup.id, volumeId: vol.id, size: 1, status: 'available' });
    // Without a name the new volume is created as restore_backup_<id>; the restore then gives it
    // the backed-up volume's name (Cinder's backup metadata carries display_name).
    if (chunks) await restoreAndCheck(ready, undefined, vol.name!);
  });

  it('deleteBackup with force removes the backup and its data; a missing backup is ignored unless ignoreMissing is false', async () => {
    const b = await bs.getBackup(backup.id);
    const chunks = backupDir(b);
    await bs.deleteBackup(b.id, { force: true });
    await bs.waitForDelete(b, POLL);
    await expectRejects(bs.getBackup(b.id), NotFoundError, 404);
    if (chunks) expect(chunkFiles(chunks)).toEqual([]);
    await bs.deleteBackup(b.id);
    await bs.deleteBackup(b.id, { force: true });
    await expectRejects(
      bs.deleteBackup(b.id, { ignoreMissing: false }),
      NotFoundError,
      404,
      `Backup ${b.id} could not be found.`,
    );
  });
});
