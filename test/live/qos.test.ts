/**
 * Live: QoS specifications — create, update, get/find/list, associate with volume types,
 * disassociate (one and all), unset keys, delete with and without force — through the generated
 * v2 proxy against a real Cinder 21. Every change is checked by reading the server state again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BadRequestError, ConflictError, NotFoundError, ResourceNotFoundError } from '../../generated/index.js';
import type { QosSpec, Type } from '../../generated/block-storage/v2/index.js';
import { bestEffort, expectError } from './admin-helpers.js';
import { connectLive, uniqueName, type LiveSdk } from './sdk.js';

let sdk: LiveSdk;
const specs: string[] = [];
const types: string[] = [];

async function newSpec(attrs: Parameters<LiveSdk['bs']['createQosSpec']>[0]): Promise<QosSpec> {
  const spec = await sdk.bs.createQosSpec(attrs);
  specs.push(spec.id);
  return spec;
}

async function newType(): Promise<Type> {
  const type = await sdk.bs.createType({ name: uniqueName('qostype') });
  types.push(type.id);
  return type;
}

/** The IDs of the volume types a spec is associated with, as Cinder lists them. */
async function associated(spec: QosSpec | string): Promise<string[]> {
  return (await sdk.bs.qosSpecAssociations(spec).toArray()).map((a) => a.id!).sort();
}

beforeAll(async () => {
  sdk = await connectLive();
});

afterAll(async () => {
  if (!sdk) return;
  for (const id of specs) await bestEffort(() => sdk.bs.deleteQosSpec(id, { force: true }));
  for (const id of types) await bestEffort(() => sdk.bs.deleteType(id));
  await sdk.close();
});

