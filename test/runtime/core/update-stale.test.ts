/**
 * Attributes passed to update* are sent even when the instance already holds that value: the
 * instance may be stale, and the caller asked for that value on the server.
 */
import { describe, expect, it } from 'vitest';
import { BlockStorageV2, QuotaClassSet } from '../../../generated/block-storage/v2/index.js';
import { proxyFixture } from '../../../testing/proxy-fixture.js';

describe('update with a stale instance', () => {
  const fixture = proxyFixture(BlockStorageV2);

  it('sends the given value although the instance has it already', async () => {
    const f = await fixture.at();
    const stale = new QuotaClassSet({ id: 'default', volumes: 10 });
    stale.markClean();
    f.server.reply({ status: 200, body: { quota_class_set: { volumes: 10 } } });
    const result = await f.proxy.updateQuotaClassSet(stale, { volumes: 10 });
    f.expectRequests([
      { method: 'PUT', path: '/os-quota-class-sets/default', query: {}, body: { quota_class_set: { volumes: 10 } } },
    ]);
    expect(result.volumes).toBe(10);
  });

  it('an instance changed through its setters sends only what changed, and nothing when nothing did', async () => {
    const f = await fixture.at();
    const quota = new QuotaClassSet({ id: 'default', volumes: 10, snapshots: 5 });
    quota.markClean();
    quota.volumes = 10;
    expect(await f.proxy.updateQuotaClassSet(quota, {})).toBe(quota);
    f.expectRequests([]);
    quota.snapshots = 6;
    f.server.reply({ status: 200, body: { quota_class_set: { volumes: 10, snapshots: 6 } } });
    await f.proxy.updateQuotaClassSet(quota, {});
    f.expectRequests([
      { method: 'PUT', path: '/os-quota-class-sets/default', query: {}, body: { quota_class_set: { snapshots: 6 } } },
    ]);
  });
});
