/**
 * Reads spec files as YAML documents that remember where every node came from, so that schema and
 * semantic errors can name `file:line:col`.
 *
 * Two parsers, for speed: js-yaml reads the data (about 5x faster than `yaml` here: 50 ms against
 * 240 ms for the whole spec, a fifth of a regeneration's start-up), and `yaml` — which keeps node
 * ranges — parses a file again only when a position in it is asked for (an error to report, a
 * spec diff) or when js-yaml refuses the file, so every YAML problem is still reported by `yaml`
 * with its position. Both read YAML 1.2's core schema; a test pins that they agree on every spec file.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import jsYaml from 'js-yaml';
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
  const data = fastLoad(file, text);
  if (data === undefined) return parseDetailed(file, text, diagnostics);
  return refuseProtoKeys(withLazyPositions(file, text, data.value), diagnostics);
}

/**
 * `__proto__` as a key would set an object's prototype wherever the spec's data is copied (the
 * `extends` merge, the model's maps): the entry would vanish and errors would point elsewhere. It
 * is refused where it is written.
 */
function refuseProtoKeys(doc: SourceDocument, diagnostics: Diagnostics): SourceDocument | undefined {
  const found: (string | number)[][] = [];
  const walk = (value: unknown, at: (string | number)[]): void => {
    if (value === null || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) {
      if (k === '__proto__') found.push([...at, k]);
      walk(v, [...at, Array.isArray(value) ? Number(k) : k]);
    }
  };
  walk(doc.data, []);
  for (const at of found)
    diagnostics.add(
      doc.locate(at),
      at.join('.'),
      '"__proto__" cannot be a name in the spec (it is special to JavaScript objects)',
    );
  return found.length > 0 ? undefined : doc;
}

function withLazyPositions(file: string, text: string, value: unknown): SourceDocument {
  let detailed: { doc: Document; lineCounter: LineCounter } | undefined;
  const parsed = (): { doc: Document; lineCounter: LineCounter } => {
    if (!detailed) {
      const lineCounter = new LineCounter();
      detailed = { doc: YAML.parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false }), lineCounter };
    }
    return detailed;
  };
  return {
    file,
    text,
    data: value,
    locate: (p) => lazyPosition(file, () => parsed().lineCounter.linePos(offsetOf(parsed().doc, p))),
  };
}

/**
 * js-yaml's reading of the file, or undefined when `yaml` must look at it: js-yaml refused it
 * (syntax, duplicate keys, unknown tags), or it uses aliases (shared nodes), which only `yaml`
 * expands with a limit.
 */
function fastLoad(file: string, text: string): { value: unknown } | undefined {
  let value: unknown;
  const origin: Origin = { file, text };
  const opened: number[] = [];
  try {
    value = jsYaml.load(text, {
      schema: jsYaml.CORE_SCHEMA,
      // Where each mapping and sequence starts, for positionOf (see there).
      listener: (event, state) => {
        if (event === 'open') opened.push(state.position);
        else {
          const start = opened.pop() ?? 0;
          if (state.result !== null && typeof state.result === 'object')
            starts.set(state.result as object, { origin, offset: start });
        }
      },
    });
  } catch {
    return undefined;
  }
  return sharesNodes(value) ? undefined : { value };
}

interface Origin {
  readonly file: string;
  readonly text: string;
  /** Offsets of line starts, worked out on first use. */
  lineStarts?: number[];
}

/** Mappings and sequences read by js-yaml → where js-yaml began reading them. */
const starts = new WeakMap<object, { readonly origin: Origin; readonly offset: number }>();

/**
 * The position of a mapping or sequence of spec data (an example, a proxy method), by identity,
 * without the second, position-keeping parse that `locate` needs: the same line and column as
 * `locate` gives for its path. Undefined for data that js-yaml did not read (`yaml` read the file).
 * For positions needed for every node of a kind (each example's line in the generated tests), where
 * parsing every spec file again would cost a fifth of a regeneration.
 */
