/**
 * The scripts in examples/ run against the fake cloud exactly as users run them against a cloud
 * (`npx tsx examples/<name>.ts`, connecting through a clouds.yaml), so they are exercised by
 * `npm test` and not only by the live suite.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCloud, type FakeCloud } from 'openstack-block-storage/testing';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');

let fake: FakeCloud;
let dir = '';

beforeAll(async () => {
  fake = await startFakeCloud();
  dir = mkdtempSync(join(tmpdir(), 'osbs-fake-examples-'));
  writeFileSync(join(dir, 'clouds.yaml'), fake.cloudsYaml, { mode: 0o600 });
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs an example asynchronously: the fake answers from this process's event loop. */
function run(name: string, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [join('examples', `${name}.ts`), ...args],
      {
        cwd: REPO,
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: dir,
          OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml'),
          OS_CLOUD: 'fake',
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('examples against the fake cloud', () => {
  it('create-volume: creates, waits, extends, deletes', async () => {
    const { code, stdout, stderr } = await run('create-volume');
    expect(code, stderr).toBe(0);
    const id = /created volume (\S+) \(creating\)/.exec(stdout)?.[1];
    expect(id).toBeDefined();
    expect(stdout).toContain(`volume ${id} is available: 1 GiB`);
    expect(stdout).toContain('extended to 2 GiB');
    expect(stdout).toContain(`deleted volume ${id}`);
    expect(fake.state.list('Volume').map((v) => v.id)).not.toContain(id);
  });

  it('list-all: lists volumes across pages of two', async () => {
    for (let i = 0; i < 3; i++) fake.state.insert('Volume', { name: `listed-${i}`, size: 1, status: 'available' });
    const { code, stdout, stderr } = await run('list-all', ['2']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('volumes: 3 (3 GiB)');
    const pages = fake.requests.filter((r) => r.operation === 'Volume.list' && r.query['limit'] === '2');
    expect(pages.length).toBe(2);
  });
});
