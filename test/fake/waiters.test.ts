/**
 * The waiters as a new user calls them: on the resource, or on its class and ID; with a finite
 * default wait (on the fake's clock, so ten minutes take no real time) or `Infinity`; failure
 * states typed like the target (tsc checks the `@ts-expect-error` lines in `npm test`).
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  DEFAULT_DELETE_WAIT,
  DEFAULT_STATUS_WAIT,
  InvalidArgumentError,
  ResourceFailureError,
  ResourceTimeoutError,
  type BlockStorageV3,
  type CloudConnection,
} from 'openstack-block-storage';
import { Snapshot, Volume } from 'openstack-block-storage/block-storage/v3';
import { startFakeCloud, type FakeCloud } from 'openstack-block-storage/testing';

let fake: FakeCloud;
let cloud: CloudConnection & { readonly blockStorage: BlockStorageV3 };
let bs: BlockStorageV3;

beforeAll(async () => {
  fake = await startFakeCloud({ inProcess: true });
  cloud = await fake.connect();
  bs = cloud.blockStorage;
});
afterAll(async () => {
  await cloud.close();
  await fake.close();
});

describe('waiters', () => {
  it('waitForStatus and waitForDelete take a class and an ID as well as a resource', async () => {
    const { id } = await bs.createVolume({ size: 1 });
    const ready = await bs.waitForStatus(Volume, id, 'available');
    expectTypeOf(ready).toEqualTypeOf<Volume>();
    expect(ready).toBeInstanceOf(Volume);
    expect(ready.status).toBe('available');
    // The status defaults to available in this form too.
    expect((await bs.waitForStatus(Volume, id)).size).toBe(1);

    const snapshot = await bs.createSnapshot({ volumeId: id });
    expectTypeOf(await bs.waitForStatus(Snapshot, snapshot.id, 'available')).toEqualTypeOf<Snapshot>();
    await bs.deleteSnapshot(snapshot);
    await bs.waitForDelete(Snapshot, snapshot.id);
    await bs.deleteVolume(id);
    const gone = await bs.waitForDelete(Volume, id);
    expect(gone.id).toBe(id);
    expect(fake.state.get('Volume', id)).toBeUndefined();
  });

  it('an ID without its class is refused before any request, saying how to pass it', async () => {
    const { id } = await bs.createVolume({ size: 1 });
    const before = fake.requests.length;
    // @ts-expect-error: an ID alone does not say which kind of resource it is.
    const error = await bs.waitForStatus(id, 'available').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toBe(
      'resource: expected a resource as returned by the API, or its class and ID (waitForStatus(Volume, id)), got a string',
    );
    // @ts-expect-error: the class needs the ID after it.
    const noId = await bs.waitForDelete(Volume).catch((e: unknown) => e);
    expect((noId as Error).message).toBe('id: expected the ID of the Volume to wait on, got undefined');
    expect(fake.requests.length).toBe(before);
  });

  it('waitForStatus gives up after ten minutes by default, waitForDelete after two (Infinity waits on)', async () => {
    expect(DEFAULT_STATUS_WAIT).toBe(600);
    expect(DEFAULT_DELETE_WAIT).toBe(120);
    const volume = await bs.waitForStatus(await bs.createVolume({ size: 1 }), 'available');
    const release = fake.state.hold('Volume', volume.id, 'creating');
    const started = fake.clock.now();
    const error = await bs.waitForStatus(volume, 'in-use', { interval: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceTimeoutError);
    expect(fake.clock.now() - started).toBe(600_000);

    const deleting = fake.clock.now();
    const stillThere = await bs.waitForDelete(volume, { interval: 30 }).catch((e: unknown) => e);
    expect(stillThere).toBeInstanceOf(ResourceTimeoutError);
    expect(fake.clock.now() - deleting).toBe(120_000);

    // wait: Infinity is accepted: it waits until the status comes.
    release();
    fake.state.setStatus('Volume', volume.id, 'available');
    const forever = await bs.waitForStatus(volume, 'available', { wait: Infinity });
    expect(forever.status).toBe('available');
  });

  it('failures are typed as the resource’s statuses, like the target', async () => {
    const volume = await bs.createVolume({ size: 1 });
    fake.state.setStatus('Volume', volume.id, 'error_restoring');
    const error = await bs
      .waitForStatus(volume, 'available', { failures: ['error_restoring'], interval: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceFailureError);
    expect(error).toMatchObject({ status: 'error_restoring' });
    // @ts-expect-error: 'eror' is not a VolumeStatus.
    await bs.waitForStatus(volume, 'error_restoring', { failures: ['eror'] });
    const snapshot = new Snapshot({ id: 'x' });
    const inUse = { failures: ['in-use'] as const, wait: 0 };
    // @ts-expect-error: 'in-use' is a volume's status, not a snapshot's.
    await bs.waitForStatus(snapshot, 'available', inUse).catch(() => undefined);
    // With attribute, the target and the failures are about another field: any string.
    await bs.waitForStatus(volume, 'error_restoring', { attribute: 'status', failures: ['whatever'] });
  });
});
