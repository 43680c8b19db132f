/**
 * The spec diff as a draft of a release's CHANGELOG.md entries (`npm run changelog -- <from> <to>`,
 * which is `spec:diff --format changelog`). Nothing is classified here: every change keeps the rule
 * and the SDK/wire levels the differ gave it (rules.ts), and this file only sorts them into the
 * sections a reader of a changelog looks for, per API version:
 *
 * - **Breaking changes**: breaking for SDK users or on the wire (what `--fail-on breaking` fails on);
 * - **Added**: the other changes whose rule adds something (`…-added`, `…-added-…`);
 * - **Other changes**: the rest (renames that keep the wire, deprecations, wider types, descriptions).
 */
import type { Change } from './compare.js';
import { failing, type DiffResult } from './report.js';
import type { Level } from './rules.js';

/** Rule ids name what they report; the additions are the ones that say so. */
const ADDITION = /-added(?:-|$)/;

type Section = 'Breaking changes' | 'Added' | 'Other changes';
const SECTIONS: readonly Section[] = ['Breaking changes', 'Added', 'Other changes'];

function audience(c: Change): string {
  const b = (l: Level): boolean => l === 'breaking';
  if (b(c.sdk) && b(c.wire)) return 'breaks SDK users and the wire';
  return b(c.sdk) ? 'breaks SDK users, not the wire' : 'breaks the wire, not SDK code';
}

function entry(c: Change, section: Section): string {
  const why = section === 'Breaking changes' ? `${audience(c)}; ` : '';
  return `- \`${c.subject}\`: ${c.message.replace(/\n/g, ' ')} (${why}\`${c.rule}\`)`;
}

export function toChangelog(result: DiffResult): string {
  const lines = [
    `<!-- Drafted by npm run changelog from the spec diff ${result.base} → ${result.head}; rules: README, "Spec diff rules". -->`,
    '',
  ];
  if (result.changes.length === 0) {
    lines.push('No change to the API.', '');
    return lines.join('\n');
  }
  const breaking = new Set(failing(result.changes, 'breaking'));
  const sectionOf = (c: Change): Section =>
    breaking.has(c) ? 'Breaking changes' : ADDITION.test(c.rule) ? 'Added' : 'Other changes';
  const versions = [...new Set(result.changes.map((c) => c.version))];
  for (const version of versions) {
    lines.push(`### ${version}`, '');
    const ofVersion = result.changes.filter((c) => c.version === version);
    for (const section of SECTIONS) {
      const group = ofVersion.filter((c) => sectionOf(c) === section);
      if (group.length === 0) continue;
      lines.push(`#### ${section}`, '', ...group.map((c) => entry(c, section)), '');
    }
  }
  return lines.join('\n');
}
