/**
 * The live suite's coverage report (test/live/coverage-report.ts, run by test/live/run.sh after
 * each mode) on recorded calls written here: it counts the v3 proxy's methods from the generated
 * class, lists refusals with their reason, and fails when a v2 or v3 method was never called.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BlockStorageV3 } from '../../generated/block-storage/v3/index.js';
import { V2_REFERENCE_METHODS } from '../support/v2-reference-methods.js';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
const V3_METHODS = Object.getOwnPropertyNames(BlockStorageV3.prototype).filter((m) => m !== 'constructor');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'osbs-coverage-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes the recorded calls and runs the report on them. */
async function report(
  calls: { method: string; outcome: string; version: '2' | '3' }[],
): Promise<{ code: number; stdout: string }> {
  const file = path.join(dir, `calls-${calls.length}.jsonl`);
  await writeFile(file, calls.map((c) => `${JSON.stringify(c)}\n`).join(''));
  try {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'test/live/coverage-report.ts', file, 'noauth'],
      { cwd: REPO },
    );
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

const v2Calls = V2_REFERENCE_METHODS.map((method) => ({ method, outcome: 'ok', version: '2' as const }));

describe('live coverage report', () => {
  it('passes when every v3 method was called, counting the methods of the generated class, and lists refusals with their reason', async () => {
    const v3Calls = V3_METHODS.map((method) => ({
      method,
      outcome: method === 'uploadVolumeToImage' ? 'BadRequestError' : 'ok',
      version: '3' as const,
    }));
    const { code, stdout } = await report([...v2Calls, ...v3Calls]);
    expect(code).toBe(0);
    expect(V3_METHODS.length).toBeGreaterThan(180);
    expect(stdout).toContain(
      `live coverage (v3): ${V3_METHODS.length}/${V3_METHODS.length} v3 proxy methods called against the real server, noauth`,
    );
    expect(stdout).toMatch(/- uploadVolumeToImage: There is no Glance.*\[BadRequestError\]/);
    expect(stdout).not.toContain('NOT CALLED');
  });

  it('fails and names the v3 method that was never called', async () => {
    const v3Calls = V3_METHODS.filter((m) => m !== 'resetVolumeStatus').map((method) => ({
      method,
      outcome: 'ok',
      version: '3' as const,
    }));
    // A call through the v2 proxy does not count for v3.
    const { code, stdout } = await report([
      ...v2Calls,
      ...v3Calls,
      { method: 'resetVolumeStatus', outcome: 'ok', version: '2' },
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain(`live coverage (v3): ${V3_METHODS.length - 1}/${V3_METHODS.length}`);
    expect(stdout).toContain('NOT CALLED (1): resetVolumeStatus');
  });
});
