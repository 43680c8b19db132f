/**
 * The v3 admin and discovery calls through the generated v3 proxy against the real Cinder:
 * availability zones, resource filters (3.33), manageable volumes and snapshots (3.8), clusters
 * (3.7; this stack has none), service log levels (3.32) and worker cleanup (3.24), whose effects
 * show in the services' own logs, and default types (3.62): real in Keystone mode, Cinder's 500
 * under noauth (it asks Keystone about the project).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Type } from '../../generated/block-storage/v3/index.js';
import {
  BadRequestError,
  ForbiddenError,
  MicroversionNotSupportedError,
  NotFoundError,
  ResourceNotFoundError,
  ServerError,
} from '../../generated/index.js';
import { expectRejects, json } from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { uniqueName } from './sdk.js';
import { POLL, V3Cleanup, connectV3, logLines, type WiredV3 } from './v3-helpers.js';

const env = loadLiveEnv();

/** The stack's resource_filters.json (test/live/stack/start.sh; shared/cinder/README.md §4.2). */
const RESOURCE_FILTERS: Record<string, string[]> = {
  volume: [
    'name',
    'status',
    'metadata',
    'bootable',
    'migration_status',
    'availability_zone',
    'group_id',
    'size',
    'created_at',
    'updated_at',
    'consumes_quota',
  ],
  backup: ['name', 'status', 'volume_id'],
  snapshot: ['name', 'status', 'volume_id', 'metadata', 'availability_zone', 'consumes_quota'],
  group: ['name'],
  group_snapshot: ['name', 'status', 'group_id'],
  attachment: ['volume_id', 'status', 'instance_id', 'attach_status'],
  message: ['resource_uuid', 'resource_type', 'event_id', 'request_id', 'message_level'],
  pool: ['name', 'volume_type'],
  volume_type: ['is_public', 'extra_specs'],
};

const SERVER_ERROR = 'The server has either erred or is incapable of performing the requested operation.';

let sdk: WiredV3;
let second: WiredV3;
let cleanup: V3Cleanup;
/** The cinder-volume hosts, e.g. rc-host@fake and rc-host@fake2. */
let volumeHosts: string[];

beforeAll(async () => {
  [sdk, second] = await Promise.all([connectV3(), connectV3('second')]);
  cleanup = new V3Cleanup(sdk.bs);
  volumeHosts = env.pools.map((p) => p.split('#')[0]).sort();
});

afterAll(async () => {
  await cleanup?.run();
  await Promise.all([sdk?.close(), second?.close()]);
});

describe(`v3 availability zones and resource filters (${env.mode})`, () => {
  it('availabilityZones() lists the one zone, available', async () => {
    const zones = await sdk.bs.availabilityZones().toArray();
    expect(sdk.last('GET', '/os-availability-zone').apiVersion).toBe('volume 3.70');
    expect(zones.map((z) => json(z))).toEqual([{ name: 'nova', state: { available: true } }]);
    expect((await second.bs.availabilityZones().toArray()).map((z) => z.name)).toEqual(['nova']);
  });

  it('resourceFilters() (3.33) answers the configured filters, for every resource or one', async () => {
    const all = await sdk.bs.resourceFilters().toArray();
    expect(Object.fromEntries(all.map((f) => [f.resource, [...f.filters!]]))).toEqual(RESOURCE_FILTERS);
    const volume = await second.bs.resourceFilters({ resource: 'volume' }).toArray();
    expect(new URL(second.last('GET', '/resource_filters').url).searchParams.get('resource')).toBe('volume');
    expect(volume.map((f) => json(f))).toEqual([{ resource: 'volume', filters: RESOURCE_FILTERS['volume'] }]);

    const old = await connectV3('admin', { maxVersion: '3.32' });
    try {
      await expectRejects(
        old.bs.resourceFilters().toArray(),
        MicroversionNotSupportedError,
        undefined,
        'ResourceFilter.list needs microversion 3.33, but 3.0–3.70 is available (client maximum 3.32)',
      );
    } finally {
      await old.close();
    }
  });
});

