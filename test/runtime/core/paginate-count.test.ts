/**
 * with_count (microversion 3.45): a volume, snapshot or backup listing asked `withCount: true`
 * gets Cinder's `"count"` beside the items, the number the whole listing matches. It is reachable
 * from the lazy listing as `count()` (one request at most, none after the listing was read) and
 * on each page.
 */
import { describe, expect, it } from 'vitest';
import { BlockStorageV3 } from '../../../generated/block-storage/v3/index.js';
import { InvalidResponseError, MicroversionNotSupportedError } from '../../../runtime/errors.js';
import { proxyFixture } from '../../../testing/proxy-fixture.js';

const volumes = (ids: string[]): { id: string }[] => ids.map((id) => ({ id }));

describe('listing counts (with_count, 3.45)', () => {
  const fixture = proxyFixture(BlockStorageV3);

  it('count() sends with_count=true once and answers the total Cinder reports, not the page size', async () => {
    const f = await fixture.at('3.70');
    f.server.reply({ status: 200, body: { volumes: volumes(['v-1', 'v-2']), count: 7 } });
    const listing = f.proxy.volumes({ withCount: true, limit: 2 });
    await expect(listing.count()).resolves.toBe(7);
    const [sent, ...more] = f.server.take();
    expect(more).toEqual([]);
    expect(sent.path).toBe('/volumes/detail');
    expect(sent.query).toEqual({ with_count: 'true', limit: '2' });
    expect(sent.headers['openstack-api-version']).toBe('volume 3.70');
  });

  it('a listing already read answers count() without another request', async () => {
    const f = await fixture.at('3.70');
    f.server.reply({ status: 200, body: { snapshots: [{ id: 's-1' }], count: 1 } });
    const listing = f.proxy.snapshots({ withCount: true });
    const items = await listing.toArray();
    expect(items.map((s) => s.id)).toEqual(['s-1']);
    expect(f.server.take()).toHaveLength(1);
    await expect(listing.count()).resolves.toBe(1);
    expect(f.server.take()).toEqual([]);
  });

  it('each page carries the count, on backups too', async () => {
    const f = await fixture.at('3.70');
    f.server.reply({ status: 200, body: { backups: [{ id: 'b-1' }], count: 3 } });
    const counts: (number | undefined)[] = [];
    for await (const page of f.proxy.backups({ withCount: true, details: false }).pages()) counts.push(page.count);
    expect(counts).toEqual([3]);
    const [sent] = f.server.take();
    expect(sent.path).toBe('/backups');
    expect(sent.query).toEqual({ with_count: 'true' });
  });

  it('count() on a listing not asked withCount is an InvalidResponseError that says how to ask', async () => {
    const f = await fixture.at('3.70');
    f.server.reply({ status: 200, body: { volumes: volumes(['v-1']) } });
    const error = await f.proxy
      .volumes()
      .count()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toContain('withCount: true');
  });

  it('a count that is not a non-negative integer is an InvalidResponseError', async () => {
    const f = await fixture.at('3.70');
    f.server.reply({ status: 200, body: { volumes: volumes(['v-1']), count: '7' } });
    const error = await f.proxy
      .volumes({ withCount: true })
      .count()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toContain('"count"');
  });

  it('withCount fails before any request on a cloud below 3.45', async () => {
    const f = await fixture.at('3.44');
    const error = await f.proxy
      .volumes({ withCount: true })
      .count()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MicroversionNotSupportedError);
    expect(f.server.take()).toEqual([]);
  });
});
