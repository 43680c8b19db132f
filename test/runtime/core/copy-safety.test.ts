/**
 * A test framework (or a deep-clone helper) copies a resource through its prototype without the
 * private state: reading the copy must not throw, so a failing toMatchObject shows its diff.
 */
import { expect, it } from 'vitest';
import { Volume } from '../../../generated/block-storage/v2/index.js';
import { fromWire } from '../../../runtime/resource.js';

it('a copy made through the prototype reads as empty instead of throwing', () => {
  const v = fromWire(Volume, { id: 'vol-1', name: 'a' });
  const copy = Object.create(Object.getPrototypeOf(v) as object) as Volume;
  expect(copy.name).toBeUndefined();
  expect(() => JSON.stringify(copy)).not.toThrow();
  expect(v).toMatchObject({ name: 'a' });
});
