/**
 * The attach API of microversion 3.27 (complete 3.44, mode 3.54) through the generated v3 proxy:
 * every Attachment method against the real Cinder and its volume state machine. Attachments are
 * created without an instance: deleting an instance-bound attachment needs Nova (README §12).
 * The file-backed driver answers `local` connections to the volume's sparse file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Attachment, Volume } from '../../generated/block-storage/v3/index.js';
import { BadRequestError, MicroversionNotSupportedError, NotFoundError } from '../../generated/index.js';
import { expectRejects, filesDir, json } from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { uniqueName } from './sdk.js';
import { POLL, V3Cleanup, connectV3, settled, type WiredV3 } from './v3-helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const env = loadLiveEnv();

/** A connector as os-brick sends it for a host (Cinder's example keys). */
const CONNECTOR = {
  host: 'osbs-live-host',
  ip: '127.0.0.1',
  initiator: 'iqn.2004-10.org.osbs:live-host',
  platform: 'x86_64',
  os_type: 'linux',
  multipath: false,
  mountpoint: '/dev/vdb',
} as const;

let sdk: WiredV3;
let cleanup: V3Cleanup;
/** Attached through create (with connector) → update → complete → delete. */
let vol: Volume;
/** Reserved without connector, then given one by update. */
let reserved: Volume;
let att: Attachment;

beforeAll(async () => {
  sdk = await connectV3();
  cleanup = new V3Cleanup(sdk.bs);
  const made = await Promise.all([
    sdk.bs.createVolume({ name: uniqueName('v3-att'), size: 1 }),
    sdk.bs.createVolume({ name: uniqueName('v3-att-reserved'), size: 1 }),
  ]);
  for (const v of made) cleanup.volumes.add(v.id);
  [vol, reserved] = await Promise.all(made.map((v) => sdk.bs.waitForStatus(v, 'available', POLL)));
  att = await sdk.bs.createAttachment(vol.id, { connector: CONNECTOR, mode: 'rw' });
  cleanup.attachments.add(att.id);
});

afterAll(async () => {
  await cleanup?.run();
  await sdk?.close();
});

