/**
 * waitForStatus and waitForDelete through the generated v2 proxy against real state machines:
 * success, fail-fast on the spec's failure states (not only `error`), a resource that goes away,
 * timeouts, and the options (failures, attribute, callback).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { BlockStorageV2, Volume } from '../../generated/block-storage/v2/index.js';
import {
  InvalidArgumentError,
  NotFoundError,
  ResourceFailureError,
  ResourceTimeoutError,
} from '../../generated/index.js';
import { Cleanup, POLL, connectWired, expectRejects, type WiredSdk } from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { uniqueName } from './sdk.js';

const env = loadLiveEnv();

let sdk: WiredSdk;
let bs: BlockStorageV2;
let cleanup: Cleanup;
/** An available volume that the tests below only read or reset and restore. */
let steady: Volume;

async function available(name = uniqueName('wait')): Promise<Volume> {
  const v = await bs.createVolume({ name, size: 1 });
  cleanup.volumes.add(v.id);
  return bs.waitForStatus(v, 'available', POLL);
}

/** Seconds since `start`. */
function since(start: number): number {
  return (Date.now() - start) / 1000;
}

beforeAll(async () => {
  sdk = await connectWired();
  bs = sdk.bs;
  cleanup = new Cleanup(bs);
  steady = await available(uniqueName('wait-steady'));
});

afterAll(async () => {
  await cleanup?.run();
  await sdk?.close();
});

describe(`waiters (${env.mode})`, () => {
  it('waitForStatus polls a creating volume until it is available and returns the fresh resource', async () => {
    const created = await bs.createVolume({ name: uniqueName('wait-create'), size: 1 });
    cleanup.volumes.add(created.id);
    expect(created.status).toBe('creating');
    const progress: number[] = [];
    const ready = await bs.waitForStatus(created, 'available', {
      interval: 0.2,
      maxInterval: 0.4,
      wait: 60,
      callback: (p) => progress.push(p),
    });
    expect(ready).not.toBe(created);
    expect(ready.id).toBe(created.id);
    expect(ready.status).toBe('available');
    expect(ready.host).toBeTruthy();
    // Volumes report no progress: every callback (one per poll that was not yet done) got 0.
    for (const p of progress) expect(p).toBe(0);
    const polls = sdk.wire.filter((e) => e.method === 'GET' && e.url.endsWith(`/volumes/${created.id}`));
    expect(polls.length).toBe(progress.length + 1);

    // Already in the wanted status: returned as is, without a request (the status is compared case-insensitively).
    const before = sdk.wire.length;
    // @ts-expect-error: the types take Cinder's spelling; at run time the comparison ignores case.
    expect(await bs.waitForStatus(ready, 'AVAILABLE', POLL)).toBe(ready);
    expect(sdk.wire.length).toBe(before);
  });

  it("waitForStatus fails fast when the volume reaches a failure state: error, and the spec's error_extending", async () => {
    for (const failure of ['error', 'error_extending']) {
      await bs.resetVolumeStatus(steady.id, { status: failure });
      const start = Date.now();
      const error = await expectRejects(
        bs.waitForStatus(await bs.getVolume(steady.id), 'available', { ...POLL, wait: 60 }),
        ResourceFailureError,
      );
      expect(since(start)).toBeLessThan(5);
      expect(error).toMatchObject({ resource: 'Volume', id: steady.id, status: failure });
      expect(error.message).toContain(`transitioned to failure state ${failure}`);
    }
    await bs.resetVolumeStatus(steady.id, { status: 'available' });
    expect((await bs.getVolume(steady.id)).status).toBe('available');
  });

  it('waitForStatus with failures given: any listed status stops the wait', async () => {
    await bs.attachVolume(steady.id, '/dev/vdb', { hostName: 'osbs-live-host' });
    try {
      const error = await expectRejects(
        bs.waitForStatus(steady, 'detaching', { ...POLL, wait: 30, failures: ['in-use'] }),
        ResourceFailureError,
      );
      expect(error.status).toBe('in-use');
    } finally {
      const attached = await bs.getVolume(steady.id);
      await bs.detachVolume(steady.id, attached.attachments![0].attachmentId!);
    }
    expect((await bs.waitForStatus(await bs.getVolume(steady.id), 'available', POLL)).attachments).toEqual([]);
  });

  it('waitForStatus on another attribute: migrationStatus of a volume that was never migrated times out', async () => {
    const error = await expectRejects(
      bs.waitForStatus(steady, 'success', { interval: 0.2, wait: 0.5, attribute: 'migrationStatus' }),
      ResourceTimeoutError,
    );
    expect(error.lastStatus).toBeUndefined();
    await expectRejects(
      bs.waitForStatus(steady, 'available', { attribute: 'noSuchField' }),
      InvalidArgumentError,
      undefined,
      'Volume has no attribute "noSuchField"',
    );
  });

  it('waitForStatus times out with ResourceTimeoutError after `wait` seconds, naming the last status', async () => {
    const start = Date.now();
    const error = await expectRejects(
      bs.waitForStatus(steady, 'in-use', { interval: 0.2, wait: 0.8 }),
      ResourceTimeoutError,
    );
    const took = since(start);
    expect(took).toBeGreaterThanOrEqual(0.7);
    expect(took).toBeLessThan(5);
    expect(error).toMatchObject({ resource: 'Volume', id: steady.id, lastStatus: 'available' });
    expect(error.message).toContain(
      `Timeout waiting for Volume ${steady.id} to transition to in-use (last status available)`,
    );
  });

  it('waitForStatus reports a volume that is deleted while waited on', async () => {
    const v = await available();
    await bs.deleteVolume(v.id);
    const error = await expectRejects(bs.waitForStatus(v, 'in-use', { ...POLL, wait: 60 }), ResourceFailureError);
    expect(error.message).toContain('went away');
    await expectRejects(bs.getVolume(v.id), NotFoundError, 404);
  });

  it('waitForDelete returns once the volume answers 404; at once when it is already gone; times out on a volume that stays', async () => {
    const v = await available();
    await bs.deleteVolume(v.id);
    const gone = await bs.waitForDelete(v, POLL);
    expect(gone.id).toBe(v.id);
    await expectRejects(bs.getVolume(v.id), NotFoundError, 404);

    const start = Date.now();
    await bs.waitForDelete(v, POLL);
    expect(since(start)).toBeLessThan(2);

    const error = await expectRejects(bs.waitForDelete(steady, { interval: 0.2, wait: 0.5 }), ResourceTimeoutError);
    expect(error.message).toContain(`Timeout waiting for Volume ${steady.id} to delete (last status available)`);
    expect((await bs.getVolume(steady.id)).status).toBe('available');
  });
});
