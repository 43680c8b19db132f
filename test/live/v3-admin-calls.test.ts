/**
 * The administrative methods v3 shares with v2, called through the generated v3 proxy (every
 * request at 3.70) against the real Cinder: volume types (update, access, extra specs,
 * encryption), QoS specs, quotas and quota classes, services (find, disable/enable, freeze/thaw,
 * failover), pools, capabilities, extensions, limits, and the consistency-group API that Cinder
 * serves on top of generic groups (with the deprecated group/group-snapshot reset aliases).
 * Every change is undone by the test that makes it; the v2 files check these areas in depth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ConsistencyGroupSnapshot, Group, QuotaSet, Type } from '../../generated/block-storage/v3/index.js';
import { BadRequestError, NotFoundError, ResourceFailureError } from '../../generated/index.js';
import { bestEffort } from './admin-helpers.js';
import { backendOf, expectRejects } from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { uniqueName } from './sdk.js';
import { POLL, V3Cleanup, connectV3, newVolumes, settledGroup, type WiredV3 } from './v3-helpers.js';

const env = loadLiveEnv();
/** The cinder-volume service of the second back end (the one discovery.test.ts also uses). */
const HOST = 'rc-host@fake2';

let sdk: WiredV3;
let cleanup: V3Cleanup;
const qosSpecs = new Set<string>();

async function newType(attrs: Parameters<WiredV3['bs']['createType']>[0] = {}): Promise<Type> {
  const type = await sdk.bs.createType({ name: uniqueName('v3-adm-type'), ...attrs });
  cleanup.types.add(type.id);
  return type;
}

beforeAll(async () => {
  sdk = await connectV3();
  cleanup = new V3Cleanup(sdk.bs);
});

afterAll(async () => {
  if (!sdk) return;
  for (const id of qosSpecs) await bestEffort(() => sdk.bs.deleteQosSpec(id, { force: true }));
  await cleanup.run();
  await sdk.close();
});

describe(`v3 volume types (${env.mode})`, () => {
  it('types() lists a new type; getType and updateType rename it', async () => {
    const bs = sdk.bs;
    const type = await newType({ description: 'before' });
    expect((await bs.types().toArray()).map((t) => t.id)).toContain(type.id);
    expect(sdk.last('GET', '/types').apiVersion).toBe('volume 3.70');
    const name = uniqueName('v3-adm-renamed');
    expect((await bs.updateType(type, { name, description: 'after' })).name).toBe(name);
    const got = await bs.getType(type.id);
    expect([got.name, got.description]).toEqual([name, 'after']);
  });

  it('updateTypeExtraSpecs merges keys; deleteTypeExtraSpecs removes them (a missing key is a 404)', async () => {
    const bs = sdk.bs;
    const type = await newType({ extraSpecs: { keep: 'me' } });
    expect(await bs.updateTypeExtraSpecs(type, { keep: 'changed', extra: '1' })).toEqual({
      keep: 'changed',
      extra: '1',
    });
    await bs.deleteTypeExtraSpecs(type, ['extra']);
    expect((await bs.getType(type.id)).extraSpecs).toEqual({ keep: 'changed' });
    await expectRejects(
      bs.deleteTypeExtraSpecs(type, ['extra']),
      NotFoundError,
      404,
      `Volume Type ${type.id} has no extra specs with key extra.`,
    );
  });

  it('a private type: addTypeAccess, getTypeAccess, removeTypeAccess for the second project', async () => {
    const bs = sdk.bs;
    const project = env.secondProjectId!;
    const type = await newType({ isPublic: false });
    expect(await bs.getTypeAccess(type)).toEqual([]);
    await bs.addTypeAccess(type, project);
    expect((await bs.getTypeAccess(type)).map((a) => [a.volumeTypeId, a.projectId])).toEqual([[type.id, project]]);
    await bs.removeTypeAccess(type, project);
    expect(await bs.getTypeAccess(type)).toEqual([]);
    await expectRejects(
      bs.removeTypeAccess(type, project),
      NotFoundError,
      404,
      `Volume type access not found for ${type.id} / ${project} combination.`,
    );
  });

  it('type encryption: createTypeEncryption, getTypeEncryption, updateTypeEncryption, deleteTypeEncryption', async () => {
    const bs = sdk.bs;
    const type = await newType();
    expect((await bs.getTypeEncryption(type)).encryptionId).toBeUndefined();
    const enc = await bs.createTypeEncryption(type, { provider: 'luks', controlLocation: 'front-end', keySize: 256 });
    expect(enc.volumeTypeId).toBe(type.id);
    await bs.updateTypeEncryption(type, { keySize: 512 });
    expect(await bs.getTypeEncryption(type.id)).toMatchObject({
      encryptionId: enc.encryptionId,
      provider: 'luks',
      controlLocation: 'front-end',
      keySize: 512,
    });
    await bs.deleteTypeEncryption(type);
    expect((await bs.getTypeEncryption(type)).encryptionId).toBeUndefined();
  });
});

