/**
 * clouds.yaml and secure.yaml as connect() reads them: an alias bomb or an oversized file is a
 * ConfigurationError naming the file (not a raw ReferenceError, not gigabytes of memory), and a
 * file holding a secret that group or others can read logs one warning naming it.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../../generated/index.js';
import { ConfigurationError } from '../../../runtime/errors.js';
import { captureLogger, json } from '../http/helpers.js';
import { ISOLATED, TOKEN, startCinder, type Cinder } from './harness.js';

let dir: string;
let cinder: Cinder;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harden-clouds-'));
  cinder = await startCinder();
  cinder.handler = (_req, res) => json(res, 200, { volume: { id: 'vol-1' } });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await cinder.close();
});

async function file(name: string, text: string, mode = 0o600): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

/** connect() to the cloud `c` of these files; its warnings and its failure, if any. */
async function connectWith(files: { clouds: string; secure?: string }): Promise<{ warnings: string[]; error?: Error }> {
  const log = captureLogger();
  try {
    const conn = await connect({
      ...ISOLATED,
      env: { OS_CLIENT_CONFIG_FILE: files.clouds, ...(files.secure ? { OS_CLIENT_SECURE_FILE: files.secure } : {}) },
      cloud: 'c',
      logger: log.logger,
    });
    await conn.close();
    return { warnings: log.lines.filter((l) => l.startsWith('warn')) };
  } catch (error) {
    return { warnings: log.lines.filter((l) => l.startsWith('warn')), error: error as Error };
  }
}

const cloud = (extra = ''): string =>
  `clouds:\n  c:\n    auth_type: admin_token\n    auth:\n      endpoint: ${cinder.endpoint}\n${extra}`;

describe('clouds.yaml and secure.yaml read by connect()', () => {
  it('a YAML alias bomb in clouds.yaml is a ConfigurationError naming the file', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const path = await file('bomb.yaml', `${levels.join('\n')}\nclouds:\n  c:\n    boom: *i\n`);
    const { error } = await connectWith({ clouds: path });
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error?.message).toContain(path);
  });

  it('a clouds.yaml over 1 MiB is a ConfigurationError naming the file, read no further', async () => {
    const path = await file(
      'big.yaml',
      `${cloud(`      token: ${TOKEN}`)}\n    note: "${'x'.repeat(2 * 1024 * 1024)}"\n`,
    );
    const { error } = await connectWith({ clouds: path });
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error?.message).toContain(path);
  });

  it('a clouds.yaml holding a password readable by others logs one warning naming the file', async () => {
    const path = await file('open.yaml', cloud(`      token: ${TOKEN}\n    password: hunter2-secret\n`), 0o644);
    const { warnings, error } = await connectWith({ clouds: path });
    expect(error).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(path);
    expect(warnings[0]).not.toContain('hunter2-secret');
    expect(warnings[0]).not.toContain(TOKEN);
  });

  it('a secure.yaml holding the token readable by the group logs one warning naming secure.yaml', async () => {
    const clouds = await file('clouds.yaml', cloud(), 0o644);
    const secure = await file('secure.yaml', `clouds:\n  c:\n    auth:\n      token: ${TOKEN}\n`, 0o640);
    const { warnings, error } = await connectWith({ clouds, secure });
    expect(error).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(secure);
  });

  it('files with mode 600, or readable files without secrets, log no warning', async () => {
    const clouds = await file('plain.yaml', cloud(), 0o644);
    const secure = await file('closed.yaml', `clouds:\n  c:\n    auth:\n      token: ${TOKEN}\n`, 0o600);
    const { warnings, error } = await connectWith({ clouds, secure });
    expect(error).toBeUndefined();
    expect(warnings).toEqual([]);
  });
});
