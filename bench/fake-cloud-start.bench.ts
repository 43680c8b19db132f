/**
 * Start-up of the fake cloud's command: the time from `node <bin> fake-cloud` to its ready line on
 * stdout, next to `node -e 0` (start to exit) in the same run. The package is built, packed and
 * installed into a temp project, and the installed bin is what runs (as users get it). Rounds are
 * interleaved; medians are printed. Target (issue 15): under 300 ms more than `node -e 0`.
 *
 *   npx tsx bench/fake-cloud-start.bench.ts [rounds]     # default 15 rounds
 */
import { spawn, spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { packAndInstall } from '../test/package/install.js';

const rounds = Number(process.argv[2] ?? 15);
const TARGET_MS = 300;

function nodeBaseline(): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`node -e 0: exit ${result.status}`);
  return performance.now() - start;
}

function fakeCloudReady(bin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [bin, 'fake-cloud'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (!out.includes('\n')) return;
      const ms = performance.now() - start;
      JSON.parse(out.slice(0, out.indexOf('\n'))); // a ready line, not some other output
      child.once('close', (code) => (code === 0 ? resolve(ms) : reject(new Error(`exit ${code}: ${err}`))));
      child.kill('SIGTERM');
    });
    child.once('error', reject);
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const pkg = packAndInstall();
try {
  // The installed command: node_modules/.bin/openstack-block-storage links to the package's bin.
  const bin = realpathSync(join(pkg.project, 'node_modules', '.bin', 'openstack-block-storage'));
  nodeBaseline();
  await fakeCloudReady(bin); // warm the file system cache
  const base: number[] = [];
  const ready: number[] = [];
  for (let i = 0; i < rounds; i++) {
    base.push(nodeBaseline());
    ready.push(await fakeCloudReady(bin));
  }
  const b = median(base);
  const r = median(ready);
  console.log(`Node ${process.version}, ${rounds} rounds, medians:`);
  console.log(`node -e 0 (start to exit)                     ${b.toFixed(1).padStart(7)} ms`);
  console.log(`node <bin> fake-cloud (start to ready line)   ${r.toFixed(1).padStart(7)} ms`);
  console.log(
    `over node -e 0: ${(r - b).toFixed(1)} ms (target < ${TARGET_MS} ms: ${r - b < TARGET_MS ? 'met' : 'NOT met'})`,
  );
} finally {
  pkg.remove();
}