describe(`v3 manageable volumes and snapshots (${env.mode})`, () => {
  it('the file-backed driver offers nothing to manage, on either backend, with and without details', async () => {
    const bs = sdk.bs;
    for (const host of volumeHosts) {
      expect(await bs.manageableVolumes({ host }).toArray()).toEqual([]);
      expect(new URL(sdk.last('GET', '/manageable_volumes/detail').url).searchParams.get('host')).toBe(host);
      expect(await bs.manageableSnapshots({ host, details: false }).toArray()).toEqual([]);
      expect(sdk.last('GET', '/manageable_snapshots')).toMatchObject({ apiVersion: 'volume 3.70', status: 200 });
    }
    expect(
      await bs.manageableVolumes({ host: env.pools[0], details: false, sortKey: 'size', sortDir: 'desc' }).toArray(),
    ).toEqual([]);
    expect(await bs.manageableSnapshots({ host: volumeHosts[0] }).toArray()).toEqual([]);
  });

  it("Cinder's answers without a host, for an unknown host or cluster, and to a non-admin", async () => {
    const bs = sdk.bs;
    const oneOf = 'Invalid input received: One and only one of cluster and host must be set.';
    await expectRejects(bs.manageableVolumes().toArray(), BadRequestError, 400, oneOf);
    await expectRejects(
      bs.manageableSnapshots({ host: volumeHosts[0], cluster: 'osbs-cluster' }).toArray(),
      BadRequestError,
      400,
      oneOf,
    );
    await expectRejects(
      bs.manageableVolumes({ host: 'osbs-nohost@nowhere' }).toArray(),
      NotFoundError,
      404,
      'Service cinder-volume could not be found on host osbs-nohost@nowhere.',
    );
    await expectRejects(
      bs.manageableSnapshots({ cluster: 'osbs-no-cluster' }).toArray(),
      NotFoundError,
      404,
      'Service cinder-volume could not be found.',
    );
    if (env.mode === 'keystone') {
      await expectRejects(
        second.bs.manageableVolumes({ host: volumeHosts[0] }).toArray(),
        ForbiddenError,
        403,
        "Policy doesn't allow volume_extension:list_manageable to be performed.",
      );
    }
  });
});

describe(`v3 clusters (${env.mode})`, () => {
  it('this stack runs no clustered services: clusters() is empty, a cluster answers 404', async () => {
    const bs = sdk.bs;
    expect(await bs.clusters().toArray()).toEqual([]);
    expect(sdk.last('GET', '/clusters/detail').apiVersion).toBe('volume 3.70');
    expect(await bs.clusters({ details: false, binary: 'cinder-volume', isUp: true }).toArray()).toEqual([]);
    expect(sdk.last('GET', '/clusters').status).toBe(200);

    const missing = "Cluster {'binary': 'cinder-volume', 'name': 'osbs-missing'} could not be found.";
    await expectRejects(bs.getCluster('osbs-missing'), NotFoundError, 404, missing);
    expect(await bs.findCluster('osbs-missing')).toBeUndefined();
    await expectRejects(
      bs.findCluster('osbs-missing', { ignoreMissing: false }),
      ResourceNotFoundError,
      undefined,
      'osbs-missing',
    );
    await expectRejects(bs.enableCluster('osbs-missing'), NotFoundError, 404, missing);
    expect(sdk.last('PUT', '/clusters/enable').requestBody).toEqual({ name: 'osbs-missing' });
    await expectRejects(bs.disableCluster('osbs-missing', { reason: 'live test' }), NotFoundError, 404, missing);
    expect(sdk.last('PUT', '/clusters/disable').requestBody).toEqual({
      name: 'osbs-missing',
      disabled_reason: 'live test',
    });
    if (env.mode === 'keystone') {
      await expectRejects(
        second.bs.clusters().toArray(),
        ForbiddenError,
        403,
        "Policy doesn't allow clusters:get_all to be performed.",
      );
    }
  });
});

