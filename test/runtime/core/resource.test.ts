/**
 * Resource: what goes over the wire and what a caller reads. Wire names ↔ TypeScript names, Cinder's
 * loose value types (string booleans, numeric strings), broken server values, type-checked writes,
 * dirty tracking (create sends what was given, update only what changed, nothing changed → no
 * request), unknown attributes, root-level and flattened fields, quota usage splitting.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { QosSpec, QuotaSet, Volume } from '../../../generated/block-storage/v2/index.js';
import {
  InvalidArgumentError,
  InvalidResponseError,
  Resource,
  construct,
  fromWire,
  type ResourceSchema,
  type StructSchema,
} from '../../../runtime/index.js';
import { REQUEST_ID, TOKEN, coreEnv, rejectionOf, thrownBy } from './support.js';

const env = coreEnv();

const VOLUME = {
  id: 'vol-1',
  name: 'one',
  description: null,
  size: 10,
  status: 'available',
  bootable: 'false',
  encrypted: false,
  multiattach: false,
  imageRef: 'img-1',
  'os-vol-host-attr:host': 'node1@lvm#pool',
  'os-vol-tenant-attr:tenant_id': 'proj-1',
  metadata: { tier: 'gold' },
  attachments: [{ id: 'att-1', server_id: 'srv-1', device: '/dev/vdb', attached_at: '2026-01-01T00:00:00' }],
};

/** Answers every request with `body` (status 200) and remembers nothing else. */
function answer(body: unknown, status = 200): void {
  env.server.handler = () => ({ status, body });
}

const PART: StructSchema = {
  name: 'Part',
  fields: { partId: { wire: 'part_id', type: 'string' }, weight: { wire: 'weight', type: 'number' } },
};

/** A focused resource with one field of every type. */
class Gadget extends Resource {
  static override readonly schema: ResourceSchema = {
    name: 'Gadget',
    resourceKey: 'gadget',
    resourcesKey: 'gadgets',
    fields: {
      id: { wire: 'id', type: 'string' },
      label: { wire: 'display:label', type: 'string', create: true, update: true },
      count: { wire: 'count', type: 'integer', create: true, update: true },
      ratio: { wire: 'ratio', type: 'number', create: true },
      enabled: { wire: 'enabled', type: 'boolean', create: true },
      flag: { wire: 'flag', type: 'boolstr', create: true },
      extra: { wire: 'extra', type: 'object', create: true },
      anything: { wire: 'anything', type: 'any', create: true },
      tags: { wire: 'tags', type: { list: 'string' }, create: true, update: true },
      limits: { wire: 'limits', type: { map: 'integer' }, create: true, update: true },
      parts: { wire: 'parts', type: { list: { struct: PART } }, create: true },
    },
  };
  constructor(attrs?: object) {
    super(attrs);
  }
  get(name: string): unknown {
    return this._get(name);
  }
  set(name: string, value: unknown): void {
    this._set(name, value);
  }
}

