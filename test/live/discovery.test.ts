/**
 * Live: what the cloud tells about itself — limits, extensions, the Cinder services (list, find,
 * disable/enable, freeze/thaw, failover), the scheduler's back-end pools and a back end's
 * capabilities — through the generated v2 proxy against a real Cinder 21.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  BadRequestError,
  DuplicateResourceError,
  MicroversionNotSupportedError,
  NotFoundError,
  ResourceNotFoundError,
} from '../../generated/index.js';
import type { Service } from '../../generated/block-storage/v2/index.js';
import { bestEffort, expectError, requestLog } from './admin-helpers.js';
import { connectLive, uniqueName, type LiveSdk } from './sdk.js';

let sdk: LiveSdk;
const requests = requestLog();
/** The cinder-volume service of the second back end: disabled, frozen and restored below. */
const HOST = 'rc-host@fake2';

/** The cinder-volume service on HOST, read again from the server. */
async function volumeService(): Promise<Service> {
  const [service, ...rest] = await sdk.bs.services({ binary: 'cinder-volume', host: HOST }).toArray();
  expect(rest).toEqual([]);
  expect(service, `cinder-volume on ${HOST}`).toBeDefined();
  return service;
}

beforeAll(async () => {
  sdk = await connectLive('admin', { metrics: requests.sink });
});

afterAll(async () => {
  if (!sdk) return;
  // Leave the back end as the harness made it: thawed and enabled.
  await bestEffort(
    async () => {
      const service = await volumeService();
      if (service.isFrozen) await sdk.bs.thawService(service);
    },
    async () => {
      const service = await volumeService();
      if (service.status !== 'enabled') await sdk.bs.enableService(service);
    },
  );
  await sdk.close();
});

