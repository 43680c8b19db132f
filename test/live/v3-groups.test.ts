/**
 * Generic volume groups (3.13/3.14), group types and their specs (3.11), group snapshots (3.14,
 * reset 3.19) and group replication (3.38) through the generated v3 proxy against the real Cinder.
 * The file-backed driver has no group support of its own, so Cinder's generic implementation runs:
 * one snapshot per volume, volumes from snapshots and clones; markers written into the volume files
 * prove that a group made from a snapshot or a group carries the data of its source.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Group, GroupSnapshot, GroupType, Type, Volume } from '../../generated/block-storage/v3/index.js';
import { BadRequestError, NotFoundError, ResourceNotFoundError } from '../../generated/index.js';
import { backendOf, expectMarkers, expectRejects, filesDir, json, snapshotFile, writeMarkers } from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { uniqueName } from './sdk.js';
import { POLL, V3Cleanup, connectV3, newVolumes, settledGroup, type WiredV3 } from './v3-helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const env = loadLiveEnv();

let sdk: WiredV3;
let cleanup: V3Cleanup;
let dir: string | undefined;
let groupType: GroupType;
let volumeType: Type;
/** The group, its two volumes (with markers in their files), and a volume added and removed later. */
let group: Group;
let members: Volume[];
let outsider: Volume;
let groupSnapshot: GroupSnapshot;
const marker = (v: Volume): string => `osbs-group-${v.id}`;
/** Snapshot ID → volume ID, for the snapshots of the group snapshot. */
const snapshotVolume = new Map<string, string>();

beforeAll(async () => {
  sdk = await connectV3();
  const bs = sdk.bs;
  cleanup = new V3Cleanup(bs);
  dir = filesDir(env);
  groupType = await bs.createGroupType({
    name: uniqueName('v3-gtype'),
    description: 'made by the live suite',
    groupSpecs: { 'osbs:purpose': 'live' },
  });
  cleanup.groupTypes.add(groupType.id);
  // A group lives on one backend: pin the volume type to the first one.
  volumeType = await bs.createType({
    name: uniqueName('v3-gvtype'),
    extraSpecs: { volume_backend_name: backendOf(env.pools[0] ?? `rc-host@${env.backends[0]}#x`) },
  });
  cleanup.types.add(volumeType.id);
  const g = await bs.createGroup({
    name: uniqueName('v3-group'),
    description: 'group of the live suite',
    groupType: groupType.id,
    volumeTypes: [volumeType.id],
  });
  cleanup.groups.add(g.id);
  group = await bs.waitForStatus(g, 'available', POLL);
  members = await newVolumes(bs, cleanup, uniqueName('v3-gmember'), 2, {
    volumeType: volumeType.id,
    groupId: group.id,
  });
  [outsider] = await newVolumes(bs, cleanup, uniqueName('v3-goutsider'), 1, { volumeType: volumeType.id });
  if (dir) for (const v of members) writeMarkers(`${dir}/volume-${v.id}`, marker(v));
});

afterAll(async () => {
  await cleanup?.run();
  await sdk?.close();
});

