/**
 * The README's "Naming and placement" rules, checked on the spec where a program can: v3 resources
 * extend their v2 file and state only the delta, operation names do not repeat their resource, and
 * one-key methods say Item for metadata and Property for specs.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import jsYaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './fixture.js';

type Doc = Record<string, unknown> & { resource?: string; extends?: string };
const SPEC = path.join(REPO, 'spec/block-storage');
const SECTIONS = ['fields', 'structs', 'operations', 'proxy', 'path_params'] as const;

async function load(version: string): Promise<Map<string, Doc>> {
  const out = new Map<string, Doc>();
  for (const file of (await readdir(path.join(SPEC, version))).sort()) {
    if (!file.endsWith('.yaml') || file === 'service.yaml') continue;
    out.set(file, jsYaml.load(await readFile(path.join(SPEC, version, file), 'utf8')) as Doc);
  }
  return out;
}

let v2: Map<string, Doc>;
let v3: Map<string, Doc>;
beforeAll(async () => {
  [v2, v3] = await Promise.all([load('v2'), load('v3')]);
});

const entries = (doc: Doc, section: string): [string, unknown][] =>
  Object.entries((doc[section] as Record<string, unknown> | undefined) ?? {});

describe('naming and placement (README)', () => {
  it('a v3 resource that has a v2 file extends it', () => {
    const missing = [...v3]
      .filter(([file, doc]) => existsSync(path.join(SPEC, 'v2', file)) && doc.extends !== `../v2/${file}`)
      .map(([file]) => file);
    expect(missing).toEqual([]);
  });

  it('a v3 file states only its delta: no entry repeats the one it inherits', () => {
    const repeated: string[] = [];
    for (const [file, doc] of v3) {
      const base = v2.get(file);
      if (!base || !doc.extends) continue;
      for (const section of SECTIONS)
        for (const [key, value] of entries(doc, section)) {
          const inherited = (base[section] as Record<string, unknown> | undefined)?.[key];
          if (inherited !== undefined && JSON.stringify(inherited) === JSON.stringify(value))
            repeated.push(`v3/${file} ${section}.${key}`);
        }
    }
    expect(repeated).toEqual([]);
  });

  it('operation names do not repeat their resource (Volume.extend, not Volume.extendVolume)', () => {
    const offending: string[] = [];
    for (const [version, docs] of [
      ['v2', v2],
      ['v3', v3],
    ] as const)
      for (const [file, doc] of docs) {
        const resource = doc.resource ?? v2.get(file)?.resource ?? '';
        for (const [name] of entries(doc, 'operations'))
          if (resource && name.toLowerCase().includes(resource.toLowerCase()))
            offending.push(`${version}/${file} ${resource}.${name}`);
      }
    expect(offending).toEqual([]);
  });

  it('one-key methods and operations say Item for metadata and Property for specs', () => {
    const offending: string[] = [];
    for (const docs of [v2, v3])
      for (const [file, doc] of docs)
        for (const name of [...entries(doc, 'operations'), ...entries(doc, 'proxy')].map(([n]) => n)) {
          if (/Metadata\w*Property$/.test(name) || /Specs?\w*Item$/.test(name)) offending.push(`${file} ${name}`);
        }
    expect(offending).toEqual([]);
  });
});
