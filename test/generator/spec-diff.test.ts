/**
 * `npm run spec:diff` on git revisions: specs read from git without a checkout, the working tree as
 * the default head, Markdown and JSON, --fail-on exit codes, and this repository's own history
 * (each revision built by its own generator).
 */
import { execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSpecDiff } from '../../generator/diff/run.js';
import {
  commitWidget,
  gitIn,
  REPO,
  specGitRepo,
  WIDGET_NEWSIZE_STRING,
  WIDGET_WITH_COLOR,
  WIDGET_YAML,
} from './fixture.js';

let root: string;
const git = (...args: string[]): string => gitIn(root, ...args);
const commit = (widget: string, message: string): Promise<string> => commitWidget(root, widget, message);

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runSpecDiff(root, args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

let empty: string;
let first: string;
let second: string;
let third: string;
beforeAll(async () => {
  root = await specGitRepo('spec-diff-git-');
  await writeFile(path.join(root, 'README.md'), 'before the spec\n');
  git('add', 'README.md');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', 'readme');
  empty = git('rev-parse', 'HEAD');
  first = await commit(WIDGET_YAML, 'widget');
  second = await commit(WIDGET_WITH_COLOR, 'a field');
  third = await commit(WIDGET_NEWSIZE_STRING, 'a type change');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('npm run spec:diff', () => {
  it('compares two revisions read from git and prints Markdown', async () => {
    const r = await run(first, second);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`# Spec diff: ${first.slice(0, 10)} → ${second.slice(0, 10)}`);
    expect(r.out).toContain(
      '| non-breaking | non-breaking | field `color` (wire `color`, string) added | `field-added`[^field-added] | spec/block-storage/v2/widget.yaml:12 |',
    );
    expect(git('status', '--porcelain')).toBe('');
  });

  it('defaults the head to the working tree', async () => {
    await writeFile(
      path.join(root, 'spec/block-storage/v2/widget.yaml'),
      WIDGET_NEWSIZE_STRING.replace('description: A widget.', 'description: A better widget.'),
    );
    try {
      const r = await run('HEAD');
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('→ working tree');
      expect(r.out).toContain('description of `Widget` changed');
    } finally {
      git('checkout', '-q', '--', 'spec');
    }
  });

  it('--format json gives the changes and the counts', async () => {
    const r = await run(second, third, '--format', 'json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as {
      base: string;
      head: string;
      summary: { sdk: Record<string, number> };
      changes: { rule: string; sdk: string; wire: string; subject: string }[];
    };
    expect(json.summary.sdk.breaking).toBe(1);
    expect(json.changes).toEqual([
      expect.objectContaining({
        rule: 'type-changed',
        sdk: 'breaking',
        wire: 'breaking',
        subject: 'Widget.extend(newSize)',
        version: 'block-storage/v2',
        resource: 'Widget',
      }),
    ]);
  });

  it('--fail-on breaking exits 1 on a breaking change and 0 otherwise', async () => {
    expect((await run(first, second, '--fail-on', 'breaking')).code).toBe(0);
    const broken = await run(second, third, '--fail-on', 'breaking');
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('1 change(s) match --fail-on breaking');
    expect((await run(first, second, '--fail-on', 'any')).code).toBe(1);
    expect((await run(second, third, '--fail-on', 'sdk-breaking')).code).toBe(1);
  });

  it('rejects unknown refs and bad options with exit 2', async () => {
    const r = await run('no-such-ref');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no-such-ref');
    expect((await run(first, '--fail-on', 'sometimes')).code).toBe(2);
    expect((await run()).code).toBe(2);
  });

  it('a revision without a spec is an empty API: everything is added', async () => {
    const all = JSON.parse((await run(empty, first, '--format', 'json')).out) as { changes: { rule: string }[] };
    expect(all.changes.map((c) => c.rule)).toEqual(['version-added']);
  });
});

/** This repository's history: the revision builds its own spec with its own generator. */
const hasHistory = (() => {
  try {
    execFileSync('git', ['cat-file', '-e', 'aa98930^{commit}'], { cwd: REPO, stdio: 'ignore' });
    execFileSync('git', ['cat-file', '-e', 'b8d5b0a^{commit}'], { cwd: REPO, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasHistory)('spec:diff on this repository', () => {
  it('b8d5b0a made migrateVolume take the host: one breaking change', async () => {
    let out = '';
    const code = await runSpecDiff(REPO, ['aa98930', 'b8d5b0a', '--format', 'json', '--fail-on', 'breaking'], {
      out: (t) => (out += t),
      err: () => undefined,
    });
    expect(code).toBe(1);
    const json = JSON.parse(out) as { changes: { rule: string; subject: string }[] };
    expect(json.changes.map((c) => [c.rule, c.subject])).toEqual([
      ['arg-became-required', 'Volume.migrate(host)'],
      ['description-changed', 'Volume.migrate(host)'],
    ]);
  });
});