describe(`v3 group types (${env.mode})`, () => {
  it('createGroupType answers the type; getGroupType, findGroupType and groupTypes() show it', async () => {
    const bs = sdk.bs;
    expect(sdk.last('POST', '/group_types')).toMatchObject({
      apiVersion: 'volume 3.70',
      requestBody: {
        group_type: {
          name: groupType.name,
          description: 'made by the live suite',
          group_specs: { 'osbs:purpose': 'live' },
        },
      },
    });
    expect(groupType.id).toMatch(UUID);
    expect(json(groupType)).toMatchObject({ isPublic: true, groupSpecs: { 'osbs:purpose': 'live' } });

    expect(json(await bs.getGroupType(groupType.id))).toEqual(json(groupType));
    expect((await bs.findGroupType(groupType.name!))?.id).toBe(groupType.id);
    expect((await bs.findGroupType(groupType.id))?.name).toBe(groupType.name);
    const missing = uniqueName('missing');
    expect(await bs.findGroupType(missing)).toBeUndefined();
    await expectRejects(bs.findGroupType(missing, { ignoreMissing: false }), ResourceNotFoundError, undefined, missing);
    const all = await bs.groupTypes().toArray();
    expect(all.map((t) => t.id)).toContain(groupType.id);
    // Cinder's own type for migrated consistency group snapshots is always there.
    expect(all.find((t) => t.name === 'default_cgsnapshot_type')?.groupSpecs).toEqual({
      consistent_group_snapshot_enabled: '<is> True',
    });
  });

  it('group specs: fetch, create, get, update and delete one key, with Cinder’s 404s for a missing key', async () => {
    const bs = sdk.bs;
    expect((await bs.fetchGroupTypeGroupSpecs(groupType.id)).groupSpecs).toEqual({ 'osbs:purpose': 'live' });
    expect(await bs.createGroupTypeGroupSpecs(groupType.id, { 'osbs:a': '1', 'osbs:b': '2' })).toEqual({
      'osbs:a': '1',
      'osbs:b': '2',
    });
    expect(sdk.last('POST', `/group_types/${groupType.id}/group_specs`).requestBody).toEqual({
      group_specs: { 'osbs:a': '1', 'osbs:b': '2' },
    });
    expect(await bs.getGroupTypeGroupSpecsProperty(groupType.id, 'osbs:a')).toBe('1');
    expect(await bs.updateGroupTypeGroupSpecsProperty(groupType.id, 'osbs:a', '3')).toBe('3');
    expect(
      sdk.last('PUT', `/group_types/${groupType.id}/group_specs/${encodeURIComponent('osbs:a')}`).requestBody,
    ).toEqual({ 'osbs:a': '3' });
    await bs.deleteGroupTypeGroupSpecsProperty(groupType.id, 'osbs:b');
    expect((await bs.fetchGroupTypeGroupSpecs(groupType.id)).groupSpecs).toEqual({
      'osbs:purpose': 'live',
      'osbs:a': '3',
    });

    await expectRejects(
      bs.getGroupTypeGroupSpecsProperty(groupType.id, 'osbs:b'),
      NotFoundError,
      404,
      `Group Type ${groupType.id} has no extra spec with key osbs:b.`,
    );
    await bs.deleteGroupTypeGroupSpecsProperty(groupType.id, 'osbs:b'); // ignoreMissing by default
    await expectRejects(
      bs.deleteGroupTypeGroupSpecsProperty(groupType.id, 'osbs:b', { ignoreMissing: false }),
      NotFoundError,
      404,
      `Group Type ${groupType.id} has no specs with key osbs:b.`,
    );
  });

  it('updateGroupType renames and re-describes the type', async () => {
    const name = uniqueName('v3-gtype-renamed');
    const updated = await sdk.bs.updateGroupType(groupType.id, { name, description: 'renamed' });
    expect(sdk.last('PUT', `/group_types/${groupType.id}`).requestBody).toEqual({
      group_type: { name, description: 'renamed' },
    });
    expect(json(updated)).toMatchObject({
      id: groupType.id,
      name,
      description: 'renamed',
      groupSpecs: { 'osbs:a': '3' },
    });
    groupType = await sdk.bs.getGroupType(groupType.id);
    expect(groupType.name).toBe(name);
  });
});

