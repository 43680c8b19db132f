/**
 * What the public entries reach through static imports (`import`, `import type`, `export … from`):
 * never a Node built-in and never the Node transport. A value import would put Node into browser
 * bundles; a type import puts node-transport.d.ts (and `node:https` types) into the declarations a
 * browser project compiles, which then fails without @types/node unless it skips library checks.
 * The Node transport and the clouds.yaml reader are loaded through specifiers held in variables,
 * which this walk (like a bundler) does not follow. The package test (test/package) checks the
 * same on the built tarball with TypeScript 5.9 and 7; this one runs with `npm test`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The package.json subpaths (`.`, `./lite`, `./runtime`, `./block-storage/v3`, …). */
const entries = Object.values(
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, string> }).exports,
).map((p) => resolve(root, p));

/** Every file reachable from `entry`, with the specifiers each one imports. */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    const specifiers = ts.preProcessFile(readFileSync(file, 'utf8'), true, false).importedFiles.map((f) => f.fileName);
    seen.set(file, specifiers);
    for (const s of specifiers) {
      if (!s.startsWith('.')) continue;
      const target = resolve(dirname(file), s.replace(/\.js$/, '.ts'));
      if (existsSync(target)) queue.push(target);
    }
  }
  return seen;
}

/**
 * The clouds.yaml reader uses node:fs, and config/resolve.ts names its type (`typeof
 * import('./files.js')`) for the module it loads on demand; that type edge is harmless: the reader's
 * declarations name no Node type (the package test compiles them without @types/node).
 */
const NODE_ALLOWED = new Set(['runtime/config/files.ts']);

/**
 * Entries that are Node-only by design: `./testing` (fake/) is a loopback HTTP server for tests, so it
 * imports node:http and friends. No other entry reaches it (scripts/build.mjs checks the bundles),
 * and it still must not pull the SDK's Node transport in by a static import.
 */
const NODE_ONLY_ENTRIES = new Set(['fake/index.ts']);

describe('the public entries', () => {
  it.each(entries.map((e) => relative(root, e)))(
    '%s reaches no Node built-in and no Node transport, by value or by type',
    (entry) => {
      const problems: string[] = [];
      for (const [file, specifiers] of reachable(join(root, entry))) {
        const name = relative(root, file);
        if (/runtime\/http\/(node-transport|http1|node-tunnel-agent)\.ts$/.test(name)) problems.push(name);
        if (NODE_ALLOWED.has(name) || (NODE_ONLY_ENTRIES.has(entry) && name.startsWith('fake/'))) continue;
        for (const s of specifiers) if (s.startsWith('node:')) problems.push(`${name} imports ${s}`);
      }
      expect(problems).toEqual([]);
    },
  );
});
