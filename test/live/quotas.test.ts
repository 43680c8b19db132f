/**
 * Live: quota sets (get with and without usage, defaults, update, revert to defaults) and the
 * default quota class (get, update), through the generated v2 proxy against a real Cinder 21.
 *
 * The harness raised this project's quotas (200 volumes, …); every value changed here is put back
 * to what it was when the file started, with updateQuotaSet / updateQuotaClassSet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BadRequestError } from '../../generated/index.js';
import type {
  QuotaClassSet,
  QuotaSet,
  QuotaSetUpdate,
  QuotaClassSetUpdate,
  Volume,
} from '../../generated/block-storage/v2/index.js';
import { bestEffort, expectError, POLL } from './admin-helpers.js';
import { connectLive, uniqueName, type LiveSdk } from './sdk.js';

let sdk: LiveSdk;
let project: string;
/** The project's quotas when the file started (restored in afterAll). */
let original: QuotaSet;
/** The default quota class when the file started (restored in afterAll). */
let originalClass: QuotaClassSet;
let volume: Volume | undefined;

/** The standard quota keys (per-volume-type keys follow the types other tests create). */
const KEYS = [
  'volumes',
  'snapshots',
  'gigabytes',
  'backups',
  'backupGigabytes',
  'perVolumeGigabytes',
  'groups',
] as const;

function pick(q: QuotaSet | QuotaClassSet): Record<(typeof KEYS)[number], number | undefined> {
  return Object.fromEntries(KEYS.map((k) => [k, q[k]])) as Record<(typeof KEYS)[number], number | undefined>;
}

function restoreValues(q: QuotaSet | QuotaClassSet): QuotaSetUpdate & QuotaClassSetUpdate {
  const values: Record<string, number> = {};
  for (const k of KEYS) if (typeof q[k] === 'number') values[k] = q[k];
  return values;
}

beforeAll(async () => {
  sdk = await connectLive();
  project = sdk.env.projectId;
  original = await sdk.bs.getQuotaSet(project);
  originalClass = await sdk.bs.getQuotaClassSet();
});

afterAll(async () => {
  if (!sdk) return;
  await bestEffort(
    () => sdk.bs.updateQuotaSet(project, restoreValues(original)),
    () => sdk.bs.updateQuotaClassSet('default', restoreValues(originalClass)),
    async () => {
      if (!volume) return;
      await sdk.bs.deleteVolume(volume);
      await sdk.bs.waitForDelete(volume, POLL);
    },
  );
  await sdk.close();
});

