/**
 * Fields and arguments that stop at a microversion cap the version of the calls that use them
 * (v3 Snapshot.force stops at 3.65: Cinder refuses force=false from 3.66, and tolerates true).
 */
import { describe, expect, it } from 'vitest';
import { BlockStorageV3 } from '../../../generated/block-storage/v3/index.js';
import { MicroversionNotSupportedError } from '../../../runtime/errors.js';
import { proxyFixture } from '../../../testing/proxy-fixture.js';

describe('microversion caps from fields', () => {
  const fixture = proxyFixture(BlockStorageV3);

  it('a create that sets a field ending at 3.65 is sent at 3.65, without it at the server maximum', async () => {
    const f = await fixture.at('3.70');
    f.server.reply(
      { status: 202, body: { snapshot: { id: 's-1' } } },
      { status: 202, body: { snapshot: { id: 's-2' } } },
    );
    await f.proxy.createSnapshot({ volumeId: 'v-1', force: false });
    await f.proxy.createSnapshot({ volumeId: 'v-1' });
    const [capped, plain] = f.server.take();
    expect(capped.headers['openstack-api-version']).toBe('volume 3.65');
    expect(capped.body).toEqual({ snapshot: { volume_id: 'v-1', force: false } });
    expect(plain.headers['openstack-api-version']).toBe('volume 3.70');
  });

  it('a call pinned above the cap fails before any request, naming the value that caps it', async () => {
    const f = await fixture.at('3.70');
    const error = await f.proxy
      .createSnapshot({ volumeId: 'v-1', force: false }, { microversion: '3.70' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MicroversionNotSupportedError);
    expect((error as Error).message).toContain('Snapshot.force = false is accepted only up to microversion 3.65');
    expect(f.server.take()).toEqual([]);
  });

  it('a value Cinder tolerates after the cap (force: true) does not cap the call', async () => {
    const f = await fixture.at('3.70');
    f.server.reply(
      { status: 202, body: { snapshot: { id: 's-1' } } },
      { status: 202, body: { snapshot: { id: 's-2' } } },
    );
    await f.proxy.createSnapshot({ volumeId: 'v-1', force: true });
    await f.proxy.createSnapshot({ volumeId: 'v-1', force: true }, { microversion: '3.66' });
    const [negotiated, pinned] = f.server.take();
    expect(negotiated.headers['openstack-api-version']).toBe('volume 3.70');
    expect(pinned.headers['openstack-api-version']).toBe('volume 3.66');
    expect(pinned.body).toEqual({ snapshot: { volume_id: 'v-1', force: true } });
  });

  it('an early error names the server range, not a client maximum the caller never set', async () => {
    const f = await fixture.at('3.70');
    const error = await f.proxy.completeVolumeExtend('v-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MicroversionNotSupportedError);
    expect((error as Error).message).toContain('needs microversion 3.71, but 3.0–3.70 is available');
    expect((error as Error).message).not.toContain('client maximum');
  });
});