describe(`v3 groups (${env.mode})`, () => {
  it('createGroup with a volume type ends available; getGroup lists its volumes with listVolume (3.25)', async () => {
    const bs = sdk.bs;
    expect(sdk.last('POST', '/groups').requestBody).toEqual({
      group: {
        name: group.name,
        description: 'group of the live suite',
        group_type: groupType.id,
        volume_types: [volumeType.id],
      },
    });
    expect(json(group)).toMatchObject({
      status: 'available',
      groupType: groupType.id,
      volumeTypes: [volumeType.id],
      availabilityZone: 'nova',
      replicationStatus: 'disabled',
      projectId: env.projectId,
    });
    expect(group.volumes).toBeUndefined();

    const withVolumes = await bs.getGroup(group.id, { listVolume: true });
    expect(new URL(sdk.last('GET', `/groups/${group.id}`).url).searchParams.get('list_volume')).toBe('true');
    expect([...withVolumes.volumes!].sort()).toEqual(members.map((v) => v.id).sort());
    for (const v of members) expect((await bs.getVolume(v.id)).groupId).toBe(group.id);
  });

  it('findGroup, groups() and volumes({groupId}) (3.10) find the group and its members', async () => {
    const bs = sdk.bs;
    expect((await bs.findGroup(group.name!))?.id).toBe(group.id);
    expect((await bs.findGroup(group.id))?.name).toBe(group.name);
    expect(await bs.findGroup(uniqueName('missing'))).toBeUndefined();

    const listed = (await bs.groups({ listVolume: true }).toArray()).find((g) => g.id === group.id);
    expect(listed?.volumes?.length).toBe(2);
    const brief = (await bs.groups({ details: false, name: group.name! }).toArray()).map((g) => json(g));
    expect(brief).toEqual([{ id: group.id, name: group.name }]);

    const inGroup = await bs.volumes({ groupId: group.id, details: false }).toArray();
    expect(new URL(sdk.last('GET', '/volumes').url).searchParams.get('group_id')).toBe(group.id);
    expect(inGroup.map((v) => v.id).sort()).toEqual(members.map((v) => v.id).sort());
  });

  it('updateGroup adds a volume, renames the group, and removes the volume again', async () => {
    const bs = sdk.bs;
    await bs.updateGroup(group.id, { addVolumes: outsider.id, description: 'with the outsider' });
    expect(sdk.last('PUT', `/groups/${group.id}`)).toMatchObject({
      status: 202,
      requestBody: { group: { add_volumes: outsider.id, description: 'with the outsider' } },
    });
    let g = await settledGroup(bs, group.id);
    expect(g.description).toBe('with the outsider');
    expect((await bs.getGroup(group.id, { listVolume: true })).volumes).toContain(outsider.id);
    expect((await bs.getVolume(outsider.id)).groupId).toBe(group.id);

    await bs.updateGroup(group.id, { removeVolumes: outsider.id });
    g = await settledGroup(bs, group.id);
    expect((await bs.getGroup(g.id, { listVolume: true })).volumes).not.toContain(outsider.id);
    expect((await bs.getVolume(outsider.id)).groupId).toBeUndefined();
  });

  it('resetGroupStatus (3.20) sets the status that getGroup then reports', async () => {
    await sdk.bs.resetGroupStatus(group.id, 'error');
    expect(sdk.last('POST', `/groups/${group.id}/action`).requestBody).toEqual({ reset_status: { status: 'error' } });
    expect((await sdk.bs.getGroup(group.id)).status).toBe('error');
    await sdk.bs.resetGroupStatus(group, 'available');
    expect((await sdk.bs.getGroup(group.id)).status).toBe('available');
  });

  it('replication (3.38): enable, disable and failover answer Cinder’s 400 for a non-replication group type', async () => {
    const why = `Invalid group type: Group ${group.id} is not a replication group type.`;
    await expectRejects(sdk.bs.enableGroupReplication(group.id), BadRequestError, 400, why);
    expect(sdk.last('POST', `/groups/${group.id}/action`).requestBody).toEqual({ enable_replication: {} });
    await expectRejects(sdk.bs.disableGroupReplication(group.id), BadRequestError, 400, why);
    expect(sdk.last('POST', `/groups/${group.id}/action`).requestBody).toEqual({ disable_replication: {} });
    await expectRejects(
      sdk.bs.failoverGroupReplication(group.id, { secondaryBackendId: 'osbs-secondary' }),
      BadRequestError,
      400,
      why,
    );
    expect(sdk.last('POST', `/groups/${group.id}/action`).requestBody).toEqual({
      failover_replication: { allow_attached_volume: false, secondary_backend_id: 'osbs-secondary' },
    });
    expect((await sdk.bs.getGroup(group.id)).replicationStatus).toBe('disabled');
  });
});

