/**
 * Requests the SDK used to get wrong, against the fake cloud (which answers from the same spec,
 * with Cinder's messages): what Cinder accepts is sent, what it refuses fails before sending.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  connect,
  MicroversionNotSupportedError,
  type BlockStorageV3,
  type CloudConnection,
} from 'openstack-block-storage';
import { startFakeCloud, type FakeCloud } from 'openstack-block-storage/testing';

describe('requests Cinder accepts, against the fake cloud', () => {
  let fake: FakeCloud;
  let cloud: CloudConnection & { readonly blockStorage: BlockStorageV3 };
  let bs: BlockStorageV3;
  const fast = { interval: 0.01, wait: 5 };

  beforeAll(async () => {
    fake = await startFakeCloud();
    cloud = await fake.connect();
    bs = cloud.blockStorage;
  });
  afterAll(async () => {
    await cloud.close();
    await fake.close();
  });

  it('sends a snapshot force of true at a pinned microversion of 3.66 or later, where Cinder ignores it', async () => {
    const volume = await bs.waitForStatus(await bs.createVolume({ size: 1 }), 'available', fast);
    const snapshot = await bs.createSnapshot({ volumeId: volume.id, force: true }, { microversion: '3.70' });
    expect(snapshot.volumeId).toBe(volume.id);
    const sent = fake.requests.at(-1);
    expect(sent?.operation).toBe('Snapshot.create');
    expect(sent?.microversion).toBe('3.70');
    expect(sent?.body).toEqual({ snapshot: { volume_id: volume.id, force: true } });
  });

  it('refuses a snapshot force of false at a pinned 3.66 or later before sending, naming the field', async () => {
    const volume = await bs.waitForStatus(await bs.createVolume({ size: 1 }), 'available', fast);
    const before = fake.requests.length;
    const error = await bs
      .createSnapshot({ volumeId: volume.id, force: false }, { microversion: '3.66' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MicroversionNotSupportedError);
    expect((error as Error).message).toBe(
      'Snapshot.create needs microversion at most 3.65, but 3.66 is available (Snapshot.force = false is accepted only up to microversion 3.65)',
    );
    expect(fake.requests.length).toBe(before);
  });

  it('the fake answers a raw force of false at 3.66 with Cinder 21’s 400 and message', async () => {
    const volume = await bs.waitForStatus(await bs.createVolume({ size: 1 }), 'available', fast);
    const response = await fetch(`${fake.url}/snapshots`, {
      method: 'POST',
      headers: {
        'X-Auth-Token': fake.token,
        'Content-Type': 'application/json',
        'OpenStack-API-Version': 'volume 3.66',
      },
      body: JSON.stringify({ snapshot: { volume_id: volume.id, force: false } }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      badRequest: {
        code: 400,
        message:
          "Since microversion 3.66 the 'force' flag is invalid for this request.  For backward compatability, however, when the 'force' flag is passed with a value evaluating to True, it is silently ignored.",
      },
    });
  });

  it('connect() without version is v3, typed so: a volume it creates goes back into extendVolume', async () => {
    const plain = await connect({
      env: false,
      cwd: '/nonexistent',
      homeDir: '/nonexistent',
      systemConfigDirs: [],
      auth: {
        authUrl: fake.authUrl,
        username: fake.username,
        password: fake.password,
        projectName: fake.projectName,
        userDomainName: 'Default',
        projectDomainName: 'Default',
      },
    });
    try {
      expectTypeOf(plain.blockStorage).toEqualTypeOf<BlockStorageV3>();
      const volume = await plain.blockStorage.createVolume({ size: 1 });
      await plain.blockStorage.waitForStatus(volume, 'available', fast);
      await plain.blockStorage.extendVolume(volume, 2);
      expect(fake.requests.at(-1)).toMatchObject({ operation: 'Volume.extend', microversion: '3.71' });
    } finally {
      await plain.close();
    }
  });
});
