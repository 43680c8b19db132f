/**
 * Key/value data on the fake cloud as Cinder keeps it, through the SDK on a 127.0.0.1 fake: one
 * key of a map read and written by key with Cinder's 404 for a missing one (`map.missing`), image
 * metadata set, shown and unset by actions (`map.set/show/unset`), QoS spec keys merged on update
 * and unset with delete_keys (`map.merge_on_update`, `echo`), private volume types and their
 * access lists (`access`), the records Cinder starts with (`seed`), and a type's encryption found
 * by the type's ID.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ConflictError, type BlockStorageV3, type CloudConnection } from 'openstack-block-storage';
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

async function volume(metadata: Record<string, string> = {}): Promise<string> {
  const created = await bs.createVolume({ size: 1, metadata });
  return (await bs.waitForStatus(created, 'available', fast)).id;
}

describe('map items on the fake cloud', () => {
  it('reads and replaces one metadata key, keeps the others, and answers a missing key with Cinder’s 404', async () => {
    const id = await volume({ keep: 'me', k: 'v1' });
    expect(await bs.getVolumeMetadataItem(id, 'k')).toBe('v1');
    expect(await bs.setVolumeMetadataItem(id, 'k', 'v2')).toBe('v2');
    expect((await bs.getVolume(id)).metadata).toEqual({ keep: 'me', k: 'v2' });
    await expect(bs.getVolumeMetadataItem(id, 'nokey')).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining(`Volume ${id} has no metadata with key nokey.`) as unknown,
    });
    await expect(bs.getVolumeMetadataItem(id, 'nokey')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('extra specs: POST answers the keys sent, the type keeps them all, a missing key is a 404', async () => {
    const type = await bs.createType({ name: 'specs', extraSpecs: { a: '1' } });
    expect(await bs.updateTypeExtraSpecs(type, { b: '2' })).toEqual({ b: '2' });
    expect((await bs.getType(type.id)).extraSpecs).toEqual({ a: '1', b: '2' });
    expect(await bs.getTypeExtraSpecsProperty(type.id, 'a')).toBe('1');
    await bs.deleteTypeExtraSpecs(type, ['a']);
    expect((await bs.getType(type.id)).extraSpecs).toEqual({ b: '2' });
    await expect(bs.deleteTypeExtraSpecs(type, ['a'])).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining(`Volume Type ${type.id} has no extra specs with key a.`) as unknown,
    });
  });

  it('image metadata actions store the keys: show answers them, unset removes one, and none set is a 404', async () => {
    const id = await volume();
    const missing = `Glance metadata for volume/snapshot ${id} cannot be found.`;
    await expect(bs.getVolumeImageMetadata(id)).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining(missing) as unknown,
    });
    expect(await bs.setVolumeImageMetadata(id, { os_distro: 'debian' })).toEqual({ os_distro: 'debian' });
    // The answer is the whole map (cinder/api/contrib/volume_image_metadata.py create).
    expect(await bs.setVolumeImageMetadata(id, { hw: 'scsi' })).toEqual({ os_distro: 'debian', hw: 'scsi' });
    expect(await bs.getVolumeImageMetadata(id)).toEqual({ os_distro: 'debian', hw: 'scsi' });
    expect((await bs.getVolume(id)).volumeImageMetadata).toEqual({ os_distro: 'debian', hw: 'scsi' });
    await bs.deleteVolumeImageMetadata(id, { keys: ['os_distro'] });
    expect((await bs.getVolume(id)).volumeImageMetadata).toEqual({ hw: 'scsi' });
    await expect(bs.deleteVolumeImageMetadata(id, { keys: ['os_distro'] })).rejects.toMatchObject({ status: 404 });
  });

  it('os-update_readonly_flag shows readonly in the volume’s metadata as Cinder writes it, not through /metadata', async () => {
    const id = await volume({ k: 'v' });
    await bs.setVolumeReadonly(id);
    expect((await bs.getVolume(id)).metadata).toEqual({ k: 'v', readonly: 'True' });
    await bs.setVolumeReadonly(id, { readonly: false });
    expect((await bs.getVolume(id)).metadata).toEqual({ k: 'v', readonly: 'False' });
    expect((await bs.fetchVolumeMetadata(id)).metadata).toEqual({ k: 'v' });
  });

  it('os-set_bootable sets the flag the volume shows', async () => {
    const id = await volume();
    await bs.setVolumeBootableStatus(id, true);
    expect((await bs.getVolume(id)).isBootable).toBe(true);
    await bs.setVolumeBootableStatus(id, false);
    expect((await bs.getVolume(id)).isBootable).toBe(false);
  });

  it('a QoS spec update adds and changes keys, answers what it was sent; delete_keys stops at a key not set', async () => {
    const spec = await bs.createQosSpec({ name: 'q', consumer: 'front-end', specs: { a: '1', b: '2', c: '3' } });
    const updated = await bs.updateQosSpec(spec, { specs: { a: '10', d: '4' } });
    expect(updated.specs).toEqual({ a: '10', d: '4' });
    // On the wire: the body as sent, flat keys and all (cinder/api/contrib/qos_specs_manage.py update).
    const answer = await fetch(`${fake.url}/qos-specs/${spec.id}`, {
      method: 'PUT',
      headers: { 'X-Auth-Token': fake.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ qos_specs: { consumer: 'both', d: '4' } }),
    });
    expect(await answer.json()).toEqual({ qos_specs: { consumer: 'both', d: '4' } });
    expect((await bs.getQosSpec(spec.id)).specs).toEqual({ a: '10', b: '2', c: '3', d: '4' });
    await expect(bs.deleteQosSpecMetadata(spec, ['b', 'zz', 'c'])).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining(`QoS spec ${spec.id} has no spec with key zz.`) as unknown,
    });
    // The keys before the missing one stay deleted, the ones after it stay.
    expect((await bs.getQosSpec(spec.id)).specs).toEqual({ a: '10', c: '3', d: '4' });
  });
});

describe('private types and what Cinder starts with', () => {
  it('has Cinder’s __DEFAULT__ volume type and default_cgsnapshot_type group type from the start', async () => {
    expect((await bs.types().toArray()).map((t) => t.name)).toContain('__DEFAULT__');
    const groupTypes = await bs.groupTypes().toArray();
    expect(groupTypes.find((t) => t.name === 'default_cgsnapshot_type')?.groupSpecs).toEqual({
      consistent_group_snapshot_enabled: '<is> True',
    });
  });

  it('a type is public unless created private; a private one is listed with isPublic false and shared per project', async () => {
    const pub = await bs.createType({ name: 'pub' });
    expect([pub.isPublic, pub.publicAccess]).toEqual([true, true]);
    await expect(bs.getTypeAccess(pub)).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('Access list not available for public volume types.') as unknown,
    });

    const hidden = await bs.createType({ name: 'hidden', isPublic: false });
    expect((await bs.types().toArray()).map((t) => t.id)).not.toContain(hidden.id);
    expect((await bs.types({ isPublic: 'false' }).toArray()).map((t) => t.id)).toEqual([hidden.id]);
    expect((await bs.types({ isPublic: 'none' }).toArray()).map((t) => t.id)).toContain(hidden.id);

    const other = fake.addProject('other-project');
    const member = await other.connect();
    try {
      await expect(member.blockStorage.getType(hidden.id)).rejects.toBeInstanceOf(NotFoundError);
      await bs.addTypeAccess(hidden, other.projectId);
      expect(await bs.getTypeAccess(hidden)).toEqual([
        expect.objectContaining({ volumeTypeId: hidden.id, projectId: other.projectId }),
      ]);
      await expect(bs.addTypeAccess(hidden, other.projectId)).rejects.toBeInstanceOf(ConflictError);
      expect((await member.blockStorage.getType(hidden.id)).name).toBe('hidden');
      expect((await member.blockStorage.types().toArray()).map((t) => t.id)).toContain(hidden.id);

      await bs.removeTypeAccess(hidden, other.projectId);
      expect(await bs.getTypeAccess(hidden)).toEqual([]);
      await expect(member.blockStorage.getType(hidden.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(bs.removeTypeAccess(hidden, other.projectId)).rejects.toMatchObject({
        status: 404,
        message: expect.stringContaining(
          `Volume type access not found for ${hidden.id} / ${other.projectId} combination.`,
        ) as unknown,
      });
    } finally {
      await member.close();
    }
  });

  it('a type’s encryption is found by the type’s ID, key by key; a type without one answers an empty object', async () => {
    const type = await bs.createType({ name: 'enc' });
    expect((await bs.getTypeEncryption(type)).encryptionId).toBeUndefined();
    const enc = await bs.createTypeEncryption(type, { provider: 'luks', controlLocation: 'front-end', keySize: 256 });
    expect(enc.encryptionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await bs.getTypeEncryption(type.id)).toMatchObject({ encryptionId: enc.encryptionId, provider: 'luks' });
    expect(await bs.getTypeEncryptionProperty(type.id, 'key_size')).toBe(256);
    await expect(bs.getTypeEncryptionProperty(type.id, 'nope')).rejects.toBeInstanceOf(NotFoundError);
  });
});
