/**
 * Import time in Node: how much longer a process that imports the package takes than `node -e 0`.
 * The package is built, packed and installed into a temp project (as users get it); the AWS SDK
 * v3 client (@aws-sdk/client-dynamodb, a devDependency) is imported the same way in the same run.
 * Runs are interleaved (one of each per round) and medians are printed. Target: < 20 ms for the
 * package entry.
 *
 *   npx tsx bench/import-time.ts [rounds]     # default 21 rounds
 */
import { spawnSync } from 'node:child_process';
import { packAndInstall, repoRoot } from '../test/package/install.js';

const rounds = Number(process.argv[2] ?? 21);
const TARGET_MS = 20;

interface Case {
  readonly name: string;
  readonly cwd: string;
  readonly code: string | undefined;
}

function run(c: Case): number {
  const args = c.code === undefined ? ['-e', '0'] : ['--input-type=module', '-e', c.code];
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: c.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${c.name}: exit ${result.status}: ${result.stderr.toString()}`);
  return ms;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const pkg = packAndInstall();
try {
  const cases: Case[] = [
    { name: 'node -e 0', cwd: pkg.project, code: undefined },
    { name: "import 'openstack-block-storage'", cwd: pkg.project, code: "await import('openstack-block-storage')" },
    {
      name: "import '…/block-storage/v2'",
      cwd: pkg.project,
      code: "await import('openstack-block-storage/block-storage/v2')",
    },
    { name: "import '…/lite'", cwd: pkg.project, code: "await import('openstack-block-storage/lite')" },
    { name: "import '@aws-sdk/client-dynamodb'", cwd: repoRoot, code: "await import('@aws-sdk/client-dynamodb')" },
  ];
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (const c of cases) run(c); // warm the file system cache
  for (let i = 0; i < rounds; i++) for (const c of cases) samples.get(c.name)!.push(run(c));

  const base = median(samples.get('node -e 0')!);
  console.log(`Node ${process.version}, ${rounds} rounds, medians (process start to exit):`);
  console.log('case                                     median    over node -e 0');
  for (const c of cases) {
    const m = median(samples.get(c.name)!);
    const over = c.code === undefined ? '' : `${(m - base).toFixed(1).padStart(7)} ms`;
    console.log(`${c.name.padEnd(40)} ${m.toFixed(1).padStart(6)} ms ${over}`);
  }
  const entry = median(samples.get("import 'openstack-block-storage'")!) - base;
  console.log(
    `target: package entry < ${TARGET_MS} ms over node -e 0 → ${entry.toFixed(1)} ms, ${entry < TARGET_MS ? 'met' : 'NOT met'}`,
  );
} finally {
  pkg.remove();
}