describe(`v3 QoS specs (${env.mode})`, () => {
  it('createQosSpec, getQosSpec, findQosSpec, qosSpecs, updateQosSpec, deleteQosSpecMetadata', async () => {
    const bs = sdk.bs;
    const name = uniqueName('v3-qos');
    const spec = await bs.createQosSpec({ name, consumer: 'back-end', specs: { a: '1', b: '2' } });
    qosSpecs.add(spec.id);
    expect(sdk.last('POST', '/qos-specs').apiVersion).toBe('volume 3.70');
    expect((await bs.getQosSpec(spec.id)).specs).toEqual({ a: '1', b: '2' });
    expect((await bs.findQosSpec(name, { ignoreMissing: false })).id).toBe(spec.id);
    expect((await bs.qosSpecs().toArray()).map((s) => s.id)).toContain(spec.id);

    const updated = await bs.updateQosSpec(spec, { consumer: 'both', specs: { b: '3' } });
    expect([updated.consumer, updated.specs]).toEqual(['both', { b: '3' }]);
    await bs.deleteQosSpecMetadata(spec, ['a']);
    const got = await bs.getQosSpec(spec.id);
    expect([got.consumer, got.specs]).toEqual(['both', { b: '3' }]);
    await expectRejects(
      bs.deleteQosSpecMetadata(spec, ['a']),
      NotFoundError,
      404,
      `QoS spec ${spec.id} has no spec with key a.`,
    );
  });

  it('associateQosSpec, qosSpecAssociations, disassociateQosSpec, disassociateAllQosSpec, deleteQosSpec', async () => {
    const bs = sdk.bs;
    const spec = await bs.createQosSpec({ name: uniqueName('v3-qos-assoc'), specs: { total_iops_sec: '100' } });
    qosSpecs.add(spec.id);
    const [gold, silver] = await Promise.all([newType(), newType()]);
    await bs.associateQosSpec(spec, gold);
    await bs.associateQosSpec(spec.id, silver.id);
    const associated = async (): Promise<string[]> =>
      (await bs.qosSpecAssociations(spec).toArray()).map((a) => a.id!).sort();
    expect(await associated()).toEqual([gold.id, silver.id].sort());
    expect((await bs.getType(gold.id)).qosSpecsId).toBe(spec.id);
    await bs.disassociateQosSpec(spec, gold);
    expect(await associated()).toEqual([silver.id]);
    await expectRejects(bs.deleteQosSpec(spec), BadRequestError, 400, 'Qos specs still in use.');
    await bs.disassociateAllQosSpec(spec);
    expect(await associated()).toEqual([]);
    await bs.deleteQosSpec(spec);
    await expectRejects(bs.getQosSpec(spec.id), NotFoundError, 404, 'No such QoS spec');
    qosSpecs.delete(spec.id);
  });
});

describe(`v3 quotas (${env.mode})`, () => {
  const KEYS = ['volumes', 'snapshots', 'gigabytes', 'backups', 'groups'] as const;
  const values = (q: QuotaSet): Record<string, number | undefined> => Object.fromEntries(KEYS.map((k) => [k, q[k]]));

  it('getQuotaSet (with usage), getQuotaSetDefaults, updateQuotaSet, revertQuotaSet; the harness’s values restored', async () => {
    const bs = sdk.bs;
    const project = env.projectId;
    const original = await bs.getQuotaSet(project);
    expect(original.volumes).toBeGreaterThanOrEqual(200);
    const usage = await bs.getQuotaSet(project, { usage: true });
    expect(usage.volumes).toBe(original.volumes);
    expect(typeof usage.usage?.['volumes']).toBe('number');
    const defaults = await bs.getQuotaSetDefaults(project);
    expect(defaults.volumes).toBeLessThan(original.volumes!);
    try {
      expect((await bs.updateQuotaSet(project, { volumes: original.volumes! + 1 })).volumes).toBe(
        original.volumes! + 1,
      );
      await bs.revertQuotaSet(project);
      expect(values(await bs.getQuotaSet(project))).toEqual(values(defaults));
    } finally {
      await bs.updateQuotaSet(project, values(original));
    }
    expect(values(await bs.getQuotaSet(project))).toEqual(values(original));
  });

  it('getQuotaClassSet and updateQuotaClassSet on the default class (restored)', async () => {
    const bs = sdk.bs;
    const original = await bs.getQuotaClassSet();
    expect(original.id).toBe('default');
    try {
      const changed = await bs.updateQuotaClassSet('default', { groups: original.groups! + 1 });
      expect(changed.groups).toBe(original.groups! + 1);
      expect((await bs.getQuotaClassSet('default')).groups).toBe(original.groups! + 1);
    } finally {
      await bs.updateQuotaClassSet('default', { groups: original.groups! });
    }
    expect((await bs.getQuotaClassSet()).groups).toBe(original.groups);
  });
});