describe(`v3 cluster failover on Cinder 21 (${env.mode})`, () => {
  it('failoverService with a cluster: failover_host answers 400 "Host field is missing.", the same request at /os-services/failover reaches the cluster lookup', async () => {
    const bs = sdk.bs;
    const [service] = await bs.services({ binary: 'cinder-volume' }).toArray();
    const mark = sdk.wire.length;
    const error = await expectRejects(
      bs.failoverService(service, { cluster: 'osbs-no-cluster', backendId: 'osbs-replica' }),
      BadRequestError,
      400,
      'No service found with cluster=osbs-no-cluster',
    );
    // The answer of the second request, at /os-services/failover: the cluster was looked up.
    expect(error.url).toMatch(/\/os-services\/failover$/);
    expect(error.method).toBe('PUT');
    const sent = sdk.since(mark).map((e) => ({
      method: e.method,
      path: e.path.replace(/^\/v3\/[^/]+/, ''),
      apiVersion: e.apiVersion,
      requestBody: e.requestBody,
      status: e.status,
    }));
    const body = { cluster: 'osbs-no-cluster', backend_id: 'osbs-replica' };
    expect(sent).toEqual([
      { method: 'PUT', path: '/os-services/failover_host', apiVersion: 'volume 3.70', requestBody: body, status: 400 },
      { method: 'PUT', path: '/os-services/failover', apiVersion: 'volume 3.70', requestBody: body, status: 400 },
    ]);
    expect(sdk.since(mark)[0]?.body).toEqual({
      badRequest: { code: 400, message: 'Invalid input received: Host field is missing.' },
    });
  });
});

