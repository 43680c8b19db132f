/**
 * Live: consistency groups and their snapshots through the generated v2 proxy against a real
 * Cinder 21, which serves the deprecated CG API on top of generic volume groups.
 *
 * What the file-backed fake driver supports (FakeLoggingVolumeDriver, see README §12):
 * - A group created with POST /consistencygroups gets the group type `default_cgsnapshot_type`.
 *   For that type Cinder calls the driver's create_group/create_consistencygroup, which the fake
 *   driver does not implement (NotImplementedError): the group ends in `error`, and since
 *   delete_consistencygroup is not implemented either, such a group can never be deleted. So
 *   createConsistencyGroup is exercised on a volume type no back end serves: the scheduler puts the
 *   group in `error` without a host, and Cinder then deletes it from its database directly.
 * - Any other group type uses Cinder's generic group code, which works with this driver. A generic
 *   group (created through the v3 /groups API, which the v2 proxy has no method for) is a full
 *   consistency group for every other CG call: update with volumes, CG snapshots, create from a
 *   CG snapshot or a CG, delete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BadRequestError, NotFoundError, ResourceFailureError, ResourceNotFoundError } from '../../generated/index.js';
import type {
  ConsistencyGroup,
  ConsistencyGroupSnapshot,
  Type,
  Volume,
} from '../../generated/block-storage/v2/index.js';
import { bestEffort, expectError, POLL, rawV3 } from './admin-helpers.js';
import { connectLive, uniqueName, type LiveSdk } from './sdk.js';
import { wholeFileSkipped } from './fake-tags.js';

let sdk: LiveSdk;
let fakeType: Type;
let nowhereType: Type;
let groupTypeId: string | undefined;
/** A generic group (v3 /groups) holding `member`; used through the CG API. */
let group: ConsistencyGroup;
let member: Volume;
let cgsnapshot: ConsistencyGroupSnapshot | undefined;

const groups = new Set<string>();
const volumes = new Set<string>();
const cgsnapshots = new Set<string>();
/** The groups created from a source (deleted with force in the last test). */
const clones: string[] = [];

interface V3Volume {
  id: string;
  status: string;
  size: number;
  group_id: string | null;
}

/** A volume at microversion 3.13, where Cinder shows its group_id. */
async function v3Volume(id: string): Promise<V3Volume> {
  return (await rawV3<{ volume: V3Volume }>(sdk.bs, 'GET', `/volumes/${id}`, undefined, '3.13')).volume;
}

/** The volumes of a group, at microversion 3.13 (filter by group_id). */
async function groupVolumes(groupId: string): Promise<V3Volume[]> {
  return (await rawV3<{ volumes: V3Volume[] }>(sdk.bs, 'GET', `/volumes/detail?group_id=${groupId}`, undefined, '3.13'))
    .volumes;
}

beforeAll(async () => {
  if (wholeFileSkipped(import.meta.url)) return; // on the fake cloud: test/live/fake-tags.ts says why
  sdk = await connectLive();
  fakeType = await sdk.bs.createType({ name: uniqueName('cgtype'), extraSpecs: { volume_backend_name: 'fake' } });
  nowhereType = await sdk.bs.createType({
    name: uniqueName('cgnowhere'),
    extraSpecs: { volume_backend_name: 'osbs-no-such-backend' },
  });

  const groupType = await rawV3<{ group_type: { id: string } }>(sdk.bs, 'POST', '/group_types', {
    group_type: { name: uniqueName('gtype'), is_public: true },
  });
  groupTypeId = groupType.group_type.id;
  const created = await rawV3<{ group: { id: string } }>(sdk.bs, 'POST', '/groups', {
    group: {
      name: uniqueName('cg'),
      description: 'generic group',
      group_type: groupTypeId,
      volume_types: [fakeType.id],
    },
  });
  groups.add(created.group.id);
  member = await sdk.bs.createVolume({ size: 1, name: uniqueName('cgvol'), volumeType: fakeType.id });
  volumes.add(member.id);
  group = await sdk.bs.waitForStatus(await sdk.bs.getConsistencyGroup(created.group.id), 'available', POLL);
  await sdk.bs.waitForStatus(member, 'available', POLL);
});