describe(`v3 services and back ends (${env.mode})`, () => {
  afterAll(async () => {
    // Leave the back end as the harness made it: thawed and enabled.
    await bestEffort(async () => {
      const service = await sdk.bs.findService('cinder-volume', { host: HOST, ignoreMissing: false });
      if (service.isFrozen) await sdk.bs.thawService(service);
      if ((await sdk.bs.findService('cinder-volume', { host: HOST, ignoreMissing: false })).status !== 'enabled')
        await sdk.bs.enableService(service);
    });
  });

  it('services and findService; disableService with a reason and enableService', async () => {
    const bs = sdk.bs;
    const hosts = (await bs.services({ binary: 'cinder-volume' }).toArray()).map((s) => s.host).sort();
    expect(hosts).toContain(HOST);
    expect(sdk.last('GET', '/os-services').apiVersion).toBe('volume 3.70');
    const service = await bs.findService('cinder-volume', { host: HOST, ignoreMissing: false });
    const reason = uniqueName('v3-maintenance');
    const disabled = await bs.disableService(service, { reason });
    expect([disabled.status, disabled.disabledReason]).toEqual(['disabled', reason]);
    const enabled = await bs.enableService(service);
    expect(enabled.status).toBe('enabled');
    expect((await bs.findService('cinder-volume', { host: HOST, ignoreMissing: false })).status).toBe('enabled');
  });

  it('freezeService and thawService; failoverService answers Cinder’s 400 (no replication here)', async () => {
    const bs = sdk.bs;
    const service = await bs.findService('cinder-volume', { host: HOST, ignoreMissing: false });
    await bs.freezeService(service);
    expect((await bs.findService('cinder-volume', { host: HOST, ignoreMissing: false })).isFrozen).toBe(true);
    await bs.thawService(service);
    const thawed = await bs.findService('cinder-volume', { host: HOST, ignoreMissing: false });
    expect([thawed.isFrozen, thawed.status]).toEqual([false, 'enabled']);

    await expectRejects(
      bs.failoverService(thawed),
      BadRequestError,
      400,
      "Invalid input received: No service could be changed: replication_status in ['rc-host@fake2'] must be " +
        "['enabled', 'failed-over'] and must be up to failover.",
    );
    // Not checked: which of Cinder's two failover routes carried it (the runtime may pick either).
  });

  it('backendPools, getCapabilities, extensions and getLimits', async () => {
    const bs = sdk.bs;
    const pools = await bs.backendPools().toArray();
    expect(pools.map((p) => p.name).sort()).toEqual([...env.pools].sort());
    const host = env.pools[0].split('#')[0];
    const caps = await bs.getCapabilities(host);
    expect([caps.namespace, caps.volumeBackendName]).toEqual([
      `OS::Storage::Capabilities::${host}`,
      backendOf(env.pools[0]),
    ]);
    const aliases = (await bs.extensions().toArray()).map((e) => e.alias);
    expect(aliases).toEqual(expect.arrayContaining(['os-quota-sets', 'qos-specs', 'consistencygroups']));
    const limits = await bs.getLimits();
    expect(limits.absolute!.maxTotalVolumes).toBeGreaterThanOrEqual(200);
    expect(sdk.last('GET', '/limits').apiVersion).toBe('volume 3.70');
  });
});

