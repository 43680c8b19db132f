/**
 * The ID in the types: what the SDK reads has `id: string`; what a caller builds for a create has
 * no ID, and none is asked for. Checked by `tsc` (npm test runs it before vitest); the runtime
 * lines run too, so a wrong claim about values fails here as well.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  Limits,
  Volume,
  type VolumeAttributes,
  type VolumeCreate,
  createVolume,
  getVolume,
  updateVolume,
} from '../../../generated/block-storage/v3/index.js';
import { fromWire, type ServiceClient } from '../../../runtime/index.js';

describe('resource IDs in the types', () => {
  it('a resource read from the server has id: string', () => {
    expectTypeOf<Volume['id']>().toEqualTypeOf<string>();
    expectTypeOf(getVolume).returns.resolves.toHaveProperty('id').toEqualTypeOf<string>();
    expectTypeOf(createVolume).returns.resolves.toHaveProperty('id').toEqualTypeOf<string>();
    const volume = fromWire(Volume, { id: 'vol-1', size: 1 });
    const id: string = volume.id;
    expect(id).toBe('vol-1');
  });

  it('the attributes of a create have no id, and need none', () => {
    expectTypeOf<VolumeCreate>().not.toHaveProperty('id');
    expectTypeOf<{ size: number; name: string }>().toMatchTypeOf<VolumeCreate>();
    expectTypeOf<VolumeAttributes['id']>().toEqualTypeOf<string | null | undefined>();
    // A volume read earlier is an acceptable set of create attributes only through its writable fields.
    expectTypeOf<Pick<Volume, 'name' | 'size'>>().toMatchTypeOf<VolumeCreate>();
  });

  it('an instance built by hand refers to an existing resource: TypeScript asks for its ID', () => {
    const byId = new Volume({ id: 'vol-1', name: 'renamed' });
    expectTypeOf(byId.id).toEqualTypeOf<string>();
    expect(byId.id).toBe('vol-1');
    // @ts-expect-error -- without an ID it could not be fetched, updated or deleted
    expect(() => new Volume({ name: 'unsaved' })).not.toThrow();
    expectTypeOf(updateVolume).parameter(1).toEqualTypeOf<string | Volume>();
    const client = undefined as unknown as ServiceClient;
    // Type-only: an update takes the instance built by hand without a cast.
    expectTypeOf(() => updateVolume(client, byId, { name: 'x' })).returns.resolves.toEqualTypeOf<Volume>();
  });

  it('a resource that is not addressed by an ID keeps it optional', () => {
    expectTypeOf<Limits['id']>().toEqualTypeOf<string | undefined>();
  });

  it('fields that can be sent are writable; the others are readonly', () => {
    const volume = fromWire(Volume, { id: 'vol-1', status: 'available' });
    volume.name = 'new name';
    // @ts-expect-error -- status is read-only
    volume.status = 'error';
    expect(volume.isDirty('name')).toBe(true);
  });
});