describe(`v3 group snapshots (${env.mode})`, () => {
  it('createGroupSnapshot takes one snapshot per volume, holding the data of that moment', async () => {
    const bs = sdk.bs;
    const created = await bs.createGroupSnapshot({
      groupId: group.id,
      name: uniqueName('v3-gsnap'),
      description: 'live',
    });
    cleanup.groupSnapshots.add(created.id);
    expect(json(created)).toMatchObject({ groupId: group.id, groupTypeId: groupType.id });
    groupSnapshot = await bs.waitForStatus(created, 'available', POLL);
    expect(json(groupSnapshot)).toMatchObject({
      id: created.id,
      name: created.name,
      description: 'live',
      status: 'available',
      groupId: group.id,
      groupTypeId: groupType.id,
      projectId: env.projectId,
    });

    const snaps = (await bs.snapshots().toArray()).filter((s) => s.groupSnapshotId === groupSnapshot.id);
    expect(snaps.map((s) => s.volumeId).sort()).toEqual(members.map((v) => v.id).sort());
    for (const s of snaps) {
      snapshotVolume.set(s.id, s.volumeId!);
      expect(s.status).toBe('available');
      if (dir) expectMarkers(snapshotFile(dir, s.id), marker(members.find((v) => v.id === s.volumeId)!));
    }
  });

  it('getGroupSnapshot, findGroupSnapshot and groupSnapshots() (with filters) show it', async () => {
    const bs = sdk.bs;
    expect(json(await bs.getGroupSnapshot(groupSnapshot.id))).toEqual(json(groupSnapshot));
    expect((await bs.findGroupSnapshot(groupSnapshot.name!))?.id).toBe(groupSnapshot.id);
    expect(await bs.findGroupSnapshot(uniqueName('missing'))).toBeUndefined();
    const byGroup = await bs.groupSnapshots({ groupId: group.id }).toArray();
    expect(byGroup.map((s) => s.id)).toEqual([groupSnapshot.id]);
    expect(new URL(sdk.last('GET', '/group_snapshots/detail').url).searchParams.get('group_id')).toBe(group.id);
    const brief = await bs.groupSnapshots({ details: false, status: 'available', name: groupSnapshot.name! }).toArray();
    expect(brief.map((s) => s.id)).toEqual([groupSnapshot.id]);
    expect(brief[0].groupTypeId).toBeUndefined();
  });

  it('resetGroupSnapshotStatus (3.19) sets the status', async () => {
    await sdk.bs.resetGroupSnapshotStatus(groupSnapshot.id, 'error');
    expect(sdk.last('POST', `/group_snapshots/${groupSnapshot.id}/action`).requestBody).toEqual({
      reset_status: { status: 'error' },
    });
    expect((await sdk.bs.getGroupSnapshot(groupSnapshot.id)).status).toBe('error');
    await sdk.bs.resetGroupSnapshotStatus(groupSnapshot, 'available');
    expect((await sdk.bs.getGroupSnapshot(groupSnapshot.id)).status).toBe('available');
  });

  it('createGroupFromSource from the group snapshot: a new group whose volumes hold the snapshot data', async () => {
    const bs = sdk.bs;
    // The members change after the snapshot; the new group must have the old data.
    if (dir) for (const v of members) writeMarkers(`${dir}/volume-${v.id}`, 'osbs-overwritten-after-snap');
    const made = await bs.createGroupFromSource({
      groupSnapshot: groupSnapshot.id,
      name: uniqueName('v3-group-from-snap'),
    });
    cleanup.groups.add(made.id);
    expect(sdk.last('POST', '/groups/action').requestBody).toEqual({
      'create-from-src': { group_snapshot_id: groupSnapshot.id, name: made.name },
    });
    const g = await settledGroup(bs, made.id);
    expect(json(g)).toMatchObject({
      groupSnapshotId: groupSnapshot.id,
      groupType: groupType.id,
      volumeTypes: [volumeType.id],
    });
    const volumes = await bs.volumes({ groupId: g.id }).toArray();
    expect(volumes).toHaveLength(2);
    for (const v of volumes) {
      cleanup.volumes.add(v.id);
      expect(v.status).toBe('available');
      expect(v.snapshotId).toBeDefined();
      const source = members.find((m) => m.id === (v.snapshotId && snapshotVolume.get(v.snapshotId)));
      if (dir && source) expectMarkers(`${dir}/volume-${v.id}`, marker(source));
    }
  });

  it('createGroupFromSource from the group: a clone of each member', async () => {
    const bs = sdk.bs;
    const made = await bs.createGroupFromSource({
      sourceGroup: group,
      name: uniqueName('v3-group-clone'),
      description: 'clone',
    });
    cleanup.groups.add(made.id);
    expect(sdk.last('POST', '/groups/action').requestBody).toEqual({
      'create-from-src': { source_group_id: group.id, name: made.name, description: 'clone' },
    });
    const g = await settledGroup(bs, made.id);
    expect(g.sourceGroupId).toBe(group.id);
    const volumes = await bs.volumes({ groupId: g.id }).toArray();
    expect(volumes.map((v) => v.sourceVolumeId).sort()).toEqual(members.map((v) => v.id).sort());
    for (const v of volumes) {
      cleanup.volumes.add(v.id);
      if (dir) expectMarkers(`${dir}/volume-${v.id}`, 'osbs-overwritten-after-snap');
    }
  });

  it('deleteGroupSnapshot removes it and its snapshots', async () => {
    const bs = sdk.bs;
    const snaps = (await bs.snapshots().toArray()).filter((s) => s.groupSnapshotId === groupSnapshot.id);
    await bs.deleteGroupSnapshot(groupSnapshot.id);
    await bs.waitForDelete(groupSnapshot, POLL);
    cleanup.groupSnapshots.delete(groupSnapshot.id);
    await expectRejects(
      bs.getGroupSnapshot(groupSnapshot.id),
      NotFoundError,
      404,
      `GroupSnapshot ${groupSnapshot.id} could not be found.`,
    );
    for (const s of snaps) await bs.waitForDelete(s, POLL);
    await bs.deleteGroupSnapshot(groupSnapshot.id); // ignoreMissing by default
  });
});