describe(`quotas (${process.env['RC_AUTH'] ?? 'noauth'})`, () => {
  it('getQuotaSet: the limits the harness set; with usage, in_use and reserved per key', async () => {
    const quotas = await sdk.bs.getQuotaSet(project);
    expect(quotas.projectId).toBe(project);
    expect(quotas.volumes).toBeGreaterThanOrEqual(200);
    expect(quotas.gigabytes).toBeGreaterThanOrEqual(1000);
    expect(quotas.usage).toBeUndefined();
    // Per-volume-type keys are kept as they come.
    expect(quotas.getAttribute('volumes___DEFAULT__')).toBe(-1);

    volume = await sdk.bs.createVolume({ size: 1, name: uniqueName('quota') });
    await sdk.bs.waitForStatus(volume, 'available', POLL);

    const withUsage = await sdk.bs.getQuotaSet(project, { usage: true });
    expect(withUsage.volumes).toBe(quotas.volumes);
    expect(withUsage.usage!['volumes']).toBeGreaterThanOrEqual(1);
    expect(withUsage.usage!['gigabytes']).toBeGreaterThanOrEqual(1);
    expect(withUsage.reservation!['volumes']).toBeGreaterThanOrEqual(0);
    for (const key of ['volumes', 'snapshots', 'gigabytes', 'backups', 'backup_gigabytes', 'groups']) {
      expect(typeof withUsage.usage![key], key).toBe('number');
      expect(typeof withUsage.reservation![key], key).toBe('number');
    }
    // The limits stay in the fields, the same as without usage.
    expect(pick(withUsage)).toEqual(pick(quotas));

    // Cinder refuses a limit below what is in use.
    await expectError(
      sdk.bs.updateQuotaSet(project, { volumes: 0 }),
      BadRequestError,
      'Quota volumes limit must be equal or greater than existing resources.',
    );
    expect((await sdk.bs.getQuotaSet(project)).volumes).toBe(quotas.volumes);

    await sdk.bs.deleteVolume(volume);
    await sdk.bs.waitForDelete(volume, POLL);
    volume = undefined;
  });

  it('getQuotaSetDefaults: the default class values (10 volumes in a stock Cinder)', async () => {
    const defaults = await sdk.bs.getQuotaSetDefaults(project);
    expect(defaults.projectId).toBe(project);
    expect(pick(defaults)).toEqual(pick(await sdk.bs.getQuotaClassSet('default')));
    expect(defaults.volumes).toBe(10);
  });

  it('updateQuotaSet changes limits; revertQuotaSet drops them back to the defaults', async () => {
    const defaults = await sdk.bs.getQuotaSetDefaults(project);
    const changed = await sdk.bs.updateQuotaSet(project, { volumes: 150, snapshots: 120, backupGigabytes: 900 });
    expect(changed.volumes).toBe(150);
    expect(changed.snapshots).toBe(120);
    expect(changed.backupGigabytes).toBe(900);
    // Cinder answers with every quota of the project.
    expect(changed.gigabytes).toBe(original.gigabytes);

    let now = await sdk.bs.getQuotaSet(project);
    expect(pick(now)).toEqual({ ...pick(original), volumes: 150, snapshots: 120, backupGigabytes: 900 });

    await expectError(sdk.bs.updateQuotaSet(project, { volumes: -5 }), BadRequestError, 'volumes must be >= -1');
    await expectError(
      sdk.bs.updateQuotaSet(project, { osbs_nonsense: 5 }),
      BadRequestError,
      'Bad key(s) in quota set: osbs_nonsense',
    );

    await sdk.bs.revertQuotaSet(project);
    now = await sdk.bs.getQuotaSet(project);
    expect(pick(now)).toEqual(pick(defaults));

    // Back to what the harness set.
    const restored = await sdk.bs.updateQuotaSet(project, restoreValues(original));
    expect(pick(restored)).toEqual(pick(original));
    expect(pick(await sdk.bs.getQuotaSet(project))).toEqual(pick(original));
  });

  it('getQuotaClassSet and updateQuotaClassSet: the defaults every project without quotas gets', async () => {
    const cls = await sdk.bs.getQuotaClassSet();
    expect(cls.id).toBe('default');
    expect(cls.volumes).toBeGreaterThan(0);
    expect((await sdk.bs.getQuotaClassSet('default')).volumes).toBe(cls.volumes);

    const updated = await sdk.bs.updateQuotaClassSet('default', { volumes: cls.volumes! + 7, perVolumeGigabytes: 77 });
    expect(updated.volumes).toBe(cls.volumes! + 7);
    expect(updated.perVolumeGigabytes).toBe(77);
    expect(updated.snapshots).toBe(cls.snapshots);

    const now = await sdk.bs.getQuotaClassSet();
    expect(now.volumes).toBe(cls.volumes! + 7);
    expect(now.perVolumeGigabytes).toBe(77);
    // Project defaults follow the class.
    const defaults = await sdk.bs.getQuotaSetDefaults(project);
    expect(defaults.volumes).toBe(cls.volumes! + 7);
    expect(defaults.perVolumeGigabytes).toBe(77);

    // By name: `cls` still holds the old values, and an update with an instance sends only what
    // differs from the instance (here nothing, so no request at all).
    await sdk.bs.updateQuotaClassSet('default', restoreValues(cls));
    expect(pick(await sdk.bs.getQuotaClassSet())).toEqual(pick(cls));
  });
});