describe(`v3 attachments (${env.mode})`, () => {
  it('createAttachment with a connector and mode rw reserves the volume and answers local connection info', async () => {
    const request = sdk.last('POST', '/attachments');
    expect(request.apiVersion).toBe('volume 3.70');
    expect(request.requestBody).toEqual({ attachment: { volume_uuid: vol.id, connector: CONNECTOR, mode: 'rw' } });
    expect(request.status).toBe(200);

    expect(att.id).toMatch(UUID);
    expect(json(att)).toMatchObject({
      status: 'reserved',
      volumeId: vol.id,
      attachMode: 'rw',
      attachedAt: '',
      detachedAt: '',
    });
    expect(att.instance).toBeUndefined();
    expect(att.connectionInfo).toMatchObject({ driver_volume_type: 'local', access_mode: 'rw', attachment_id: att.id });
    const dir = filesDir(env);
    if (dir) expect(att.connectionInfo!['device_path']).toBe(`${dir}/volume-${vol.id}`);

    // Cinder initialized the connection: the volume is attaching, not yet attached.
    const v = await sdk.bs.getVolume(vol.id);
    expect(v.status).toBe('attaching');
    expect(v.attachments).toEqual([]);
  });

  it('getAttachment and attachments() show it, with details by default and without on request', async () => {
    const got = await sdk.bs.getAttachment(att.id);
    expect(json(got)).toMatchObject({
      id: att.id,
      status: 'attaching',
      volumeId: vol.id,
      attachMode: 'rw',
      detachedAt: '',
    });
    expect(got.attachedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(got.connectionInfo?.['driver_volume_type']).toBe('local');

    const detailed = await sdk.bs.attachments({ volumeId: vol.id }).toArray();
    expect(sdk.last('GET', '/attachments/detail').apiVersion).toBe('volume 3.70');
    expect(detailed.map((a) => a.id)).toEqual([att.id]);
    expect(detailed[0].attachMode).toBe('rw');

    const brief = await sdk.bs.attachments({ details: false, status: 'attaching' }).toArray();
    const mine = brief.find((a) => a.id === att.id);
    expect(json(mine)).toEqual({ id: att.id, status: 'attaching', volumeId: vol.id });
    // The status filter goes out as attach_status: Cinder's `status` matches nothing (no such column).
    expect(new URL(sdk.last('GET', '/attachments').url).searchParams.get('attach_status')).toBe('attaching');
    expect(await sdk.bs.attachments({ volumeId: reserved.id }).toArray()).toEqual([]);
  });

  it('updateAttachment gives it another connector; a second attachment of the volume is refused meanwhile', async () => {
    const updated = await sdk.bs.updateAttachment(att.id, { ...CONNECTOR, host: 'osbs-live-host-2' });
    expect(sdk.last('PUT', `/attachments/${att.id}`).requestBody).toEqual({
      attachment: { connector: { ...CONNECTOR, host: 'osbs-live-host-2' } },
    });
    expect(json(updated)).toMatchObject({ id: att.id, status: 'attaching', attachMode: 'rw' });
    expect(updated.connectionInfo).toMatchObject({ driver_volume_type: 'local', attachment_id: att.id });

    await expectRejects(
      sdk.bs.createAttachment(vol.id, { connector: CONNECTOR }),
      BadRequestError,
      400,
      `Invalid volume: Volume ${vol.id} status must be available or downloading to reserve, but the current status is attaching.`,
    );
  });

  it('completeAttachment (3.44) marks it attached and the volume in-use, attached at the connector host', async () => {
    await sdk.bs.completeAttachment(att.id);
    const action = sdk.last('POST', `/attachments/${att.id}/action`);
    expect(action).toMatchObject({ apiVersion: 'volume 3.70', requestBody: { 'os-complete': {} }, status: 204 });

    const v = await settled(sdk.bs, vol.id, 'in-use');
    expect(v.attachments).toHaveLength(1);
    expect(v.attachments![0]).toMatchObject({
      attachmentId: att.id,
      volumeId: vol.id,
      hostName: 'osbs-live-host-2',
      device: '/dev/vdb',
    });
    const got = await sdk.bs.getAttachment(att.id);
    expect(got.status).toBe('attached');
    expect((await sdk.bs.attachments({ status: 'attached', volumeId: vol.id }).toArray()).map((a) => a.id)).toEqual([
      att.id,
    ]);
  });

  it('deleteAttachment detaches: the volume is available again and the attachment is gone', async () => {
    await sdk.bs.deleteAttachment(att.id);
    expect(sdk.last('DELETE', `/attachments/${att.id}`)).toMatchObject({ status: 200, body: { attachments: [] } });
    cleanup.attachments.delete(att.id);

    const v = await settled(sdk.bs, vol.id);
    expect(v.attachments).toEqual([]);
    const missing = `Volume attachment could not be found with filter: attachment_id = ${att.id}.`;
    await expectRejects(sdk.bs.getAttachment(att.id), NotFoundError, 404, missing);
    await sdk.bs.deleteAttachment(att.id); // ignoreMissing by default
    await expectRejects(sdk.bs.deleteAttachment(att.id, { ignoreMissing: false }), NotFoundError, 404, missing);
  });

  it('an attachment without connector only reserves the volume; updateAttachment then connects it', async () => {
    const r = await sdk.bs.createAttachment(reserved);
    cleanup.attachments.add(r.id);
    expect(sdk.last('POST', '/attachments').requestBody).toEqual({ attachment: { volume_uuid: reserved.id } });
    // Cinder reports the mode of a bare reservation as the string "null".
    expect(json(r)).toMatchObject({
      status: 'reserved',
      volumeId: reserved.id,
      connectionInfo: {},
      attachMode: 'null',
    });
    expect((await sdk.bs.getVolume(reserved.id)).status).toBe('reserved');

    const connected = await sdk.bs.updateAttachment(r, CONNECTOR);
    expect(connected.connectionInfo).toMatchObject({ driver_volume_type: 'local', access_mode: 'rw' });
    expect((await sdk.bs.getVolume(reserved.id)).status).toBe('attaching');

    await sdk.bs.deleteAttachment(r);
    cleanup.attachments.delete(r.id);
    expect((await settled(sdk.bs, reserved.id)).status).toBe('available');
  });

  it('mode ro is recorded as the attach mode; the volume is attached read-only', async () => {
    const ro = await sdk.bs.createAttachment(reserved.id, {
      connector: { host: 'osbs-ro-host', mountpoint: '/dev/vdc' },
      mode: 'ro',
    });
    cleanup.attachments.add(ro.id);
    expect(ro.attachMode).toBe('ro');
    await sdk.bs.completeAttachment(ro.id);
    const v = await settled(sdk.bs, reserved.id, 'in-use');
    expect(v.attachments![0]).toMatchObject({ attachmentId: ro.id, hostName: 'osbs-ro-host', device: '/dev/vdc' });
    expect((await sdk.bs.getAttachment(ro.id)).attachMode).toBe('ro');
    await sdk.bs.deleteAttachment(ro.id);
    cleanup.attachments.delete(ro.id);
    await settled(sdk.bs, reserved.id);
  });

  it('below 3.54 the mode, and below 3.44 completion, fail before any request', async () => {
    const [old, older] = await Promise.all([
      connectV3('admin', { maxVersion: '3.53' }),
      connectV3('admin', { maxVersion: '3.43' }),
    ]);
    try {
      const mark = old.wire.length;
      await expectRejects(
        old.bs.createAttachment(reserved.id, { connector: CONNECTOR, mode: 'rw' }),
        MicroversionNotSupportedError,
        undefined,
        'Attachment.create needs microversion 3.54, but 3.0–3.70 is available (client maximum 3.53)',
      );
      expect(old.wire.length).toBe(mark);

      // Without the mode the same call goes out at 3.53.
      const a = await old.bs.createAttachment(reserved.id, { connector: CONNECTOR });
      cleanup.attachments.add(a.id);
      expect(old.last('POST', '/attachments').apiVersion).toBe('volume 3.53');
      expect(a.status).toBe('reserved');

      await expectRejects(
        older.bs.completeAttachment(a.id),
        MicroversionNotSupportedError,
        undefined,
        'Attachment.complete needs microversion 3.44, but 3.0–3.70 is available (client maximum 3.43)',
      );
      await old.bs.deleteAttachment(a.id);
      cleanup.attachments.delete(a.id);
      await settled(sdk.bs, reserved.id);
    } finally {
      await Promise.all([old.close(), older.close()]);
    }
  });
});

describe(`v3 proxy: the legacy attach actions (${env.mode})`, () => {
  it('reserve/unreserve, initialize the connection, attach, begin and roll back detaching, detach, terminate', async () => {
    const bs = sdk.bs;
    const legacy = await bs.createVolume({ name: uniqueName('v3-legacy-attach'), size: 1 });
    cleanup.volumes.add(legacy.id);
    const id = (await bs.waitForStatus(legacy, 'available', POLL)).id;
    const action = (): unknown => sdk.last('POST', `/volumes/${id}/action`).requestBody;

    await bs.reserveVolume(id);
    expect(action()).toEqual({ 'os-reserve': {} });
    expect((await bs.getVolume(id)).status).toBe('attaching');
    await bs.unreserveVolume(id);
    expect(action()).toEqual({ 'os-unreserve': {} });
    expect((await bs.getVolume(id)).status).toBe('available');

    await bs.reserveVolume(id);
    const info = await bs.initVolumeAttachment(id, CONNECTOR);
    expect(action()).toEqual({ 'os-initialize_connection': { connector: CONNECTOR } });
    expect(info).toMatchObject({ driver_volume_type: 'local', data: { access_mode: 'rw' } });
    const dir = filesDir(env);
    if (dir) expect((info['data'] as Record<string, unknown>)['device_path']).toBe(`${dir}/volume-${id}`);

    await bs.attachVolume(id, '/dev/vdd', { hostName: 'osbs-legacy-host' });
    expect(action()).toEqual({ 'os-attach': { mountpoint: '/dev/vdd', host_name: 'osbs-legacy-host' } });
    const attached = await settled(bs, id, 'in-use');
    const attachment = attached.attachments![0];
    expect(attachment).toMatchObject({ hostName: 'osbs-legacy-host', device: '/dev/vdd', volumeId: id });
    // The legacy attachment is an attachment of the new API too.
    expect((await bs.getAttachment(attachment.attachmentId!)).status).toBe('attached');

    await bs.beginVolumeDetaching(id);
    expect(action()).toEqual({ 'os-begin_detaching': {} });
    expect((await bs.getVolume(id)).status).toBe('detaching');
    await bs.abortVolumeDetaching(id);
    expect(action()).toEqual({ 'os-roll_detaching': {} });
    expect((await bs.getVolume(id)).status).toBe('in-use');

    await bs.terminateVolumeAttachment(id, CONNECTOR);
    expect(action()).toEqual({ 'os-terminate_connection': { connector: CONNECTOR } });
    await bs.detachVolume(id, attachment.attachmentId!);
    expect(action()).toEqual({ 'os-detach': { attachment_id: attachment.attachmentId } });
    const detached = await settled(bs, id);
    expect(detached.attachments).toEqual([]);
    for (const e of sdk.wire.filter((x) => x.path.endsWith(`/volumes/${id}/action`)))
      expect(e.apiVersion).toBe('volume 3.70');
  });
});
