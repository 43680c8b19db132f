/**
 * The digest the live harness prints last (test/live/failure-digest.ts): a failed live run must
 * say which test failed and why at the end of the CI log, and never print a token or password.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'live-digest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function digest(report: unknown, label: string): string {
  const file = path.join(dir, `${label}.json`);
  writeFileSync(file, JSON.stringify(report));
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/live/failure-digest.ts', file, label], {
    cwd: REPO,
    encoding: 'utf8',
  });
  expect(run.status).toBe(0);
  return run.stdout;
}

describe('the live failure digest', () => {
  it('names each failed test with the first lines of its error, without colours or stack frames', () => {
    const out = digest(
      {
        testResults: [
          {
            name: path.join(REPO, 'test/live/volumes.test.ts'),
            status: 'failed',
            assertionResults: [
              { fullName: 'volumes > createVolume answers the volume', status: 'passed', failureMessages: [] },
              {
                fullName: 'volumes > extendVolume grows the volume',
                status: 'failed',
                failureMessages: ['\u001b[31mAssertionError: expected 2 to be 3\u001b[39m\n    at extend (x.ts:1:1)'],
              },
            ],
          },
        ],
      },
      'noauth',
    );
    expect(out).toBe(
      'noauth: FAILED test/live/volumes.test.ts > volumes > extendVolume grows the volume\n' +
        '    AssertionError: expected 2 to be 3\n',
    );
  });

  it('reports a file that failed outside its tests (a hook) and masks tokens and passwords', () => {
    const out = digest(
      {
        testResults: [
          {
            name: path.join(REPO, 'test/live/qos.test.ts'),
            status: 'failed',
            message: 'beforeAll failed: token: gAAAAAsecret password="hunter2" X-Auth-Token: admin:abc',
            assertionResults: [],
          },
        ],
      },
      'keystone',
    );
    expect(out).toContain('keystone: FAILED test/live/qos.test.ts (outside any test): beforeAll failed');
    expect(out).not.toMatch(/gAAAAAsecret|hunter2|admin:abc/);
  });

  it('says when vitest left no report, and when no test failed (a check after the tests did)', () => {
    expect(digest({ testResults: [] }, 'fake-noauth')).toMatch(/^fake-noauth: no test failed/);
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'test/live/failure-digest.ts', path.join(dir, 'missing.json'), 'noauth'],
      { cwd: REPO, encoding: 'utf8' },
    );
    expect(run.stdout).toMatch(/^noauth: no test report .*vitest did not finish/);
  });
});