describe(`QoS specs (${process.env['RC_AUTH'] ?? 'noauth'})`, () => {
  it('createQosSpec; getQosSpec, findQosSpec and qosSpecs() show it', async () => {
    const name = uniqueName('qos');
    const spec = await newSpec({ name, consumer: 'front-end', specs: { read_iops_sec: '500', write_iops_sec: '200' } });
    expect(spec.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(spec.name).toBe(name);
    expect(spec.consumer).toBe('front-end');
    expect(spec.specs).toEqual({ read_iops_sec: '500', write_iops_sec: '200' });

    const got = await sdk.bs.getQosSpec(spec.id);
    expect(got.name).toBe(name);
    expect(got.consumer).toBe('front-end');
    expect(got.specs).toEqual({ read_iops_sec: '500', write_iops_sec: '200' });

    expect((await sdk.bs.findQosSpec(name, { ignoreMissing: false })).id).toBe(spec.id);
    expect((await sdk.bs.findQosSpec(spec.id, { ignoreMissing: false })).name).toBe(name);
    expect(await sdk.bs.findQosSpec(uniqueName('none'))).toBeUndefined();
    await expectError(sdk.bs.findQosSpec(uniqueName('none'), { ignoreMissing: false }), ResourceNotFoundError);

    // Without a consumer Cinder uses back-end.
    const plain = await newSpec({ name: uniqueName('plain') });
    expect((await sdk.bs.getQosSpec(plain.id)).consumer).toBe('back-end');
    expect((await sdk.bs.getQosSpec(plain.id)).specs).toEqual({});

    const listed = await sdk.bs.qosSpecs().toArray();
    expect(listed.find((s) => s.id === spec.id)?.specs).toEqual({ read_iops_sec: '500', write_iops_sec: '200' });
    const paged = await sdk.bs.qosSpecs({ limit: 1 }).toArray();
    expect(paged.map((s) => s.id).sort()).toEqual(listed.map((s) => s.id).sort());
    const newestFirst = await sdk.bs.qosSpecs({ sort: 'created_at:desc' }).toArray();
    expect(newestFirst.findIndex((s) => s.id === plain.id)).toBeLessThan(
      newestFirst.findIndex((s) => s.id === spec.id),
    );

    // Cinder keeps a spec's name as one of its key/value rows, so it cannot sort by name.
    await expectError(
      sdk.bs.qosSpecs({ sortKey: 'name', sortDir: 'asc' }).toArray(),
      BadRequestError,
      'Invalid input received: Invalid sort key',
    );
    const byId = await sdk.bs.qosSpecs({ sortKey: 'id', sortDir: 'asc' }).toArray();
    expect(byId.map((s) => s.id)).toEqual(byId.map((s) => s.id).sort());

    await expectError(sdk.bs.createQosSpec({ name }), ConflictError, `QoS Specs ${name} already exists.`);
    await expectError(sdk.bs.getQosSpec(crypto.randomUUID()), NotFoundError, 'No such QoS spec');
  });

  it('updateQosSpec adds and changes keys and the consumer; other keys stay', async () => {
    const spec = await newSpec({
      name: uniqueName('upd'),
      consumer: 'front-end',
      specs: { read_iops_sec: '500', write_iops_sec: '200' },
    });
    const updated = await sdk.bs.updateQosSpec(spec, {
      consumer: 'both',
      specs: { read_iops_sec: '300', total_bytes_sec: '1048576' },
    });
    expect(updated.consumer).toBe('both');
    expect(updated.specs).toEqual({ read_iops_sec: '300', total_bytes_sec: '1048576' });

    const got = await sdk.bs.getQosSpec(spec.id);
    expect(got.consumer).toBe('both');
    expect(got.specs).toEqual({ read_iops_sec: '300', write_iops_sec: '200', total_bytes_sec: '1048576' });

    await expectError(
      sdk.bs.updateQosSpec(spec, { consumer: 'nowhere' as 'both' }),
      BadRequestError,
      'Invalid qos specs: Valid consumer of QoS specs are:',
      "valid_values=('back-end', 'front-end', 'both')",
    );
    expect((await sdk.bs.getQosSpec(spec.id)).consumer).toBe('both');
  });

  it('deleteQosSpecMetadata unsets keys; a key that is not set is a 404', async () => {
    const spec = await newSpec({ name: uniqueName('keys'), specs: { a: '1', b: '2', c: '3' } });
    await sdk.bs.deleteQosSpecMetadata(spec, ['a', 'c']);
    expect((await sdk.bs.getQosSpec(spec.id)).specs).toEqual({ b: '2' });
    await expectError(
      sdk.bs.deleteQosSpecMetadata(spec, ['osbs-missing']),
      NotFoundError,
      `QoS spec ${spec.id} has no spec with key osbs-missing.`,
    );
    expect((await sdk.bs.getQosSpec(spec.id)).specs).toEqual({ b: '2' });
  });

  it('associateQosSpec with two types, qosSpecAssociations, disassociateQosSpec, disassociateAllQosSpec', async () => {
    const spec = await newSpec({ name: uniqueName('assoc'), consumer: 'back-end', specs: { total_iops_sec: '1000' } });
    const gold = await newType();
    const silver = await newType();
    expect(await associated(spec)).toEqual([]);

    await sdk.bs.associateQosSpec(spec, gold);
    await sdk.bs.associateQosSpec(spec.id, silver.id);
    const list = await sdk.bs.qosSpecAssociations(spec).toArray();
    expect(
      list
        .map((a) => ({ id: a.id, name: a.name, associationType: a.associationType }))
        .sort((x, y) => x.id!.localeCompare(y.id!)),
    ).toEqual(
      [gold, silver]
        .map((t) => ({ id: t.id, name: t.name, associationType: 'volume_type' }))
        .sort((x, y) => x.id.localeCompare(y.id)),
    );
    // The type shows its QoS spec.
    expect((await sdk.bs.getType(gold.id)).qosSpecsId).toBe(spec.id);

    await sdk.bs.disassociateQosSpec(spec, gold);
    expect(await associated(spec)).toEqual([silver.id]);
    expect((await sdk.bs.getType(gold.id)).qosSpecsId).toBeUndefined();

    await sdk.bs.associateQosSpec(spec, gold);
    expect(await associated(spec)).toEqual([gold.id, silver.id].sort());
    await sdk.bs.disassociateAllQosSpec(spec);
    expect(await associated(spec.id)).toEqual([]);
    expect((await sdk.bs.getType(silver.id)).qosSpecsId).toBeUndefined();

    await expectError(sdk.bs.associateQosSpec(crypto.randomUUID(), gold), NotFoundError, 'No such QoS spec');
  });

  it('deleteQosSpec: refused while associated; force deletes it and frees the type', async () => {
    const spec = await newSpec({ name: uniqueName('del'), specs: { total_iops_sec: '100' } });
    const type = await newType();
    await sdk.bs.associateQosSpec(spec, type);

    await expectError(sdk.bs.deleteQosSpec(spec), BadRequestError, 'Qos specs still in use.');
    expect((await sdk.bs.getQosSpec(spec.id)).id).toBe(spec.id);

    await sdk.bs.deleteQosSpec(spec, { force: true });
    await expectError(sdk.bs.getQosSpec(spec.id), NotFoundError, `No such QoS spec ${spec.id}.`);
    expect((await sdk.bs.getType(type.id)).qosSpecsId).toBeUndefined();

    // Without associations no force is needed; a missing spec is ignored unless asked not to.
    const lone = await newSpec({ name: uniqueName('lone') });
    await sdk.bs.deleteQosSpec(lone);
    await expectError(sdk.bs.getQosSpec(lone.id), NotFoundError);
    await expect(sdk.bs.deleteQosSpec(lone)).resolves.toBeUndefined();
    await expectError(
      sdk.bs.deleteQosSpec(lone, { ignoreMissing: false }),
      NotFoundError,
      `No such QoS spec ${lone.id}.`,
    );
  });
});