describe(`v3 group and group type deletion (${env.mode})`, () => {
  it('deleteGroup needs deleteVolumes while the group has volumes; with it the volumes go too', async () => {
    const bs = sdk.bs;
    await expectRejects(bs.deleteGroup(group.id), BadRequestError, 400, 'delete-volumes flag is required to delete it');
    expect(sdk.last('POST', `/groups/${group.id}/action`).requestBody).toEqual({ delete: { 'delete-volumes': false } });
    await bs.deleteGroup(group.id, { deleteVolumes: true });
    expect(sdk.last('POST', `/groups/${group.id}/action`).requestBody).toEqual({ delete: { 'delete-volumes': true } });
    await bs.waitForDelete(group, POLL);
    cleanup.groups.delete(group.id);
    for (const v of members) await bs.waitForDelete(v, POLL);
    await expectRejects(bs.getGroup(group.id), NotFoundError, 404, `Group ${group.id} could not be found.`);
    await bs.deleteGroup(group.id); // ignoreMissing by default
    await expectRejects(bs.deleteGroup(group.id, { ignoreMissing: false }), NotFoundError, 404);
  });

  it('deleteGroupType is refused while groups use the type, then deletes it', async () => {
    const bs = sdk.bs;
    const users = [...cleanup.groups];
    expect(users.length).toBeGreaterThan(0);
    await expectRejects(bs.deleteGroupType(groupType.id), BadRequestError, 400, 'Target group type is still in use.');
    for (const id of users) {
      // Fetch before deleting: the fake driver can finish the delete before a follow-up GET.
      const group = await bs.getGroup(id);
      await bs.deleteGroup(group, { deleteVolumes: true });
      await bs.waitForDelete(group, POLL);
      cleanup.groups.delete(id);
    }
    await bs.deleteGroupType(groupType.id);
    cleanup.groupTypes.delete(groupType.id);
    await expectRejects(
      bs.getGroupType(groupType.id),
      NotFoundError,
      404,
      `Group type ${groupType.id} could not be found.`,
    );
  });
});
