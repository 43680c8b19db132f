/**
 * Target and argument checks: whatever a JavaScript caller passes, a wrong target or argument is
 * an InvalidArgumentError naming it, raised before anything reaches the server.
 */
import { describe, expect, it } from 'vitest';
import { QosSpec, Snapshot, Type, TypeEncryption, Volume } from '../../../generated/block-storage/v2/index.js';
import { checkArg, optionalRefId, refId, toTarget } from '../../../runtime/index.js';
import { InvalidArgumentError, construct, fromWire } from '../../../runtime/index.js';
import { coreEnv, rejectionOf, thrownBy } from './support.js';

const env = coreEnv();

function argumentError(fn: () => unknown): InvalidArgumentError {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(InvalidArgumentError);
  return error as InvalidArgumentError;
}

describe('toTarget', () => {
  const parent = { parent: { resource: Type, field: 'volumeTypeId' } } as const;

  it('an ID becomes an instance with that ID, with nothing to send', () => {
    const v = toTarget(Volume, 'vol-1', 'volume');
    expect(v).toBeInstanceOf(Volume);
    expect(v.id).toBe('vol-1');
    expect(v.isDirty()).toBe(false);
  });

  it('an instance is used as it is', () => {
    const v = fromWire(Volume, { id: 'vol-1' });
    expect(toTarget(Volume, v, 'volume')).toBe(v);
  });

  it('a parent instance or a parent ID fills the parent field', () => {
    const byInstance = toTarget(TypeEncryption, fromWire(Type, { id: 't-1', name: 'gold' }), 'volumeType', parent);
    expect(byInstance).toBeInstanceOf(TypeEncryption);
    expect(byInstance.volumeTypeId).toBe('t-1');
    expect(byInstance.isDirty()).toBe(false);
    const byId = toTarget(TypeEncryption, 't-2', 'volumeType', parent);
    expect(byId.volumeTypeId).toBe('t-2');
    expect(byId.encryptionId).toBeUndefined();
  });

  it('a parent without an ID is refused', () => {
    const error = argumentError(() => toTarget(TypeEncryption, construct(Type, { name: 'x' }), 'volumeType', parent));
    expect(error.argument).toBe('volumeType');
    expect(error.message).toMatch(/the Type has no ID/);
  });

  it('instanceOnly refuses an ID', () => {
    const error = argumentError(() => toTarget(Volume, 'vol-1', 'volume', { instanceOnly: true }));
    expect(error.message).toMatch(/expected a Volume instance/);
    expect(toTarget(Volume, fromWire(Volume, { id: 'v' }), 'volume', { instanceOnly: true }).id).toBe('v');
  });

  it('defaultId stands in for a missing argument', () => {
    expect(toTarget(Volume, undefined, 'volume', { defaultId: 'default' }).id).toBe('default');
  });

  it.each([
    ['an empty string', ''],
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an array', ['vol-1']],
    ['a plain object', { id: 'vol-1' }],
    ['another resource', fromWire(Snapshot, { id: 's-1' })],
  ])('%s is refused, naming the argument and what was given', (what, value) => {
    const error = argumentError(() => toTarget(Volume, value, 'volume'));
    expect(error.argument).toBe('volume');
    expect(error.message).toContain('expected a non-empty Volume ID or a Volume');
    expect(error.message).toContain(
      what === 'another resource'
        ? 'a Snapshot'
        : what === 'a plain object'
          ? 'object'
          : what === 'a number'
            ? 'number'
            : what,
    );
  });

  it('through the proxy: a bad target fails before any request', async () => {
    expect(await rejectionOf(env.proxy.getVolume(''))).toBeInstanceOf(InvalidArgumentError);
    expect(
      await rejectionOf(env.proxy.deleteVolume(fromWire(Snapshot, { id: 's-1' }) as unknown as Volume)),
    ).toBeInstanceOf(InvalidArgumentError);
    expect(await rejectionOf(env.proxy.extendVolume(null as unknown as string, 20))).toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(await rejectionOf(env.proxy.getTypeEncryption(construct(Type, { name: 'no id' })))).toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(env.requests).toEqual([]);
  });

  it('an instance that lacks its ID cannot be addressed: refused before any request', async () => {
    const error = await rejectionOf(
      env.proxy.deleteVolume(construct(Volume, { name: 'unsaved' }), { ignoreMissing: false }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/\{volume_id\}/);
    expect(await rejectionOf(env.proxy.getVolume(construct(Volume, { name: 'unsaved' })))).toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(env.requests).toEqual([]);
  });

  it('a parent instance addresses the child path', async () => {
    // Cinder answers GET /types/{id}/encryption with the bare object.
    env.server.handler = () => ({ body: { volume_type_id: 't-1', encryption_id: 'e-1', provider: 'luks' } });
    const enc = await env.proxy.getTypeEncryption(fromWire(Type, { id: 't-1' }));
    expect(env.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /types/t-1/encryption']);
    expect(enc.encryptionId).toBe('e-1');
  });

  it('IDs are encoded as one path segment', async () => {
    env.server.handler = () => ({ body: { volume: { id: 'a/b?c' } } });
    await env.proxy.getVolume('a/b?c');
    expect(env.requests[0].path).toBe('/volumes/a/b?c');
    expect(env.requests[0].query).toEqual({});
  });
});

describe('refId', () => {
  it('an ID or a resource with an ID gives the ID', () => {
    expect(refId('t-1', 'volumeType')).toBe('t-1');
    expect(refId(fromWire(Type, { id: 't-2' }), 'volumeType')).toBe('t-2');
    expect(optionalRefId(undefined, 'volumeType')).toBeUndefined();
    expect(optionalRefId('t-3', 'volumeType')).toBe('t-3');
  });

  it.each([[''], [null], [7], [{ id: 't' }], [construct(Type, { name: 'unsaved' })]])(
    '%j is refused, naming the argument',
    (value) => {
      expect(argumentError(() => refId(value, 'volumeType')).argument).toBe('volumeType');
    },
  );

  it('through the proxy: a related resource goes out as its ID', async () => {
    env.server.handler = () => ({ status: 202 });
    await env.proxy.associateQosSpec(fromWire(QosSpec, { id: 'q-1' }), fromWire(Type, { id: 't-9' }));
    expect(env.requests.map((r) => [r.path, r.query])).toEqual([['/qos-specs/q-1/associate', { vol_type_id: 't-9' }]]);
    expect(await rejectionOf(env.proxy.associateQosSpec('q-1', ''))).toBeInstanceOf(InvalidArgumentError);
    expect(env.requests).toHaveLength(1);
  });
});

describe('checkArg', () => {
  it('checks the type and names the argument', () => {
    checkArg('size', 10, 'integer', true);
    checkArg('name', 'x', 'string', false);
    checkArg('keys', ['a', 'b'], { list: 'string' }, true);
    expect(argumentError(() => checkArg('size', '10', 'integer', true)).argument).toBe('size');
    expect(argumentError(() => checkArg('size', 1.5, 'integer', true)).message).toMatch(/expected an integer/);
    expect(argumentError(() => checkArg('force', 'yes', 'boolean', false)).argument).toBe('force');
    expect(argumentError(() => checkArg('keys', ['a', 1], { list: 'string' }, true)).argument).toBe('keys[1]');
  });

  it('required arguments must be given; optional ones may be undefined or null', () => {
    expect(argumentError(() => checkArg('size', undefined, 'integer', true)).message).toBe('size: is required');
    expect(argumentError(() => checkArg('size', null, 'integer', true)).argument).toBe('size');
    checkArg('size', undefined, 'integer', false);
    checkArg('size', null, 'integer', false);
  });

  it('enums list what is allowed', () => {
    checkArg('sortDir', 'asc', 'string', false, ['asc', 'desc']);
    const error = argumentError(() => checkArg('sortDir', 'up', 'string', false, ['asc', 'desc']));
    expect(error.message).toBe('sortDir: expected one of "asc", "desc", got "up"');
  });

  it('through the proxy: a bad argument fails before any request', async () => {
    expect(() => env.proxy.volumes({ sortDir: 'up' as 'asc' })).toThrow(InvalidArgumentError);
    expect(() => env.proxy.volumes({ limit: '10' as unknown as number })).toThrow(/limit/);
    expect(await rejectionOf(env.proxy.extendVolume('vol-1', '20' as unknown as number))).toMatchObject({
      argument: 'size',
    });
    expect(await rejectionOf(env.proxy.extendVolume('vol-1', undefined as unknown as number))).toMatchObject({
      argument: 'size',
    });
    expect(await rejectionOf(env.proxy.deleteVolume('vol-1', { cascade: 'yes' as unknown as boolean }))).toMatchObject({
      argument: 'cascade',
    });
    expect(env.requests).toEqual([]);
  });
});
