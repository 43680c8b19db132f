/**
 * Failures on demand, seen through the SDK: throttling it retries, a reset connection, a server
 * that answers too slowly, a resource stuck in a status or sent to an error state.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectionError,
  RequestTimeoutError,
  ResourceFailureError,
  ResourceTimeoutError,
  ServerError,
  TooManyRequestsError,
  type BlockStorageV3,
  type CloudConnection,
} from 'openstack-block-storage';
import { startFakeCloud, type FakeCloud } from 'openstack-block-storage/testing';

/** Faults must look the same to the SDK over the loopback server and in-process. */
describe.each([
  { mode: 'over a loopback socket', inProcess: false },
  { mode: 'in-process', inProcess: true },
])('faults, $mode', ({ inProcess }) => {
  let fake: FakeCloud;
  let cloud: CloudConnection & { readonly blockStorage: BlockStorageV3 };
  let bs: BlockStorageV3;

  beforeAll(async () => {
    fake = await startFakeCloud({ inProcess });
    cloud = await fake.connect({ statusCodeRetryDelay: 1, connectRetryDelay: 1 });
    bs = cloud.blockStorage;
  });
  afterEach(() => fake.faults.clear());
  afterAll(async () => {
    await cloud.close();
    await fake.close();
  });

  it('a 429 with Retry-After is retried by the SDK, and the create happens once', async () => {
    const before = fake.state.list('Volume').length;
    const fault = fake.faults.inject({ operation: 'Volume.create', status: 429, retryAfter: 0, times: 1 });
    const volume = await bs.createVolume({ size: 1, name: 'throttled' });
    expect(volume.name).toBe('throttled');
    expect(fault.hits).toBe(1);
    const creates = fake.requests.filter((r) => r.operation === 'Volume.create').slice(-2);
    expect(creates.map((r) => r.status)).toEqual([429, 202]);
    expect(fake.state.list('Volume').length).toBe(before + 1);
  });

  it('a Retry-After beyond what the SDK waits fails at once with the server’s value', async () => {
    fake.faults.inject({ operation: 'Volume.list', status: 429, retryAfter: 3600 });
    const error = await bs
      .volumes()
      .toArray()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyRequestsError);
    expect((error as TooManyRequestsError).retryAfter).toBe(3600);
  });

  it('a 503 on every attempt ends in ServerError after the SDK’s retries', async () => {
    const fault = fake.faults.inject({ path: /\/volumes\/[^/]+$/, method: 'GET', status: 503, retryAfter: 0 });
    await expect(bs.getVolume('v-1')).rejects.toBeInstanceOf(ServerError);
    expect(fault.hits).toBe(4); // the first attempt and 3 retries (statusCodeRetries)
  });

  it('a connection reset on a GET is retried; on a POST it surfaces as ConnectionError', async () => {
    const reset = fake.faults.inject({ operation: 'Volume.list', reset: true, times: 1 });
    const listed = await bs.volumes({ details: false }).toArray();
    expect(listed.length).toBe(fake.state.list('Volume').length);
    expect(reset.hits).toBe(1);
    expect(fake.requests.filter((r) => r.operation === 'Volume.list').at(-2)?.status).toBe(0);

    fake.faults.inject({ operation: 'Volume.create', reset: true });
    await expect(bs.createVolume({ size: 1 })).rejects.toBeInstanceOf(ConnectionError);
  });

  it('a delay longer than the call’s timeout is a RequestTimeoutError', async () => {
    fake.faults.inject({ operation: 'Volume.get', delay: 500 });
    await expect(bs.getVolume('slow', { timeout: 100 })).rejects.toBeInstanceOf(RequestTimeoutError);
  });

  it('a status with a body of its own is answered as given', async () => {
    fake.faults.inject({
      operation: 'Volume.get',
      status: 409,
      body: { conflictingRequest: { code: 409, message: 'Volume is locked.' } },
    });
    await expect(bs.getVolume('locked')).rejects.toMatchObject({ status: 409, details: 'Volume is locked.' });
  });

  it('a volume stuck in creating makes waitForStatus time out', async () => {
    const volume = await bs.createVolume({ size: 1 });
    fake.faults.stick('Volume', volume.id);
    await expect(bs.waitForStatus(volume, 'available', { interval: 0.01, wait: 0.2 })).rejects.toBeInstanceOf(
      ResourceTimeoutError,
    );
    fake.faults.clear();
    expect((await bs.getVolume(volume.id)).status).toBe('available');
  });

  it('a volume sent to an error state makes waitForStatus fail fast', async () => {
    const volume = await bs.createVolume({ size: 1 });
    fake.state.setStatus('Volume', volume.id, 'error_extending');
    await expect(bs.waitForStatus(volume, 'available', { interval: 0.01, wait: 5 })).rejects.toBeInstanceOf(
      ResourceFailureError,
    );
  });

  it('refuses fault rules that cannot be answered', () => {
    expect(() => fake.faults.inject({ status: 99 })).toThrow(/HTTP status/);
    expect(() => fake.faults.inject({ status: 500, times: 0 })).toThrow(/positive integer/);
  });
});
