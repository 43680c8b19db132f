/**
 * The commands the documentation tells people to run exist: every `npm run <script>` in README,
 * CONTRIBUTING and the guide names a script of package.json, and every `npx tsx <file>` or
 * `bash <file>` names a file of the repository. A renamed script or moved benchmark then fails here,
 * not in a new contributor's terminal.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '../..');
const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  'CHANGELOG.md',
  'SECURITY.md',
  'docs/guide.md',
  'test/live/README.md',
].filter((f) => existsSync(path.join(REPO, f)));
const scripts = Object.keys(
  (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
);

function mentions(pattern: RegExp): { doc: string; line: number; name: string }[] {
  return DOCS.flatMap((doc) =>
    readFileSync(path.join(REPO, doc), 'utf8')
      .split('\n')
      .flatMap((text, i) => [...text.matchAll(pattern)].map((m) => ({ doc, line: i + 1, name: m[1] }))),
  );
}

describe('documented commands', () => {
  it('every `npm run <script>` in the docs is a script of package.json', () => {
    const found = mentions(/npm run (?:--silent )?([a-z][\w:.-]*)/g);
    expect(found.length).toBeGreaterThan(5);
    const unknown = found.filter((m) => !scripts.includes(m.name)).map((m) => `${m.doc}:${m.line}: ${m.name}`);
    expect(unknown).toEqual([]);
  });

  it('every `npx tsx <file>` and `bash <file>` in the docs names a file of the repository', () => {
    const found = mentions(/(?:npx tsx|bash) ((?:bench|scripts|test|examples|generator)\/[\w./-]+\.(?:ts|sh|mjs))/g);
    expect(found.length).toBeGreaterThan(3);
    const missing = found
      .filter((m) => !existsSync(path.join(REPO, m.name)))
      .map((m) => `${m.doc}:${m.line}: ${m.name}`);
    expect(missing).toEqual([]);
  });
});
