/**
 * Volume transfers through the generated v3 proxy on both sides of the route switch: from 3.55
 * Cinder serves /volume-transfers (no_snapshots 3.55, history fields 3.57, paging 3.59), below it
 * the /os-volume-transfer extension. The second identity (noauth: the second project; Keystone:
 * the non-admin `demo` user) accepts; snapshots follow the volume unless noSnapshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Snapshot, Transfer, Volume } from '../../generated/block-storage/v3/index.js';
import { BadRequestError, MicroversionNotSupportedError, NotFoundError } from '../../generated/index.js';
import { expectRejects, json } from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { uniqueName } from './sdk.js';
import { POLL, V3Cleanup, connectV3, newVolumes, settled, type WiredV3 } from './v3-helpers.js';

const env = loadLiveEnv();

/** Admin and second identity at 3.70; admin capped at 3.54; second pinned to 3.54. */
let sdk: WiredV3;
let second: WiredV3;
let legacy: WiredV3;
let legacySecond: WiredV3;
let cleanup: V3Cleanup;
/** withoutSnaps and withSnaps each have a snapshot; legacyVol goes through the old routes; kept is offered and withdrawn. */
let withoutSnaps: Volume;
let withSnaps: Volume;
let legacyVol: Volume;
let kept: Volume;
let snapA: Snapshot;
let snapB: Snapshot;
let tA: Transfer;
let tB: Transfer;
let tC: Transfer;

beforeAll(async () => {
  [sdk, second, legacy, legacySecond] = await Promise.all([
    connectV3(),
    connectV3('second'),
    connectV3('admin', { maxVersion: '3.54' }),
    connectV3('second', { defaultMicroversion: '3.54' }),
  ]);
  const bs = sdk.bs;
  cleanup = new V3Cleanup(bs);
  [withoutSnaps, withSnaps, legacyVol, kept] = await newVolumes(bs, cleanup, uniqueName('v3-transfer'), 4);
  const snaps = await Promise.all(
    [withoutSnaps, withSnaps].map((v) => bs.createSnapshot({ volumeId: v.id, name: uniqueName('v3-transfer-snap') })),
  );
  for (const s of snaps) cleanup.snapshots.add(s.id);
  [snapA, snapB] = await Promise.all(snaps.map((s) => bs.waitForStatus(s, 'available', POLL)));
  tA = await bs.createTransfer({ volumeId: withoutSnaps.id, name: uniqueName('v3-transfer-a'), noSnapshots: true });
  tB = await bs.createTransfer({ volumeId: withSnaps.id, name: uniqueName('v3-transfer-b') });
  tC = await legacy.bs.createTransfer({ volumeId: legacyVol.id, name: uniqueName('v3-transfer-c') });
  for (const t of [tA, tB, tC]) cleanup.transfers.add(t.id);
});

afterAll(async () => {
  await cleanup?.run();
  await Promise.all([sdk?.close(), second?.close(), legacy?.close(), legacySecond?.close()]);
});

