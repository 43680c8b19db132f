/**
 * Import time in Node: how much longer a process that imports the package takes than `node -e 0`;
 * and the first call after import in a cold process (import + connect + one getVolume against a
 * local server). The package is built, packed and installed into a temp project (as users get
 * it); the AWS SDK v3 client (@aws-sdk/client-dynamodb, a devDependency) is imported, and makes
 * its first call (client + one GetItem against the same local server), the same way in the same
 * run. Runs are interleaved (one of each per round) and medians are printed. Target: the package
 * entry's import overhead ≤ 0.3× the AWS client's, both over `node -e 0`. undici, the Node
 * transport's HTTP client, is loaded by the first request, so it counts in the first call only.
 *
 *   npx tsx bench/import-time.ts [rounds]     # default 21 rounds
 */
import { spawnSync } from 'node:child_process';
import { packAndInstall, repoRoot } from '../test/package/install.js';
import { startBenchServer } from './http-latency-server.js';

const rounds = Number(process.argv[2] ?? 21);
const TARGET_RATIO = 0.3;

interface Case {
  readonly name: string;
  readonly cwd: string;
  readonly code: string | undefined;
}

function run(c: Case, env: Record<string, string>): number {
  const args = c.code === undefined ? ['-e', '0'] : ['--input-type=module', '-e', c.code];
  const start = performance.now();
  const result = spawnSync(process.execPath, args, {
    cwd: c.cwd,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
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
// A child process (spawnSync blocks this one's event loop) answering every request with a volume.
const server = await startBenchServer('process');
const env = {
  ENDPOINT: server.url.replace(/\/volumes\/.*$/, ''),
  VOLUME: server.url.slice(server.url.lastIndexOf('/') + 1),
  ROOT: new URL(server.url).origin,
};
const FIRST_SDK = `
  const { connect } = await import('openstack-block-storage');
  const cloud = await connect({
    authType: 'admin_token', auth: { token: 'admin:p', endpoint: process.env.ENDPOINT }, version: '2',
    env: false, cwd: '/nonexistent', homeDir: '/nonexistent', systemConfigDirs: [],
  });
  if ((await cloud.blockStorage.getVolume(process.env.VOLUME)).size !== 10) process.exit(1);
  await cloud.close();`;
const FIRST_AWS = `
  const { DynamoDBClient, GetItemCommand } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({
    region: 'us-east-1', endpoint: process.env.ROOT, maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' },
  });
  await client.send(new GetItemCommand({ TableName: 'volumes', Key: { id: { S: process.env.VOLUME } } }));
  client.destroy();`;
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
    { name: 'first call: connect + getVolume', cwd: pkg.project, code: FIRST_SDK },
    { name: 'first call: AWS client + GetItem', cwd: repoRoot, code: FIRST_AWS },
  ];
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (const c of cases) run(c, env); // warm the file system cache
  for (let i = 0; i < rounds; i++) for (const c of cases) samples.get(c.name)!.push(run(c, env));

  const base = median(samples.get('node -e 0')!);
  console.log(`Node ${process.version}, ${rounds} rounds, medians (process start to exit):`);
  console.log('case                                     median    over node -e 0');
  for (const c of cases) {
    const m = median(samples.get(c.name)!);
    const over = c.code === undefined ? '' : `${(m - base).toFixed(1).padStart(7)} ms`;
    console.log(`${c.name.padEnd(40)} ${m.toFixed(1).padStart(6)} ms ${over}`);
  }
  const entry = median(samples.get("import 'openstack-block-storage'")!) - base;
  const aws = median(samples.get("import '@aws-sdk/client-dynamodb'")!) - base;
  console.log(
    `target: package entry ≤ ${TARGET_RATIO}× the AWS client's import overhead → ${entry.toFixed(1)} / ${aws.toFixed(1)} ms = ${(entry / aws).toFixed(2)}×, ${entry / aws <= TARGET_RATIO ? 'met' : 'NOT met'}`,
  );
  const first = median(samples.get('first call: connect + getVolume')!) - base;
  const firstAws = median(samples.get('first call: AWS client + GetItem')!) - base;
  console.log(
    `first call after import, over node -e 0: ${first.toFixed(1)} ms vs AWS ${firstAws.toFixed(1)} ms = ${(first / firstAws).toFixed(2)}×`,
  );
} finally {
  await server.stop();
  pkg.remove();
}
