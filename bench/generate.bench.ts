/**
 * Full regeneration, v2 + v3, formatted: `npm run generate` as a maintainer runs it (a fresh
 * process: read the spec, build the model, emit with ts-morph, format with prettier, write), next to
 * a peer measured in the same run on the same machine: @hey-api/openapi-ts 0.95 generating a
 * client from Cinder's OpenAPI document (openstack/codegenerator), then prettier over its output.
 * Runs alternate; medians are printed, and the ratio is the median of the per-run ratios (ours and
 * the peer timed back to back). No assertions.
 *
 *   npx tsx bench/generate.bench.ts [runs]      (CINDER_OPENAPI=<path> to point at the document)
 *
 * Target (issue 5): ours ≤ 0.6 × (hey-api + prettier).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 5);
const openapi = process.env['CINDER_OPENAPI'] ?? path.resolve(root, '../shared/reference/openapi/cinder-v3.yaml');
const bin = (name: string): string => path.join(root, 'node_modules/.bin', name);

function time(command: string, args: readonly string[], cwd = root): number {
  const started = performance.now();
  execFileSync(command, args, { cwd, stdio: 'pipe' });
  return (performance.now() - started) / 1000;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const ours: number[] = [];
const oursWarm: number[] = [];
const heyapi: number[] = [];
const prettier: number[] = [];
const peer = existsSync(openapi);
const scratch = mkdtempSync(path.join(tmpdir(), 'osbs-bench-heyapi-'));
try {
  for (let i = 0; i < runs; i++) {
    // Cold: every file emitted and formatted (what a fresh clone does).
    ours.push(time(process.execPath, [path.join(root, 'scripts/generate.mjs'), '--no-cache']));
    // Warm: the formatting cache of the previous run (what a maintainer's next regeneration does).
    oursWarm.push(time(process.execPath, [path.join(root, 'scripts/generate.mjs')]));
    if (peer) {
      const out = path.join(scratch, `out-${i}`);
      heyapi.push(time(bin('openapi-ts'), ['-i', openapi, '-o', out]));
      prettier.push(time(bin('prettier'), ['--write', '--log-level', 'warn', out]));
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const fmt = (v: number): string => `${v.toFixed(2)} s`;
console.log(`Full regeneration, ${runs} runs each, medians (Node ${process.version})`);
console.log('| | median | runs |');
console.log('|---|---:|---|');
console.log(
  `| ours, cold: npm run generate -- --no-cache (v2 + v3, all formatted, written) | ${fmt(median(ours))} | ${ours.map(fmt).join(', ')} |`,
);
console.log(
  `| ours, warm: npm run generate with the formatting cache | ${fmt(median(oursWarm))} | ${oursWarm.map(fmt).join(', ')} |`,
);
if (peer) {
  const total = heyapi.map((h, i) => h + prettier[i]);
  console.log(
    `| @hey-api/openapi-ts 0.95 on Cinder's OpenAPI document | ${fmt(median(heyapi))} | ${heyapi.map(fmt).join(', ')} |`,
  );
  console.log(`| prettier over its output | ${fmt(median(prettier))} | ${prettier.map(fmt).join(', ')} |`);
  console.log(`| peer total (hey-api + prettier) | ${fmt(median(total))} | |`);
  // Each run times ours and the peer back to back, so the ratio within a run cancels the slow drifts
  // of a shared machine (the whole VM can run 15% slower for a minute); its median is the figure.
  const paired = ours.map((o, i) => o / total[i]);
  console.log(`\nratio ours (cold) / peer, per run: ${paired.map((r) => r.toFixed(2)).join(', ')}`);
  console.log(
    `ratio ours (cold) / peer: median of the runs ${median(paired).toFixed(2)}× (target ≤ 0.6×); ratio of the medians ${(median(ours) / median(total)).toFixed(2)}×`,
  );
  console.log(`ratio ours (warm) / peer: ${median(oursWarm.map((o, i) => o / total[i])).toFixed(2)}×`);
} else {
  console.log(`\n(no peer: ${openapi} not found; set CINDER_OPENAPI)`);
}
