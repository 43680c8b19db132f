/**
 * Quotas, limits, the volume summary and the values Cinder fills in, as the fake cloud runs them
 * from the spec's declarations (`quota` of QuotaSet, QuotaClassSet and Limits, the summary's
 * `aggregate`, fields' `server_default`, the volume type's `seed`), through the SDK on a loopback
 * socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockStorageV3, CloudConnection } from 'openstack-block-storage';
import { startFakeCloud, type FakeCloud } from 'openstack-block-storage/testing';

type Connection = CloudConnection & { readonly blockStorage: BlockStorageV3 };

let fake: FakeCloud;
let cloud: Connection;
let bs: BlockStorageV3;
let project: string;
const fast = { interval: 0.01, wait: 5 };

beforeAll(async () => {
  fake = await startFakeCloud();
  cloud = await fake.connect();
  bs = cloud.blockStorage;
  project = fake.projectId;
});
afterAll(async () => {
  await cloud.close();
  await fake.close();
});

/** Runs a test on a fake of its own, closed afterwards. */
async function withFake(
  options: Parameters<typeof startFakeCloud>[0],
  test: (bs: BlockStorageV3, fake: FakeCloud) => Promise<void>,
): Promise<void> {
  const own = await startFakeCloud(options);
  const c = await own.connect();
  try {
    await test(c.blockStorage, own);
  } finally {
    await c.close();
    await own.close();
  }
}

describe('quota sets on the fake cloud', () => {
  it('a project without quotas of its own gets the stock defaults: 10 volumes, 1000 gigabytes, unlimited per volume', async () => {
    const quotas = await bs.getQuotaSet(project);
    expect(quotas).toMatchObject({
      projectId: project,
      volumes: 10,
      snapshots: 10,
      backups: 10,
      groups: 10,
      gigabytes: 1000,
      backupGigabytes: 1000,
      perVolumeGigabytes: -1,
    });
    // The default volume type has its own keys, unlimited.
    expect(quotas.getAttribute('volumes___DEFAULT__')).toBe(-1);
    expect(quotas.getAttribute('gigabytes___DEFAULT__')).toBe(-1);
    expect(await bs.getQuotaSetDefaults(project)).toMatchObject({ volumes: 10, gigabytes: 1000 });
  });

  it('with usage, in_use counts the volumes and sums volume and snapshot sizes, also per volume type', async () => {
    const volume = await bs.waitForStatus(await bs.createVolume({ size: 3 }), 'available', fast);
    fake.state.insert('Snapshot', { volume_id: volume.id, size: 2, status: 'available' });
    fake.state.insert('Backup', { volume_id: volume.id, size: 5, status: 'available' });
    const withUsage = await bs.getQuotaSet(project, { usage: true });
    expect(withUsage.volumes).toBe(10);
    expect(withUsage.usage).toMatchObject({
      volumes: 1,
      snapshots: 1,
      gigabytes: 5,
      backups: 1,
      backup_gigabytes: 5,
      groups: 0,
      volumes___DEFAULT__: 1,
      gigabytes___DEFAULT__: 3,
    });
    expect(withUsage.reservation).toMatchObject({ volumes: 0, gigabytes: 0 });

    const limits = await bs.getLimits();
    expect(limits.rate).toEqual([]);
    expect(limits.absolute).toMatchObject({
      maxTotalVolumes: 10,
      maxTotalVolumeGigabytes: 1000,
      totalVolumesUsed: 1,
      totalGigabytesUsed: 5,
      totalBackupsUsed: 1,
      totalBackupGigabytesUsed: 5,
    });
  });

  it('updateQuotaSet refuses a limit below the usage, an unknown key and a value below -1, as Cinder words them', async () => {
    await expect(bs.updateQuotaSet(project, { volumes: 0 })).rejects.toMatchObject({
      status: 400,
      details: expect.stringContaining(
        'Quota volumes limit must be equal or greater than existing resources. Current usage is 1 and the requested limit is 0.',
      ),
    });
    await expect(bs.updateQuotaSet(project, { osbs_nonsense: 5 })).rejects.toMatchObject({
      status: 400,
      details: expect.stringContaining('Bad key(s) in quota set: osbs_nonsense'),
    });
    await expect(bs.updateQuotaSet(project, { snapshots: -2 })).rejects.toMatchObject({
      status: 400,
      details: expect.stringContaining('snapshots must be >= -1'),
    });
    expect((await bs.getQuotaSet(project)).volumes).toBe(10);
  });

  it('updateQuotaSet answers every limit; revertQuotaSet drops the own ones and the default class applies again', async () => {
    const changed = await bs.updateQuotaSet(project, { volumes: 50, gigabytes___DEFAULT__: 100 });
    expect(changed).toMatchObject({ volumes: 50, snapshots: 10, gigabytes: 1000 });
    expect(changed.getAttribute('gigabytes___DEFAULT__')).toBe(100);

    const cls = await bs.updateQuotaClassSet('default', { volumes: 20, perVolumeGigabytes: 8 });
    expect(cls).toMatchObject({ volumes: 20, perVolumeGigabytes: 8, snapshots: 10 });
    // The project's own limit wins over the class; the class fills what it does not set.
    expect(await bs.getQuotaSet(project)).toMatchObject({ volumes: 50, perVolumeGigabytes: 8 });
    expect(await bs.getQuotaSetDefaults(project)).toMatchObject({ volumes: 20, perVolumeGigabytes: 8 });

    await bs.revertQuotaSet(project);
    const reverted = await bs.getQuotaSet(project);
    expect(reverted).toMatchObject({ volumes: 20, perVolumeGigabytes: 8 });
    expect(reverted.getAttribute('gigabytes___DEFAULT__')).toBe(-1);

    await bs.updateQuotaClassSet('default', { volumes: 10, perVolumeGigabytes: -1 });
    expect((await bs.getQuotaClassSet()).volumes).toBe(10);
    await expect(bs.updateQuotaClassSet('default', { osbs_nonsense: 1 })).rejects.toMatchObject({
      status: 400,
      details: expect.stringContaining('Bad key(s) in quota class set: osbs_nonsense'),
    });
  });
});

