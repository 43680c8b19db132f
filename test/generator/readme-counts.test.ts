/**
 * The counts the README and the live-test README state about the spec (methods per proxy, the v3
 * microversion range) are read from the spec itself: adding a method without updating the prose
 * fails here, naming the sentence and the number it should say.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../generator/model/build.js';
import type { ServiceModel } from '../../generator/model/types.js';
import { V2_REFERENCE_METHODS } from '../support/v2-reference-methods.js';
import { REPO } from './fixture.js';

let v2: ServiceModel;
let v3: ServiceModel;
beforeAll(async () => {
  const model = await buildModel({ root: REPO });
  v2 = model.services.find((s) => s.specDir.endsWith('/v2'))!;
  v3 = model.services.find((s) => s.specDir.endsWith('/v3'))!;
});

const methods = (s: ServiceModel): number => s.resources.reduce((n, r) => n + r.methods.length, 0) + s.helpers.length;

/** Every sentence that states a count, with the numbers it must show (in order of appearance). */
function claims(): { file: string; sentence: RegExp; numbers: string[] }[] {
  const range = v3.microversion!;
  return [
    {
      // openstacksdk's v2 methods, then all of BlockStorageV2 (with the rest of what Cinder serves at 3.0).
      file: 'README.md',
      sentence:
        /`block_storage\.v2` Proxy \((\d+), camelCased\) and methods for the rest of what Cinder serves at 3\.0 \((\d+) in all\)/,
      numbers: [String(V2_REFERENCE_METHODS.length), String(methods(v2))],
    },
    {
      file: 'README.md',
      sentence: /the rest of Cinder's API \((\d+), microversions ([\d.]+)–([\d.]+)\)/,
      numbers: [String(methods(v3)), range.min, range.max],
    },
    {
      // The live coverage gate counts openstacksdk's v2 methods.
      file: 'README.md',
      sentence: /how many of the (\d+) v2 proxy methods of openstacksdk's reference reached/,
      numbers: [String(V2_REFERENCE_METHODS.length)],
    },
    {
      file: 'README.md',
      sentence: /`live coverage: (\d+)\/(\d+) …`/,
      numbers: [String(V2_REFERENCE_METHODS.length), String(V2_REFERENCE_METHODS.length)],
    },
    {
      file: 'test/live/README.md',
      sentence: /`live coverage \(v3\): (\d+)\/(\d+) v3 proxy methods called`/,
      numbers: [String(methods(v3)), String(methods(v3))],
    },
  ];
}

describe('counts in the READMEs', () => {
  it('each count of methods and microversions in the READMEs is the spec’s (a stale one fails here)', async () => {
    const texts = new Map<string, string>();
    for (const claim of claims()) {
      const text = texts.get(claim.file) ?? (await readFile(path.join(REPO, claim.file), 'utf8')).replace(/\s+/g, ' ');
      texts.set(claim.file, text);
      const match = claim.sentence.exec(text);
      expect(
        match,
        `${claim.file} no longer has a sentence matching ${claim.sentence}; update this test`,
      ).not.toBeNull();
      expect(match!.slice(1), `${claim.file}: "${match![0]}"`).toEqual(claim.numbers);
    }
  });
});
