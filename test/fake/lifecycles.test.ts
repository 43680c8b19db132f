/**
 * The lifecycles declared for generic volume groups, group snapshots and attachments
 * (`status.transitions` in their spec files), as the fake runs them through the SDK: create goes
 * `creating → available`, update `available → updating → available`, delete needs `available` or
 * `error`, and a refused precondition gets Cinder's 400 with the status it found; an attachment is
 * reserved, attaching, attached, then gone.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { BlockStorageV3, CloudConnection, KnownStatus } from 'openstack-block-storage';
import type {
  AttachmentStatus,
  ConsistencyGroupStatus,
  Group,
  GroupSnapshot,
  GroupSnapshotStatus,
  GroupStatus,
} from 'openstack-block-storage/block-storage/v3';
import { startFakeCloud, type FakeCloud } from 'openstack-block-storage/testing';

let fake: FakeCloud;
let cloud: CloudConnection & { readonly blockStorage: BlockStorageV3 };
let bs: BlockStorageV3;
const fast = { interval: 0.01, wait: 5 };

beforeAll(async () => {
  // A loopback socket: the project's own tests keep real sockets.
  fake = await startFakeCloud({ delays: { 'Group.update': 1000 } });
  cloud = await fake.connect();
  bs = cloud.blockStorage;
});
afterAll(async () => {
  await cloud.close();
  await fake.close();
});

describe('group lifecycles on the fake cloud', () => {
  it('a group is created creating, becomes available, and goes through updating on update', async () => {
    const group = await bs.createGroup({ name: 'g', groupType: 'gt-1', volumeTypes: ['vt-1'] });
    expect(group.status).toBe('creating');
    const ready = await bs.waitForStatus(group, 'available', fast);
    await bs.updateGroup(ready, { description: 'renamed' });
    // The update takes a second on the fake clock (the `delays` option): it reads updating until then.
    expect((await bs.getGroup(ready.id)).status).toBe('updating');
    fake.clock.advance(1000);
    const updated = await bs.getGroup(ready.id);
    expect([updated.status, updated.description]).toEqual(['available', 'renamed']);
    await bs.deleteGroup(ready);
    await bs.waitForDelete(ready, fast);
  });

  it('a group that is updating cannot be updated or deleted: 400 with the status it is in', async () => {
    const group = await bs.waitForStatus(
      await bs.createGroup({ groupType: 'gt-1', volumeTypes: ['vt-1'] }),
      'available',
      fast,
    );
    fake.faults.stick('Group', group.id, 'updating');
    try {
      await expect(bs.updateGroup(group, { name: 'x' })).rejects.toMatchObject({
        status: 400,
        details: expect.stringContaining("Group status must be 'available' to update, currently updating"),
      });
      await expect(bs.deleteGroup(group)).rejects.toMatchObject({
        status: 400,
        details: expect.stringContaining("Group status must be 'available' or 'error' to delete, currently updating"),
      });
    } finally {
      fake.faults.clear();
    }
  });

  it('replication actions need an available group; disabling also takes one in error', async () => {
    // Cinder checks the group type replicates before the status (cinder/group/api.py _check_type()).
    const replicated = await bs.createGroupType({
      name: 'replicated',
      groupSpecs: { group_replication_enabled: '<is> True' },
    });
    const group = await bs.waitForStatus(
      await bs.createGroup({ groupType: replicated.id, volumeTypes: ['vt-1'] }),
      'available',
      fast,
    );
    fake.state.setStatus('Group', group.id, 'error');
    await expect(bs.enableGroupReplication(group)).rejects.toMatchObject({ status: 400 });
    await bs.disableGroupReplication(group);
    expect(fake.requests.at(-1)).toMatchObject({ operation: 'Group.disableReplication', status: 202 });
  });

  it('a group snapshot is created creating, becomes available, and is deleted from error', async () => {
    const group = await bs.waitForStatus(
      await bs.createGroup({ groupType: 'gt-1', volumeTypes: ['vt-1'] }),
      'available',
      fast,
    );
    const snapshot: GroupSnapshot = await bs.createGroupSnapshot({ groupId: group.id, name: 's' });
    expect(snapshot.status).toBe('creating');
    await bs.waitForStatus(snapshot, 'available', fast);
    fake.state.setStatus('GroupSnapshot', snapshot.id, 'creating');
    await expect(bs.deleteGroupSnapshot(snapshot)).rejects.toMatchObject({ status: 400 });
    fake.state.setStatus('GroupSnapshot', snapshot.id, 'error');
    await bs.deleteGroupSnapshot(snapshot);
    await bs.waitForDelete(snapshot, fast);
  });

  it('an attachment is reserved, attaching once it has a connector, attached when completed, and gone when deleted', async () => {
    const volume = await bs.waitForStatus(await bs.createVolume({ size: 1 }), 'available', fast);
    const attachment = await bs.createAttachment(volume, { instance: 'srv-1', mode: 'ro' });
    expect(attachment).toMatchObject({ status: 'reserved', volumeId: volume.id, instance: 'srv-1', attachMode: 'ro' });
    await bs.updateAttachment(attachment, { host: 'node-1', initiator: 'iqn.2026-12.example:node-1' });
    expect((await bs.getAttachment(attachment.id)).status).toBe('attaching');
    await bs.completeAttachment(attachment);
    expect((await bs.getAttachment(attachment.id)).status).toBe('attached');
    expect((await bs.attachments({ volumeId: volume.id }).toArray()).map((a) => a.id)).toEqual([attachment.id]);
    await bs.deleteAttachment(attachment);
    await expect(bs.getAttachment(attachment.id)).rejects.toMatchObject({ status: 404 });
  });

  it('their statuses are typed from the same declaration, and waitForStatus refuses others', () => {
    expectTypeOf<KnownStatus<Group>>().toEqualTypeOf<GroupStatus>();
    expectTypeOf<KnownStatus<GroupSnapshot>>().toEqualTypeOf<GroupSnapshotStatus>();
    expectTypeOf<'in-use'>().toMatchTypeOf<GroupStatus>();
    expectTypeOf<'in-use'>().not.toMatchTypeOf<GroupSnapshotStatus>();
    expectTypeOf<'updating'>().toMatchTypeOf<ConsistencyGroupStatus>();
    expectTypeOf<'reserved' | 'attached' | 'error_attaching'>().toMatchTypeOf<AttachmentStatus>();
    const typed = (group: Group) => {
      // @ts-expect-error: 'avialable' is not a GroupStatus.
      void bs.waitForStatus(group, 'avialable');
    };
    expect(typed).toBeTypeOf('function');
  });
});