afterAll(async () => {
  if (wholeFileSkipped(import.meta.url)) return;
  if (!sdk) return;
  for (const id of cgsnapshots) {
    await bestEffort(async () => {
      const doomed = await sdk.bs.getConsistencyGroupSnapshot(id);
      await sdk.bs.deleteConsistencyGroupSnapshot(doomed);
      await sdk.bs.waitForDelete(doomed, POLL);
    });
  }
  for (const id of groups) {
    await bestEffort(async () => {
      const doomed = await sdk.bs.getConsistencyGroup(id);
      await sdk.bs.deleteConsistencyGroup(doomed, { force: true });
      await sdk.bs.waitForDelete(doomed, POLL);
    });
  }
  for (const id of volumes) {
    await bestEffort(async () => {
      const doomed = await sdk.bs.getVolume(id);
      await sdk.bs.deleteVolume(doomed);
      await sdk.bs.waitForDelete(doomed, POLL);
    });
  }
  await bestEffort(
    async () => {
      if (groupTypeId) await rawV3(sdk.bs, 'DELETE', `/group_types/${groupTypeId}`);
    },
    () => sdk.bs.deleteType(fakeType.id),
    () => sdk.bs.deleteType(nowhereType.id),
  );
  await sdk.close();
});

describe(`consistency groups (${process.env['RC_AUTH'] ?? 'noauth'})`, () => {
  it('createConsistencyGroup: accepted, then error without a back end; what Cinder does with such a group', async () => {
    await expectError(
      sdk.bs.createConsistencyGroup({ name: uniqueName('notypes') }),
      BadRequestError,
      'volume_types must be provided to create consistency group',
    );

    const name = uniqueName('cgapi');
    const cg = await sdk.bs.createConsistencyGroup({
      name,
      description: 'through the CG API',
      volumeTypes: nowhereType.id,
    });
    groups.add(cg.id);
    expect(cg.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(cg.name).toBe(name);
    const failure = await expectError(sdk.bs.waitForStatus(cg, 'available', POLL), ResourceFailureError);
    expect(failure.status).toBe('error');

    const got = await sdk.bs.getConsistencyGroup(cg.id);
    expect(got).toMatchObject({ name, description: 'through the CG API', status: 'error', availabilityZone: 'nova' });
    expect(got.volumeTypes).toEqual([nowhereType.id]);
    expect(got.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await sdk.bs.findConsistencyGroup(name, { ignoreMissing: false })).id).toBe(cg.id);

    // Renaming sets the group to available (Cinder does so for every name/description-only update),
    // although no back end holds it.
    await sdk.bs.updateConsistencyGroup(cg, { name: `${name}-renamed`, description: 'renamed' });
    const renamed = await sdk.bs.getConsistencyGroup(cg.id);
    expect(renamed).toMatchObject({ name: `${name}-renamed`, description: 'renamed', status: 'available' });
    await expectError(
      sdk.bs.updateConsistencyGroup(cg.id, { name: `${name}-renamed` }),
      BadRequestError,
      `Invalid Group: Cannot update group ${cg.id} because no valid name, description, add_volumes, or remove_volumes were provided.`,
    );

    // Without a host, Cinder cannot snapshot it (its message speaks of a volume) nor clone it.
    await expectError(
      sdk.bs.createConsistencyGroupSnapshot({ consistencyGroupId: cg.id, name: uniqueName('cgsnap') }),
      BadRequestError,
      'Invalid volume: volume is not assigned to a host',
    );
    const cloneName = uniqueName('cgclone');
    await expectError(
      sdk.bs.createConsistencyGroupFromSource({ consistencyGroup: cg.id, name: cloneName }),
      BadRequestError,
      'Invalid Group: No valid host to create group',
    );
    // ... and leaves the new group behind in `creating` (it has no host either, so it can be deleted).
    const leftover = await sdk.bs.findConsistencyGroup(cloneName, { ignoreMissing: false });
    groups.add(leftover.id);
    expect(leftover.status).toBe('creating');
    await sdk.bs.deleteConsistencyGroup(leftover);
    await expectError(
      sdk.bs.getConsistencyGroup(leftover.id),
      NotFoundError,
      `Group ${leftover.id} could not be found.`,
    );

    // A group without a host is deleted from the database at once.
    await sdk.bs.deleteConsistencyGroup(cg);
    await expectError(sdk.bs.getConsistencyGroup(cg.id), NotFoundError, `Group ${cg.id} could not be found.`);
    expect(await sdk.bs.findConsistencyGroup(name)).toBeUndefined();
  });

  it('a generic group through the CG API: getConsistencyGroup, findConsistencyGroup, consistencyGroups (details on/off)', async () => {
    const got = await sdk.bs.getConsistencyGroup(group.id);
    expect(got).toMatchObject({
      id: group.id,
      name: group.name,
      description: 'generic group',
      status: 'available',
      availabilityZone: 'nova',
    });
    expect(got.volumeTypes).toEqual([fakeType.id]);
    expect((await sdk.bs.findConsistencyGroup(group.name!, { ignoreMissing: false })).id).toBe(group.id);
    expect((await sdk.bs.findConsistencyGroup(group.id, { ignoreMissing: false })).name).toBe(group.name);
    expect(await sdk.bs.findConsistencyGroup(uniqueName('none'))).toBeUndefined();
    await expectError(sdk.bs.findConsistencyGroup(uniqueName('none'), { ignoreMissing: false }), ResourceNotFoundError);

    const detailed = await sdk.bs.consistencyGroups().toArray();
    expect(detailed.find((g) => g.id === group.id)).toMatchObject({ status: 'available', volumeTypes: [fakeType.id] });
    const brief = await sdk.bs.consistencyGroups({ details: false }).toArray();
    const mine = brief.find((g) => g.id === group.id)!;
    expect(mine.name).toBe(group.name);
    expect(mine.status).toBeUndefined();
    expect((await sdk.bs.consistencyGroups({ name: group.name! }).toArray()).map((g) => g.id)).toEqual([group.id]);
    // One group per page: the SDK follows Cinder's `consistencygroup_links` to the same set.
    const paged = await sdk.bs.consistencyGroups({ limit: 1 }).toArray();
    expect(paged.map((g) => g.id).sort()).toEqual(detailed.map((g) => g.id).sort());
  });

  it('updateConsistencyGroup renames the group and adds a volume', async () => {
    const name = uniqueName('cgrenamed');
    await sdk.bs.updateConsistencyGroup(group, { name, description: 'with a volume', addVolumes: member.id });
    group = await sdk.bs.waitForStatus(await sdk.bs.getConsistencyGroup(group.id), 'available', POLL);
    expect(group.name).toBe(name);
    expect(group.description).toBe('with a volume');
    expect((await v3Volume(member.id)).group_id).toBe(group.id);
    expect((await groupVolumes(group.id)).map((v) => v.id)).toEqual([member.id]);

    // A volume of a type the group does not have is refused.
    const other = await sdk.bs.createVolume({ size: 1, name: uniqueName('cgother') });
    volumes.add(other.id);
    await sdk.bs.waitForStatus(other, 'available', POLL);
    await expectError(
      sdk.bs.updateConsistencyGroup(group.id, { addVolumes: other.id }),
      BadRequestError,
      `Invalid volume: Cannot add volume ${other.id} to group ${group.id} because volume type`,
      'is not supported by the group.',
    );
    // A group holding volumes is not deleted without force.
    await expectError(
      sdk.bs.deleteConsistencyGroup(group),
      BadRequestError,
      `Group ${group.id} still contains volumes.`,
    );
  });

  it('createConsistencyGroupSnapshot snapshots every member; get, find and list it (details on/off)', async () => {
    const name = uniqueName('cgsnap');
    const created = await sdk.bs.createConsistencyGroupSnapshot({
      consistencyGroupId: group.id,
      name,
      description: 'point in time',
    });
    cgsnapshots.add(created.id);
    expect(created.name).toBe(name);
    cgsnapshot = await sdk.bs.waitForStatus(created, 'available', POLL);

    const got = await sdk.bs.getConsistencyGroupSnapshot(created.id);
    expect(got).toMatchObject({
      id: created.id,
      name,
      description: 'point in time',
      consistencyGroupId: group.id,
      status: 'available',
    });
    expect(got.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await sdk.bs.findConsistencyGroupSnapshot(name, { ignoreMissing: false })).id).toBe(created.id);
    expect((await sdk.bs.findConsistencyGroupSnapshot(created.id, { ignoreMissing: false })).name).toBe(name);
    expect(await sdk.bs.findConsistencyGroupSnapshot(uniqueName('none'))).toBeUndefined();

    const detailed = await sdk.bs.consistencyGroupSnapshots().toArray();
    expect(detailed.find((s) => s.id === created.id)).toMatchObject({
      consistencyGroupId: group.id,
      status: 'available',
    });
    const brief = (await sdk.bs.consistencyGroupSnapshots({ details: false }).toArray()).find(
      (s) => s.id === created.id,
    )!;
    expect(brief.name).toBe(name);
    expect(brief.status).toBeUndefined();

    // Cinder took one volume snapshot per member, named after the CG snapshot.
    const snaps = await sdk.bs.snapshots({ volumeId: member.id }).toArray();
    expect(snaps.map((s) => ({ name: s.name, status: s.status, size: s.size }))).toEqual([
      { name, status: 'available', size: 1 },
    ]);

    await expectError(sdk.bs.getConsistencyGroupSnapshot(crypto.randomUUID()), NotFoundError, 'could not be found.');
  });

  it('createConsistencyGroupFromSource: from the CG snapshot and by cloning the group', async () => {
    await expectError(
      sdk.bs.createConsistencyGroupFromSource({ name: uniqueName('nosource') }),
      BadRequestError,
      "Either 'cgsnapshot_id' or 'source_cgid' must be provided",
    );

    const fromSnap = await sdk.bs.createConsistencyGroupFromSource({
      consistencyGroupSnapshot: cgsnapshot!,
      name: uniqueName('fromsnap'),
      description: 'restored',
    });
    groups.add(fromSnap.id);
    clones.push(fromSnap.id);
    const fromGroup = await sdk.bs.createConsistencyGroupFromSource({
      consistencyGroup: group,
      name: uniqueName('fromcg'),
    });
    groups.add(fromGroup.id);
    clones.push(fromGroup.id);

    for (const cg of [fromSnap, fromGroup]) {
      const ready = await sdk.bs.waitForStatus(await sdk.bs.getConsistencyGroup(cg.id), 'available', POLL);
      expect(ready.name).toBe(cg.name);
      expect(ready.volumeTypes).toEqual([fakeType.id]);
      const members = await groupVolumes(cg.id);
      expect(members.map((v) => ({ status: v.status, size: v.size, group: v.group_id }))).toEqual([
        { status: 'available', size: 1, group: cg.id },
      ]);
      for (const v of members) volumes.add(v.id);
    }
    expect((await sdk.bs.getConsistencyGroup(fromSnap.id)).description).toBe('restored');
  });

  it('removes the volume, deletes the CG snapshot, and deletes the groups (force takes their volumes too)', async () => {
    await sdk.bs.updateConsistencyGroup(group, { removeVolumes: member.id });
    await sdk.bs.waitForStatus(await sdk.bs.getConsistencyGroup(group.id), 'available', POLL);
    expect((await v3Volume(member.id)).group_id).toBeNull();
    expect(await groupVolumes(group.id)).toEqual([]);
    await expectError(
      sdk.bs.updateConsistencyGroup(group.id, { removeVolumes: member.id }),
      BadRequestError,
      `Invalid volume: Cannot remove volume ${member.id} from group ${group.id} because it is not in the group.`,
    );

    await sdk.bs.deleteConsistencyGroupSnapshot(cgsnapshot!);
    await sdk.bs.waitForDelete(cgsnapshot!, POLL);
    await expectError(
      sdk.bs.getConsistencyGroupSnapshot(cgsnapshot!.id),
      NotFoundError,
      `GroupSnapshot ${cgsnapshot!.id} could not be found.`,
    );
    expect(await sdk.bs.snapshots({ volumeId: member.id }).toArray()).toEqual([]);
    await expectError(
      sdk.bs.deleteConsistencyGroupSnapshot(cgsnapshot!.id, { ignoreMissing: false }),
      NotFoundError,
      `GroupSnapshot ${cgsnapshot!.id} could not be found.`,
    );
    await expect(sdk.bs.deleteConsistencyGroupSnapshot(cgsnapshot!.id)).resolves.toBeUndefined();

    for (const id of clones) {
      const members = await groupVolumes(id);
      expect(members.length).toBe(1);
      const clone = await sdk.bs.getConsistencyGroup(id);
      await sdk.bs.deleteConsistencyGroup(clone, { force: true });
      await sdk.bs.waitForDelete(clone, POLL);
      await expectError(sdk.bs.getConsistencyGroup(id), NotFoundError, `Group ${id} could not be found.`);
      for (const v of members)
        await expectError(sdk.bs.getVolume(v.id), NotFoundError, `Volume ${v.id} could not be found.`);
    }

    // The emptied group needs no force.
    await sdk.bs.deleteConsistencyGroup(group);
    await sdk.bs.waitForDelete(group, POLL);
    await expectError(sdk.bs.getConsistencyGroup(group.id), NotFoundError, `Group ${group.id} could not be found.`);
    await expect(sdk.bs.deleteConsistencyGroup(group.id)).resolves.toBeUndefined();
    await expectError(
      sdk.bs.deleteConsistencyGroup(group.id, { ignoreMissing: false }),
      NotFoundError,
      `Group ${group.id} could not be found.`,
    );
    // The member volume is still there, outside any group.
    expect((await sdk.bs.getVolume(member.id)).status).toBe('available');
  });
});