describe(`v3 service log levels and worker cleanup (${env.mode})`, () => {
  const prefix = 'cinder.volume.manager';

  async function levels(): Promise<Record<string, string | undefined>> {
    const answer = await sdk.bs.getServiceLogLevels({ binary: 'cinder-volume', prefix });
    return Object.fromEntries(answer.map((l) => [l.host!, l.levels?.[prefix]]));
  }

  it('getServiceLogLevels (3.32) reads the levels of each service, filtered by binary, server and prefix', async () => {
    const bs = sdk.bs;
    const volume = await bs.getServiceLogLevels({ binary: 'cinder-volume', prefix });
    expect(sdk.last('PUT', '/os-services/get-log')).toMatchObject({
      apiVersion: 'volume 3.70',
      requestBody: { binary: 'cinder-volume', prefix },
    });
    expect(volume.map((l) => l.host).sort()).toEqual(volumeHosts);
    for (const l of volume) expect(l).toEqual({ binary: 'cinder-volume', host: l.host, levels: { [prefix]: 'INFO' } });

    const one = await bs.getServiceLogLevels({ server: volumeHosts[1], prefix });
    expect(one).toEqual([{ binary: 'cinder-volume', host: volumeHosts[1], levels: { [prefix]: 'INFO' } }]);
    const scheduler = await bs.getServiceLogLevels({ binary: 'cinder-scheduler', prefix: 'cinder.scheduler.manager' });
    expect(scheduler).toEqual([
      { binary: 'cinder-scheduler', host: 'rc-host', levels: { 'cinder.scheduler.manager': 'INFO' } },
    ]);
    // A prefix no logger has: every service answers, with no levels.
    const none = await bs.getServiceLogLevels({ prefix: 'osbs.no.such.logger' });
    expect(none.map((l) => l.binary).sort()).toEqual([
      'cinder-api',
      'cinder-backup',
      'cinder-scheduler',
      'cinder-volume',
      'cinder-volume',
    ]);
    for (const l of none) expect(l.levels).toEqual({});
  });

  it('setServiceLogLevels (3.32) switches cinder-volume to DEBUG: its log shows the next volume create in detail', async () => {
    const bs = sdk.bs;
    try {
      await bs.setServiceLogLevels('DEBUG', { binary: 'cinder-volume', prefix });
      expect(sdk.last('PUT', '/os-services/set-log')).toMatchObject({
        requestBody: { level: 'DEBUG', binary: 'cinder-volume', prefix },
        status: 202,
      });
      expect(await levels()).toEqual(Object.fromEntries(volumeHosts.map((h) => [h, 'DEBUG'])));

      const v = await bs.createVolume({ name: uniqueName('v3-debug'), size: 1 });
      cleanup.volumes.add(v.id);
      await bs.waitForStatus(v, 'available', POLL);
      const debug = await logLines(env, 'cinder-volume', [' DEBUG cinder.volume.manager ', v.openstackRequestId!]);
      if (debug) expect(debug.length).toBeGreaterThan(0);
    } finally {
      await bs.setServiceLogLevels('INFO', { binary: 'cinder-volume', prefix });
    }
    expect(await levels()).toEqual(Object.fromEntries(volumeHosts.map((h) => [h, 'INFO'])));

    const quiet = await bs.createVolume({ name: uniqueName('v3-quiet'), size: 1 });
    cleanup.volumes.add(quiet.id);
    await bs.waitForStatus(quiet, 'available', POLL);
    const none = await logLines(env, 'cinder-volume', [' DEBUG cinder.volume.manager ', quiet.openstackRequestId!], {
      timeoutMs: 500,
    });
    if (none) expect(none).toEqual([]);

    if (env.mode === 'keystone') {
      await expectRejects(
        second.bs.getServiceLogLevels(),
        ForbiddenError,
        403,
        "Policy doesn't allow volume_extension:services:update to be performed.",
      );
    }
  });

  it('cleanupServiceWorkers (3.24): nothing by default (only down services), the running ones with isUp', async () => {
    const bs = sdk.bs;
    expect(await bs.cleanupServiceWorkers()).toEqual({ cleaning: [], unavailable: [] });
    expect(sdk.last('POST', '/workers/cleanup')).toMatchObject({
      apiVersion: 'volume 3.70',
      requestBody: {},
      status: 202,
    });

    const volume = await bs.cleanupServiceWorkers({ binary: 'cinder-volume', isUp: true });
    expect(sdk.last('POST', '/workers/cleanup').requestBody).toEqual({ binary: 'cinder-volume', is_up: true });
    expect(volume.unavailable).toEqual([]);
    expect(volume.cleaning!.map((s) => s.host).sort()).toEqual(volumeHosts);
    for (const s of volume.cleaning!)
      expect(s).toEqual({ id: expect.any(Number), host: s.host, binary: 'cinder-volume' });
    // Each cinder-volume ran the cleanup it was sent.
    const requestId = sdk.last('POST', '/workers/cleanup').requestId!;
    for (const s of volume.cleaning!) {
      const done = await logLines(env, 'cinder-volume', [requestId, `Service ${s.id} cleanup completed.`]);
      if (done) expect(done).toHaveLength(1);
    }

    const one = await bs.cleanupServiceWorkers({ binary: 'cinder-volume', host: volumeHosts[1], isUp: true });
    expect(one.cleaning!.map((s) => s.host)).toEqual([volumeHosts[1]]);
    expect(await bs.cleanupServiceWorkers({ isUp: true, isDisabled: true })).toEqual({ cleaning: [], unavailable: [] });
    expect(sdk.last('POST', '/workers/cleanup').requestBody).toEqual({ is_up: true, disabled: true });

    await expectRejects(
      bs.cleanupServiceWorkers({ resourceType: 'Bogus' }),
      BadRequestError,
      400,
      // The order of the two types varies between API worker processes.
      /^Invalid input received: Resource type Bogus not valid, must be (Snapshot or Volume|Volume or Snapshot)$/,
    );
    // Cinder formats this message as a Python tuple.
    const unknown = '11111111-2222-3333-4444-555555555555';
    await expectRejects(
      bs.cleanupServiceWorkers({ resourceType: 'Volume', resourceId: unknown }),
      BadRequestError,
      400,
      `Invalid input received: ('There is no resource with UUID %s pending cleanup.', '${unknown}')`,
    );
    if (env.mode === 'keystone') {
      await expectRejects(
        second.bs.cleanupServiceWorkers(),
        ForbiddenError,
        403,
        "Policy doesn't allow workers:cleanup to be performed.",
      );
    }
  });
});