describe(`v3 transfers (${env.mode})`, () => {
  it('at 3.70 createTransfer posts to /volume-transfers with no_snapshots and answers the 3.55/3.57 fields', async () => {
    const created = sdk.wire.filter((e) => e.method === 'POST' && e.path.endsWith('/volume-transfers'));
    expect(created.map((e) => e.apiVersion)).toEqual(['volume 3.70', 'volume 3.70']);
    expect(created[0].requestBody).toEqual({
      transfer: { volume_id: withoutSnaps.id, name: tA.name, no_snapshots: true },
    });
    expect(created[1].requestBody).toEqual({ transfer: { volume_id: withSnaps.id, name: tB.name } });

    expect(tA.authKey).toMatch(/^[0-9a-f]{16}$/);
    expect(json(tA)).toMatchObject({
      volumeId: withoutSnaps.id,
      noSnapshots: true,
      sourceProjectId: env.projectId,
      accepted: false,
    });
    expect(tA.destinationProjectId).toBeUndefined();
    expect(json(tB)).toMatchObject({ noSnapshots: false, accepted: false });
    for (const v of [withoutSnaps, withSnaps, legacyVol])
      expect((await sdk.bs.getVolume(v.id)).status).toBe('awaiting-transfer');
  });

  it('below 3.55 (maxVersion 3.54) the same methods take /os-volume-transfer and see the old view', async () => {
    const create = legacy.last('POST', '/os-volume-transfer');
    expect(create.apiVersion).toBe('volume 3.54');
    expect(create.requestBody).toEqual({ transfer: { volume_id: legacyVol.id, name: tC.name } });
    expect(tC.authKey).toMatch(/^[0-9a-f]{16}$/);
    for (const value of [tC.noSnapshots, tC.sourceProjectId, tC.accepted]) expect(value).toBeUndefined();

    const got = await legacy.bs.getTransfer(tA.id);
    expect(legacy.last('GET', `/os-volume-transfer/${tA.id}`).apiVersion).toBe('volume 3.54');
    expect(json(got)).toMatchObject({ id: tA.id, name: tA.name, volumeId: withoutSnaps.id });
    expect(got.noSnapshots).toBeUndefined();

    const listed = await legacy.bs.transfers().toArray();
    expect(legacy.last('GET', '/os-volume-transfer/detail').apiVersion).toBe('volume 3.54');
    expect(listed.map((t) => t.id)).toEqual(expect.arrayContaining([tA.id, tB.id, tC.id]));

    // noSnapshots needs 3.55: refused before any request.
    const mark = legacy.wire.length;
    await expectRejects(
      legacy.bs.createTransfer({ volumeId: kept.id, noSnapshots: true }),
      MicroversionNotSupportedError,
      undefined,
      'Transfer.create needs microversion 3.55, but 3.0–3.70 is available (client maximum 3.54)',
    );
    expect(legacy.wire.length).toBe(mark);
  });

  it('getTransfer, findTransfer and transfers() at 3.70 read /volume-transfers, without the auth key', async () => {
    const bs = sdk.bs;
    const got = await bs.getTransfer(tB.id);
    expect(sdk.last('GET', `/volume-transfers/${tB.id}`).apiVersion).toBe('volume 3.70');
    expect(json(got)).toMatchObject({ id: tB.id, volumeId: withSnaps.id, noSnapshots: false, accepted: false });
    expect(got.authKey).toBeUndefined();
    expect((await bs.findTransfer(tA.name!))?.id).toBe(tA.id);

    const detailed = await bs.transfers({ volumeId: withoutSnaps.id }).toArray();
    expect(sdk.last('GET', '/volume-transfers/detail').path).toMatch(/\/volume-transfers\/detail$/);
    expect(detailed.map((t) => t.id)).toEqual([tA.id]);
    const brief = (await bs.transfers({ details: false }).toArray()).find((t) => t.id === tC.id);
    expect(json(brief)).toMatchObject({ id: tC.id, name: tC.name, volumeId: legacyVol.id });
    expect(brief!.createdAt).toBeUndefined();
  });

  it('from 3.59 transfers() pages with limit, marker and sort; below 3.59 paging fails before any request', async () => {
    const mark = sdk.wire.length;
    const all = await sdk.bs.transfers({ limit: 1, sortKey: 'created_at', sortDir: 'asc' }).toArray();
    const pages = sdk.since(mark).filter((e) => e.path.endsWith('/volume-transfers/detail'));
    expect(pages.length).toBe(all.length + 1); // the last page is empty
    for (const [i, page] of pages.entries()) {
      const query = new URL(page.url).searchParams;
      expect(query.get('limit')).toBe('1');
      expect(query.get('sort_key')).toBe('created_at');
      expect(query.get('marker')).toBe(i === 0 ? null : all[i - 1].id);
    }
    const ours = all.map((t) => t.id).filter((id) => [tA.id, tB.id, tC.id].includes(id));
    expect(ours).toEqual([tA.id, tB.id, tC.id]);

    const before = legacy.wire.length;
    await expectRejects(
      legacy.bs.transfers({ limit: 1 }).toArray(),
      MicroversionNotSupportedError,
      undefined,
      'Transfer.list.detail needs microversion 3.59, but 3.0–3.70 is available (client maximum 3.54)',
    );
    expect(legacy.wire.length).toBe(before);
    // Why the early error matters: below 3.59 Cinder reads `limit` as a filter and finds nothing.
    const raw = await legacy.bs.client.send({
      operation: { id: 'live.raw GET /os-volume-transfer/detail', method: 'GET', path: '/os-volume-transfer/detail' },
      query: { limit: 1 },
    });
    expect(raw.microversion).toBe('3.54');
    expect(raw.body).toEqual({ transfers: [] });
  });

  it('acceptTransfer at 3.70: noSnapshots leaves the snapshot behind, the default moves it along', async () => {
    await expectRejects(
      second.bs.acceptTransfer(tA.id, '0000000000000000'),
      BadRequestError,
      400,
      `Invalid auth key: Attempt to transfer ${tA.id} with invalid auth key.`,
    );
    const a = await second.bs.acceptTransfer(tA.id, tA.authKey!);
    cleanup.transfers.delete(tA.id);
    expect(second.last('POST', `/volume-transfers/${tA.id}/accept`)).toMatchObject({
      apiVersion: 'volume 3.70',
      requestBody: { accept: { auth_key: tA.authKey } },
    });
    expect(json(a)).toMatchObject({ id: tA.id, volumeId: withoutSnaps.id });
    await second.bs.acceptTransfer(tB, tB.authKey!);
    cleanup.transfers.delete(tB.id);

    for (const v of [withoutSnaps, withSnaps]) {
      const theirs = await settled(second.bs, v.id);
      expect((await sdk.bs.getVolume(theirs.id)).projectId).toBe(env.secondProjectId);
    }
    expect((await sdk.bs.getSnapshot(snapA.id)).projectId).toBe(env.projectId);
    expect((await sdk.bs.getSnapshot(snapB.id)).projectId).toBe(env.secondProjectId);
    expect((await second.bs.snapshots().toArray()).map((s) => s.id)).toEqual([snapB.id]);

    // Accepted transfers are gone for their source.
    await expectRejects(sdk.bs.getTransfer(tA.id), NotFoundError, 404, `Transfer ${tA.id} could not be found.`);
  });

  it('acceptTransfer pinned to 3.54 posts to /os-volume-transfer/{id}/accept', async () => {
    const accepted = await legacySecond.bs.acceptTransfer(tC.id, tC.authKey!);
    cleanup.transfers.delete(tC.id);
    expect(legacySecond.last('POST', `/os-volume-transfer/${tC.id}/accept`)).toMatchObject({
      apiVersion: 'volume 3.54',
      requestBody: { accept: { auth_key: tC.authKey } },
      status: 202,
    });
    expect(accepted.volumeId).toBe(legacyVol.id);
    await settled(second.bs, legacyVol.id);
    expect((await sdk.bs.getVolume(legacyVol.id)).projectId).toBe(env.secondProjectId);
  });

  it('deleteTransfer withdraws an offer on either route; the volume stays in the project', async () => {
    const bs = sdk.bs;
    const offer = await bs.createTransfer({ volumeId: kept.id });
    cleanup.transfers.add(offer.id);
    await legacy.bs.deleteTransfer(offer.id);
    expect(legacy.last('DELETE', `/os-volume-transfer/${offer.id}`)).toMatchObject({
      apiVersion: 'volume 3.54',
      status: 202,
    });
    cleanup.transfers.delete(offer.id);
    expect((await settled(bs, kept.id)).projectId).toBe(env.projectId);

    const again = await legacy.bs.createTransfer({ volumeId: kept.id });
    cleanup.transfers.add(again.id);
    await bs.deleteTransfer(again);
    expect(sdk.last('DELETE', `/volume-transfers/${again.id}`)).toMatchObject({
      apiVersion: 'volume 3.70',
      status: 202,
    });
    cleanup.transfers.delete(again.id);
    await settled(bs, kept.id);
    await expectRejects(
      bs.deleteTransfer(again.id, { ignoreMissing: false }),
      NotFoundError,
      404,
      `Transfer ${again.id} could not be found.`,
    );
  });
});
