/**
 * The reference surface: every public method of openstacksdk's block_storage.v2 Proxy, camelCased
 * (the list in ../shared/seed/v2-proxy-methods.txt when this was written), exists on the generated
 * BlockStorageV2 and has at least one generated test.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockStorageV2 } from '../../generated/block-storage/v2/index.js';
import { V2_REFERENCE_METHODS } from '../support/v2-reference-methods.js';
import { REPO } from './fixture.js';

describe('v2 reference coverage', () => {
  it('lists 112 methods', () => {
    expect(new Set(V2_REFERENCE_METHODS).size).toBe(112);
  });

  it('every reference method exists on BlockStorageV2', () => {
    const missing = V2_REFERENCE_METHODS.filter(
      (name) => typeof (BlockStorageV2.prototype as unknown as Record<string, unknown>)[name] !== 'function',
    );
    expect(missing).toEqual([]);
  });

  it('every reference method has a generated test', async () => {
    // The generated cases: one file of data per resource, each case paired with a call (the runner
    // fails when a case has no call), so a method with a case here is a method with a test.
    const dir = path.join(REPO, 'generated/block-storage/v2/tests');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.cases.json'));
    const data = await Promise.all(
      files.map(
        async (f) => JSON.parse(await readFile(path.join(dir, f), 'utf8')) as { methods: Record<string, unknown[]> },
      ),
    );
    const tested = new Set(
      data.flatMap((d) =>
        Object.entries(d.methods)
          .filter(([, cases]) => cases.length > 0)
          .map(([name]) => name),
      ),
    );
    const untested = V2_REFERENCE_METHODS.filter((name) => !tested.has(name));
    expect(untested).toEqual([]);
  });
});