describe(`v3 consistency groups (${env.mode})`, () => {
  let fakeType: Type;
  let group: Group;
  let cgsnapshot: ConsistencyGroupSnapshot;

  beforeAll(async () => {
    const bs = sdk.bs;
    fakeType = await newType({ extraSpecs: { volume_backend_name: backendOf(env.pools[0]) } });
    const groupType = await bs.createGroupType({ name: uniqueName('v3-adm-gtype') });
    cleanup.groupTypes.add(groupType.id);
    const g = await bs.createGroup({
      name: uniqueName('v3-adm-cg'),
      groupType: groupType.id,
      volumeTypes: [fakeType.id],
    });
    cleanup.groups.add(g.id);
    group = await bs.waitForStatus(g, 'available', POLL);
    await newVolumes(bs, cleanup, uniqueName('v3-adm-cgvol'), 1, { volumeType: fakeType.id, groupId: group.id });
  });

  it('createConsistencyGroup on a type no back end serves: accepted, then error; get, find, update, delete', async () => {
    const bs = sdk.bs;
    const nowhere = await newType({ extraSpecs: { volume_backend_name: 'osbs-no-such-backend' } });
    const name = uniqueName('v3-adm-cgapi');
    const cg = await bs.createConsistencyGroup({ name, volumeTypes: nowhere.id });
    cleanup.groups.add(cg.id);
    expect(sdk.last('POST', '/consistencygroups').apiVersion).toBe('volume 3.70');
    const failure = await expectRejects(bs.waitForStatus(cg, 'available', POLL), ResourceFailureError);
    expect(failure.status).toBe('error');
    expect((await bs.getConsistencyGroup(cg.id)).volumeTypes).toEqual([nowhere.id]);
    expect((await bs.findConsistencyGroup(name, { ignoreMissing: false })).id).toBe(cg.id);
    // A rename sets the group to available (Cinder does so for any name/description update).
    await bs.updateConsistencyGroup(cg, { name: `${name}-renamed` });
    const renamed = await bs.getConsistencyGroup(cg.id);
    expect([renamed.name, renamed.status]).toEqual([`${name}-renamed`, 'available']);
    // Without a host Cinder removes it from its database at once.
    await bs.deleteConsistencyGroup(cg);
    await expectRejects(bs.getConsistencyGroup(cg.id), NotFoundError, 404, `Group ${cg.id} could not be found.`);
  });

  it('a generic group through the CG API: consistencyGroups, createConsistencyGroupSnapshot, get, find, list', async () => {
    const bs = sdk.bs;
    expect((await bs.consistencyGroups().toArray()).find((g) => g.id === group.id)?.volumeTypes).toEqual([fakeType.id]);
    const name = uniqueName('v3-adm-cgsnap');
    const created = await bs.createConsistencyGroupSnapshot({ consistencyGroupId: group.id, name });
    cleanup.groupSnapshots.add(created.id);
    cgsnapshot = await bs.waitForStatus(created, 'available', POLL);
    expect((await bs.getConsistencyGroupSnapshot(created.id)).consistencyGroupId).toBe(group.id);
    expect((await bs.findConsistencyGroupSnapshot(name, { ignoreMissing: false })).id).toBe(created.id);
    expect((await bs.consistencyGroupSnapshots().toArray()).map((s) => s.id)).toContain(created.id);
  });

  it('resetGroupState and resetGroupSnapshotState (deprecated aliases) write the status', async () => {
    const bs = sdk.bs;
    await bs.resetGroupState(group, 'error');
    expect((await bs.getGroup(group.id)).status).toBe('error');
    await bs.resetGroupState(group.id, 'available');
    expect((await bs.getGroup(group.id)).status).toBe('available');
    await bs.resetGroupSnapshotState(cgsnapshot.id, 'error');
    expect((await bs.getGroupSnapshot(cgsnapshot.id)).status).toBe('error');
    await bs.resetGroupSnapshotState(cgsnapshot.id, 'available');
    expect((await bs.getGroupSnapshot(cgsnapshot.id)).status).toBe('available');
  });

  it('createConsistencyGroupFromSource from the CG snapshot; deleteConsistencyGroup with force, deleteConsistencyGroupSnapshot', async () => {
    const bs = sdk.bs;
    const clone = await bs.createConsistencyGroupFromSource({
      consistencyGroupSnapshot: cgsnapshot,
      name: uniqueName('v3-adm-fromsnap'),
    });
    cleanup.groups.add(clone.id);
    const ready = await settledGroup(bs, clone.id);
    expect(ready.volumeTypes).toEqual([fakeType.id]);
    const members = await bs.volumes({ groupId: clone.id }).toArray();
    expect(members.map((v) => v.status)).toEqual(['available']);
    for (const v of members) cleanup.volumes.add(v.id);

    await bs.deleteConsistencyGroup(clone, { force: true });
    await bs.waitForDelete(ready, POLL);
    await expectRejects(bs.getVolume(members[0].id), NotFoundError, 404);

    await bs.deleteConsistencyGroupSnapshot(cgsnapshot);
    await bs.waitForDelete(cgsnapshot, POLL);
    await expectRejects(
      bs.getConsistencyGroupSnapshot(cgsnapshot.id),
      NotFoundError,
      404,
      `GroupSnapshot ${cgsnapshot.id} could not be found.`,
    );
  });
});