describe(`v3 default types (${env.mode})`, () => {
  if (env.mode === 'noauth') {
    it('under noauth Cinder answers 500 to every project-specific call (it asks Keystone about the project); the listing works', async () => {
      const bs = sdk.bs;
      const project = env.secondProjectId!;
      expect(await bs.defaultTypes().toArray()).toEqual([]);
      const list = sdk.last('GET', '/default-types');
      expect(list.url).toBe(`${env.cinderUrl}/v3/default-types`);
      expect(list.apiVersion).toBe('volume 3.70');

      const set = await expectRejects(bs.setDefaultType(project, '__DEFAULT__'), ServerError, 500, SERVER_ERROR);
      expect(sdk.last('PUT', `/default-types/${project}`).url).toBe(`${env.cinderUrl}/v3/default-types/${project}`);
      await expectRejects(bs.showDefaultType(project), ServerError, 500, SERVER_ERROR);
      await expectRejects(bs.unsetDefaultType(project), ServerError, 500, SERVER_ERROR);
      const logged = await logLines(env, 'cinder-api', [
        set.requestId!,
        "Caught error: <class 'oslo_config.cfg.NoSuchOptError'> no such option auth_url in group [keystone_authtoken]",
      ]);
      if (logged) expect(logged).toHaveLength(1);
    });
    return;
  }

  let type: Type;

  it('setDefaultType, showDefaultType and defaultTypes() on the project-less route; new volumes of the project get the type', async () => {
    const bs = sdk.bs;
    const project = env.secondProjectId!;
    type = await bs.createType({
      name: uniqueName('v3-default'),
      extraSpecs: { volume_backend_name: env.backends.at(-1)! },
    });
    cleanup.types.add(type.id);

    await expectRejects(
      bs.showDefaultType(project),
      NotFoundError,
      404,
      `Default type for project ${project} not found.`,
    );
    const set = await bs.setDefaultType(project, type);
    expect(sdk.last('PUT', `/default-types/${project}`)).toMatchObject({
      url: `${env.cinderUrl}/v3/default-types/${project}`,
      apiVersion: 'volume 3.70',
      requestBody: { default_type: { volume_type: type.id } },
      status: 200,
    });
    expect(json(set)).toEqual({ projectId: project, volumeTypeId: type.id });
    expect(json(await bs.showDefaultType(project))).toEqual({ projectId: project, volumeTypeId: type.id });
    expect((await bs.defaultTypes().toArray()).map((d) => json(d))).toContainEqual({
      projectId: project,
      volumeTypeId: type.id,
    });

    // The effect: the demo user's volume without a type gets this one, on its backend.
    const v = await second.bs.createVolume({ name: uniqueName('v3-defaulted'), size: 1 });
    cleanup.volumes.add(v.id);
    expect(v.volumeType).toBe(type.name);
    const ready = await second.bs.waitForStatus(v, 'available', POLL);
    expect(ready.volumeTypeId).toBe(type.id);
    expect((await bs.getVolume(v.id)).host).toContain(`@${env.backends.at(-1)}#`);
  });

  it("Cinder's answers: a non-admin is refused, an unknown project 404, an unknown type 400", async () => {
    const project = env.secondProjectId!;
    const refused = 'You are not authorized to perform this operation.';
    await expectRejects(second.bs.showDefaultType(project), ForbiddenError, 403, refused);
    await expectRejects(second.bs.defaultTypes().toArray(), ForbiddenError, 403, refused);
    await expectRejects(second.bs.setDefaultType(project, type.id), ForbiddenError, 403, refused);
    await expectRejects(
      sdk.bs.setDefaultType('00000000000000000000000000000000', type.id),
      NotFoundError,
      404,
      'Project with id 00000000000000000000000000000000 not found.',
    );
    await expectRejects(
      sdk.bs.setDefaultType(project, 'osbs-no-such-type'),
      BadRequestError,
      400,
      'Volume type with name osbs-no-such-type could not be found.',
    );
  });

  it('unsetDefaultType removes it (and answers 204 again when there is none)', async () => {
    const bs = sdk.bs;
    const project = env.secondProjectId!;
    await bs.unsetDefaultType(project);
    expect(sdk.last('DELETE', `/default-types/${project}`)).toMatchObject({ status: 204, apiVersion: 'volume 3.70' });
    await expectRejects(
      bs.showDefaultType(project),
      NotFoundError,
      404,
      `Default type for project ${project} not found.`,
    );
    expect((await bs.defaultTypes().toArray()).map((d) => d.projectId)).not.toContain(project);
    await bs.unsetDefaultType(project);
    expect(sdk.last('DELETE', `/default-types/${project}`).status).toBe(204);

    const old = await connectV3('admin', { maxVersion: '3.61' });
    try {
      await expectRejects(
        old.bs.defaultTypes().toArray(),
        MicroversionNotSupportedError,
        undefined,
        'DefaultType.list needs microversion 3.62, but 3.0–3.70 is available (client maximum 3.61)',
      );
    } finally {
      await old.close();
    }
  });
});
