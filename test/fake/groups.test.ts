/**
 * Group membership as the spec declares it (`members` in group.yaml, group_snapshot.yaml and the
 * consistency-group files, `stored_as` for the legacy API), run by the fake cloud through the SDK:
 * volumes join and leave groups by their group_id, a group snapshot snapshots each member, a group
 * made from a source gets its volumes, a delete takes the members or is refused, and the
 * consistency-group API finds the same records as the group API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockStorageV3, CloudConnection } from 'openstack-block-storage';
import type { Group, Volume } from 'openstack-block-storage/block-storage/v3';
import { startFakeCloud, type FakeCloud } from 'openstack-block-storage/testing';

let fake: FakeCloud;
let cloud: CloudConnection & { readonly blockStorage: BlockStorageV3 };
let bs: BlockStorageV3;
const fast = { interval: 0.01, wait: 5 };

beforeAll(async () => {
  // More than Cinder's default 10 volumes, snapshots and groups: every test makes its own.
  fake = await startFakeCloud({ quotas: { volumes: 100, snapshots: 100, groups: 100 } });
  cloud = await fake.connect();
  bs = cloud.blockStorage;
});
afterAll(async () => {
  await cloud.close();
  await fake.close();
});

async function newGroup(volumeTypes = ['vt-1']): Promise<Group> {
  return bs.waitForStatus(await bs.createGroup({ name: 'g', groupType: 'gt-1', volumeTypes }), 'available', fast);
}

async function newVolume(attrs: { groupId?: string; volumeType?: string; size?: number } = {}): Promise<Volume> {
  return bs.waitForStatus(
    await bs.createVolume({ size: attrs.size ?? 1, volumeType: attrs.volumeType ?? 'vt-1', groupId: attrs.groupId }),
    'available',
    fast,
  );
}

describe('group membership on the fake cloud', () => {
  it('a volume created in a group is one of its volumes; the list is answered only with listVolume', async () => {
    const group = await newGroup();
    const a = await newVolume({ groupId: group.id });
    const b = await newVolume({ groupId: group.id });
    await newVolume();
    expect((await bs.getVolume(a.id)).groupId).toBe(group.id);
    expect([...(await bs.getGroup(group.id, { listVolume: true })).volumes!].sort()).toEqual([a.id, b.id].sort());
    expect((await bs.getGroup(group.id)).volumes).toBeUndefined();
    const listed = (await bs.groups({ listVolume: true }).toArray()).find((g) => g.id === group.id);
    expect(listed?.volumes).toHaveLength(2);
    expect((await bs.volumes({ groupId: group.id }).toArray()).map((v) => v.id).sort()).toEqual([a.id, b.id].sort());
  });

  it('updateGroup adds and removes volumes by their comma-separated IDs', async () => {
    const group = await newGroup();
    const a = await newVolume();
    const b = await newVolume();
    await bs.updateGroup(group, { addVolumes: `${a.id},${b.id}` });
    await bs.waitForStatus(await bs.getGroup(group.id), 'available', fast);
    expect((await bs.getVolume(a.id)).groupId).toBe(group.id);
    expect((await bs.getVolume(b.id)).groupId).toBe(group.id);
    await bs.updateGroup(group, { removeVolumes: a.id });
    await bs.waitForStatus(await bs.getGroup(group.id), 'available', fast);
    expect((await bs.getVolume(a.id)).groupId).toBeUndefined();
    expect((await bs.getGroup(group.id, { listVolume: true })).volumes).toEqual([b.id]);
  });

  it("adding or removing a volume is refused with Cinder's messages, and nothing changes", async () => {
    const group = await newGroup();
    const other = await newGroup();
    const outsider = await newVolume();
    const elsewhere = await newVolume({ groupId: other.id });
    const wrongType = await newVolume({ volumeType: 'vt-2' });
    const cases: [Promise<unknown>, string][] = [
      [
        bs.updateGroup(group.id, { removeVolumes: outsider.id }),
        `Invalid volume: Cannot remove volume ${outsider.id} from group ${group.id} because it is not in the group.`,
      ],
      [
        bs.updateGroup(group.id, { addVolumes: elsewhere.id }),
        `Invalid volume: Cannot add volume ${elsewhere.id} to group ${group.id} because it is already in group ${other.id}.`,
      ],
      [
        bs.updateGroup(group.id, { addVolumes: wrongType.id }),
        `Invalid volume: Cannot add volume ${wrongType.id} to group ${group.id} because volume type vt-2 is not supported by the group.`,
      ],
      [
        bs.updateGroup(group.id, { addVolumes: 'no-such-volume' }),
        `Invalid volume: Cannot add volume no-such-volume to group ${group.id} because volume cannot be found.`,
      ],
    ];
    for (const [call, message] of cases)
      await expect(call).rejects.toMatchObject({ status: 400, details: expect.stringContaining(message) });
    expect((await bs.getGroup(group.id, { listVolume: true })).volumes).toEqual([]);
    expect((await bs.getVolume(elsewhere.id)).groupId).toBe(other.id);
  });

  it('deleteGroup is refused while the group has volumes; with deleteVolumes they go too', async () => {
    const group = await newGroup();
    const member = await newVolume({ groupId: group.id });
    await expect(bs.deleteGroup(group.id)).rejects.toMatchObject({
      status: 400,
      details: expect.stringContaining(
        `Group ${group.id} still contains volumes. The delete-volumes flag is required to delete it.`,
      ),
    });
    expect((await bs.getGroup(group.id)).status).toBe('available');
    await bs.deleteGroup(group.id, { deleteVolumes: true });
    await bs.waitForDelete(group, fast);
    await bs.waitForDelete(member, fast);
    expect(await bs.findVolume(member.id)).toBeUndefined();
  });
});

describe('group snapshots and groups from a source on the fake cloud', () => {
  it("a group snapshot takes one snapshot per member and the group's type; its delete takes them", async () => {
    const group = await newGroup();
    const members = [await newVolume({ groupId: group.id, size: 2 }), await newVolume({ groupId: group.id })];
    const created = await bs.createGroupSnapshot({ groupId: group.id, name: 'nightly', description: 'd' });
    expect(created.groupTypeId).toBe('gt-1');
    const gs = await bs.waitForStatus(created, 'available', fast);
    const snaps = (await bs.snapshots().toArray()).filter((s) => s.groupSnapshotId === gs.id);
    expect(snaps.map((s) => [s.volumeId, s.size, s.name, s.status]).sort()).toEqual(
      members.map((v) => [v.id, v.size, 'nightly', 'available']).sort(),
    );
    await bs.deleteGroupSnapshot(gs);
    await bs.waitForDelete(gs, fast);
    for (const s of snaps) await bs.waitForDelete(s, fast);
  });

  it("createGroupFromSource makes the group with the source's types and one volume per snapshot or member", async () => {
    const group = await newGroup(['vt-1', 'vt-3']);
    const members = [await newVolume({ groupId: group.id, size: 3 }), await newVolume({ groupId: group.id })];
    const gs = await bs.waitForStatus(await bs.createGroupSnapshot({ groupId: group.id }), 'available', fast);
    const snaps = (await bs.snapshots().toArray()).filter((s) => s.groupSnapshotId === gs.id);

    const fromSnap = await bs.createGroupFromSource({ groupSnapshot: gs, name: 'restored' });
    expect(fromSnap.name).toBe('restored');
    const restored = await bs.waitForStatus(await bs.getGroup(fromSnap.id), 'available', fast);
    expect(restored).toMatchObject({ groupSnapshotId: gs.id, groupType: 'gt-1', volumeTypes: ['vt-1', 'vt-3'] });
    const restoredVolumes = await bs.volumes({ groupId: restored.id }).toArray();
    expect(restoredVolumes.map((v) => [v.snapshotId, v.size, v.volumeType]).sort()).toEqual(
      snaps.map((s) => [s.id, s.size, 'vt-1']).sort(),
    );

    const clone = await bs.waitForStatus(
      await bs.getGroup((await bs.createGroupFromSource({ sourceGroup: group.id, description: 'copy' })).id),
      'available',
      fast,
    );
    expect(clone).toMatchObject({ sourceGroupId: group.id, description: 'copy', volumeTypes: ['vt-1', 'vt-3'] });
    const cloneVolumes = await bs.volumes({ groupId: clone.id }).toArray();
    expect(cloneVolumes.map((v) => [v.sourceVolumeId, v.size]).sort()).toEqual(
      members.map((v) => [v.id, v.size]).sort(),
    );
    for (const v of cloneVolumes) expect(v.status).toBe('available');
  });
});

describe('the consistency-group API over the group records', () => {
  it('a group made through /groups is a consistency group, and its CG snapshot a group snapshot', async () => {
    const group = await newGroup();
    const member = await newVolume({ groupId: group.id });
    expect(await bs.getConsistencyGroup(group.id)).toMatchObject({ id: group.id, name: 'g', volumeTypes: ['vt-1'] });
    expect((await bs.consistencyGroups().toArray()).map((g) => g.id)).toContain(group.id);

    const cgs = await bs.waitForStatus(
      await bs.createConsistencyGroupSnapshot({ consistencyGroupId: group.id, name: 'cg-snap' }),
      'available',
      fast,
    );
    expect((await bs.getGroupSnapshot(cgs.id)).groupId).toBe(group.id);
    expect((await bs.getConsistencyGroupSnapshot(cgs.id)).consistencyGroupId).toBe(group.id);
    expect((await bs.snapshots({ volumeId: member.id }).toArray()).map((s) => s.name)).toEqual(['cg-snap']);

    const made = await bs.createConsistencyGroupFromSource({ consistencyGroup: group.id, name: 'cg-clone' });
    expect((await bs.waitForStatus(await bs.getGroup(made.id), 'available', fast)).sourceGroupId).toBe(group.id);
    await bs.deleteConsistencyGroup(made.id, { force: true });
    await expect(bs.getGroup(made.id)).rejects.toMatchObject({
      status: 404,
      details: expect.stringContaining(`Group ${made.id} could not be found.`),
    });
  });

  it('a create-from-src without a source is refused with the name it was given, and makes no group', async () => {
    const before = (await bs.groups().toArray()).length;
    await expect(bs.createConsistencyGroupFromSource({ name: 'nothing' })).rejects.toMatchObject({
      status: 400,
      details: expect.stringContaining(
        "Either 'cgsnapshot_id' or 'source_cgid' must be provided to create consistency group nothing from source.",
      ),
    });
    expect((await bs.groups().toArray()).length).toBe(before);
  });
});
