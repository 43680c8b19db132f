/**
 * Volume transfers through the generated v2 proxy (/os-volume-transfer) against the real Cinder:
 * every Transfer method. The second identity (noauth: the second project; Keystone: the non-admin
 * `demo` user in project demo) accepts a transfer and then owns the volume.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { BlockStorageV2, Transfer, Volume } from '../../generated/block-storage/v2/index.js';
import { BadRequestError, NotFoundError, ResourceNotFoundError } from '../../generated/index.js';
import { Cleanup, POLL, expectRejects, json, settledVolume } from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { connectLive, uniqueName, type LiveSdk } from './sdk.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const env = loadLiveEnv();

let admin: LiveSdk;
let second: LiveSdk;
let bs: BlockStorageV2;
let cleanup: Cleanup;
/** Given away to the second project. */
let given: Volume;
/** Offered, then the offer is withdrawn. */
let kept: Volume;
let transfer: Transfer;

beforeAll(async () => {
  [admin, second] = await Promise.all([connectLive(), connectLive('second')]);
  bs = admin.bs;
  cleanup = new Cleanup(bs);
  const made = await Promise.all([
    bs.createVolume({ name: uniqueName('transfer-given'), size: 1, metadata: { owner: 'admin' } }),
    bs.createVolume({ name: uniqueName('transfer-kept'), size: 1 }),
  ]);
  for (const v of made) cleanup.volumes.add(v.id);
  [given, kept] = await Promise.all(made.map((v) => bs.waitForStatus(v, 'available', POLL)));
  transfer = await bs.createTransfer({ volumeId: given.id, name: uniqueName('transfer') });
  cleanup.transfers.add(transfer.id);
});

afterAll(async () => {
  // The admin can delete the second project's volume too (Cleanup works by ID).
  await cleanup?.run();
  await Promise.all([admin?.close(), second?.close()]);
});

describe(`transfers (${env.mode})`, () => {
  it('createTransfer answers the authKey (once); the volume awaits the transfer', async () => {
    expect(transfer.id).toMatch(UUID);
    expect(transfer.volumeId).toBe(given.id);
    expect(transfer.authKey).toMatch(/^[0-9a-f]{16}$/);
    expect(transfer.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await bs.getVolume(given.id)).status).toBe('awaiting-transfer');
    await expectRejects(
      bs.createTransfer({ volumeId: given.id, name: uniqueName('transfer-twice') }),
      BadRequestError,
      400,
      'Invalid volume: status must be available',
    );
  });

  it('getTransfer and findTransfer (by ID and name) show the transfer without its key', async () => {
    const got = await bs.getTransfer(transfer.id);
    expect(json(got)).toMatchObject({
      id: transfer.id,
      name: transfer.name,
      volumeId: given.id,
      createdAt: transfer.createdAt,
    });
    expect(got.authKey).toBeUndefined();
    expect(got.links?.[0]?.href).toContain(`/os-volume-transfer/${transfer.id}`);
    expect((await bs.findTransfer(transfer.id))?.name).toBe(transfer.name);
    expect((await bs.findTransfer(transfer.name!))?.id).toBe(transfer.id);
    const missing = uniqueName('missing');
    expect(await bs.findTransfer(missing)).toBeUndefined();
    await expectRejects(bs.findTransfer(missing, { ignoreMissing: false }), ResourceNotFoundError, undefined, missing);
  });

  it("transfers() lists the project's transfers with and without details; the second project has none of them", async () => {
    const detailed = await bs.transfers().toArray();
    const mine = detailed.find((t) => t.id === transfer.id);
    expect(mine).toBeDefined();
    expect(mine!.volumeId).toBe(given.id);
    expect(mine!.createdAt).toBe(transfer.createdAt);
    expect(mine!.authKey).toBeUndefined();

    const brief = await bs.transfers({ details: false }).toArray();
    const summary = brief.find((t) => t.id === transfer.id);
    expect(json(summary)).toMatchObject({ name: transfer.name, volumeId: given.id });
    expect(summary!.createdAt).toBeUndefined();

    expect((await bs.transfers({ volumeId: given.id }).toArray()).map((t) => t.id)).toEqual([transfer.id]);
    expect((await bs.transfers({ name: transfer.name! }).toArray()).map((t) => t.id)).toEqual([transfer.id]);
    expect((await second.bs.transfers().toArray()).map((t) => t.id)).not.toContain(transfer.id);
  });

  it('acceptTransfer with a wrong key is refused; with the key the second project owns the volume', async () => {
    await expectRejects(
      second.bs.acceptTransfer(transfer.id, '0000000000000000'),
      BadRequestError,
      400,
      `Invalid auth key: Attempt to transfer ${transfer.id} with invalid auth key.`,
    );
    expect((await bs.getVolume(given.id)).status).toBe('awaiting-transfer');

    const accepted = await second.bs.acceptTransfer(transfer.id, transfer.authKey!);
    expect(json(accepted)).toMatchObject({ id: transfer.id, name: transfer.name, volumeId: given.id });
    cleanup.transfers.delete(transfer.id);

    const theirs = await settledVolume(second.bs, given.id);
    expect(json(theirs)).toMatchObject({ id: given.id, status: 'available', size: 1, metadata: { owner: 'admin' } });
    const seenByAdmin = await bs.getVolume(given.id);
    expect(seenByAdmin.projectId).toBe(env.secondProjectId);
    expect((await second.bs.volumes({ details: false }).toArray()).map((v) => v.id)).toContain(given.id);
    expect((await bs.volumes({ details: false }).toArray()).map((v) => v.id)).not.toContain(given.id);

    // The transfer is used up.
    await expectRejects(bs.getTransfer(transfer.id), NotFoundError, 404, `Transfer ${transfer.id} could not be found.`);
  });

  it('deleteTransfer withdraws an offer: the volume is available again and stays in the project', async () => {
    const offer = await bs.createTransfer({ volumeId: kept.id });
    cleanup.transfers.add(offer.id);
    expect(offer.name ?? null).toBeNull();
    expect((await bs.getVolume(kept.id)).status).toBe('awaiting-transfer');

    await bs.deleteTransfer(offer.id);
    cleanup.transfers.delete(offer.id);
    const back = await settledVolume(bs, kept.id);
    expect(back.projectId).toBe(env.projectId);
    await expectRejects(bs.getTransfer(offer.id), NotFoundError, 404);
    await expectRejects(
      second.bs.acceptTransfer(offer.id, offer.authKey!),
      NotFoundError,
      404,
      `Transfer ${offer.id} could not be found.`,
    );

    await bs.deleteTransfer(offer.id);
    await expectRejects(
      bs.deleteTransfer(offer.id, { ignoreMissing: false }),
      NotFoundError,
      404,
      `Transfer ${offer.id} could not be found.`,
    );
  });
});