describe('reading: wire names, Cinder value types, broken values', () => {
  it('maps wire names to TypeScript names (os-vol-host-attr:host → host, imageRef → imageId)', async () => {
    answer({ volume: VOLUME });
    const v = await env.proxy.getVolume('vol-1');
    expect(v.host).toBe('node1@lvm#pool');
    expect(v.imageId).toBe('img-1');
    expect(v.projectId).toBe('proj-1');
    expect(v.attachments).toEqual([
      { id: 'att-1', serverId: 'srv-1', device: '/dev/vdb', attachedAt: '2026-01-01T00:00:00' },
    ]);
    // Both names work through the generic accessor.
    expect(v.getAttribute('host')).toBe('node1@lvm#pool');
    expect(v.getAttribute('os-vol-host-attr:host')).toBe('node1@lvm#pool');
    expect(v.getAttribute('imageRef')).toBe('img-1');
    // The wire form keeps Cinder's names.
    expect(v.toWire()).toMatchObject({ 'os-vol-host-attr:host': 'node1@lvm#pool', imageRef: 'img-1' });
    expect(v.openstackRequestId).toBe(REQUEST_ID);
  });

  it('reads Cinder string booleans: "true", "false", "True", "FALSE"', () => {
    const read = (bootable: unknown): unknown => fromWire(Volume, { id: 'v', bootable }).isBootable;
    expect(read('true')).toBe(true);
    expect(read('false')).toBe(false);
    expect(read('True')).toBe(true);
    expect(read('FALSE')).toBe(false);
    expect(read(true)).toBe(true);
    // A boolean field sent as a string is read the same way.
    expect(fromWire(Volume, { encrypted: 'False' }).isEncrypted).toBe(false);
  });

  it('coerces numeric strings for integer and number fields', () => {
    expect(fromWire(Volume, { size: '10' }).size).toBe(10);
    expect(fromWire(Volume, { size: ' 7 ' }).size).toBe(7);
    const g = fromWire(Gadget, { count: '-1', ratio: '0.25', limits: { a: '3', b: 4 } });
    expect(g.get('count')).toBe(-1);
    expect(g.get('ratio')).toBe(0.25);
    expect(g.get('limits')).toEqual({ a: 3, b: 4 });
  });

  it('null and missing values read as undefined', () => {
    const v = fromWire(Volume, { id: 'v', name: null, size: null, metadata: null, attachments: null });
    expect(v.name).toBeUndefined();
    expect(v.size).toBeUndefined();
    expect(v.metadata).toBeUndefined();
    expect(v.attachments).toBeUndefined();
    expect(v.description).toBeUndefined();
    expect(v.toJSON()).toEqual({ id: 'v' });
  });

  it.each([
    ['size', { size: 'ten' }, 'Volume.size', (v: Volume) => v.size],
    ['size (not an integer)', { size: 1.5 }, 'Volume.size', (v: Volume) => v.size],
    ['size (empty string)', { size: '' }, 'Volume.size', (v: Volume) => v.size],
    ['size (an object)', { size: { gb: 1 } }, 'Volume.size', (v: Volume) => v.size],
    ['bootable', { bootable: 'maybe' }, 'Volume.isBootable', (v: Volume) => v.isBootable],
    ['encrypted', { encrypted: 1 }, 'Volume.isEncrypted', (v: Volume) => v.isEncrypted],
    ['name', { name: { first: 'x' } }, 'Volume.name', (v: Volume) => v.name],
    ['metadata', { metadata: 'tier=gold' }, 'Volume.metadata', (v: Volume) => v.metadata],
    ['metadata value', { metadata: { tier: ['gold'] } }, 'Volume.metadata.tier', (v: Volume) => v.metadata],
    ['attachments', { attachments: 'none' }, 'Volume.attachments', (v: Volume) => v.attachments],
    [
      'attachment item',
      { attachments: [{ device: '/dev/vdb' }, 'x'] },
      'Volume.attachments[1]',
      (v: Volume) => v.attachments,
    ],
  ] as const)('a broken %s gives InvalidResponseError naming the field', (_what, body, where, read) => {
    const v = fromWire(Volume, { id: 'v', ...body });
    const error = thrownBy(() => read(v));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).where).toBe(where);
    expect((error as Error).message).toMatch(/from the server, got/);
    // The rest of the resource is still readable.
    expect(v.id).toBe('v');
  });

  it('a listing with one broken item does not fail until that field is read', async () => {
    answer({
      volumes: [
        { id: 'a', size: 1 },
        { id: 'b', size: 'huge' },
        { id: 'c', size: 3 },
      ],
    });
    const items = await env.proxy.volumes().toArray();
    expect(items.map((v) => v.id)).toEqual(['a', 'b', 'c']);
    expect(items[0].size).toBe(1);
    expect(thrownBy(() => items[1].size)).toBeInstanceOf(InvalidResponseError);
  });

  it('structs are renamed on read and on write', () => {
    const g = new Gadget({ parts: [{ partId: 'p1', weight: 2 }, { part_id: 'p2' }] });
    expect(g.toWire()['parts']).toEqual([{ part_id: 'p1', weight: 2 }, { part_id: 'p2' }]);
    expect(g.get('parts')).toEqual([{ partId: 'p1', weight: 2 }, { partId: 'p2' }]);
    expect(thrownBy(() => new Gadget({ parts: [{ colour: 'red' }] }))).toBeInstanceOf(InvalidArgumentError);
  });
});

