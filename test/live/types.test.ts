/**
 * Live: volume types — create with extra specs, get/find/list, update, extra specs, private types
 * and project access, encryption specifications, delete — through the generated v2 proxy against
 * a real Cinder 21. Every change is checked by reading the type again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BadRequestError, ConflictError, NotFoundError, ResourceNotFoundError } from '../../generated/index.js';
import type { Type } from '../../generated/block-storage/v2/index.js';
import { bestEffort, expectError } from './admin-helpers.js';
import { connectLive, uniqueName, type LiveSdk } from './sdk.js';

let sdk: LiveSdk;
/** The second project's identity: in Keystone mode the non-admin `demo` member. */
let second: LiveSdk;
const created: string[] = [];
const keystone = process.env['RC_AUTH'] === 'keystone';

async function newType(attrs: Parameters<LiveSdk['bs']['createType']>[0]): Promise<Type> {
  const type = await sdk.bs.createType(attrs);
  created.push(type.id);
  return type;
}

beforeAll(async () => {
  sdk = await connectLive();
  second = await connectLive('second');
});

afterAll(async () => {
  if (sdk) {
    for (const id of created) {
      await bestEffort(
        () => sdk.bs.deleteTypeEncryption(id),
        () => sdk.bs.deleteType(id),
      );
    }
    await sdk.close();
  }
  await second?.close();
});