export function positionOf(value: object): Position | undefined {
  const start = starts.get(value);
  if (!start) return undefined;
  const { origin } = start;
  const text = origin.text;
  // js-yaml announces a node before skipping the blanks and comments in front of it.
  let offset = start.offset;
  for (;;) {
    const c = text[offset];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') offset++;
    else if (c === '#') while (offset < text.length && text[offset] !== '\n') offset++;
    else break;
  }
  const lineStarts = (origin.lineStarts ??= lineStartsOf(text));
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid] <= offset) low = mid;
    else high = mid - 1;
  }
  return { file: origin.file, line: low + 1, col: offset - lineStarts[low] + 1 };
}

function lineStartsOf(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') out.push(i + 1);
  return out;
}

function sharesNodes(value: unknown, seen = new Set<object>()): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (seen.has(value)) return true;
  seen.add(value);
  for (const child of Array.isArray(value) ? value : Object.values(value)) if (sharesNodes(child, seen)) return true;
  return false;
}

/** A position whose line and column are worked out on first read (most are never read). */
function lazyPosition(file: string, resolve: () => { line: number; col: number }): Position {
  let at: { line: number; col: number } | undefined;
  return {
    file,
    get line() {
      return (at ??= resolve()).line;
    },
    get col() {
      return (at ??= resolve()).col;
    },
  };
}

/** The `yaml` parser with positions and its own error messages: YAML problems are reported here. */
function parseDetailed(file: string, text: string, diagnostics: Diagnostics): SourceDocument | undefined {
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
  if (problems.length > 3)
    diagnostics.add(
      position(problems[3].pos[0]),
      '',
      `YAML: … and ${problems.length - 3} more problems after the first ones`,
    );
  if (problems.length > 0) return undefined;
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    // yaml refuses to expand aliases past the limit (a "billion laughs" document).
    diagnostics.add(position(0), '', `YAML: ${firstLine(error instanceof Error ? error.message : String(error))}`);
    return undefined;
  }
  return refuseProtoKeys({ file, text, data, locate: (p) => position(offsetOf(doc, p)) }, diagnostics);
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** Offset of the deepest existing node on the path (keys point at the key, items at the item). */
function offsetOf(doc: Document, p: readonly (string | number)[]): number {
  let node: Node | null | undefined = doc.contents;
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
    // A JSON pointer (a schema error's location) names an item by its index as a string.
    if (isSeq(node) && /^[0-9]+$/.test(String(segment))) {
      const item = node.items[Number(segment)] as Node | undefined;
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
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * The largest spec file read. The biggest real one (v3 volume.yaml) is about 35 KB; a file of
 * megabytes is a mistake or hostile, and parsing, validating and formatting what it generates
 * would take minutes and gigabytes before failing. It is refused by its size, before it is read.
 */
export const MAX_SPEC_BYTES = 1024 * 1024;

/** A spec file's text, or undefined (with a positioned error) when it is too large to read. */
export async function readSpecText(
  absolute: string,
  projectRoot: string,
  diagnostics: Diagnostics,
): Promise<{ file: string; text: string | undefined }> {
  const file = path.relative(projectRoot, absolute).split(path.sep).join('/');
  const { size } = await stat(absolute);
  if (size > MAX_SPEC_BYTES) {
    const n = (x: number): string => x.toLocaleString('en-US');
    diagnostics.add(
      { file, line: 1, col: 1 },
      '',
      `the file is ${n(size)} bytes; a spec file may have at most ${n(MAX_SPEC_BYTES)} (split the resource, or shorten what is long)`,
    );
    return { file, text: undefined };
  }
  return { file, text: await readFile(absolute, 'utf8') };
}

export async function readSource(
  absolute: string,
  projectRoot: string,
  diagnostics: Diagnostics,
): Promise<SourceDocument | undefined> {
  const { file, text } = await readSpecText(absolute, projectRoot, diagnostics);
  return text === undefined ? undefined : parseSource(file, text, diagnostics);
}