describe('limits of another project', () => {
  it('an administrator names another project with project (3.39); a member always gets its own', async () => {
    await withFake({ quotas: { volumes: 40 } }, async (b, f) => {
      const member = f.addProject('member');
      const theirs = await member.connect();
      try {
        await theirs.blockStorage.createVolume({ size: 1 });
        await b.updateQuotaSet(member.projectId, { volumes: 12 });
        const named = await b.getLimits({ project: member.projectId });
        expect(named.absolute).toMatchObject({ maxTotalVolumes: 12, totalVolumesUsed: 1 });
        expect((await b.getLimits()).absolute).toMatchObject({ maxTotalVolumes: 40, totalVolumesUsed: 0 });
        const own = await theirs.blockStorage.getLimits({ project: f.projectId });
        expect(own.absolute).toMatchObject({ maxTotalVolumes: 12, totalVolumesUsed: 1 });
      } finally {
        await theirs.close();
      }
    });
  });
});

describe('quotas through Block Storage v2', () => {
  it('v2 quota sets and limits answer from the same declarations and the same state as v3', async () => {
    const own = await startFakeCloud({ v2: true, quotas: { volumes: 30 } });
    const v2 = await own.connect({ version: '2' });
    const v3 = await own.connect();
    try {
      await v3.blockStorage.createVolume({ size: 2 });
      const quotas = await v2.blockStorage.getQuotaSet(own.projectId, { usage: true });
      expect(quotas.volumes).toBe(30);
      expect(quotas.usage).toMatchObject({ volumes: 1, gigabytes: 2 });
      expect((await v2.blockStorage.getLimits()).absolute).toMatchObject({ maxTotalVolumes: 30, totalVolumesUsed: 1 });
    } finally {
      await v2.close();
      await v3.close();
      await own.close();
    }
  });
});

