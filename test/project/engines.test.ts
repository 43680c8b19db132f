/**
 * package.json `engines` says which Node.js versions are tested: the machine's Node 20 and the
 * majors `.ci/run` runs through scripts/with-node.sh. A version added to CI without `engines` (or the
 * other way round) fails here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../..');
const read = (file: string): string => readFileSync(path.join(REPO, file), 'utf8');

describe('engines', () => {
  it('lists exactly the Node majors CI tests: 20 (the machine) and those of scripts/with-node.sh', () => {
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    const declared = engines.split('||').map((range) => Number(/\^(\d+)\./.exec(range.trim())?.[1]));
    const pinned = [...read('scripts/with-node.sh').matchAll(/^\s+(\d+)\) version=/gm)].map((m) => Number(m[1]));
    const ciMajors = [...read('.ci/run').matchAll(/for major in ([\d ]+);/g)].flatMap((m) =>
      m[1].split(' ').map(Number),
    );
    expect(pinned.length).toBeGreaterThan(0);
    expect(ciMajors).toEqual(pinned);
    expect(declared).toEqual([20, ...pinned]);
    // undici 7, the Node transport, needs 20.18.1.
    expect(engines).toMatch(/^\^20\.18\.1 /);
  });
});
