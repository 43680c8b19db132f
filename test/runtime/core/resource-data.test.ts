/**
 * Resources are data: every resource class of v2 and v3 (found from the generated modules, so a
 * new resource is covered without touching this file) is read from a body with every declared
 * field set, and must come out of spread, structuredClone, Object.keys, JSON.stringify and
 * toEqual with all its fields by TypeScript name — and nothing else (no request ID, no snapshot).
 */
import { describe, expect, it } from 'vitest';
import * as v2 from '../../../generated/block-storage/v2/index.js';
import * as v3 from '../../../generated/block-storage/v3/index.js';
import { Resource, fromWire, type FieldType, type ResourceClass } from '../../../runtime/index.js';

/** A wire value of the declared type, and what the field reads as. */
function sample(type: FieldType, seed: string): { wire: unknown; read: unknown } {
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        return { wire: `${seed}-value`, read: `${seed}-value` };
      case 'integer':
        return { wire: seed.length, read: seed.length };
      case 'number':
        return { wire: seed.length + 0.5, read: seed.length + 0.5 };
      case 'boolean':
        return { wire: true, read: true };
      case 'boolstr':
        return { wire: 'True', read: true };
      default:
        return { wire: { [seed]: ['x', 1] }, read: { [seed]: ['x', 1] } };
    }
  }
  if ('list' in type) {
    const item = sample(type.list, seed);
    return { wire: [item.wire], read: [item.read] };
  }
  if ('map' in type) {
    const item = sample(type.map, seed);
    return { wire: { k: item.wire }, read: { k: item.read } };
  }
  const wire: Record<string, unknown> = {};
  const read: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(type.struct.fields)) {
    const s = sample(spec.type, name);
    wire[spec.wire] = s.wire;
    read[name] = s.read;
  }
  return { wire, read };
}

const classes = [...Object.entries(v2), ...Object.entries(v3)]
  .filter(
    ([, value]) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Resource,
  )
  .map(([name, value]) => [`${name} (${v2[name as keyof typeof v2] === value ? 'v2' : 'v3'})`, value] as const)
  .map(([name, value]) => [name, value as unknown as ResourceClass] as const);

it('finds every resource class of v2 and v3', () => {
  expect(classes.length).toBeGreaterThanOrEqual(40);
});

describe.each(classes)('%s', (_name, cls) => {
  const schema = cls.schema;
  const wire: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema.fields)) {
    // Quota bodies with usage wrap each value: keep the plain form here.
    const s = sample(spec.type, name);
    wire[spec.wire] = s.wire;
    expected[name] = s.read;
  }
  if (schema.keepUnknown) {
    wire['x_unknown_key'] = 'kept';
    expected['x_unknown_key'] = 'kept';
  }
  const read = (): Resource => fromWire(cls, structuredClone(wire), 'req-1');

  it('every field is an own enumerable property: Object.keys and spread give them all', () => {
    const resource = read();
    expect(Object.keys(resource).sort()).toEqual(Object.keys(expected).sort());
    expect({ ...resource }).toEqual(expected);
    // The request ID is readable but not a field.
    expect(resource.openstackRequestId).toBe('req-1');
    expect(Object.keys({ ...resource })).not.toContain('openstackRequestId');
  });

  it('structuredClone gives a plain object with the fields (as it does for any class instance)', () => {
    const clone: unknown = structuredClone(read());
    expect(Object.getPrototypeOf(clone)).toBe(Object.prototype);
    expect(clone).toStrictEqual(expected);
  });

  it('JSON.stringify gives the fields by TypeScript name', () => {
    expect(JSON.parse(JSON.stringify(read()))).toStrictEqual(expected);
  });

  it("vitest's toEqual compares it with a plain object of its fields", () => {
    const resource = read();
    expect(resource).toEqual(expected);
    expect(resource).not.toEqual({ ...expected, [Object.keys(expected)[0]]: 'something else' });
  });

  it('read from the server, nothing is changed; a field written by hand is a change', () => {
    const resource = read();
    expect(resource.isDirty()).toBe(false);
    const writable = Object.entries(schema.fields).find(([, spec]) => spec.update && typeof spec.type === 'string');
    if (!writable) return;
    const [name, spec] = writable;
    const other = spec.type === 'boolean' || spec.type === 'boolstr' ? false : sample(spec.type, `${name}-new`).read;
    (resource as unknown as Record<string, unknown>)[name] = other;
    expect(resource.isDirty(name)).toBe(true);
    const { body, root } = resource.toRequest('update');
    expect({ ...body, ...root }).not.toEqual({});
  });
});
