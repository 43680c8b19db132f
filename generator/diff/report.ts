/**
 * A list of changes → the Markdown report reviewers read, or JSON for machines. Both are
 * deterministic: the changes come sorted, and nothing depends on the time or the machine.
 */
import type { Change } from './compare.js';
import { RULES_BY_ID, type Level } from './rules.js';

export interface DiffResult {
  readonly base: string;
  readonly head: string;
  readonly changes: readonly Change[];
}

type Counts = Record<Level, number>;

export function summary(changes: readonly Change[]): { sdk: Counts; wire: Counts } {
  const zero = (): Counts => ({ breaking: 0, 'non-breaking': 0, 'docs-only': 0 });
  const sdk = zero();
  const wire = zero();
  for (const c of changes) {
    sdk[c.sdk]++;
    wire[c.wire]++;
  }
  return { sdk, wire };
}

export function toJson(result: DiffResult): string {
  return `${JSON.stringify({ base: result.base, head: result.head, summary: summary(result.changes), changes: result.changes }, null, 2)}\n`;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const level = (l: Level): string => (l === 'breaking' ? '**breaking**' : l);

export function toMarkdown(result: DiffResult): string {
  const lines: string[] = [`# Spec diff: ${result.base} → ${result.head}`, ''];
  if (result.changes.length === 0) {
    lines.push(
      'No change to the API: the two specs build the same resources, operations, fields, arguments and methods.',
      '',
    );
    return lines.join('\n');
  }
  const s = summary(result.changes);
  lines.push(
    `${result.changes.length} change(s).`,
    '',
    '| | breaking | non-breaking | docs-only |',
    '|---|---:|---:|---:|',
    `| SDK users | ${s.sdk.breaking} | ${s.sdk['non-breaking']} | ${s.sdk['docs-only']} |`,
    `| wire | ${s.wire.breaking} | ${s.wire['non-breaking']} | ${s.wire['docs-only']} |`,
    '',
    'SDK: does code written against the generated TypeScript still compile and do the same? Wire: does the HTTP',
    'contract hold (same methods, paths, keys, encodings, microversion ranges)? Rules: README, "Spec diff rules".',
  );
  const byVersion = new Map<string, Change[]>();
  for (const c of result.changes) byVersion.set(c.version, [...(byVersion.get(c.version) ?? []), c]);
  for (const [version, changes] of byVersion) {
    lines.push('', `## ${version}`);
    const byResource = new Map<string, Change[]>();
    for (const c of changes) byResource.set(c.resource, [...(byResource.get(c.resource) ?? []), c]);
    for (const [resource, group] of byResource) {
      lines.push(
        '',
        `### ${resource || `${version} (the version itself)`}`,
        '',
        '| SDK | wire | change | rule | where |',
        '|---|---|---|---|---|',
      );
      for (const c of group)
        lines.push(
          `| ${level(c.sdk)} | ${level(c.wire)} | ${cell(c.message)} | \`${c.rule}\`[^${c.rule}] | ${c.source ? cell(c.source) : ''} |`,
        );
    }
  }
  // One footnote per rule used: why it is (non-)breaking, so that a reviewer need not look it up.
  lines.push('');
  for (const id of [...new Set(result.changes.map((c) => c.rule))].sort()) {
    const r = RULES_BY_ID.get(id)!;
    lines.push(`[^${id}]: SDK ${level(r.sdk)}, wire ${level(r.wire)}: ${r.why}`);
  }
  lines.push('');
  return lines.join('\n');
}

/** What `--fail-on` accepts; `breaking` is also what the changelog calls a breaking change. */
export const FAIL_ON = ['breaking', 'sdk-breaking', 'wire-breaking', 'any'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export function failing(changes: readonly Change[], failOn: FailOn | undefined): Change[] {
  switch (failOn) {
    case undefined:
      return [];
    case 'any':
      return [...changes];
    case 'breaking':
      return changes.filter((c) => c.sdk === 'breaking' || c.wire === 'breaking');
    case 'sdk-breaking':
      return changes.filter((c) => c.sdk === 'breaking');
    case 'wire-breaking':
      return changes.filter((c) => c.wire === 'breaking');
  }
}
