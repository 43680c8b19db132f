/**
 * JSON Schema validation of spec documents (the schemas live beside the specs, in spec/). Ajv's
 * errors are turned into positioned diagnostics; for `oneOf` noise only the most specific error of
 * each location is kept.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { closest, type Diagnostics } from './diagnostics.js';
import type { SourceDocument } from './source.js';

export interface SchemaSet {
  readonly service: ValidateFunction;
  readonly resource: ValidateFunction;
}

export async function loadSchemas(specRoot: string): Promise<SchemaSet> {
  // No optimisation passes over the generated validators: compiling is what a regeneration pays for
  // (70 → 45 ms, measured); validating 47 small documents is not.
  // verbose: errors carry their schema, so that an unknown key can be matched with the known ones.
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, code: { optimize: false } });
  const read = async (name: string): Promise<object> =>
    JSON.parse(await readFile(path.join(specRoot, name), 'utf8')) as object;
  // The service schema reuses the resource schema's definitions (examples).
  const resource = ajv.compile(await read('resource.schema.json'));
  return { service: ajv.compile(await read('service.schema.json')), resource };
}

export function validateDocument(doc: SourceDocument, validate: ValidateFunction, diagnostics: Diagnostics): boolean {
  if (validate(doc.data)) return true;
  const errors = simplify(validate.errors ?? []);
  // A misspelt key is one mistake: "unknown key tpye (did you mean type?)", not that plus
  // "missing required key type".
  const explained = new Set<string>();
  const suggestions = new Map<ErrorObject, string>();
  for (const error of errors) {
    if (error.keyword !== 'additionalProperties') continue;
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
    const present = isObject(error.data) ? error.data : {};
    const hint = closest(
      extra,
      Object.keys(properties ?? {}).filter((k) => !(k in present)),
    );
    if (hint === undefined) continue;
    suggestions.set(error, hint);
    explained.add(`${error.instancePath}:${hint}`);
  }
  for (const error of errors) {
    if (
      error.keyword === 'required' &&
      explained.has(`${error.instancePath}:${String((error.params as { missingProperty: string }).missingProperty)}`)
    )
      continue;
    const segments = pointerToPath(error.instancePath);
    let message = describe(error);
    if (error.keyword === 'additionalProperties') {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      segments.push(extra);
      message = `unknown key "${extra}"`;
      const hint = suggestions.get(error);
      if (hint !== undefined) message += ` (did you mean "${hint}"?)`;
      // The usual cause: a comma inside a `{ … }` flow mapping ends the value before it.
      else if (/\s/.test(extra)) message += ' (a comma inside {…} ends the value before it: quote the string)';
    }
    diagnostics.add(doc.locate(segments), segments.join('.'), message);
  }
  return false;
}

function pointerToPath(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Keeps, per instance location, the errors that say something specific. */
function simplify(errors: readonly ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const out: ErrorObject[] = [];
  for (const [p, list] of byPath) {
    // A oneOf/anyOf failure is explained better by errors deeper down, when there are any.
    const deeper = [...byPath.keys()].some((other) => other !== p && other.startsWith(`${p}/`));
    const specific = list.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
    const chosen = specific.length > 0 ? specific : deeper ? [] : list;
    const seen = new Set<string>();
    for (const e of chosen) {
      const key = `${e.keyword}:${describe(e)}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(e);
      }
    }
  }
  return out;
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `missing required key "${String(params['missingProperty'])}"`;
    case 'enum':
      return `must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return `does not match ${String(params['pattern'])}`;
    case 'type':
      return `must be ${String(params['type'])}`;
    case 'propertyNames':
      return `invalid key "${String(params['propertyName'])}"`;
    default:
      return error.message ?? error.keyword;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
