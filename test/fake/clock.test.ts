/**
 * One clock for the fake and the SDK: `fake.connect()` hands the fake's clock to the SDK, so the
 * waiters' polls, the retry backoff and the token cache all run on fake time, and a test of a
 * five-minute wait takes no real five minutes.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, ResourceTimeoutError, sleepOn, waitForStatus, type Clock } from 'openstack-block-storage';
import { getVolume } from 'openstack-block-storage/block-storage/v3';
import { createClient } from 'openstack-block-storage/lite';
import { startFakeCloud, type FakeCloud, type FakeCloudOptions } from 'openstack-block-storage/testing';

const opened: Array<{ close(): Promise<void> }> = [];
async function fakeCloud(options: Parameters<typeof startFakeCloud>[0] = {}): Promise<FakeCloud> {
  const fake = await startFakeCloud(options);
  opened.push(fake);
  return fake;
}
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

describe('the fake clock drives the SDK’s waits', () => {
  it('a five-minute waitForStatus against a transition of four minutes succeeds without waiting four minutes', async () => {
    const fake = await fakeCloud({ delays: { 'Volume.create': 240_000 } });
    const cloud = await fake.connect();
    opened.push(cloud);
    const volume = await cloud.blockStorage.createVolume({ name: 'slow', size: 1 });
    const fakeStart = fake.clock.now();
    const realStart = performance.now();

    const ready = await cloud.blockStorage.waitForStatus(volume, 'available', { wait: 300 });

    const realMs = performance.now() - realStart;
    expect(ready.status).toBe('available');
    // The SDK's polls moved the fake's time past the transition, and not past the wait's deadline.
    const fakeMs = fake.clock.now() - fakeStart;
    expect(fakeMs).toBeGreaterThanOrEqual(240_000);
    expect(fakeMs).toBeLessThanOrEqual(300_000);
    // Not a speed assertion (bench/ measures speed): any real sleep would take four minutes.
    expect(realMs).toBeLessThan(fakeMs / 10);
  });

  it('a wait whose deadline passes on the fake clock times out, with the last status', async () => {
    const fake = await fakeCloud({ delays: { 'Volume.create': 600_000 } });
    const cloud = await fake.connect();
    opened.push(cloud);
    const volume = await cloud.blockStorage.createVolume({ size: 1 });
    const start = fake.clock.now();
    const error: unknown = await cloud.blockStorage
      .waitForStatus(volume, 'available', { wait: 300 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceTimeoutError);
    expect((error as ResourceTimeoutError).message).toContain('last status creating');
    expect(fake.clock.now() - start).toBe(300_000);
  });

  it('waitForDelete follows a delayed delete on the fake clock', async () => {
    const fake = await fakeCloud({ delays: { 'Volume.delete': 90_000 } });
    const cloud = await fake.connect();
    opened.push(cloud);
    const volume = await cloud.blockStorage.createVolume({ size: 1 });
    await cloud.blockStorage.waitForStatus(volume, 'available');
    await cloud.blockStorage.deleteVolume(volume);
    const start = fake.clock.now();
    await cloud.blockStorage.waitForDelete(volume);
    expect(fake.clock.now() - start).toBeGreaterThanOrEqual(90_000);
    expect(fake.state.list('Volume')).toHaveLength(0);
  });

  it('an abort stops a wait on the fake clock with AbortError', async () => {
    const fake = await fakeCloud({ delays: { 'Volume.create': 600_000 } });
    const cloud = await fake.connect();
    opened.push(cloud);
    const volume = await cloud.blockStorage.createVolume({ size: 1 });
    const controller = new AbortController();
    let polls = 0;
    const waiting = cloud.blockStorage.waitForStatus(volume, 'available', {
      signal: controller.signal,
      callback: () => {
        if (++polls === 3) controller.abort();
      },
    });
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    expect(polls).toBe(3);
  });
});

describe('the fake clock drives the SDK’s retries and tokens', () => {
  it('waits out a 503’s Retry-After on the fake clock, then gets the answer', async () => {
    const fake = await fakeCloud();
    const cloud = await fake.connect();
    opened.push(cloud);
    const volume = await cloud.blockStorage.createVolume({ size: 1 });
    fake.faults.inject({ operation: 'Volume.get', status: 503, retryAfter: 45, times: 1 });
    fake.requests.length = 0;
    const start = fake.clock.now();
    expect((await cloud.blockStorage.getVolume(volume.id)).id).toBe(volume.id);
    expect(fake.clock.now() - start).toBe(45_000);
    expect(fake.requests.map((r) => r.status)).toEqual([503, 200]);
  });

  it('renews its token when it expires on the fake clock, so no call meets a 401', async () => {
    const fake = await fakeCloud({ tokenTtl: 600_000 });
    const cloud = await fake.connect();
    opened.push(cloud);
    const volume = await cloud.blockStorage.createVolume({ size: 1 });
    fake.clock.advance(600_000);
    fake.requests.length = 0;
    await cloud.blockStorage.getVolume(volume.id);
    expect(fake.requests.map((r) => `${r.operation ?? r.path} ${r.status}`)).toEqual([
      'Identity.authenticate 201',
      'Volume.get 200',
    ]);
  });
});

describe('the clock option', () => {
  it('connect() uses a clock of your own for waits instead of the fake’s', async () => {
    const fake = await fakeCloud({ delays: { 'Volume.create': 10_000 } });
    let now = fake.clock.now();
    const slept: number[] = [];
    const clock: Clock = {
      now: () => now,
      sleep: (ms) => {
        slept.push(ms);
        now += ms;
        fake.clock.advance(ms);
        return Promise.resolve();
      },
    };
    const cloud = await fake.connect({ clock });
    opened.push(cloud);
    const volume = await cloud.blockStorage.createVolume({ size: 1 });
    await cloud.blockStorage.waitForStatus(volume, 'available', { interval: 1 });
    // Backoff from 1 s by 1.5×, capped at 5 s, until 10 s have passed.
    expect(slept).toEqual([1000, 1500, 2250, 3375, 5000]);
  });

  it('createClient() takes the clock too, for the standalone functions', async () => {
    const fake = await fakeCloud({ noauth: true, delays: { 'Volume.create': 120_000 } });
    const cloud = await fake.connect();
    opened.push(cloud);
    const volume = await cloud.blockStorage.createVolume({ size: 1 });
    const client = createClient({ endpoint: fake.url, token: fake.token, clock: fake.clock });
    const start = fake.clock.now();
    const ready = await waitForStatus(client, await getVolume(client, volume.id), 'available', { wait: 300 });
    expect(ready.status).toBe('available');
    expect(fake.clock.now() - start).toBeGreaterThanOrEqual(120_000);
  });

  it('a delay the spec declares on a transition runs on the fake clock; the delays option overrides it', async () => {
    // The spec's model with `delay: 60000` declared on Volume.create (the real spec declares none).
    const model = JSON.parse(readFileSync(new URL('../../generated/fake-model.json', import.meta.url), 'utf8')) as {
      services: { resources: { name: string; status?: { transitions: Record<string, { delay?: number }> } }[] }[];
    };
    for (const service of model.services)
      for (const r of service.resources) if (r.name === 'Volume') r.status!.transitions['create'].delay = 60_000;
    const fakeModel = model as unknown as FakeCloudOptions['model'];
    const declared = await fakeCloud({ model: fakeModel });
    const cloud = await declared.connect();
    opened.push(cloud);
    const volume = await cloud.blockStorage.createVolume({ size: 1 });
    declared.clock.advance(59_999);
    expect((await cloud.blockStorage.getVolume(volume.id)).status).toBe('creating');
    declared.clock.advance(1);
    expect((await cloud.blockStorage.getVolume(volume.id)).status).toBe('available');

    const overridden = await fakeCloud({ model: fakeModel, delays: { 'Volume.create': 0 } });
    const quick = await overridden.connect();
    opened.push(quick);
    const next = await quick.blockStorage.createVolume({ size: 1 });
    expect((await quick.blockStorage.getVolume(next.id)).status).toBe('available');
  });

  it('an abort ends a sleep even on a clock of your own that ignores the signal', async () => {
    const never: Clock = { now: () => 0, sleep: () => new Promise<void>(() => undefined) };
    const controller = new AbortController();
    const sleeping = sleepOn(never, 1000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toBeInstanceOf(AbortError);
  });
});