describe(`discovery (${process.env['RC_AUTH'] ?? 'noauth'})`, () => {
  it('getLimits: the absolute limits reflect the quotas the harness raised, and no rate limits', async () => {
    const limits = await sdk.bs.getLimits();
    expect(limits.rate).toEqual([]);
    const absolute = limits.absolute!;
    expect(absolute.maxTotalVolumes).toBeGreaterThanOrEqual(200);
    expect(absolute.maxTotalSnapshots).toBeGreaterThanOrEqual(200);
    expect(absolute.maxTotalBackups).toBeGreaterThanOrEqual(200);
    expect(absolute.maxTotalVolumeGigabytes).toBeGreaterThanOrEqual(1000);
    expect(absolute.maxTotalBackupGigabytes).toBeGreaterThan(0);
    for (const used of [absolute.totalVolumesUsed, absolute.totalSnapshotsUsed, absolute.totalGigabytesUsed]) {
      expect(used).toBeGreaterThanOrEqual(0);
    }
    // The same numbers as the quota set of the project.
    const quotas = await sdk.bs.getQuotaSet(sdk.env.projectId);
    expect(absolute.maxTotalVolumes).toBe(quotas.volumes);
    expect(absolute.maxTotalBackups).toBe(quotas.backups);
  });

  it('getLimits({ project }) needs microversion 3.39: MicroversionNotSupportedError before any request', async () => {
    const before = requests.entries.length;
    const error = await expectError(
      sdk.bs.getLimits({ project: sdk.env.secondProjectId ?? 'other' }),
      MicroversionNotSupportedError,
      'Limits.get needs microversion 3.39',
      'this service version has no microversions',
    );
    expect(error.required).toBe('3.39');
    expect(requests.entries.slice(before), 'no HTTP request was sent').toEqual([]);
  });

  it('extensions: the API extensions Cinder 21 loads', async () => {
    const extensions = await sdk.bs.extensions().toArray();
    const aliases = extensions.map((e) => e.alias);
    expect(aliases.length).toBeGreaterThanOrEqual(30);
    for (const alias of [
      'os-quota-sets',
      'qos-specs',
      'os-services',
      'scheduler-stats',
      'capabilities',
      'consistencygroups',
      'cgsnapshots',
      'encryption',
      'os-volume-type-access',
    ]) {
      expect(aliases).toContain(alias);
    }
    const used = extensions.find((e) => e.alias === 'os-used-limits')!;
    expect(used.name).toBe('UsedLimits');
    expect(used.description).toBeTruthy();
    expect(used.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(used.links).toEqual([]);
  });

  it('services: scheduler, backup and one cinder-volume per back end, all up', async () => {
    const services = await sdk.bs.services().toArray();
    const byKey = new Map(services.map((s) => [`${s.binary} ${s.host}`, s]));
    for (const key of ['cinder-scheduler rc-host', 'cinder-volume rc-host@fake', 'cinder-volume rc-host@fake2']) {
      expect(byKey.get(key)?.state, key).toBe('up');
    }
    if (sdk.env.backupEnabled) expect(byKey.get('cinder-backup rc-host')?.state).toBe('up');
    const volume = byKey.get('cinder-volume rc-host@fake')!;
    expect(volume.availabilityZone).toBe('nova');
    expect(volume.replicationStatus).toBe('disabled');
    expect(volume.isFrozen).toBe(false);
    expect(volume.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    // Server-side filters.
    const volumes = await sdk.bs.services({ binary: 'cinder-volume' }).toArray();
    expect(volumes.map((s) => s.host).sort()).toEqual(['rc-host@fake', 'rc-host@fake2']);
  });

  it('findService: by binary, narrowed by host; two cinder-volume hosts are ambiguous', async () => {
    const scheduler = await sdk.bs.findService('cinder-scheduler', { ignoreMissing: false });
    expect(scheduler.host).toBe('rc-host');
    expect(scheduler.status).toBe('enabled');

    const fake = await sdk.bs.findService('cinder-volume', { host: 'rc-host@fake', ignoreMissing: false });
    expect(fake.binary).toBe('cinder-volume');
    expect(fake.host).toBe('rc-host@fake');

    const error = await expectError(sdk.bs.findService('cinder-volume'), DuplicateResourceError, "'cinder-volume'");
    expect(error.matches).toBe(2);

    expect(await sdk.bs.findService('cinder-nothing')).toBeUndefined();
    await expectError(sdk.bs.findService('cinder-nothing', { ignoreMissing: false }), ResourceNotFoundError);
  });

  it('disableService without and with a reason, then enableService (re-read with services())', async () => {
    const reason = uniqueName('maintenance');
    const service = await sdk.bs.findService('cinder-volume', { host: HOST, ignoreMissing: false });

    const disabled = await sdk.bs.disableService(service);
    expect(disabled.status).toBe('disabled');
    expect(disabled.isDisabled).toBe(true);
    let now = await volumeService();
    expect(now.status).toBe('disabled');
    expect(now.disabledReason ?? '').not.toBe(reason);

    const withReason = await sdk.bs.disableService(now, { reason });
    expect(withReason.disabledReason).toBe(reason);
    expect(withReason.isDisabled).toBe(true);
    now = await volumeService();
    expect(now.status).toBe('disabled');
    expect(now.disabledReason).toBe(reason);

    const enabled = await sdk.bs.enableService(now);
    expect(enabled.status).toBe('enabled');
    expect(enabled.isDisabled).toBe(false);
    now = await volumeService();
    expect(now.status).toBe('enabled');
    expect(now.state).toBe('up');
    // Cinder does not clear the reason when it enables a service.
    expect(now.disabledReason).toBe(reason);

    // Cinder checks the reason (1 to 255 characters) before anything changes.
    await expectError(
      sdk.bs.disableService(now, { reason: '' }),
      BadRequestError,
      "Invalid input for field/attribute disabled_reason. Value: . '' is too short",
    );
    expect((await volumeService()).status).toBe('enabled');
  });

  it('freezeService and thawService: the fake driver accepts both; Cinder disables the back end while frozen', async () => {
    const service = await volumeService();
    expect(service.isFrozen).toBe(false);

    await expect(sdk.bs.freezeService(service)).resolves.toBeUndefined();
    const frozen = await volumeService();
    expect(frozen.isFrozen).toBe(true);
    expect(frozen.status).toBe('disabled');
    expect(frozen.disabledReason).toBe('frozen');

    // Freezing twice: Cinder only changes a back end that is not frozen yet.
    await expectError(sdk.bs.freezeService(frozen), BadRequestError, 'No service could be changed: frozen');

    await expect(sdk.bs.thawService(frozen)).resolves.toBeUndefined();
    const thawed = await volumeService();
    expect(thawed.isFrozen).toBe(false);
    expect(thawed.status).toBe('enabled');
    expect(thawed.disabledReason ?? '').toBe('');
  });

  it('failoverService: no replication on this back end, Cinder refuses with 400', async () => {
    const service = await volumeService();
    const message =
      "Invalid input received: No service could be changed: replication_status in ['rc-host@fake2'] must be " +
      "['enabled', 'failed-over'] and must be up to failover.";
    const error = await expectError(sdk.bs.failoverService(service), BadRequestError, message);
    expect(error.status).toBe(400);
    expect(error.requestId).toMatch(/^req-/);
    await expectError(sdk.bs.failoverService(service, { backendId: 'osbs-replica' }), BadRequestError, message);
    const after = await volumeService();
    expect(after.replicationStatus).toBe('disabled');
    expect(after.activeBackendId).toBeUndefined();
  });

  it('backendPools: the two file-backed pools with their capabilities; names only without details', async () => {
    const pools = await sdk.bs.backendPools().toArray();
    expect(pools.map((p) => p.name).sort()).toEqual(['rc-host@fake#fake', 'rc-host@fake2#fake2']);
    for (const pool of pools) {
      const caps = pool.capabilities as Record<string, unknown>;
      const backend = pool.name!.split('#')[1];
      expect(caps['volume_backend_name']).toBe(backend);
      expect(caps['pool_name']).toBe(backend);
      expect(caps['storage_protocol']).toBe('fake');
      expect(caps['total_capacity_gb']).toBe('infinite');
      expect(caps['consistencygroup_support']).toBe(false);
    }
    const names = await sdk.bs.backendPools({ detail: false }).toArray();
    expect(names.map((p) => p.name).sort()).toEqual(['rc-host@fake#fake', 'rc-host@fake2#fake2']);
    expect(names.every((p) => p.capabilities === undefined)).toBe(true);
  });

  it('getCapabilities: the back end rc-host@fake; an unknown host is a NotFoundError', async () => {
    const caps = await sdk.bs.getCapabilities('rc-host@fake');
    expect(caps.namespace).toBe('OS::Storage::Capabilities::rc-host@fake');
    expect(caps.volumeBackendName).toBe('fake');
    expect(caps.vendorName).toBe('Open Source');
    expect(caps.storageProtocol).toBe('fake');
    expect(caps.driverVersion).toBe('3.0.0');
    expect(caps.replicationTargets).toEqual([]);
    const properties = caps.properties as Record<string, { title: string; type: string }>;
    expect(Object.keys(properties).sort()).toEqual(['compression', 'qos', 'replication_enabled', 'thin_provisioning']);
    expect(properties['thin_provisioning']).toMatchObject({ title: 'Thin Provisioning', type: 'boolean' });

    const error = await expectError(
      sdk.bs.getCapabilities('rc-host@nowhere'),
      NotFoundError,
      "Can't find service: rc-host@nowhere",
    );
    expect(error.requestId).toMatch(/^req-/);
  });
});
