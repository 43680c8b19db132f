/**
 * Live: the methods and options issue 14 added to the v3 proxy, against a real Cinder 21 (3.70):
 * the scenarios shared with v2 (test/live/extras-shared.ts) at 3.70, then what only v3 has —
 * with_count through the listing's count() (3.45), os-reimage (3.68), group replication targets
 * (3.38), freeze and thaw of a cluster (3.26), the manageable lists through the os-*-manage
 * extensions below 3.8, and createImage's visibility (3.1). What cannot succeed here (no Glance,
 * no replication, no clusters) asserts Cinder's exact answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { VolumeStatus } from '../../generated/block-storage/v3/index.js';
import { BadRequestError, MicroversionNotSupportedError } from '../../generated/index.js';
import { backendOf, expectRejects } from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { sharedExtras } from './extras-shared.js';
import { uniqueName } from './sdk.js';
import { POLL, V3Cleanup, connectV3, newVolumes, settled, type WiredV3 } from './v3-helpers.js';

const env = loadLiveEnv();
let sdk: WiredV3;
let cleanup: V3Cleanup;
const host = (env.pools[0] ?? 'rc-host@fake#fake').split('#')[0];

beforeAll(async () => {
  sdk = await connectV3();
  cleanup = new V3Cleanup(sdk.bs);
});

afterAll(async () => {
  await cleanup?.run();
  await sdk?.close();
});

async function volume(metadata?: Record<string, string>): Promise<{ id: string }> {
  const [v] = await newVolumes(sdk.bs, cleanup, uniqueName('v3-extras'), 1, metadata ? { metadata } : {});
  return { id: v.id };
}

describe(`v3: methods for what Cinder serves at 3.0, at 3.70 (${env.mode})`, () => {
  sharedExtras({
    bs: () => sdk.bs,
    volume,
    snapshot: async (metadata) => {
      const v = await volume();
      const s = await sdk.bs.createSnapshot({
        volumeId: v.id,
        name: uniqueName('v3-extras-snap'),
        ...(metadata ? { metadata } : {}),
      });
      cleanup.snapshots.add(s.id);
      await sdk.bs.waitForStatus(s, 'available', POLL);
      return { id: s.id };
    },
    type: async (extraSpecs) => {
      const t = await sdk.bs.createType({ name: uniqueName('v3-extras-type'), extraSpecs });
      cleanup.types.add(t.id);
      return { id: t.id };
    },
    status: (id, status) => settled(sdk.bs, id, status as VolumeStatus),
  });
});

describe(`v3-only additions (${env.mode})`, () => {
  it('with_count (3.45): count() answers how many volumes the listing matches, all pages together, in one request', async () => {
    const prefix = uniqueName('v3-count');
    await newVolumes(sdk.bs, cleanup, prefix, 3);
    const all = await sdk.bs.volumes({ details: false }).toArray();
    const listing = sdk.bs.volumes({ withCount: true, limit: 1, details: false });
    const mark = sdk.wire.length;
    const count = await listing.count();
    const sent = sdk.since(mark);
    expect(sent).toHaveLength(1);
    expect(new URL(sent[0].url).searchParams.get('with_count')).toBe('true');
    expect(sent[0].apiVersion).toBe('volume 3.70');
    expect((sent[0].body as { volumes: unknown[] }).volumes).toHaveLength(1);
    expect(count).toBe(all.length);
    // Read to the end, the listing yields as many as it counted, and count() asks nothing more.
    expect(await listing.toArray()).toHaveLength(count);
    const afterRead = sdk.wire.length;
    expect(await listing.count()).toBe(count);
    expect(sdk.wire.length).toBe(afterRead);
    // Snapshots and backups take it too.
    expect(await sdk.bs.snapshots({ withCount: true }).count()).toBeGreaterThanOrEqual(0);
    expect(await sdk.bs.backups({ withCount: true }).count()).toBeGreaterThanOrEqual(0);
  });

  it('with_count fails before any request below 3.45', async () => {
    const old = await connectV3('admin', { maxVersion: '3.44' });
    try {
      const mark = old.wire.length;
      await expect(old.bs.volumes({ withCount: true }).count()).rejects.toBeInstanceOf(MicroversionNotSupportedError);
      expect(old.since(mark).filter((e) => e.path.includes('/volumes'))).toEqual([]);
    } finally {
      await old.close();
    }
  });

  it('reimageVolume (3.68) of a reserved volume without reimageReserved: Cinder answers 400 naming the statuses it takes', async () => {
    const v = await volume();
    await sdk.bs.reserveVolume(v.id);
    await settled(sdk.bs, v.id, 'attaching');
    await expectRejects(
      sdk.bs.reimageVolume(v.id, '00000000-0000-4000-8000-000000000001'),
      BadRequestError,
      400,
      `Invalid volume: Volume ${v.id} status must be available or error, but current status is attaching.`,
    );
    expect(sdk.last('POST', `/volumes/${v.id}/action`)).toMatchObject({
      apiVersion: 'volume 3.70',
      requestBody: { 'os-reimage': { image_id: '00000000-0000-4000-8000-000000000001' } },
    });
    await sdk.bs.unreserveVolume(v.id);
    await settled(sdk.bs, v.id, 'available');
  });

  it('listGroupReplicationTargets (3.38) of a group whose type does not replicate: Cinder answers 400', async () => {
    const bs = sdk.bs;
    const groupType = await bs.createGroupType({ name: uniqueName('v3-extras-gtype') });
    cleanup.groupTypes.add(groupType.id);
    const volumeType = await bs.createType({
      name: uniqueName('v3-extras-gvtype'),
      extraSpecs: { volume_backend_name: backendOf(env.pools[0] ?? `rc-host@${env.backends[0]}#x`) },
    });
    cleanup.types.add(volumeType.id);
    const g = await bs.createGroup({
      name: uniqueName('v3-extras-group'),
      groupType: groupType.id,
      volumeTypes: [volumeType.id],
    });
    cleanup.groups.add(g.id);
    const group = await bs.waitForStatus(g, 'available', POLL);
    await expectRejects(
      bs.listGroupReplicationTargets(group.id),
      BadRequestError,
      400,
      `Group ${group.id} is not a replication group type.`,
    );
    expect(sdk.last('POST', `/groups/${group.id}/action`)).toMatchObject({
      apiVersion: 'volume 3.70',
      requestBody: { list_replication_targets: {} },
    });
  });

  it('freezeCluster and thawCluster (3.26) send the cluster in place of a host; this stack has no cluster, so Cinder answers 400', async () => {
    const bs = sdk.bs;
    for (const [call, path] of [
      [() => bs.freezeCluster('osbs-no-such-cluster'), '/os-services/freeze'],
      [() => bs.thawCluster('osbs-no-such-cluster'), '/os-services/thaw'],
    ] as const) {
      await expectRejects(call(), BadRequestError, 400, 'No service found with cluster=osbs-no-such-cluster');
      expect(sdk.last('PUT', path)).toMatchObject({
        apiVersion: 'volume 3.70',
        requestBody: { cluster: 'osbs-no-such-cluster' },
      });
    }
  });

  it('manageableVolumes and manageableSnapshots go through the os-*-manage extensions below 3.8 and /manageable_* from 3.8', async () => {
    const old = await connectV3('admin', { maxVersion: '3.7' });
    try {
      const volumes = await old.bs.manageableVolumes({ host }).toArray();
      expect(old.last('GET', '/os-volume-manage/detail')).toMatchObject({ apiVersion: 'volume 3.7', status: 200 });
      const snapshots = await old.bs.manageableSnapshots({ host }).toArray();
      expect(old.last('GET', '/os-snapshot-manage/detail')).toMatchObject({ apiVersion: 'volume 3.7', status: 200 });
      // The same back end, the same answer, at 3.70 on the new paths.
      expect(await sdk.bs.manageableVolumes({ host }).toArray()).toHaveLength(volumes.length);
      expect(sdk.last('GET', '/manageable_volumes/detail').status).toBe(200);
      expect(await sdk.bs.manageableSnapshots({ host }).toArray()).toHaveLength(snapshots.length);
      expect(sdk.last('GET', '/manageable_snapshots/detail').status).toBe(200);
    } finally {
      await old.close();
    }
  });

  it('createImage with visibility and protection (3.1): without Glance Cinder answers 400 with an empty fault message', async () => {
    const v = await volume();
    await expectRejects(
      sdk.bs.createImage(v.id, uniqueName('image'), { visibility: 'private', isProtected: false }),
      BadRequestError,
      400,
      'badRequest (the server gave no message)',
    );
    expect(sdk.last('POST', `/volumes/${v.id}/action`).requestBody).toEqual({
      'os-volume_upload_image': {
        image_name: expect.any(String) as unknown,
        force: false,
        disk_format: 'qcow2',
        container_format: 'bare',
        visibility: 'private',
        protected: false,
      },
    });
    await settled(sdk.bs, v.id, 'available');
  });
});
