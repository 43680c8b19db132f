/**
 * Statuses typed from the spec's `status.values`: a volume's status reads as `VolumeStatus` or any
 * other string (a newer Cinder may add one), `waitForStatus` targets only the known ones (tsc
 * checks the `@ts-expect-error` lines below in `npm test`), and the waiters' failure states are
 * members of the same declaration.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  ResourceFailureError,
  ResourceTimeoutError,
  type BlockStorageV3,
  type CloudConnection,
  type KnownStatus,
} from 'openstack-block-storage';
import type {
  BackupStatus,
  Group,
  GroupStatus,
  SnapshotStatus,
  Volume,
  VolumeStatus,
} from 'openstack-block-storage/block-storage/v3';
import { startFakeCloud, type FakeCloud } from 'openstack-block-storage/testing';

let fake: FakeCloud;
let cloud: CloudConnection & { readonly blockStorage: BlockStorageV3 };
let bs: BlockStorageV3;

beforeAll(async () => {
  fake = await startFakeCloud({ inProcess: true });
  cloud = await fake.connect();
  bs = cloud.blockStorage;
});
afterAll(async () => {
  await cloud.close();
  await fake.close();
});

describe('statuses typed from the spec', () => {
  it('a volume’s status reads as VolumeStatus, open to statuses a newer Cinder adds', async () => {
    const volume = await bs.createVolume({ size: 1 });
    expectTypeOf(volume.status).toEqualTypeOf<VolumeStatus | (string & {}) | undefined>();
    expectTypeOf<'available'>().toMatchTypeOf<VolumeStatus>();
    expectTypeOf<'in-use'>().toMatchTypeOf<VolumeStatus>();
    expectTypeOf<'avialable'>().not.toMatchTypeOf<VolumeStatus>();
    // A status the SDK does not know still reads as it came.
    fake.state.setStatus('Volume', volume.id, 'hibernating');
    const read: Volume = await bs.getVolume(volume.id);
    expect(read.status).toBe('hibernating');
  });

  it('waitForStatus takes only a known status: a misspelt one does not compile', async () => {
    const volume = await bs.createVolume({ size: 1 });
    expect((await bs.waitForStatus(volume, 'available', { wait: 1 })).status).toBe('available');
    const snapshot = await bs.createSnapshot({ volumeId: volume.id });
    expect((await bs.waitForStatus(snapshot, 'available', { wait: 1 })).status).toBe('available');
    // @ts-expect-error: 'avialable' is not a VolumeStatus (at run time it would wait until the deadline).
    const misspelt = bs.waitForStatus(volume, 'avialable', { wait: 30 });
    await expect(misspelt).rejects.toBeInstanceOf(ResourceTimeoutError);
    // @ts-expect-error: 'in-use' is a volume's status, not a snapshot's.
    await expect(bs.waitForStatus(snapshot, 'in-use', { wait: 30 })).rejects.toBeInstanceOf(ResourceTimeoutError);
  });

  it('waiting on another attribute, or on a resource without declared statuses, takes any string', async () => {
    const seeded = fake.state.insert('Volume', { size: 1, 'os-vol-mig-status-attr:migstat': 'migrating' });
    const volume = await bs.getVolume(seeded.id);
    const migrating = await bs.waitForStatus(volume, 'migrating', { attribute: 'migrationStatus', wait: 1 });
    expect(migrating.migrationStatus).toBe('migrating');
    // A resource whose status the spec does not enumerate: its waiter takes any string.
    expectTypeOf<KnownStatus<{ readonly status?: string }>>().toEqualTypeOf<string>();
    expectTypeOf<KnownStatus<Group>>().toEqualTypeOf<GroupStatus>();
    expectTypeOf<KnownStatus<Volume>>().toEqualTypeOf<VolumeStatus>();
  });

  it('the waiters’ failure states are statuses of the same declaration', async () => {
    expectTypeOf<'error' | 'error_extending' | 'error_deleting'>().toMatchTypeOf<VolumeStatus>();
    expectTypeOf<'error' | 'error_deleting'>().toMatchTypeOf<SnapshotStatus>();
    expectTypeOf<'error' | 'error_deleting'>().toMatchTypeOf<BackupStatus>();
    const volume = await bs.createVolume({ size: 1 });
    await bs.waitForStatus(volume, 'available', { wait: 1 });
    fake.state.setStatus('Volume', volume.id, 'error_extending');
    await expect(bs.waitForStatus(volume, 'extending', { wait: 30 })).rejects.toBeInstanceOf(ResourceFailureError);
  });
});
