/**
 * What operations do to OTHER records on the fake cloud (the spec's `effects`), through the SDK on
 * a loopback server: a transfer holds and hands over its volume, an attachment reserves, connects
 * and attaches its volume, QoS associations write the types, a backup holds its volume, unmanage
 * removes the resource. Cinder's refusals come with its message and leave the state as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockStorageV3, CloudConnection } from 'openstack-block-storage';
import { startFakeCloud, type FakeCloud } from 'openstack-block-storage/testing';

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

async function volume(name = 'v') {
  return bs.waitForStatus(await bs.createVolume({ name, size: 1 }), 'available', fast);
}

describe('transfers on the fake cloud', () => {
  it('create holds the volume in awaiting-transfer and answers a 16-character key only once', async () => {
    const v = await volume();
    const t = await bs.createTransfer({ volumeId: v.id, name: 'offer' });
    expect(t.authKey).toMatch(/^[0-9a-f]{16}$/);
    expect((await bs.getVolume(v.id)).status).toBe('awaiting-transfer');
    expect((await bs.getTransfer(t.id)).authKey).toBeUndefined();
    // A second offer of the same volume is refused, as Cinder does, and makes no transfer.
    await expect(bs.createTransfer({ volumeId: v.id })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('Invalid volume: status must be available'),
    });
    expect((await bs.transfers({ volumeId: v.id }).toArray()).map((x) => x.id)).toEqual([t.id]);
    await bs.deleteTransfer(t);
    expect((await bs.getVolume(v.id)).status).toBe('available');
  });

  it('accept checks the key, then the volume and its snapshots belong to the accepting project', async () => {
    const v = await volume('given');
    const snap = await bs.waitForStatus(await bs.createSnapshot({ volumeId: v.id }), 'available', fast);
    const t = await bs.createTransfer({ volumeId: v.id });
    const other = fake.addProject('recipient');
    const theirs = await other.connect();
    try {
      await expect(theirs.blockStorage.acceptTransfer(t.id, '0000000000000000')).rejects.toMatchObject({
        status: 400,
        message: expect.stringContaining(`Invalid auth key: Attempt to transfer ${t.id} with invalid auth key.`),
      });
      // The recipient does not list the offer, but accepts it by its ID.
      expect(await theirs.blockStorage.transfers().toArray()).toEqual([]);
      await theirs.blockStorage.acceptTransfer(t.id, t.authKey!);
      const moved = await theirs.blockStorage.getVolume(v.id);
      expect([moved.status, moved.projectId]).toEqual(['available', other.projectId]);
      expect((await theirs.blockStorage.getSnapshot(snap.id)).id).toBe(snap.id);
      expect((await bs.volumes().toArray()).map((x) => x.id)).not.toContain(v.id);
      await expect(bs.getTransfer(t.id)).rejects.toMatchObject({ status: 404 });
    } finally {
      await theirs.close();
    }
  });

  it("a member cannot offer another project's volume: Cinder's 404, and the volume stays available", async () => {
    const v = await volume('not-theirs');
    const stranger = fake.addProject('stranger');
    const theirs = await stranger.connect();
    try {
      await expect(theirs.blockStorage.createTransfer({ volumeId: v.id })).rejects.toMatchObject({ status: 404 });
      expect((await bs.getVolume(v.id)).status).toBe('available');
    } finally {
      await theirs.close();
    }
  });
});

describe('attachments on the fake cloud', () => {
  it('reserve, connect, complete and delete walk the volume through reserved, attaching, in-use and available', async () => {
    const v = await volume('attached');
    const reserved = await bs.createAttachment(v.id);
    expect([reserved.status, reserved.attachMode]).toEqual(['reserved', 'null']);
    expect((await bs.getVolume(v.id)).status).toBe('reserved');

    const connected = await bs.updateAttachment(reserved.id, { host: 'h1', mountpoint: '/dev/vdb' });
    expect(connected.connectionInfo).toMatchObject({ driver_volume_type: 'local', attachment_id: reserved.id });
    expect((await bs.getVolume(v.id)).status).toBe('attaching');

    await bs.completeAttachment(reserved.id);
    const inUse = await bs.getVolume(v.id);
    expect(inUse.status).toBe('in-use');
    expect(inUse.attachments).toEqual([
      expect.objectContaining({ attachmentId: reserved.id, hostName: 'h1', device: '/dev/vdb', volumeId: v.id }),
    ]);

    await bs.deleteAttachment(reserved.id);
    const free = await bs.getVolume(v.id);
    expect([free.status, free.attachments]).toEqual(['available', []]);
  });

  it('a volume that is not available cannot be reserved: Cinder’s 400 names the status, and nothing changes', async () => {
    const v = await volume('busy');
    const first = await bs.createAttachment(v.id, { connector: { host: 'h' } });
    // Cinder answers the attachment as reserved; the connection makes it attaching.
    expect(first.status).toBe('reserved');
    expect((await bs.getAttachment(first.id)).status).toBe('attaching');
    await expect(bs.createAttachment(v.id)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining(
        `Volume ${v.id} status must be available or downloading to reserve, but the current status is attaching.`,
      ),
    });
    expect((await bs.attachments({ volumeId: v.id }).toArray()).map((a) => a.id)).toEqual([first.id]);
  });

  it('the legacy actions are conditional: unreserve of a volume that is not attaching changes nothing', async () => {
    const v = await volume('legacy');
    await bs.unreserveVolume(v.id);
    expect((await bs.getVolume(v.id)).status).toBe('available');
    await expect(bs.beginVolumeDetaching(v.id)).rejects.toMatchObject({ status: 400 });
    await bs.attachVolume(v.id, '/dev/vdc', { hostName: 'h2' });
    const attached = await bs.getVolume(v.id);
    expect(attached.status).toBe('in-use');
    await bs.detachVolume(v.id, attached.attachments![0].attachmentId!);
    expect((await bs.getVolume(v.id)).attachments).toEqual([]);
  });
});

describe('other relations on the fake cloud', () => {
  it('associating a QoS spec writes the type’s qos_specs_id; the associations list reads the types', async () => {
    const spec = await bs.createQosSpec({ name: 'gold', specs: { total_iops_sec: '100' } });
    const type = await bs.createType({ name: 'fast' });
    await bs.associateQosSpec(spec, type);
    expect((await bs.getType(type.id)).qosSpecsId).toBe(spec.id);
    expect((await bs.qosSpecAssociations(spec).toArray()).map((a) => [a.id, a.name, a.associationType])).toEqual([
      [type.id, 'fast', 'volume_type'],
    ]);
    await bs.disassociateAllQosSpec(spec);
    expect((await bs.getType(type.id)).qosSpecsId).toBeUndefined();
    expect(await bs.qosSpecAssociations(spec).toArray()).toEqual([]);
  });

  it('a backup holds its volume in backing-up until it is done (on the fake clock), and unmanage removes a volume', async () => {
    const slow = await startFakeCloud({ delays: { 'Backup.create': 1000 } });
    const conn = await slow.connect();
    try {
      const b = conn.blockStorage;
      const v = await b.waitForStatus(await b.createVolume({ size: 1 }), 'available', fast);
      await b.createBackup({ volumeId: v.id });
      expect((await b.getVolume(v.id)).status).toBe('backing-up');
      slow.clock.advance(1000);
      expect((await b.getVolume(v.id)).status).toBe('available');
      await b.unmanageVolume(v.id);
      await b.waitForDelete(v, fast);
      await expect(b.getVolume(v.id)).rejects.toMatchObject({ status: 404 });
    } finally {
      await conn.close();
      await slow.close();
    }
  });
});

describe('a cascade delete', () => {
  it("removes the volume's snapshots with it, and only that volume's", async () => {
    const v = await volume('cascade');
    const other = await volume('cascade-other');
    const snap = await bs.waitForStatus(await bs.createSnapshot({ volumeId: v.id }), 'available', fast);
    const kept = await bs.waitForStatus(await bs.createSnapshot({ volumeId: other.id }), 'available', fast);
    await expect(bs.deleteVolume(v.id)).rejects.toMatchObject({ status: 400 });
    expect((await bs.getSnapshot(snap.id)).status).toBe('available');
    await bs.deleteVolume(v.id, { cascade: true });
    await bs.waitForDelete(v, fast);
    await expect(bs.getSnapshot(snap.id)).rejects.toMatchObject({ status: 404 });
    expect((await bs.getSnapshot(kept.id)).status).toBe('available');
  });
});
