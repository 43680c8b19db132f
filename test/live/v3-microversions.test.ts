/**
 * Microversion negotiation of the generated v3 proxy against the real Cinder (3.0–3.70): the header
 * each call carries (read off the wire), the fields Cinder adds at the version sent, a pinned
 * defaultMicroversion, a client maxVersion, a per-call microversion, and the early error of an
 * operation that needs more than the server offers (completeVolumeExtend, 3.71).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Volume } from '../../generated/block-storage/v3/index.js';
import { MicroversionNotSupportedError, NotAcceptableError } from '../../generated/index.js';
import { expectRejects } from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { uniqueName } from './sdk.js';
import { POLL, V3Cleanup, connectV3, type WiredV3 } from './v3-helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const env = loadLiveEnv();

/** Keys of Cinder's volume view by the microversion that adds them (cinder/api/v3/views/volumes.py). */
const NEWER_VOLUME_KEYS = {
  group_id: '3.13',
  provider_id: '3.21',
  service_uuid: '3.48',
  shared_targets: '3.48',
  cluster_name: '3.61',
  volume_type_id: '3.63',
  consumes_quota: '3.65',
} as const;

/** Negotiating (the server's 3.70), pinned to 3.0, capped at 3.47. */
let sdk: WiredV3;
let pinned: WiredV3;
let capped: WiredV3;
let cleanup: V3Cleanup;
let vol: Volume;

/**
 * The volume once available and once cinder-volume has written its service_uuid: Cinder sets the
 * status to available inside its create flow and service_uuid just after the flow ends
 * (cinder/volume/manager.py create_volume), so a read in between has `service_uuid: null` (seen in
 * CI on a loaded machine).
 */
async function availableWithService(v: Volume): Promise<Volume> {
  let got = await sdk.bs.waitForStatus(v, 'available', POLL);
  // The fake cloud has no cinder-volume to write it: nothing to wait for there.
  const tries = process.env['LIVE_TARGET'] === 'fake' ? 0 : 30;
  for (let i = 0; got.serviceUuid === undefined && i < tries; i++) {
    await sleep(1000);
    got = await sdk.bs.getVolume(v.id);
  }
  return got;
}

function volumeBody(exchange: { body: unknown }): Record<string, unknown> {
  return (exchange.body as { volume: Record<string, unknown> }).volume;
}

beforeAll(async () => {
  [sdk, pinned, capped] = await Promise.all([
    connectV3(),
    connectV3('admin', { defaultMicroversion: '3.0' }),
    connectV3('admin', { maxVersion: '3.47' }),
  ]);
  cleanup = new V3Cleanup(sdk.bs);
  const v = await sdk.bs.createVolume({ name: uniqueName('v3-mv'), size: 1 });
  cleanup.volumes.add(v.id);
  vol = await availableWithService(v);
});

afterAll(async () => {
  await cleanup?.run();
  await Promise.all([sdk?.close(), pinned?.close(), capped?.close()]);
});

