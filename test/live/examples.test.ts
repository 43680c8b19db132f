/**
 * The scripts in examples/ run against the live stack exactly as a user runs them
 * (`npx tsx examples/<name>.ts`), so that they never rot. Each reads its connection the way users
 * configure one: a clouds.yaml in a temp dir (OS_CLIENT_CONFIG_FILE + OS_CLOUD; admin_token
 * entries under noauth, password entries under keystone), and in keystone mode also plain OS_*
 * variables. Each example cleans up after itself; the test checks its exit code and output.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLiveEnv, volumeEndpoint, type KeystoneCredentials, type LiveEnv } from './env.js';
import { connectLive, uniqueName, type LiveSdk } from './sdk.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');
const TIMEOUT = 600_000;

const env: LiveEnv = loadLiveEnv();
let dir = '';
let cloudsFile = '';

function keystoneCloud(creds: KeystoneCredentials, e: LiveEnv & { mode: 'keystone' }): Record<string, unknown> {
  return {
    auth: {
      auth_url: creds.authUrl,
      username: creds.username,
      password: creds.password,
      project_name: creds.projectName,
      user_domain_name: creds.userDomainName,
      project_domain_name: creds.projectDomainName,
    },
    region_name: e.regionName,
    interface: e.interface,
  };
}

/** clouds.yaml with `owner` (the admin project) and `recipient` (the second project). */
function cloudsYaml(e: LiveEnv): string {
  if (e.mode === 'noauth') {
    if (!e.secondNoauthToken || !e.secondProjectId) throw new Error('the live stack has no second noauth project');
    return stringify({
      clouds: {
        owner: { auth_type: 'admin_token', auth: { token: e.noauthToken, endpoint: volumeEndpoint(e) } },
        recipient: {
          auth_type: 'admin_token',
          auth: { token: e.secondNoauthToken, endpoint: volumeEndpoint(e, e.secondProjectId) },
        },
      },
    });
  }
  if (!e.demo) throw new Error('the live stack has no demo user');
  return stringify({ clouds: { owner: keystoneCloud(e.admin, e), recipient: keystoneCloud(e.demo, e) } });
}

/** A user's environment: PATH, a home without config, and the given variables; nothing of ours. */
function userEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '', HOME: dir, ...extra };
}

const viaCloudsYaml = (): Record<string, string> =>
  userEnv({ OS_CLIENT_CONFIG_FILE: cloudsFile, OS_CLOUD: 'owner', RECEIVER_CLOUD: 'recipient' });

function viaOsVariables(e: LiveEnv & { mode: 'keystone' }): Record<string, string> {
  const a = e.admin;
  return userEnv({
    OS_AUTH_URL: a.authUrl,
    OS_USERNAME: a.username,
    OS_PASSWORD: a.password,
    OS_PROJECT_NAME: a.projectName,
    OS_USER_DOMAIN_NAME: a.userDomainName,
    OS_PROJECT_DOMAIN_NAME: a.projectDomainName,
    OS_REGION_NAME: e.regionName,
    OS_INTERFACE: e.interface,
    OS_IDENTITY_API_VERSION: '3',
  });
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runExample(name: string, environment: Record<string, string>, args: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [join('examples', `${name}.ts`), ...args], { cwd: REPO, env: environment });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Asserts a clean run and returns its stdout; on failure the output is in the message. */
function ok(run: Run): string {
  expect(run.code, `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`).toBe(0);
  return run.stdout;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'osbs-examples-'));
  cloudsFile = join(dir, 'clouds.yaml');
  writeFileSync(cloudsFile, cloudsYaml(env), { mode: 0o600 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`examples (${env.mode})`, () => {
  it('create-volume: creates, waits, extends, deletes', { timeout: TIMEOUT }, async () => {
    const out = ok(await runExample('create-volume', viaCloudsYaml()));
    const id = /created volume (\S+) \(creating\)/.exec(out)?.[1];
    expect(id).toBeDefined();
    expect(out).toContain(`volume ${id} is available: 1 GiB`);
    expect(out).toContain('extended to 2 GiB');
    expect(out).toContain(`deleted volume ${id}`);
  });

  it.runIf(env.mode === 'keystone')(
    'create-volume with OS_* variables instead of clouds.yaml',
    { timeout: TIMEOUT },
    async () => {
      if (env.mode !== 'keystone') return;
      const out = ok(await runExample('create-volume', viaOsVariables(env)));
      expect(out).toMatch(/deleted volume \S+/);
    },
  );

  it.runIf(env.backupEnabled)(
    'snapshot-and-backup: snapshot, backup, restore, and everything deleted',
    { timeout: TIMEOUT },
    async () => {
      const out = ok(await runExample('snapshot-and-backup', viaCloudsYaml()));
      const volume = /volume (\S+) is available/.exec(out)?.[1];
      const snapshot = /snapshot (\S+) is available/.exec(out)?.[1];
      const backup = /backup (\S+) is available/.exec(out)?.[1];
      const restored = /to volume (\S+)/.exec(out)?.[1];
      expect([volume, snapshot, backup, restored].every((x) => x !== undefined)).toBe(true);
      for (const line of [
        `deleted volume ${restored}`,
        `deleted backup ${backup}`,
        `deleted snapshot ${snapshot}`,
        `deleted volume ${volume}`,
      ]) {
        expect(out).toContain(line);
      }
    },
  );

  describe('list-all', () => {
    let sdk: LiveSdk;
    const made: string[] = [];
    beforeAll(async () => {
      sdk = await connectLive();
      // Enough volumes for several pages of two.
      for (let i = 0; i < 3; i++)
        made.push((await sdk.bs.createVolume({ name: uniqueName('examples-list'), size: 1 })).id);
    }, TIMEOUT);
    afterAll(async () => {
      for (const id of made) {
        const v = await sdk.bs
          .waitForStatus(await sdk.bs.getVolume(id), 'available', { interval: 1, wait: 120 })
          .catch(() => undefined);
        await sdk.bs.deleteVolume(v ?? id, { ignoreMissing: true }).catch(() => undefined);
      }
      await sdk.close();
    }, TIMEOUT);

    it('lists everything across pages of two', { timeout: TIMEOUT }, async () => {
      const out = ok(await runExample('list-all', viaCloudsYaml(), ['2']));
      const volumes = Number(/volumes: (\d+) \(\d+ GiB\)/.exec(out)?.[1]);
      expect(volumes).toBeGreaterThanOrEqual(made.length);
      expect(out).toMatch(/snapshots: \d+ in \d+ page\(s\)/);
      expect(out).toMatch(/newest backups: /);
    });
  });

  it.runIf(env.secondProjectId !== undefined)(
    'transfer-volume: the recipient accepts and deletes the volume',
    { timeout: TIMEOUT },
    async () => {
      const out = ok(await runExample('transfer-volume', viaCloudsYaml()));
      const id = /volume (\S+) is available in the owner's project/.exec(out)?.[1];
      expect(out).toContain('auth key received: yes');
      expect(out).toContain(`transfer accepted: volume ${id} now belongs to the recipient`);
      expect(out).toContain('the recipient lists it: true');
      expect(out).toContain(`recipient deleted volume ${id}`);
    },
  );

  it('transfer-volume without RECEIVER_CLOUD says what is missing', { timeout: TIMEOUT }, async () => {
    const run = await runExample('transfer-volume', userEnv({ OS_CLIENT_CONFIG_FILE: cloudsFile, OS_CLOUD: 'owner' }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('RECEIVER_CLOUD');
  });
});
