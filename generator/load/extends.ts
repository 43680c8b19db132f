/**
 * `extends:` lets a resource file start from another one (a v3 resource from its v2 version) and
 * say only what differs. Merge rule, kept simple so each file still reads on its own: top-level
 * scalars are replaced; in the keyed sections (fields, structs, operations, proxy, path_params) an
 * entry replaces the base entry of the same key as a whole, new keys are appended, and `null`
 * removes an entry. Errors point into the file that wrote the entry.
 */
import path from 'node:path';
import type { Diagnostics, Position } from './diagnostics.js';
import type { SourceDocument } from './source.js';

// checks, copy, creates, answers and effects are keyed by operation name: a v3 file replaces one operation's
// declarations and keeps the base's for the others.
const KEYED_SECTIONS = new Set([
  'fields',
  'structs',
  'operations',
  'proxy',
  'path_params',
  'checks',
  'copy',
  'creates',
  'answers',
  'effects',
]);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Resolves `extends` (recursively); returns the document itself when it extends nothing. */
export function resolveExtends(
  doc: SourceDocument,
  byFile: ReadonlyMap<string, SourceDocument>,
  d: Diagnostics,
  /** Files that did not load: extending one is not another error (theirs is reported). */
  failed: ReadonlySet<string> = new Set(),
  chain: readonly string[] = [],
): SourceDocument | undefined {
  const data = doc.data;
  if (!isObject(data) || data['extends'] === undefined) return doc;
  const ref = data['extends'];
  if (typeof ref !== 'string' || !ref.endsWith('.yaml')) {
    d.add(doc.locate(['extends']), 'extends', 'must be the relative path of another spec file (…/name.yaml)');
    return undefined;
  }
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(doc.file), ref));
  if (chain.includes(target) || target === doc.file) {
    d.add(doc.locate(['extends']), 'extends', `extends cycle: ${[...chain, doc.file, target].join(' → ')}`);
    return undefined;
  }
  const baseDoc = byFile.get(target);
  if (!baseDoc && failed.has(target)) return undefined;
  if (!baseDoc) {
    d.add(doc.locate(['extends']), 'extends', `no spec file ${target}`);
    return undefined;
  }
  const base = resolveExtends(baseDoc, byFile, d, failed, [...chain, doc.file]);
  if (!base || !isObject(base.data)) return undefined;
  return merge(base, doc);
}

function merge(base: SourceDocument, over: SourceDocument): SourceDocument {
  const b = base.data as Json;
  const o = over.data as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(b)) out[key] = value;
  for (const [key, value] of Object.entries(o)) {
    if (key === 'extends') continue;
    if (KEYED_SECTIONS.has(key) && isObject(value)) {
      const section: Json = { ...(isObject(b[key]) ? b[key] : {}) };
      for (const [entry, entryValue] of Object.entries(value)) {
        if (entryValue === null) delete section[entry];
        else section[entry] = entryValue;
      }
      out[key] = section;
    } else if (value === null) {
      delete out[key];
    } else {
      out[key] = value;
    }
  }
  const fromOverride = (p: readonly (string | number)[]): boolean => {
    if (p.length === 0) return true;
    const [section, entry] = p;
    if (typeof section !== 'string' || !(section in o)) return false;
    if (!KEYED_SECTIONS.has(section)) return true;
    return p.length === 1 || (isObject(o[section]) && entry !== undefined && String(entry) in o[section]);
  };
  return {
    file: over.file,
    text: over.text,
    data: out,
    sources: [...(base.sources ?? [base.file]), over.file],
    locate: (p): Position => (fromOverride(p) ? over.locate(p) : base.locate(p)),
  };
}