describe(`v3 microversion negotiation (${env.mode})`, () => {
  it('discovers the server range 3.0–3.70 and sends each call at min(server 3.70, operation maximum)', async () => {
    const resolved = await sdk.connection.session('blockStorage').resolve();
    expect(resolved.microversions).toEqual({ min: '3.0', max: env.maxMicroversion });
    expect(env.maxMicroversion).toBe('3.70');

    const created = sdk.last('POST', '/volumes');
    expect(created.apiVersion).toBe('volume 3.70');
    expect(created.answeredVersion).toBe('volume 3.70');
    // Every Cinder call of this connection went out at 3.70 (the version document and Keystone
    // calls have no header).
    const cinderCalls = sdk.wire.filter((e) => e.url.startsWith(`${env.cinderUrl}/v3/`));
    expect(cinderCalls.length).toBeGreaterThan(1);
    for (const e of cinderCalls) expect(e.apiVersion, `${e.method} ${e.path}`).toBe('volume 3.70');
  });

  it('the 3.70 view of a volume carries the fields Cinder added after 3.0', async () => {
    const got = await sdk.bs.getVolume(vol.id);
    const body = volumeBody(sdk.last('GET', `/volumes/${vol.id}`));
    for (const [key, since] of Object.entries(NEWER_VOLUME_KEYS)) {
      expect(Object.keys(body), `${key} (${since})`).toContain(key);
    }
    expect(body).toMatchObject({
      group_id: null,
      provider_id: null,
      cluster_name: null,
      shared_targets: false,
      consumes_quota: true,
    });
    expect(got.serviceUuid).toMatch(UUID);
    expect(got.sharedTargets).toBe(false);
    expect(got.consumesQuota).toBe(true);
    expect(got.groupId).toBeUndefined();
    const type = await sdk.bs.findType(got.volumeType!, { ignoreMissing: false });
    expect(got.volumeTypeId).toBe(type.id);
    // Both cinder-volume children report their own service UUID; the volume names the one serving it.
    const sameBackend = await sdk.bs.createVolume({
      name: uniqueName('v3-mv-peer'),
      size: 1,
      volumeType: got.volumeType!,
    });
    cleanup.volumes.add(sameBackend.id);
    const peer = await availableWithService(sameBackend);
    if (peer.host === got.host) expect(peer.serviceUuid).toBe(got.serviceUuid);
    else expect(peer.serviceUuid).not.toBe(got.serviceUuid);
  });

  it('a connection pinned to defaultMicroversion 3.0 sends volume 3.0 and gets the 3.0 view', async () => {
    const got = await pinned.bs.getVolume(vol.id);
    const exchange = pinned.last('GET', `/volumes/${vol.id}`);
    expect(exchange.apiVersion).toBe('volume 3.0');
    expect(exchange.answeredVersion).toBe('volume 3.0');
    const body = volumeBody(exchange);
    for (const key of Object.keys(NEWER_VOLUME_KEYS)) expect(Object.keys(body), key).not.toContain(key);
    expect(got.id).toBe(vol.id);
    expect(got.status).toBe('available');
    for (const value of [got.serviceUuid, got.sharedTargets, got.consumesQuota, got.volumeTypeId, got.clusterName]) {
      expect(value).toBeUndefined();
    }

    // Operations that need more than the pin fail before any request.
    const mark = pinned.wire.length;
    const error = await expectRejects(pinned.bs.attachments().toArray(), MicroversionNotSupportedError);
    expect(error.message).toBe(
      'Attachment.list.detail needs microversion 3.27, but 3.0 is available (pinned by defaultMicroversion)',
    );
    await expectRejects(
      pinned.bs.summary(),
      MicroversionNotSupportedError,
      undefined,
      'Volume.summary needs microversion 3.12',
    );
    await expectRejects(
      pinned.bs.revertVolumeToSnapshot(vol.id, 'any-snapshot'),
      MicroversionNotSupportedError,
      undefined,
      'Volume.revert needs microversion 3.40, but 3.0 is available',
    );
    expect(pinned.wire.length).toBe(mark);
  });

  it('a client maxVersion of 3.47 caps every call: fields up to 3.47 appear, later ones do not', async () => {
    const got = await capped.bs.getVolume(vol.id);
    const exchange = capped.last('GET', `/volumes/${vol.id}`);
    expect(exchange.apiVersion).toBe('volume 3.47');
    expect(exchange.answeredVersion).toBe('volume 3.47');
    const keys = Object.keys(volumeBody(exchange));
    for (const [key, since] of Object.entries(NEWER_VOLUME_KEYS)) {
      if (Number(since.split('.')[1]) <= 47) expect(keys, `${key} (${since})`).toContain(key);
      else expect(keys, `${key} (${since})`).not.toContain(key);
    }
    expect(got.serviceUuid).toBeUndefined();
    // The summary (3.12) goes out at 3.47 too; its metadata (3.36) is there.
    const summary = await capped.bs.summary();
    expect(capped.last('GET', '/volumes/summary').apiVersion).toBe('volume 3.47');
    expect(summary.metadata).toBeDefined();
  });

  it('a per-call microversion overrides negotiation for that call only', async () => {
    const got = await sdk.bs.getVolume(vol.id, { microversion: '3.48' });
    const exchange = sdk.last('GET', `/volumes/${vol.id}`);
    expect(exchange.apiVersion).toBe('volume 3.48');
    expect(Object.keys(volumeBody(exchange))).toEqual(expect.arrayContaining(['service_uuid', 'shared_targets']));
    expect(Object.keys(volumeBody(exchange))).not.toContain('cluster_name');
    expect(got.serviceUuid).toMatch(UUID);
    await sdk.bs.getVolume(vol.id);
    expect(sdk.last('GET', `/volumes/${vol.id}`).apiVersion).toBe('volume 3.70');
  });

  it('filters newer than 3.0 are sent by their wire names at 3.70 and fail early on the pinned connection', async () => {
    const mine = await sdk.bs.volumes({ consumesQuota: true, name: vol.name!, details: false }).toArray();
    expect(mine.map((v) => v.id)).toEqual([vol.id]);
    const list = sdk.last('GET', '/volumes');
    expect(list.apiVersion).toBe('volume 3.70');
    expect(new URL(list.url).searchParams.get('consumes_quota')).toBe('true');
    expect(await sdk.bs.volumes({ consumesQuota: false, name: vol.name! }).toArray()).toEqual([]);

    await expectRejects(
      pinned.bs.volumes({ consumesQuota: true }).toArray(),
      MicroversionNotSupportedError,
      undefined,
      'Volume.list.detail needs microversion 3.65, but 3.0 is available',
    );
  });

  it('completeVolumeExtend (3.71) fails before any request, naming 3.71 and the server range up to 3.70', async () => {
    const mark = sdk.wire.length;
    const error = await expectRejects(sdk.bs.completeVolumeExtend(vol.id), MicroversionNotSupportedError);
    expect(error.operation).toBe('Volume.completeExtend');
    expect(error.required).toBe('3.71');
    expect(error.available).toBe('3.0–3.70');
    expect(error.message).toContain('Volume.completeExtend needs microversion 3.71, but 3.0–3.70 is available');
    expect(sdk.wire.length).toBe(mark);
    // Also with error: true, and on the pinned connection.
    await expectRejects(
      sdk.bs.completeVolumeExtend(vol.id, { error: true }),
      MicroversionNotSupportedError,
      undefined,
      '3.71',
    );
    await expectRejects(
      pinned.bs.completeVolumeExtend(vol.id),
      MicroversionNotSupportedError,
      undefined,
      'Volume.completeExtend needs microversion 3.71, but 3.0 is available (pinned by defaultMicroversion)',
    );
    expect(sdk.wire.length).toBe(mark);
  });

  it('what the early error saves: Cinder answers 406 to volume 3.71; a pin above the server fails before sending', async () => {
    // The same GET with the header forced to 3.71 reaches Cinder, which refuses the version.
    const raw = sdk.bs.client.send(
      { operation: { id: 'live.raw GET /volumes/{id}', method: 'GET', path: `/volumes/${vol.id}` } },
      { headers: { 'OpenStack-API-Version': 'volume 3.71' } },
    );
    await expectRejects(
      raw,
      NotAcceptableError,
      406,
      'Version 3.71 is not supported by the API. Minimum is 3.0 and maximum is 3.70.',
    );
    expect(sdk.wire.at(-1)!.apiVersion).toBe('volume 3.71');

    const tooHigh = await connectV3('admin', { defaultMicroversion: '3.71' });
    try {
      const mark = tooHigh.wire.length;
      await expectRejects(
        tooHigh.bs.getVolume(vol.id),
        MicroversionNotSupportedError,
        undefined,
        'Volume.get needs microversion 3.71, but 3.0–3.70 is available (pinned version outside the server range)',
      );
      expect(tooHigh.wire.length).toBe(mark);
    } finally {
      await tooHigh.close();
    }
  });
});
