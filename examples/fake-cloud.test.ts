/**
 * Testing your own code against the fake cloud, with vitest. `provisionScratchVolume` stands for
 * code of yours that uses the SDK; the tests run it against a stateful fake Keystone and Cinder on
 * a loopback port: real HTTP, real auth, no cloud, no waiting.
 *
 *   npx vitest run examples/fake-cloud.test.ts
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { PayloadTooLargeError, type BlockStorageV3 } from 'openstack-block-storage';
import type { Volume } from 'openstack-block-storage/block-storage/v3';
import { startFakeCloud, type FakeCloud } from 'openstack-block-storage/testing';

// --- your code -------------------------------------------------------------------------------

/** Creates a volume for a job, waits until it is usable, and tags it. */
async function provisionScratchVolume(bs: BlockStorageV3, job: string, sizeGiB: number): Promise<Volume> {
  const volume = await bs.createVolume({ name: `scratch-${job}`, size: sizeGiB, metadata: { job } });
  // Production intervals: against the fake, its clock makes the five-minute limit instant.
  return bs.waitForStatus(volume, 'available', { interval: 2, wait: 300 });
}

// --- its tests -------------------------------------------------------------------------------

let fake: FakeCloud;
let bs: BlockStorageV3;
let close: () => Promise<void>;

beforeAll(async () => {
  // Quotas as small as you like; Keystone credentials and a catalog come with it.
  fake = await startFakeCloud({ quotas: { gigabytes: 100 } });
  const cloud = await fake.connect(); // the SDK's connect(), against the fake's Keystone
  bs = cloud.blockStorage;
  close = () => cloud.close();
});
afterEach(() => fake.faults.clear());
afterAll(async () => {
  await close();
  await fake.close();
});

it('provisions an available, tagged volume', async () => {
  const volume = await provisionScratchVolume(bs, 'build-1', 10);
  expect(volume.status).toBe('available');
  expect(volume.metadata).toEqual({ job: 'build-1' });
  // What was sent, with its body parsed:
  const create = fake.requests.find((r) => r.operation === 'Volume.create');
  expect(create?.body).toEqual({ volume: { name: 'scratch-build-1', size: 10, metadata: { job: 'build-1' } } });
});

it('rides out throttling: the SDK retries a 429 that says when', async () => {
  fake.faults.inject({ operation: 'Volume.create', status: 429, retryAfter: 0, times: 1 });
  const volume = await provisionScratchVolume(bs, 'build-2', 1);
  expect(volume.status).toBe('available');
});

it('surfaces a quota refusal as a typed error', async () => {
  await expect(provisionScratchVolume(bs, 'huge', 500)).rejects.toBeInstanceOf(PayloadTooLargeError);
});

it('waits through a slow creation on the fake clock, without really waiting', async () => {
  const slow = await startFakeCloud({ delays: { 'Volume.create': 120_000 } }); // two minutes, on its clock
  const cloud = await slow.connect(); // the SDK's waits run on the fake's clock
  try {
    const start = slow.clock.now();
    expect((await provisionScratchVolume(cloud.blockStorage, 'slow', 1)).status).toBe('available');
    expect(slow.clock.now() - start).toBeGreaterThanOrEqual(120_000);
  } finally {
    await cloud.close();
    await slow.close();
  }
});

it('gives up when the volume never becomes available', async () => {
  const volume = await bs.createVolume({ size: 1 });
  fake.faults.stick('Volume', volume.id, 'creating');
  await expect(bs.waitForStatus(volume, 'available', { interval: 0.05, wait: 0.3 })).rejects.toThrow(/Timeout/);
});
