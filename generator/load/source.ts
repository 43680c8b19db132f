/**
 * Reads spec files as YAML documents that remember where every node came from, so that schema and
 * semantic errors can name `file:line:col`.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import YAML, { isMap, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';
import type { Diagnostics, Position } from './diagnostics.js';

/** A parsed spec file. `data` is plain JSON; `locate` maps a path inside it to a position. */
export interface SourceDocument {
  /** Project-relative path with forward slashes. */
  readonly file: string;
  readonly text: string;
  readonly data: unknown;
  /** Every file the data came from, base files first (more than one with `extends`). */
  readonly sources?: readonly string[] | undefined;
  locate(pathInDoc: readonly (string | number)[]): Position;
}

export function parseSource(file: string, text: string, diagnostics: Diagnostics): SourceDocument | undefined {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const problems = [...doc.errors, ...doc.warnings];
  // After a syntax error the parser reports its consequences too; the first few say enough.
  for (const error of problems.slice(0, 3)) {
    diagnostics.add(position(error.pos[0]), '', `YAML: ${firstLine(error.message)}`);
  }
  if (problems.length > 3) diagnostics.add(position(problems[3]!.pos[0]), '', `YAML: … and ${problems.length - 3} more problems after the first ones`);
  if (problems.length > 0) return undefined;
  return {
    file,
    text,
    data: doc.toJS({ maxAliasCount: 50 }),
    locate: (p) => position(offsetOf(doc, p)),
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** Offset of the deepest existing node on the path (keys point at the key, items at the item). */
function offsetOf(doc: Document, p: readonly (string | number)[]): number {
  let node: Node | null | undefined = doc.contents as Node | null;
  let offset = node?.range?.[0] ?? 0;
  for (const segment of p) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      const key = pair.key as Node;
      const value = pair.value as Node | null;
      offset = value?.range?.[0] ?? key.range?.[0] ?? offset;
      node = value;
      continue;
    }
    if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
      continue;
    }
    break;
  }
  return offset;
}

/** Position of a key itself (for "unknown key" style errors). */
export function keyPosition(doc: SourceDocument, p: readonly (string | number)[]): Position {
  return doc.locate(p);
}

/** Lists spec files: `<root>/<service>/<version>/*.yaml`, sorted. */
export async function findSpecFiles(specRoot: string): Promise<string[]> {
  const out: string[] = [];
  for (const service of await sortedDirs(specRoot)) {
    for (const version of await sortedDirs(path.join(specRoot, service))) {
      const dir = path.join(specRoot, service, version);
      const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
      for (const f of files) out.push(path.join(dir, f));
    }
  }
  return out;
}

async function sortedDirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

export async function readSource(absolute: string, projectRoot: string, diagnostics: Diagnostics): Promise<SourceDocument | undefined> {
  const rel = path.relative(projectRoot, absolute).split(path.sep).join('/');
  const text = await readFile(absolute, 'utf8');
  return parseSource(rel, text, diagnostics);
}
