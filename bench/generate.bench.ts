/**
 * Full regeneration time: `npm run generate` as a maintainer runs it (a fresh process: load the
 * spec, build the model, emit with ts-morph, format with prettier, write generated/), and the same
 * pipeline in a warm process. Prints medians; no assertions.
 *
 *   npx tsx bench/generate.bench.ts [runs]
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel } from '../generator/model/build.js';
import { generate } from '../generator/pipeline.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 5);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const cold: number[] = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  // --check does everything but the final write; the write itself is a few ms.
  execFileSync(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'generator/cli.ts'), '--check'], { cwd: root, stdio: 'pipe' });
  cold.push(performance.now() - t);
}

const warm: number[] = [];
let files = 0;
let bytes = 0;
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  const out = await generate(root, await buildModel({ root }));
  warm.push(performance.now() - t);
  files = out.size;
  bytes = [...out.values()].reduce((n, s) => n + s.length, 0);
}

console.log(`regeneration of ${files} files (${(bytes / 1024).toFixed(0)} KiB), ${runs} runs each`);
console.log(`  fresh process (npm run generate -- --check): median ${(median(cold) / 1000).toFixed(2)} s  [${cold.map((v) => (v / 1000).toFixed(2)).join(', ')}]`);
console.log(`  warm, in-process pipeline:                  median ${(median(warm) / 1000).toFixed(2)} s  [${warm.map((v) => (v / 1000).toFixed(2)).join(', ')}]`);
console.log('  target (issue 2): under 3 s wall on a 2-core machine for v2');