describe('quota checks on create and extend', () => {
  it('the quotas option sets every project’s own limits; each declared key refuses with 413 what goes over it', async () => {
    await withFake({ quotas: { volumes: 2, gigabytes: 6, per_volume_gigabytes: 4, backups: 0 } }, async (b, f) => {
      expect(await b.getQuotaSet(f.projectId)).toMatchObject({ volumes: 2, gigabytes: 6, perVolumeGigabytes: 4 });
      // per_volume_gigabytes limits each volume, not the sum.
      await expect(b.createVolume({ size: 5 })).rejects.toMatchObject({
        status: 413,
        details: expect.stringContaining('Requested volume size 5G is larger than maximum allowed limit 4G.'),
      });
      const first = await b.waitForStatus(await b.createVolume({ size: 4 }), 'available', fast);
      // gigabytes counts the snapshots too.
      f.state.insert('Snapshot', { volume_id: first.id, size: 1, status: 'available' });
      await expect(b.createVolume({ size: 2 })).rejects.toMatchObject({
        status: 413,
        details: expect.stringContaining(
          'exceeds allowed gigabytes quota. Requested 2G, quota is 6G and 5G has been consumed.',
        ),
      });
      await expect(b.extendVolume(first, 5)).rejects.toMatchObject({ status: 413 });
      await b.createVolume({ size: 1 });
      await expect(b.createVolume({ size: 1 })).rejects.toMatchObject({
        status: 413,
        details: expect.stringContaining("Maximum number of volumes allowed (2) exceeded for quota 'volumes'."),
      });
      await expect(b.createBackup({ volumeId: first.id })).rejects.toMatchObject({
        status: 413,
        details: expect.stringContaining("exceeded for quota 'backups'"),
      });
      expect(f.state.list('Volume')).toHaveLength(2);
    });
  });
});

describe('the volume summary on the fake cloud', () => {
  it('counts and sums the volumes the caller sees, with each metadata key’s distinct values (3.36)', async () => {
    await withFake({}, async (b, f) => {
      await b.createVolume({ size: 2, metadata: { tier: 'a', shared: 'x' } });
      await b.createVolume({ size: 3, metadata: { tier: 'b', shared: 'x' } });
      const other = f.addProject('other');
      f.state.insert('Volume', { size: 7, metadata: { tier: 'c' } }, { project: other.projectId });
      const summary = await b.summary();
      expect(summary).toMatchObject({ totalCount: 2, totalSize: 5 });
      expect(summary.metadata).toEqual({ tier: ['a', 'b'], shared: ['x'] });
      const all = await b.summary({ allProjects: true });
      expect(all).toMatchObject({ totalCount: 3, totalSize: 12 });
      expect(all.metadata!['tier']).toEqual(['a', 'b', 'c']);
    });
  });

  it('below 3.36 the summary has no metadata', async () => {
    await withFake({ maxMicroversion: '3.35' }, async (b) => {
      await b.createVolume({ size: 1, metadata: { k: 'v' } });
      const summary = await b.summary();
      expect(summary).toMatchObject({ totalCount: 1, totalSize: 1 });
      expect(summary.metadata).toBeUndefined();
    });
  });
});

describe('values Cinder fills in', () => {
  it('a volume created with nothing but a size gets zone nova, the __DEFAULT__ type, consumes_quota and no host', async () => {
    const created = await bs.createVolume({ size: 1 });
    const volume = await bs.getVolume(created.id);
    expect(volume).toMatchObject({
      availabilityZone: 'nova',
      volumeType: '__DEFAULT__',
      consumesQuota: true,
      isBootable: false,
    });
    expect(volume.host).toBeUndefined();
    // The default type exists from the start, as Cinder's first migration makes it.
    const types = await bs.types().toArray();
    expect(types.map((t) => t.name)).toContain('__DEFAULT__');
  });

  it('what the create sends wins; the deployment settings change the stock values and the seeded type', async () => {
    expect((await bs.createVolume({ size: 1, availabilityZone: 'az9' })).availabilityZone).toBe('az9');
    await withFake(
      { settings: { storage_availability_zone: 'zone-b', default_volume_type: 'standard', volume_host: 'h@b#p' } },
      async (b) => {
        const volume = await b.createVolume({ size: 1 });
        expect(volume).toMatchObject({ availabilityZone: 'zone-b', volumeType: 'standard', host: 'h@b#p' });
        expect((await b.types().toArray()).map((t) => t.name)).toEqual(['standard']);
        expect((await b.getQuotaSet(volume.projectId!)).getAttribute('volumes_standard')).toBe(-1);
      },
    );
  });
});
