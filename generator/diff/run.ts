/**
 * `npm run spec:diff -- <base-ref> [<head-ref>] [--format markdown|json|changelog]
 * [--fail-on <level>] [--builder revision|current] [--rules]`, as a function (the CLI entry and the tests call it).
 *
 * Exit codes: 0 compared (and nothing matched --fail-on), 1 a change matched --fail-on,
 * 2 usage error, unknown ref or a spec that does not build.
 */

import { diffModels } from './compare.js';
import { GitError, loadSpec, type Builder } from './git.js';
import { toChangelog } from './changelog.js';
import { FAIL_ON, failing, toJson, toMarkdown, type FailOn } from './report.js';
import { rulesMarkdown } from './rules.js';

export const USAGE = `usage: npm run spec:diff -- <base-ref> [<head-ref>] [options]
  <base-ref>, <head-ref>  git revisions (head default: the working tree)
  --format markdown|json|changelog
                          report format (default markdown); changelog drafts CHANGELOG.md entries
                          (what npm run changelog -- <from> <to> prints)
  --fail-on breaking|sdk-breaking|wire-breaking|any
                          exit 1 when a change is breaking (for SDK users or the wire), or any change
  --builder revision|current
                          build each revision's spec with that revision's generator (default) or this one
  --rules                 print the rule catalogue (Markdown) and exit`;

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export async function runSpecDiff(root: string, args: readonly string[], io: Io): Promise<number> {
  const refs: string[] = [];
  let format: 'markdown' | 'json' | 'changelog' = 'markdown';
  let failOn: FailOn | undefined;
  let builder: Builder = 'revision';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string | undefined => args[++i];
    if (a === '--rules') {
      io.out(`${rulesMarkdown()}\n`);
      return 0;
    } else if (a === '--format') {
      const v = value();
      if (v !== 'markdown' && v !== 'json' && v !== 'changelog')
        return usage(io, `--format needs markdown, json or changelog`);
      format = v;
    } else if (a === '--fail-on') {
      const v = value();
      if (!FAIL_ON.includes(v as FailOn)) return usage(io, `--fail-on needs one of ${FAIL_ON.join(', ')}`);
      failOn = v as FailOn;
    } else if (a === '--builder') {
      const v = value();
      if (v !== 'revision' && v !== 'current') return usage(io, '--builder needs revision or current');
      builder = v;
    } else if (a === '-h' || a === '--help') {
      io.out(`${USAGE}\n`);
      return 0;
    } else if (a.startsWith('-')) {
      return usage(io, `unknown option ${a}`);
    } else {
      refs.push(a);
    }
  }
  if (refs.length < 1 || refs.length > 2) return usage(io, 'give a base revision, and optionally a head revision');
  let base;
  let head;
  try {
    base = await loadSpec(root, refs[0], builder);
    head = await loadSpec(root, refs[1], builder);
  } catch (error) {
    if (error instanceof GitError) {
      io.err(`spec:diff: ${error.message}\n`);
      return 2;
    }
    if (error instanceof Error && error.name === 'SpecError') {
      io.err(`spec:diff: the spec does not build:\n${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const changes = diffModels(base.model, head.model);
  const result = { base: base.label, head: head.label, changes };
  io.out(format === 'json' ? toJson(result) : format === 'changelog' ? toChangelog(result) : toMarkdown(result));
  const failed = failing(changes, failOn);
  if (failed.length > 0) {
    io.err(`spec:diff: ${failed.length} change(s) match --fail-on ${failOn}\n`);
    return 1;
  }
  return 0;
}

function usage(io: Io, message: string): number {
  io.err(`${message}\n${USAGE}\n`);
  return 2;
}
