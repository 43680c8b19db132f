/**
 * `openstack-block-storage fake-cloud`: one JSON line on stdout when ready, served until SIGTERM or
 * SIGINT, exit 0. Run from the source with tsx, as the package's bin runs the built file.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');
const BIN = join(REPO, 'fake', 'cli.ts');

interface Ready {
  url: string;
  authUrl: string;
  projectId: string;
  projectName: string;
  token: string;
  username: string;
  password: string;
}

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function start(args: string[]): {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<Ready>;
  exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
} {
  const child = spawn(TSX, [BIN, ...args], { cwd: REPO, env: { PATH: process.env['PATH'] ?? '' } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const ready = new Promise<Ready>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline >= 0) resolve(JSON.parse(stdout.slice(0, newline)) as Ready);
    });
    child.on('close', () => reject(new Error(`exited before the ready line; stderr: ${stderr}`)));
  });
  // Usage-error runs never print a ready line: only the tests that await it care.
  ready.catch(() => undefined);
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, ready, exit };
}

describe('openstack-block-storage fake-cloud', () => {
  it('prints one ready line that works with Keystone and Cinder, and exits 0 on SIGTERM', async () => {
    const { child, ready, exit } = start(['fake-cloud', '--port', '0', '--max-microversion', '3.60']);
    const line = await ready;
    expect(Object.keys(line)).toEqual(['url', 'authUrl', 'projectId', 'projectName', 'token', 'username', 'password']);
    expect(line.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/v3/${line.projectId}$`));
    expect(line.authUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/identity\/v3$/);

    const created = await fetch(`${line.url}/volumes`, {
      method: 'POST',
      headers: { 'X-Auth-Token': line.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ volume: { size: 1, name: 'from-the-command' } }),
    });
    expect(created.status).toBe(202);
    const auth = await fetch(`${line.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: line.username, password: line.password } } },
        },
      }),
    });
    expect(auth.status).toBe(201);
    const tooNew = await fetch(`${line.url}/volumes`, {
      headers: { 'X-Auth-Token': line.token, 'OpenStack-API-Version': 'volume 3.61' },
    });
    expect(tooNew.status).toBe(406);

    child.kill('SIGTERM');
    const { code, stdout } = await exit;
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
  });

  it('--noauth accepts any admin:<project> token and stops on SIGINT', async () => {
    const { child, ready, exit } = start(['fake-cloud', '--noauth']);
    const line = await ready;
    expect(line.token).toBe(`admin:${line.projectId}`);
    const other = await fetch(line.url.replace(line.projectId, 'p2') + '/volumes', {
      headers: { 'X-Auth-Token': 'admin:p2' },
    });
    expect(other.status).toBe(200);
    child.kill('SIGINT');
    expect((await exit).code).toBe(0);
  });

  it('rejects an unknown option with exit 2 and the usage on stderr', async () => {
    const { exit } = start(['fake-cloud', '--prot', '1']);
    const { code, stderr, stdout } = await exit;
    expect(code).toBe(2);
    expect(stderr).toContain('unknown option "--prot"');
    expect(stderr).toContain('usage: openstack-block-storage fake-cloud');
    expect(stdout).toBe('');
  });

  it('rejects a malformed microversion with exit 2', async () => {
    const { exit } = start(['fake-cloud', '--max-microversion', 'three']);
    const { code, stderr } = await exit;
    expect(code).toBe(2);
    expect(stderr).toContain('--max-microversion must look like 3.71, got "three"');
  });
});