describe('writing: values are checked against their types', () => {
  it.each([
    ['name', 5, 'Volume.name'],
    ['size', '10', 'Volume.size'],
    ['size', 1.5, 'Volume.size'],
    ['size', Number.NaN, 'Volume.size'],
    ['metadata', 'tier=gold', 'Volume.metadata'],
    ['metadata', { tier: 1 }, 'Volume.metadata.tier'],
    ['schedulerHints', ['same_host'], 'Volume.schedulerHints'],
  ] as const)('setAttribute(%s, %j) → InvalidArgumentError naming the attribute', (name, value, argument) => {
    const v = fromWire(Volume, { id: 'v', name: 'one', size: 1 });
    const error = thrownBy(() => v.setAttribute(name, value));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe(argument);
    // The failed write changed nothing.
    expect(v.isDirty()).toBe(false);
    expect(v.name).toBe('one');
  });

  it('a field assigned a wrong type from plain JavaScript fails the update, naming it, before any request', async () => {
    const v = fromWire(Volume, { id: 'vol-1', name: 'one', metadata: {} });
    (v as unknown as Record<string, unknown>)['metadata'] = { tier: 1 };
    expect(v.isDirty('metadata')).toBe(true);
    const error = await rejectionOf(env.proxy.updateVolume(v, {}));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe('Volume.metadata.tier');
    expect(env.requests).toEqual([]);
  });

  it('every declared type checks its values', () => {
    const bad: [string, unknown][] = [
      ['count', '1'],
      ['ratio', Infinity],
      ['enabled', 'true'],
      ['flag', 'true'],
      ['extra', []],
      ['tags', 'a,b'],
      ['tags', ['a', 1]],
      ['limits', { a: 'x' }],
    ];
    for (const [name, value] of bad) {
      const error = thrownBy(() => new Gadget().set(name, value));
      expect(error, `${name} = ${JSON.stringify(value)}`).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toMatch(new RegExp(`^Gadget\\.${name}`));
    }
    const g = new Gadget({
      count: 1,
      ratio: 0.5,
      enabled: true,
      flag: false,
      extra: { a: [1] },
      anything: [1, 'x'],
      tags: ['a'],
      limits: { a: -1 },
    });
    expect(g.toJSON()).toEqual({
      count: 1,
      ratio: 0.5,
      enabled: true,
      flag: false,
      extra: { a: [1] },
      anything: [1, 'x'],
      tags: ['a'],
      limits: { a: -1 },
    });
  });

  it('a wrongly typed create fails before any request', async () => {
    const error = await rejectionOf(env.proxy.createVolume({ size: 'big' } as unknown as { size: number }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe('Volume.size');
    expect(env.requests).toEqual([]);
  });

  it('unknown attributes are rejected, naming the attribute, before any request', async () => {
    const error = await rejectionOf(env.proxy.createVolume({ size: 1, foo: 'bar' } as unknown as { size: number }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe('Volume.foo');
    expect(thrownBy(() => construct(Volume, { colour: 'red' }))).toBeInstanceOf(InvalidArgumentError);
    // Reading an unknown attribute of a declared-only resource is simply undefined.
    expect(fromWire(Volume, { id: 'v', colour: 'red' }).getAttribute('colour')).toBeUndefined();
    expect(env.requests).toEqual([]);
  });

  it('a read-only field cannot be sent: create names it, no request', async () => {
    const error = await rejectionOf(env.proxy.createVolume({ size: 1, host: 'h' } as unknown as { size: number }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/Volume\.host: cannot be set on create/);
    expect(env.requests).toEqual([]);
  });
});

describe('create sends exactly what was given', () => {
  it('TypeScript names go out as wire names; null is sent, undefined is not', async () => {
    answer({ volume: { ...VOLUME, id: 'vol-new', status: 'creating' } }, 202);
    const v = await env.proxy.createVolume({
      size: 1,
      name: null,
      description: undefined,
      imageId: 'img-1',
      availabilityZone: 'nova',
    });
    expect(env.requests).toHaveLength(1);
    const [req] = env.requests;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/volumes');
    expect(req.body).toEqual({ volume: { size: 1, name: null, imageRef: 'img-1', availability_zone: 'nova' } });
    expect(req.headers['x-auth-token']).toBe(TOKEN);
    expect(req.headers['content-type']).toBe('application/json');
    // The response is merged: the new id and status are there, nothing is dirty.
    expect(v).toBeInstanceOf(Volume);
    expect(v.id).toBe('vol-new');
    expect(v.status).toBe('creating');
    expect(v.isDirty()).toBe(false);
  });

  it('wire names are accepted as attributes too (imageRef)', async () => {
    answer({ volume: { id: 'vol-2' } }, 202);
    await env.proxy.createVolume({ size: 1, imageRef: 'img-2' } as unknown as { size: number });
    expect(env.requests[0].body).toEqual({ volume: { size: 1, imageRef: 'img-2' } });
  });

  it('scheduler hints (placement: root) go beside "volume", not inside it', async () => {
    answer({ volume: { id: 'vol-3' } }, 202);
    await env.proxy.createVolume({ size: 1, schedulerHints: { same_host: ['vol-1'] } });
    expect(env.requests[0].body).toEqual({
      volume: { size: 1 },
      'OS-SCH-HNT:scheduler_hints': { same_host: ['vol-1'] },
    });
  });

  it('a Volume instance can be the attributes; the caller still gets the created one back', async () => {
    answer({ volume: { id: 'vol-4', size: 2 } }, 202);
    // Built without an ID, as plain JavaScript may (TypeScript asks for the ID: see resource-data.test-d.ts).
    const draft = construct(Volume, { size: 2, name: 'draft' });
    const created = await env.proxy.createVolume(draft);
    expect(env.requests[0].body).toEqual({ volume: { size: 2, name: 'draft' } });
    expect(created.id).toBe('vol-4');
    expect(created.name).toBe('draft');
  });
});

describe('update sends only what changed', () => {
  it('after a fetch, setting one field sends that field only', async () => {
    answer({ volume: VOLUME });
    const v = await env.proxy.getVolume('vol-1');
    v.name = 'renamed';
    expect(v.isDirty()).toBe(true);
    expect(v.isDirty('name')).toBe(true);
    expect(v.isDirty('description')).toBe(false);
    answer({ volume: { ...VOLUME, name: 'renamed' } });
    env.server.requests.length = 0;
    const updated = await env.proxy.updateVolume(v, {});
    expect(env.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['PUT', '/volumes/vol-1', { volume: { name: 'renamed' } }],
    ]);
    expect(updated.name).toBe('renamed');
    expect(updated.isDirty()).toBe(false);
  });

  it('attributes given to update are merged with earlier changes', async () => {
    const v = fromWire(Volume, { ...VOLUME });
    v.description = 'd';
    answer({ volume: { ...VOLUME, description: 'd', metadata: { a: 'b' } } });
    await env.proxy.updateVolume(v, { metadata: { a: 'b' } });
    expect(env.requests[0].body).toEqual({ volume: { description: 'd', metadata: { a: 'b' } } });
  });

  it('nothing changed → no request, the same object back', async () => {
    const v = fromWire(Volume, { ...VOLUME });
    expect(await env.proxy.updateVolume(v, {})).toBe(v);
    expect(await env.proxy.updateVolume(v, { name: undefined })).toBe(v);
    expect(env.requests).toEqual([]);
  });

  it('an update by ID with nothing to change sends no request', async () => {
    const v = await env.proxy.updateVolume('vol-1', {});
    expect(v.id).toBe('vol-1');
    expect(env.requests).toEqual([]);
  });

  it('an instance built by the caller with just its ID sends no request', async () => {
    await env.proxy.updateVolume(new Volume({ id: 'vol-1' }), {});
    expect(env.requests).toEqual([]);
  });

  it('an update by ID sends just the attributes given', async () => {
    answer({ volume: { id: 'vol-1', name: 'n' } });
    await env.proxy.updateVolume('vol-1', { name: 'n' });
    expect(env.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['PUT', '/volumes/vol-1', { volume: { name: 'n' } }],
    ]);
  });

  it('setting a value equal to the current one is not a change', () => {
    const v = fromWire(Volume, { id: 'v', name: 'one', size: '10', metadata: { a: '1', b: '2' }, bootable: 'true' });
    v.name = 'one';
    v.size = 10; // the server sent "10"
    v.metadata = { b: '2', a: '1' }; // same entries, another object
    expect(v.isDirty()).toBe(false);
    v.metadata = { a: '1' };
    expect(v.isDirty('metadata')).toBe(true);
    expect(v.isDirty('name')).toBe(false);
  });

  it('unsetting (undefined) removes the value and any pending change', () => {
    const v = fromWire(Volume, { id: 'v', name: 'one' });
    v.name = 'two';
    v.name = undefined;
    expect(v.name).toBeUndefined();
    expect(v.isDirty()).toBe(false);
  });

  it('null is a change that is sent as JSON null', async () => {
    const v = fromWire(Volume, { id: 'vol-1', description: 'old' });
    v.setAttribute('description', null);
    // Until saved, the cleared field reads as unset.
    expect(v.description).toBeUndefined();
    answer({ volume: { id: 'vol-1', description: null } });
    await env.proxy.updateVolume(v, {});
    expect(env.requests[0].body).toEqual({ volume: { description: null } });
    // From plain JavaScript, assigning null does the same.
    const w = fromWire(Volume, { id: 'vol-1', description: 'old' });
    (w as unknown as Record<string, unknown>)['description'] = null;
    await env.proxy.updateVolume(w, {});
    expect(env.requests[1].body).toEqual({ volume: { description: null } });
  });

  it('a second update right after the first sends nothing', async () => {
    const v = fromWire(Volume, { ...VOLUME });
    answer({ volume: { ...VOLUME, name: 'x' } });
    await env.proxy.updateVolume(v, { name: 'x' });
    await env.proxy.updateVolume(v, {});
    expect(env.requests).toHaveLength(1);
  });

  it('an update answered without a body still leaves the resource clean', async () => {
    const v = fromWire(Volume, { ...VOLUME });
    env.server.handler = () => ({ status: 204 });
    const out = await env.proxy.updateVolume(v, { name: 'quiet' });
    expect(out.name).toBe('quiet');
    expect(out.isDirty()).toBe(false);
    await env.proxy.updateVolume(v, {});
    expect(env.requests).toHaveLength(1);
  });

  it('a field that cannot be updated is refused before any request', async () => {
    const v = fromWire(Volume, { ...VOLUME });
    const error = await rejectionOf(env.proxy.updateVolume(v, { size: 20 } as unknown as { name: string }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/Volume\.size: cannot be set on update/);
    expect(env.requests).toEqual([]);
  });
});

describe('resources that keep unknown attributes (QoS specs, quota sets)', () => {
  it('QosSpec: unknown keys are kept, sent, and spec keys (flatten) are flat in the body', async () => {
    answer({
      qos_specs: {
        id: 'q-1',
        name: 'fast',
        consumer: 'back-end',
        specs: { read_iops_sec: '100', write_iops_sec: '50' },
      },
    });
    const q = await env.proxy.createQosSpec({
      name: 'fast',
      consumer: 'back-end',
      specs: { read_iops_sec: '100' },
      write_iops_sec: '50',
    });
    expect(env.requests[0].body).toEqual({
      qos_specs: { name: 'fast', consumer: 'back-end', read_iops_sec: '100', write_iops_sec: '50' },
    });
    expect(q).toBeInstanceOf(QosSpec);
    expect(q.specs).toEqual({ read_iops_sec: '100', write_iops_sec: '50' });
    expect(q.isDirty()).toBe(false);
  });

  it('QosSpec update: only the spec keys, flat', async () => {
    answer({ qos_specs: { read_iops_sec: '200' } });
    await env.proxy.updateQosSpec('q-1', { specs: { read_iops_sec: '200' } });
    expect(env.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['PUT', '/qos-specs/q-1', { qos_specs: { read_iops_sec: '200' } }],
    ]);
  });

  it('QosSpec: unknown attributes read back and appear in toJSON', () => {
    const q = construct(QosSpec, { name: 'x', total_bytes_sec: '1000' });
    expect(q.getAttribute('total_bytes_sec')).toBe('1000');
    expect(q.toJSON()).toEqual({ name: 'x', total_bytes_sec: '1000' });
  });

  it('QuotaSet with usage: {limit, in_use, reserved} → value, usage, reservation', async () => {
    answer({
      quota_set: {
        id: 'proj-1',
        volumes: { limit: 10, in_use: 2, reserved: 1 },
        gigabytes: { limit: 1000, in_use: 20, reserved: 0 },
        'volumes_lvmdriver-1': { limit: -1, in_use: 2, reserved: 0 },
        per_volume_gigabytes: { limit: -1, in_use: 0, reserved: 0 },
      },
    });
    const q = await env.proxy.getQuotaSet('proj-1', { usage: true });
    expect(env.requests[0].query).toEqual({ usage: 'true' });
    expect(q).toBeInstanceOf(QuotaSet);
    expect(q.projectId).toBe('proj-1');
    expect(q.volumes).toBe(10);
    expect(q.gigabytes).toBe(1000);
    expect(q.perVolumeGigabytes).toBe(-1);
    expect(q.usage).toEqual({ volumes: 2, gigabytes: 20, 'volumes_lvmdriver-1': 2, per_volume_gigabytes: 0 });
    expect(q.reservation).toEqual({ volumes: 1, gigabytes: 0, 'volumes_lvmdriver-1': 0, per_volume_gigabytes: 0 });
    expect(q.getAttribute('volumes_lvmdriver-1')).toBe(-1);

    // An update sends the changed limits, including unknown per-type keys, never usage/reservation.
    answer({ quota_set: { volumes: 20, 'volumes_lvmdriver-1': 5, gigabytes: 1000 } });
    env.server.requests.length = 0;
    const updated = await env.proxy.updateQuotaSet(q, { volumes: 20, 'volumes_lvmdriver-1': 5 });
    expect(env.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['PUT', '/os-quota-sets/proj-1', { quota_set: { volumes: 20, 'volumes_lvmdriver-1': 5 } }],
    ]);
    expect(updated.volumes).toBe(20);
    expect(updated.usage).toEqual(q.usage);
  });

  it('QuotaSet without usage reads plain numbers', async () => {
    answer({ quota_set: { id: 'proj-1', volumes: 10, snapshots: '5' } });
    const q = await env.proxy.getQuotaSet('proj-1');
    expect(env.requests[0].query).toEqual({ usage: 'false' });
    expect(q.volumes).toBe(10);
    expect(q.snapshots).toBe(5);
    expect(q.usage).toBeUndefined();
  });
});

describe('fields are own properties of the instance', () => {
  it('reads converted values, and a write is a change that the update sends', async () => {
    const g = fromWire(Gadget, { id: 'g-1', 'display:label': 'lamp', count: '3' });
    const fields = g as unknown as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(g, 'count')).toMatchObject({ value: 3, enumerable: true, writable: true });
    expect([fields['id'], fields['label'], fields['count']]).toEqual(['g-1', 'lamp', 3]);
    fields['label'] = 'desk lamp';
    expect(g.isDirty('label')).toBe(true);
    expect(g.toRequest('update').body).toEqual({ 'display:label': 'desk lamp' });
  });

  it('a read-only field changed by hand is refused on update, naming it', () => {
    const v = fromWire(Volume, { ...VOLUME });
    (v as unknown as Record<string, unknown>)['status'] = 'error';
    const error = thrownBy(() => v.toRequest('update'));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe('Volume.status');
  });

  it('changing a map or list in place is a change (the snapshot is not shared with the fields)', () => {
    const v = fromWire(Volume, { ...VOLUME, metadata: { tier: 'gold' } });
    (v.metadata as Record<string, string>)['tier'] = 'silver';
    expect(v.isDirty('metadata')).toBe(true);
    expect(v.toRequest('update').body).toEqual({ metadata: { tier: 'silver' } });
    const g = fromWire(Gadget, { id: 'g', extra: { nested: { a: 1 } }, tags: ['a'] });
    (g.get('extra') as { nested: Record<string, number> }).nested['a'] = 2;
    (g.get('tags') as string[]).push('b');
    expect(g.isDirty('extra')).toBe(true);
    expect(g.isDirty('tags')).toBe(true);
  });

  it('an attribute the caller adds that the resource does not declare fails the update, naming it', () => {
    const v = fromWire(Volume, { id: 'vol-1' });
    (v as unknown as Record<string, unknown>)['colour'] = 'red';
    const error = thrownBy(() => v.toRequest('update'));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe('Volume.colour');
  });

  it('a key "__proto__" sent by the server stays data on a resource that keeps unknown keys', () => {
    const q = fromWire(QosSpec, JSON.parse('{"id": "q", "__proto__": {"polluted": true}}') as Record<string, unknown>);
    expect(q).toBeInstanceOf(QosSpec);
    expect(Object.getPrototypeOf(q)).toBe(QosSpec.prototype);
    expect(Object.keys(q)).toContain('__proto__');
  });
});

describe('toJSON and inspect never throw', () => {
  it('a resource with broken values still prints, showing them raw', () => {
    const v = fromWire(Volume, { id: 'v', size: 'ten', bootable: 'maybe', metadata: 'x', attachments: [1] });
    expect(() => v.toJSON()).not.toThrow();
    expect(v.toJSON()).toMatchObject({ id: 'v', size: 'ten', isBootable: 'maybe', metadata: 'x' });
    const text = inspect(v);
    expect(text).toContain('Volume');
    expect(text).toContain('ten');
    expect(() => JSON.stringify(v)).not.toThrow();
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- String() on a resource is what this pins
    expect(() => String(v)).not.toThrow();
  });

  it('toJSON uses TypeScript names and leaves out what is not set', () => {
    const v = fromWire(Volume, { ...VOLUME });
    expect(v.toJSON()).toEqual({
      id: 'vol-1',
      name: 'one',
      size: 10,
      status: 'available',
      isBootable: false,
      isEncrypted: false,
      isMultiattach: false,
      imageId: 'img-1',
      host: 'node1@lvm#pool',
      projectId: 'proj-1',
      metadata: { tier: 'gold' },
      attachments: [{ id: 'att-1', serverId: 'srv-1', device: '/dev/vdb', attachedAt: '2026-01-01T00:00:00' }],
    });
    expect(inspect(construct(Volume))).toBe('Volume {}');
  });

  it('inspect of a resource holding values JSON cannot print does not throw', () => {
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    const g = new Gadget({ anything: circular, extra: { big: 1n } as unknown as object });
    expect(() => inspect(g)).not.toThrow();
    expect(inspect(g)).toContain('Gadget');
  });
});
