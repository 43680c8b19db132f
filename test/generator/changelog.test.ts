/**
 * `npm run changelog -- <from> <to>`: the spec diff between two git revisions as CHANGELOG.md
 * entries, per API version: breaking changes, then additions, then the rest, each with its rule.
 * The classification is the spec diff's (the same run, `--format changelog`).
 */
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toChangelog } from '../../generator/diff/changelog.js';
import type { Change } from '../../generator/diff/compare.js';
import { runSpecDiff } from '../../generator/diff/run.js';
import { commitWidget, REPO, specGitRepo, WIDGET_NEWSIZE_STRING, WIDGET_WITH_COLOR, WIDGET_YAML } from './fixture.js';

let root: string;
const commit = (widget: string, message: string): Promise<string> => commitWidget(root, widget, message);

async function changelog(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runSpecDiff(root, ['--format', 'changelog', ...args], {
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  return { code, out, err };
}

let first: string;
let second: string;
let third: string;
beforeAll(async () => {
  root = await specGitRepo('changelog-git-');
  first = await commit(WIDGET_YAML, 'widget');
  second = await commit(WIDGET_WITH_COLOR, 'a field');
  third = await commit(WIDGET_NEWSIZE_STRING, 'a type change');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const short = (sha: string): string => sha.slice(0, 10);

describe('npm run changelog', () => {
  it('drafts a breaking change before an addition, under the API version, each with its rule', async () => {
    const r = await changelog(first, third);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(
      [
        `<!-- Drafted by npm run changelog from the spec diff ${short(first)} → ${short(third)}; rules: README, "Spec diff rules". -->`,
        '',
        '### block-storage/v2',
        '',
        '#### Breaking changes',
        '',
        '- `Widget.extend(newSize)`: type of argument `newSize` of `Widget.extend` (wire `os-extend.new_size`): integer → string (TypeScript number → string) (breaks SDK users and the wire; `type-changed`)',
        '',
        '#### Added',
        '',
        '- `Widget.color`: field `color` (wire `color`, string) added (`field-added`)',
        '',
      ].join('\n'),
    );
  });

  it('says so when the API did not change between the two revisions', async () => {
    const r = await changelog(third, third);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('No change to the API.');
    expect(r.out).not.toContain('####');
  });

  it('keeps the spec diff exit codes: an unknown revision is exit 2 and names it', async () => {
    const r = await changelog(second, 'no-such-ref');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no-such-ref');
  });
});

describe('changelog sections', () => {
  const change = (over: Partial<Change>): Change => ({
    rule: 'field-renamed',
    version: 'block-storage/v3',
    resource: 'Volume',
    kind: 'field',
    subject: 'Volume.x',
    message: 'm',
    sdk: 'non-breaking',
    wire: 'non-breaking',
    ...over,
  });

  it('puts a change breaking only on the wire under breaking changes and says who it breaks', () => {
    const out = toChangelog({
      base: 'a',
      head: 'b',
      changes: [
        change({
          rule: 'arg-added-with-default',
          subject: 'Volume.extend(force)',
          message: 'force added',
          wire: 'breaking',
        }),
        change({ rule: 'field-deprecated', subject: 'Volume.migrationId', message: 'deprecated' }),
        change({
          rule: 'version-added',
          version: 'block-storage/v4',
          resource: '',
          subject: 'block-storage/v4',
          message: 'v4 added',
        }),
      ],
    });
    expect(out.split('\n').slice(2)).toEqual([
      '### block-storage/v3',
      '',
      '#### Breaking changes',
      '',
      '- `Volume.extend(force)`: force added (breaks the wire, not SDK code; `arg-added-with-default`)',
      '',
      '#### Other changes',
      '',
      '- `Volume.migrationId`: deprecated (`field-deprecated`)',
      '',
      '### block-storage/v4',
      '',
      '#### Added',
      '',
      '- `block-storage/v4`: v4 added (`version-added`)',
      '',
    ]);
  });
});

/** This repository's history, through the package.json script. */
const hasHistory = (() => {
  try {
    execFileSync('git', ['cat-file', '-e', 'aa98930^{commit}'], { cwd: REPO, stdio: 'ignore' });
    execFileSync('git', ['cat-file', '-e', 'b8d5b0a^{commit}'], { cwd: REPO, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasHistory)('npm run changelog on this repository', () => {
  it('b8d5b0a made migrateVolume take the host: a breaking change, and a reworded description', () => {
    const out = execFileSync('npm', ['run', '--silent', 'changelog', '--', 'aa98930', 'b8d5b0a'], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(out.split('\n').slice(1)).toEqual([
      '',
      '### block-storage/v2',
      '',
      '#### Breaking changes',
      '',
      '- `Volume.migrate(host)`: `Volume.migrate` argument `host` is now required (breaks SDK users and the wire; `arg-became-required`)',
      '',
      '#### Other changes',
      '',
      '- `Volume.migrate(host)`: description of argument `host` of `Volume.migrate` changed (`description-changed`)',
      '',
    ]);
  }, 60_000);
});
