/**
 * Microversion negotiation as a pure function: the version sent is the highest that the
 * operation, the server and the caller allow; a call that needs more fails before any request,
 * naming what it needs and what is available.
 */
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  MicroversionNotSupportedError,
  compareMicroversions,
  formatMicroversion,
  negotiateMicroversion,
  parseMicroversion,
  withinBounds,
  type VersionBounds,
} from '../../../runtime/index.js';
import { highestMinimum } from '../../../runtime/microversion.js';

const SERVER = { min: '3.0', max: '3.70' } as const;

const negotiate = (extra: {
  bounds?: VersionBounds;
  requires?: string;
  server?: { min: string; max: string };
  pinned?: string;
  clientMax?: string;
}): string | undefined => negotiateMicroversion({ operation: 'Volume.extend', bounds: {}, ...extra });

function failure(fn: () => unknown): MicroversionNotSupportedError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(MicroversionNotSupportedError);
  return error as MicroversionNotSupportedError;
}

describe('negotiateMicroversion', () => {
  it('no server range (v2, or an endpoint without microversions): no header', () => {
    expect(negotiate({})).toBeUndefined();
    expect(negotiate({ bounds: { maxVersion: '3.50' } })).toBeUndefined();
  });

  it('no server range but the operation needs one: fails, naming both sides', () => {
    const error = failure(() => negotiate({ bounds: { minVersion: '3.40' } }));
    expect(error.operation).toBe('Volume.extend');
    expect(error.required).toBe('3.40');
    expect(error.available).toBe('no microversion');
    expect(failure(() => negotiate({ requires: '3.1' })).required).toBe('3.1');
  });

  it('with a server range: the server maximum', () => {
    expect(negotiate({ server: SERVER })).toBe('3.70');
  });

  it('operation bounds: the maximum caps, the minimum is satisfied by the server maximum', () => {
    expect(negotiate({ server: SERVER, bounds: { maxVersion: '3.54' } })).toBe('3.54');
    expect(negotiate({ server: SERVER, bounds: { minVersion: '3.40' } })).toBe('3.70');
    expect(negotiate({ server: SERVER, bounds: { minVersion: '3.40', maxVersion: '3.54' } })).toBe('3.54');
    // Minor versions compare as numbers: 3.9 < 3.10.
    expect(negotiate({ server: { min: '3.0', max: '3.10' }, bounds: { maxVersion: '3.9' } })).toBe('3.9');
  });

  it('requires (from fields and arguments used) raises the floor', () => {
    expect(negotiate({ server: { min: '3.0', max: '3.50' }, requires: '3.42' })).toBe('3.50');
    const error = failure(() => negotiate({ server: { min: '3.0', max: '3.50' }, requires: '3.60' }));
    expect(error.required).toBe('3.60');
    expect(error.available).toBe('3.0–3.50');
    expect(error.message).toBe('Volume.extend needs microversion 3.60, but 3.0–3.50 is available');
  });

  it('clientMax caps what is sent; below what the call needs it fails saying why', () => {
    expect(negotiate({ server: SERVER, clientMax: '3.27' })).toBe('3.27');
    expect(negotiate({ server: SERVER, clientMax: '3.27', bounds: { maxVersion: '3.10' } })).toBe('3.10');
    const error = failure(() => negotiate({ server: SERVER, clientMax: '3.27', requires: '3.40' }));
    expect(error.required).toBe('3.40');
    expect(error.message).toMatch(/client maximum 3\.27/);
  });

  it('an operation that ends below the server minimum cannot be called', () => {
    const error = failure(() => negotiate({ server: { min: '3.50', max: '3.70' }, bounds: { maxVersion: '3.40' } }));
    expect(error.required).toBe('at most 3.40');
    expect(error.available).toBe('3.50–3.70');
    expect(error.message).toBe(
      'Volume.extend needs microversion at most 3.40, but 3.50–3.70 is available (the operation was removed in later microversions)',
    );
    // Or the arguments need more than the operation allows.
    const args = failure(() => negotiate({ server: SERVER, bounds: { maxVersion: '3.40' }, requires: '3.45' }));
    expect(args.message).toMatch(/at most 3\.40.*the arguments used need 3\.45/);
  });

  it('a pinned version wins when it fits the operation', () => {
    expect(negotiate({ server: SERVER, pinned: '3.42' })).toBe('3.42');
    expect(negotiate({ pinned: '3.42' })).toBe('3.42');
    expect(negotiate({ server: SERVER, pinned: '3.42', bounds: { minVersion: '3.40', maxVersion: '3.50' } })).toBe(
      '3.42',
    );
  });

  it('a pinned version outside the operation bounds fails, naming both versions', () => {
    const low = failure(() => negotiate({ server: SERVER, pinned: '3.20', bounds: { minVersion: '3.40' } }));
    expect(low.required).toBe('3.40');
    expect(low.available).toBe('3.20');
    expect(low.message).toMatch(/pinned by defaultMicroversion/);
    const high = failure(() => negotiate({ server: SERVER, pinned: '3.60', bounds: { maxVersion: '3.50' } }));
    expect(high.required).toBe('at most 3.50');
    expect(high.available).toBe('3.60');
    const needs = failure(() => negotiate({ pinned: '3.20', requires: '3.30' }));
    expect(needs.required).toBe('3.30');
  });

  it('malformed versions are InvalidArgumentErrors naming their source', () => {
    expect(() => negotiate({ pinned: '3' })).toThrow(InvalidArgumentError);
    expect(() => negotiate({ pinned: 'latest' })).toThrow(/defaultMicroversion/);
    expect(() => negotiate({ server: SERVER, clientMax: '3.x' })).toThrow(/maxVersion/);
  });
});

describe('microversion helpers', () => {
  it('parse, format and compare', () => {
    expect(parseMicroversion(' 3.27 ')).toEqual([3, 27]);
    expect(formatMicroversion([3, 5])).toBe('3.5');
    expect(compareMicroversions(parseMicroversion('3.9'), parseMicroversion('3.10'))).toBeLessThan(0);
    expect(compareMicroversions(parseMicroversion('4.0'), parseMicroversion('3.99'))).toBeGreaterThan(0);
    expect(compareMicroversions(parseMicroversion('3.07'), parseMicroversion('3.7'))).toBe(0);
    for (const bad of ['', '3', '3.', '.1', 'v3.1', '3.1.2', '3.latest'])
      expect(() => parseMicroversion(bad)).toThrow(InvalidArgumentError);
  });

  it('withinBounds is inclusive; no version only fits bounds without a minimum', () => {
    expect(withinBounds('3.40', { minVersion: '3.40', maxVersion: '3.54' })).toBe(true);
    expect(withinBounds('3.54', { minVersion: '3.40', maxVersion: '3.54' })).toBe(true);
    expect(withinBounds('3.55', { minVersion: '3.40', maxVersion: '3.54' })).toBe(false);
    expect(withinBounds('3.39', { minVersion: '3.40' })).toBe(false);
    expect(withinBounds(undefined, {})).toBe(true);
    expect(withinBounds(undefined, { maxVersion: '3.54' })).toBe(true);
    expect(withinBounds(undefined, { minVersion: '3.1' })).toBe(false);
  });

  it('highestMinimum ignores missing values', () => {
    expect(highestMinimum([undefined, '3.9', '3.10', undefined])).toBe('3.10');
    expect(highestMinimum([])).toBeUndefined();
  });
});
