/**
 * What the `checks`, `copy`, `creates` and `answers` sections of the spec make the fake cloud do,
 * through the SDK on a loopback fake: Cinder's refusals with its status and words (over the request,
 * the record and related records), fields a new record takes from the one it is made from, the
 * volume a restore creates, and answers the response type alone cannot say.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockStorageV3, CloudConnection } from 'openstack-block-storage';
import { startFakeCloud, type FakeCloud } from 'openstack-block-storage/testing';

let fake: FakeCloud;
let cloud: CloudConnection & { readonly blockStorage: BlockStorageV3 };
let bs: BlockStorageV3;
const fast = { interval: 0.01, wait: 5 };

beforeAll(async () => {
  // Each test makes its own volumes: room for all of them.
  fake = await startFakeCloud({ quotas: { volumes: 100, snapshots: 100, backups: 100, gigabytes: 1000 } });
  cloud = await fake.connect();
  bs = cloud.blockStorage;
});
afterAll(async () => {
  await cloud.close();
  await fake.close();
});

async function volume(size = 1, name?: string) {
  return bs.waitForStatus(await bs.createVolume({ size, ...(name ? { name } : {}) }), 'available', fast);
}

async function snapshotOf(volumeId: string) {
  return bs.waitForStatus(await bs.createSnapshot({ volumeId }), 'available', fast);
}

describe('checks: refusals with Cinder’s status and message', () => {
  it('a volume of size 0 is refused with the schema’s words and nothing is created', async () => {
    await expect(bs.createVolume({ size: 0, name: 'zero' })).rejects.toMatchObject({
      status: 400,
      details: 'Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1',
    });
    expect(fake.state.list('Volume').filter((r) => r.data['name'] === 'zero')).toEqual([]);
  });

  it('extending to a size that is not larger is refused, naming both sizes; the volume keeps its size', async () => {
    const v = await volume(2);
    await expect(bs.extendVolume(v, 2)).rejects.toMatchObject({
      status: 400,
      details:
        'Invalid input received: New size for extend must be greater than current size. (current: 2, extended: 2).',
    });
    expect((await bs.getVolume(v.id)).size).toBe(2);
  });

  it('a busy volume is refused extend with the expected state Cinder prints, before the lifecycle’s own check', async () => {
    const v = await volume();
    await bs.resetVolumeStatus(v, { status: 'backing-up' });
    await expect(bs.extendVolume(v, 3)).rejects.toMatchObject({
      status: 400,
      details: `Invalid volume: Volume ${v.id} status must be '{'status': 'available'}' to extend, currently backing-up.`,
    });
  });

  it('os-reset_status with nothing to reset is refused', async () => {
    const v = await volume();
    await expect(bs.resetVolumeStatus(v, {})).rejects.toMatchObject({
      status: 400,
      details: "Must specify 'status', 'attach_status' or 'migration_status' for update.",
    });
  });

  it('a volume with a snapshot is deleted only with cascade; a snapshot of a busy volume is refused', async () => {
    const v = await volume();
    await snapshotOf(v.id);
    await expect(bs.deleteVolume(v)).rejects.toMatchObject({
      status: 400,
      details: expect.stringContaining('must not be migrating, attached, belong to a group, have snapshots'),
    });
    await bs.resetVolumeStatus(v, { status: 'backing-up' });
    // At 3.70 Cinder takes an in-use volume too (3.66), so its words name both states.
    await expect(bs.createSnapshot({ volumeId: v.id })).rejects.toMatchObject({
      status: 400,
      details: `Invalid volume: Volume ${v.id} status must be available, in-use, but current status is: backing-up.`,
    });
    await bs.resetVolumeStatus(v, { status: 'available' });
    await bs.deleteVolume(v, { cascade: true });
    await bs.waitForDelete(v, fast);
  });

  it('a type a volume uses cannot be deleted; once the volume is gone it can', async () => {
    const type = await bs.createType({ name: 'in-use' });
    const v = await bs.waitForStatus(await bs.createVolume({ size: 1, volumeType: type.id }), 'available', fast);
    await expect(bs.deleteType(type)).rejects.toMatchObject({
      status: 400,
      details: 'Target volume type is still in use.',
    });
    await bs.deleteVolume(v);
    await bs.waitForDelete(v, fast);
    await bs.deleteType(type);
  });

  it('a type without a name is not taken as used by every volume without a type', async () => {
    await volume();
    const type = fake.state.insert('Type', { name: null });
    await bs.deleteType(type.id);
    expect(fake.state.get('Type', type.id)).toBeUndefined();
  });

  it('os-update_snapshot_status moves a creating snapshot on, refuses other states and other targets', async () => {
    const s = await snapshotOf((await volume()).id);
    await expect(bs.setSnapshotStatus(s, 'error')).rejects.toMatchObject({
      status: 400,
      details: 'Snapshot status available not allowed for update_snapshot_status',
    });
    await bs.resetSnapshotStatus(s, 'creating');
    await expect(bs.setSnapshotStatus(s, 'deleting')).rejects.toMatchObject({
      status: 400,
      details: 'Provided snapshot status deleting not allowed for snapshot with status creating.',
    });
    await bs.setSnapshotStatus(s, 'available', { progress: '90%' });
    const got = await bs.getSnapshot(s.id);
    expect([got.status, got.progress]).toEqual(['available', '90%']);
  });

  it('revert takes only the latest snapshot of the volume', async () => {
    const v = await volume();
    const first = await snapshotOf(v.id);
    fake.clock.advance(1000);
    const latest = await snapshotOf(v.id);
    await expect(bs.revertVolumeToSnapshot(v, first)).rejects.toMatchObject({
      status: 400,
      details: `Specified snapshot ${first.id} is None or not the latest one of volume ${v.id}.`,
    });
    await bs.revertVolumeToSnapshot(v, latest);
  });

  it('a second type of the same name is a 409, a second encryption of a type a 400 naming the type from the path', async () => {
    const type = await bs.createType({ name: 'checks-unique' });
    await expect(bs.createType({ name: 'checks-unique' })).rejects.toMatchObject({
      status: 409,
      details: 'Volume Type checks-unique already exists.',
    });
    expect(fake.state.list('Type').filter((r) => r.data['name'] === 'checks-unique')).toHaveLength(1);
    await bs.createTypeEncryption(type, { provider: 'luks', controlLocation: 'front-end' });
    await expect(
      bs.createTypeEncryption(type, { provider: 'luks', controlLocation: 'front-end' }),
    ).rejects.toMatchObject({ status: 400, details: `Volume type encryption for type ${type.id} already exists.` });
    // Another type's encryption is not refused: the check reads this request's path.
    const other = await bs.createType({ name: 'checks-other' });
    await expect(
      bs.createTypeEncryption(other, { provider: 'luks', controlLocation: 'front-end' }),
    ).resolves.toMatchObject({
      volumeTypeId: other.id,
    });
  });

  it('os-attach with neither a server nor a host is refused with the schema’s words; the volume stays available', async () => {
    const v = await volume();
    await expect(bs.attachVolume(v.id, '/dev/vdd')).rejects.toMatchObject({
      status: 400,
      details:
        "Invalid input for field/attribute os-attach. Value: {'mountpoint': '/dev/vdd'}. {'mountpoint': '/dev/vdd'} is not valid under any of the given schemas",
    });
    expect((await bs.getVolume(v.id)).status).toBe('available');
  });
});

describe('checks reading a key of a looked-up record’s map field', () => {
  it('group replication is refused unless the group type’s group spec says <is> True', async () => {
    const type = await bs.createType({ name: 'for-groups' });
    const plain = await bs.createGroupType({ name: 'plain' });
    const replicated = await bs.createGroupType({
      name: 'replicated',
      groupSpecs: { group_replication_enabled: '<is> True' },
    });
    const group = async (groupType: string) =>
      bs.waitForStatus(await bs.createGroup({ groupType, volumeTypes: [type.id] }), 'available', fast);
    const g = await group(plain.id);
    const why = `Invalid group type: Group ${g.id} is not a replication group type.`;
    await expect(bs.enableGroupReplication(g.id)).rejects.toMatchObject({ status: 400, details: why });
    await expect(bs.listGroupReplicationTargets(g.id)).rejects.toMatchObject({ status: 400, details: why });

    // The same call on a group whose type replicates gets past the check.
    const r = await group(replicated.id);
    await expect(bs.enableGroupReplication(r.id)).resolves.toBeUndefined();
  });
});

describe('copy, creates and answers', () => {
  it('a snapshot and a backup take their volume’s size, a volume from a snapshot the snapshot’s', async () => {
    const v = await volume(3);
    const s = await snapshotOf(v.id);
    expect([s.size, s.progress]).toEqual([3, '100%']);
    const b = await bs.waitForStatus(await bs.createBackup({ volumeId: v.id }), 'available', fast);
    expect((await bs.getBackup(b.id)).size).toBe(3);
    const made = await bs.waitForStatus(await bs.createVolume({ snapshotId: s.id }), 'available', fast);
    expect(made.size).toBe(3);
  });

  it('restoring a backup without a volume creates one of its size with the given name, and answers it', async () => {
    const v = await volume(2);
    const b = await bs.waitForStatus(await bs.createBackup({ volumeId: v.id }), 'available', fast);
    const restore = await bs.restoreBackup(b, { name: 'restored' });
    expect(restore.backupId).toBe(b.id);
    expect(restore.volumeName).toBe('restored');
    const created = await bs.waitForStatus(await bs.getVolume(restore.volumeId!), 'available', fast);
    expect([created.name, created.size]).toEqual(['restored', 2]);

    // Without a name Cinder names it after the backup.
    const unnamed = await bs.restoreBackup(b);
    expect(unnamed.volumeName).toBe(`restore_backup_${b.id}`);
  });

  it('os-migrate_volume_completion of volumes that are not migrating answers the new volume’s ID', async () => {
    const a = await volume();
    const b = await volume();
    const answer = await fetch(`${fake.url}/volumes/${a.id}/action`, {
      method: 'POST',
      headers: { 'X-Auth-Token': fake.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ 'os-migrate_volume_completion': { new_volume: b.id } }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ save_volume_id: b.id });
  });
});