describe(`volume types (${process.env['RC_AUTH'] ?? 'noauth'})`, () => {
  it('createType with extra specs; getType, findType (name and ID) and types() see it', async () => {
    const name = uniqueName('type');
    const type = await newType({
      name,
      description: 'gold tier',
      extraSpecs: { volume_backend_name: 'fake', 'osbs:tier': 'gold' },
    });
    expect(type.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(type.name).toBe(name);
    expect(type.isPublic).toBe(true);
    expect(type.publicAccess).toBe(true);

    const got = await sdk.bs.getType(type.id);
    expect(got.name).toBe(name);
    expect(got.description).toBe('gold tier');
    expect(got.extraSpecs).toEqual({ volume_backend_name: 'fake', 'osbs:tier': 'gold' });
    expect(got.isPublic).toBe(true);
    expect(got.qosSpecsId).toBeUndefined();

    expect((await sdk.bs.findType(name, { ignoreMissing: false })).id).toBe(type.id);
    expect((await sdk.bs.findType(type.id, { ignoreMissing: false })).name).toBe(name);

    const all = await sdk.bs.types().toArray();
    expect(all.map((t) => t.name)).toContain(name);
    expect(all.map((t) => t.name)).toContain('__DEFAULT__');
    // Paging through Cinder's next links, one type per page, yields the same set.
    const paged = await sdk.bs.types({ limit: 1 }).toArray();
    expect(paged.map((t) => t.id).sort()).toEqual(all.map((t) => t.id).sort());
    const sorted = await sdk.bs.types({ sort: 'name:desc' }).toArray();
    const names = sorted.map((t) => t.name!);
    expect(names).toEqual([...names].sort().reverse());

    // A second type with the same name is refused.
    await expectError(sdk.bs.createType({ name }), ConflictError, `Volume Type ${name} already exists.`);
  });

  it('updateType renames and re-describes; the new values are what Cinder shows', async () => {
    const type = await newType({ name: uniqueName('upd'), description: 'before' });
    const renamed = uniqueName('renamed');
    const updated = await sdk.bs.updateType(type, { name: renamed, description: 'after' });
    expect(updated.name).toBe(renamed);
    expect(updated.description).toBe('after');

    const got = await sdk.bs.getType(type.id);
    expect(got.name).toBe(renamed);
    expect(got.description).toBe('after');
    expect((await sdk.bs.findType(renamed, { ignoreMissing: false })).id).toBe(type.id);
  });

  it('updateTypeExtraSpecs adds and changes keys; deleteTypeExtraSpecs removes them', async () => {
    const type = await newType({ name: uniqueName('specs'), extraSpecs: { volume_backend_name: 'fake', keep: 'me' } });

    const echoed = await sdk.bs.updateTypeExtraSpecs(type, {
      keep: 'changed',
      'capabilities:qos': '<is> False',
      extra: '1',
    });
    expect(echoed).toEqual({ keep: 'changed', 'capabilities:qos': '<is> False', extra: '1' });
    expect((await sdk.bs.getType(type.id)).extraSpecs).toEqual({
      volume_backend_name: 'fake',
      keep: 'changed',
      'capabilities:qos': '<is> False',
      extra: '1',
    });

    await sdk.bs.deleteTypeExtraSpecs(type, ['extra', 'capabilities:qos']);
    expect((await sdk.bs.getType(type.id)).extraSpecs).toEqual({ volume_backend_name: 'fake', keep: 'changed' });

    await expectError(
      sdk.bs.deleteTypeExtraSpecs(type, ['osbs-no-such-key']),
      NotFoundError,
      `Volume Type ${type.id} has no extra specs with key osbs-no-such-key.`,
    );
  });

  it('a private type: addTypeAccess, getTypeAccess and removeTypeAccess for the second project', async () => {
    const project = sdk.env.secondProjectId!;
    const type = await newType({ name: uniqueName('private'), isPublic: false });
    expect(type.isPublic).toBe(false);
    expect(type.publicAccess).toBe(false);

    // Listed only when asking for private types; found by name, as findType sends is_public=none
    // (openstacksdk's lookup), but not among the public ones only.
    expect((await sdk.bs.types().toArray()).map((t) => t.id)).not.toContain(type.id);
    expect((await sdk.bs.types({ isPublic: 'false' }).toArray()).map((t) => t.id)).toContain(type.id);
    expect((await sdk.bs.findType(type.name!))?.id).toBe(type.id);
    expect(await sdk.bs.findType(type.name!, { isPublic: 'true' })).toBeUndefined();

    expect(await sdk.bs.getTypeAccess(type)).toEqual([]);
    if (keystone)
      await expectError(second.bs.getType(type.id), NotFoundError, `Volume type ${type.id} could not be found.`);

    await sdk.bs.addTypeAccess(type, project);
    const access = await sdk.bs.getTypeAccess(type);
    expect(access.map((a) => ({ volumeTypeId: a.volumeTypeId, projectId: a.projectId }))).toEqual([
      { volumeTypeId: type.id, projectId: project },
    ]);
    // The member of that project now sees the type (in noauth the second identity is admin anyway).
    expect((await second.bs.getType(type.id)).name).toBe(type.name);
    expect((await second.bs.types().toArray()).map((t) => t.id)).toContain(type.id);
    await expectError(
      sdk.bs.addTypeAccess(type, project),
      ConflictError,
      `Volume type access for ${type.id} / ${project} combination already exists.`,
    );

    await sdk.bs.removeTypeAccess(type, project);
    expect(await sdk.bs.getTypeAccess(type)).toEqual([]);
    if (keystone)
      await expectError(second.bs.getType(type.id), NotFoundError, `Volume type ${type.id} could not be found.`);
    await expectError(
      sdk.bs.removeTypeAccess(type, project),
      NotFoundError,
      `Volume type access not found for ${type.id} / ${project} combination.`,
    );

    // Public types have no access list.
    const pub = await newType({ name: uniqueName('public') });
    await expectError(sdk.bs.getTypeAccess(pub), NotFoundError, 'Access list not available for public volume types.');
    // Making it private with updateType: Cinder then keeps an access list for it.
    const made = await sdk.bs.updateType(pub, { isPublic: false });
    expect(made.isPublic).toBe(false);
    expect((await sdk.bs.getType(pub.id)).isPublic).toBe(false);
    expect(await sdk.bs.getTypeAccess(pub)).toEqual([]);
  });

  it('type encryption: Cinder stores a LUKS spec without any key manager (no volume uses the type)', async () => {
    const type = await newType({ name: uniqueName('enc') });
    // A type without encryption: Cinder answers an empty object.
    const none = await sdk.bs.getTypeEncryption(type);
    expect(none.encryptionId).toBeUndefined();
    expect(none.provider).toBeUndefined();

    const enc = await sdk.bs.createTypeEncryption(type, {
      provider: 'luks',
      controlLocation: 'front-end',
      cipher: 'aes-xts-plain64',
      keySize: 256,
    });
    expect(enc.encryptionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(enc.volumeTypeId).toBe(type.id);

    const got = await sdk.bs.getTypeEncryption(type.id);
    expect(got).toMatchObject({
      encryptionId: enc.encryptionId,
      volumeTypeId: type.id,
      provider: 'luks',
      controlLocation: 'front-end',
      cipher: 'aes-xts-plain64',
      keySize: 256,
      deleted: false,
    });
    expect(got.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    await expectError(
      sdk.bs.createTypeEncryption(type, { provider: 'luks', controlLocation: 'front-end' }),
      BadRequestError,
      `Volume type encryption for type ${type.id} already exists.`,
    );

    // By the volume type (looked up first) and by the TypeEncryption itself.
    await sdk.bs.updateTypeEncryption(type, { keySize: 512, controlLocation: 'back-end' });
    let now = await sdk.bs.getTypeEncryption(type);
    expect(now).toMatchObject({
      encryptionId: enc.encryptionId,
      keySize: 512,
      controlLocation: 'back-end',
      provider: 'luks',
    });
    expect(now.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    await sdk.bs.updateTypeEncryption(now, { cipher: 'aes-cbc-essiv' });
    now = await sdk.bs.getTypeEncryption(type);
    expect(now.cipher).toBe('aes-cbc-essiv');
    expect(now.keySize).toBe(512);

    await expectError(
      sdk.bs.updateTypeEncryption(type, { controlLocation: 'nowhere' as 'front-end' }),
      BadRequestError,
      "'nowhere' is not one of ['front-end', 'back-end']",
    );

    await sdk.bs.deleteTypeEncryption(now);
    expect((await sdk.bs.getTypeEncryption(type)).encryptionId).toBeUndefined();
    await expectError(sdk.bs.deleteTypeEncryption(type, { ignoreMissing: false }), ResourceNotFoundError);
    await expect(sdk.bs.deleteTypeEncryption(type)).resolves.toBeUndefined();
  });

  it('a volume of an encrypted type needs the key manager this stack lacks: 400 "Key manager error"', async () => {
    const type = await newType({ name: uniqueName('encvol') });
    await sdk.bs.createTypeEncryption(type, {
      provider: 'luks',
      controlLocation: 'front-end',
      cipher: 'aes-xts-plain64',
      keySize: 256,
    });
    const name = uniqueName('encvol');
    await expectError(
      sdk.bs.createVolume({ size: 1, name, volumeType: type.id }),
      BadRequestError,
      'Key manager error',
    );
    expect(await sdk.bs.findVolume(name)).toBeUndefined();
  });

  it('deleteType removes it; a missing type is ignored unless ignoreMissing is false', async () => {
    const type = await newType({ name: uniqueName('del'), extraSpecs: { volume_backend_name: 'fake' } });
    await sdk.bs.deleteType(type);
    await expectError(sdk.bs.getType(type.id), NotFoundError, `Volume type ${type.id} could not be found.`);
    expect(await sdk.bs.findType(type.name!)).toBeUndefined();
    await expect(sdk.bs.deleteType(type.id)).resolves.toBeUndefined();
    await expectError(
      sdk.bs.deleteType(type.id, { ignoreMissing: false }),
      NotFoundError,
      `Volume type ${type.id} could not be found.`,
    );
  });
});
