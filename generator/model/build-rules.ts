/**
 * The `checks`, `copy`, `creates` and `answers` sections of a resource file: refusals Cinder's code
 * makes before it acts, fields a created record takes from a related one, records an operation makes
 * of another resource, and answers the response type alone cannot say. Read by the fake cloud only
 * (generated/fake-model.json); the SDK ignores them.
 *
 * Names within the resource (operations, arguments, its own fields, lookup names) are checked here,
 * with the file and path of the mistake; names of other resources and their fields once every
 * resource of the service is built (checkRulesAcross).
 */
import type {
  FakeAnswer,
  FakeCheck,
  FakeCondition,
  FakeCopy,
  FakeCreates,
  FakeJson,
  FakeOperand,
  FakeQuery,
  FakeTemplate,
} from '../../fake/model.js';
import type { Diagnostics, Position } from '../load/diagnostics.js';
import type { FieldModel, OperationModel, ResourceModel, RulesModel } from './types.js';

type Raw = unknown;
type Path = (string | number)[];
type Err = (p: Path, message: string) => void;

export interface RawRules {
  checks?: Record<string, Raw[]>;
  copy?: Record<string, Raw[]>;
  creates?: Record<string, Raw[]>;
  answers?: Record<string, Raw>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A query or a reference to another resource's field, checked once every resource is known. */
interface Deferred {
  readonly p: Path;
  readonly resource: string;
  readonly fields: readonly { readonly field: string; readonly p: Path }[];
}

/** What the values of one declaration may name. */
interface Scope {
  readonly op: OperationModel;
  readonly resource: { readonly name: string; readonly fields: readonly FieldModel[] };
  /** Lookup name → the resource it finds. */
  readonly lookups: ReadonlyMap<string, string>;
  readonly err: Err;
  readonly deferred: Deferred[];
}

const PLACEHOLDER = /\{(\$?\.?[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)?)\}/g;

function argOk(scope: Scope, name: string): boolean {
  if (scope.op.args.some((a) => a.name === name)) return true;
  // On create and update the request's fields are the operation's values.
  return (
    (scope.op.kind === 'create' || scope.op.kind === 'update') && scope.resource.fields.some((f) => f.name === name)
  );
}

/** One `$x`, `$name.field` or `.field` reference (the text without braces). */
function reference(text: string, p: Path, scope: Scope): FakeOperand {
  if (text.startsWith('.')) {
    const field = text.slice(1);
    if (!scope.resource.fields.some((f) => f.name === field))
      scope.err(p, `"${text}": ${scope.resource.name} has no field "${field}"`);
    return { kind: 'self', field };
  }
  const [name, field, key, ...more] = text.slice(1).split('.');
  if (more.length > 0 || name === '') {
    scope.err(p, `"${text}" is not a value ($arg, $lookup.field, $lookup.mapField.key or .field)`);
    return { kind: 'literal', value: text };
  }
  if (field === undefined) {
    if (key !== undefined)
      scope.err(p, `"${text}" is not a value ($arg, $lookup.field, $lookup.mapField.key or .field)`);
    if (!argOk(scope, name)) scope.err(p, `"${text}": operation "${scope.op.name}" has no argument "${name}"`);
    return { kind: 'arg', name };
  }
  const resource = scope.lookups.get(name);
  if (resource === undefined) scope.err(p, `"${text}": no lookup named "${name}" (declare it under lookup)`);
  else scope.deferred.push({ p, resource, fields: [{ field, p }] });
  return { kind: 'lookup', name, field, ...(key !== undefined ? { key } : {}) };
}

export function parseOperand(raw: Raw, p: Path, scope: Scope): FakeOperand {
  if (isObject(raw)) {
    const options = Array.isArray(raw['first']) ? raw['first'] : [];
    return { kind: 'first', options: options.map((o, i) => parseOperand(o, [...p, 'first', i], scope)) };
  }
  if (typeof raw !== 'string') return { kind: 'literal', value: raw as FakeJson };
  if (raw.startsWith('$$')) return { kind: 'literal', value: raw.slice(1) };
  if (/^(\$|\.)[A-Za-z]/.test(raw) && !/\s/.test(raw)) return reference(raw, p, scope);
  const parts: (string | FakeOperand)[] = [];
  let last = 0;
  for (const m of raw.matchAll(PLACEHOLDER)) {
    const ref = m[1];
    // Only `{$…}` and `{.…}` are values: Cinder's own messages hold braces (`'{'status': …}'`).
    if (!ref.startsWith('$') && !ref.startsWith('.')) continue;
    if (m.index > last) parts.push(raw.slice(last, m.index));
    parts.push(reference(ref, p, scope));
    last = m.index + m[0].length;
  }
  if (parts.length === 0) return { kind: 'literal', value: raw };
  if (last < raw.length) parts.push(raw.slice(last));
  return { kind: 'template', parts };
}

function parseQuery(raw: Raw, p: Path, scope: Scope): FakeQuery {
  const q = isObject(raw) ? raw : {};
  const resource = typeof q['resource'] === 'string' ? q['resource'] : '';
  const fields: { field: string; p: Path }[] = [];
  const where = isObject(q['where'])
    ? Object.entries(q['where']).map(([field, v]) => {
        fields.push({ field, p: [...p, 'where', field] });
        return [field, parseOperand(v, [...p, 'where', field], scope)] as const;
      })
    : undefined;
  const latest = typeof q['latest'] === 'string' ? q['latest'] : undefined;
  if (latest !== undefined) fields.push({ field: latest, p: [...p, 'latest'] });
  scope.deferred.push({ p: [...p, 'resource'], resource, fields });
  return {
    resource,
    ...(q['id'] !== undefined ? { id: parseOperand(q['id'], [...p, 'id'], scope) } : {}),
    ...(where ? { where } : {}),
    ...(latest !== undefined ? { latest } : {}),
  };
}

const COMPARE = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;

export function parseCondition(raw: Raw, p: Path, scope: Scope): FakeCondition {
  const c = isObject(raw) ? raw : {};
  const [key] = Object.keys(c);
  const v = c[key];
  if (key === 'all' || key === 'any')
    return { kind: key, of: (Array.isArray(v) ? v : []).map((x, i) => parseCondition(x, [...p, key, i], scope)) };
  if (key === 'not') return { kind: 'not', of: parseCondition(v, [...p, 'not'], scope) };
  const op = COMPARE.find((o) => o === key);
  if (op) {
    const [a, b] = Array.isArray(v) ? (v as unknown[]) : [];
    return {
      kind: 'compare',
      op,
      left: parseOperand(a, [...p, op, 0], scope),
      right: parseOperand(b, [...p, op, 1], scope),
    };
  }
  if (key === 'in') {
    const [a, among] = Array.isArray(v) ? (v as unknown[]) : [];
    return {
      kind: 'in',
      value: parseOperand(a, [...p, 'in', 0], scope),
      among: (Array.isArray(among) ? among : []).map((x, i) => parseOperand(x, [...p, 'in', 1, i], scope)),
    };
  }
  if (key === 'given') return { kind: 'given', value: parseOperand(v, [...p, 'given'], scope) };
  return { kind: 'exists', query: parseQuery(v, [...p, 'exists'], scope) };
}

function parseLookups(raw: Raw, p: Path, base: Scope): { scope: Scope; lookup?: [string, FakeQuery][] } {
  if (!isObject(raw)) return { scope: base };
  const names = new Map<string, string>();
  const lookup: [string, FakeQuery][] = [];
  for (const [name, q] of Object.entries(raw)) {
    if (base.op.args.some((a) => a.name === name))
      base.err([...p, name], `lookup "${name}" has the name of an argument of "${base.op.name}"`);
    // A lookup's own query reads the arguments and the record, not other lookups.
    lookup.push([name, parseQuery(q, [...p, name], base)]);
    names.set(name, isObject(q) && typeof q['resource'] === 'string' ? q['resource'] : '');
  }
  return { scope: { ...base, lookups: names }, lookup };
}

function parseTemplate(raw: Raw, p: Path, scope: Scope): FakeTemplate {
  if (isObject(raw) && !('first' in raw))
    return {
      kind: 'object',
      entries: Object.entries(raw).map(([k, v]) => [k, parseTemplate(v, [...p, k], scope)] as const),
    };
  return { kind: 'value', value: parseOperand(raw, p, scope) };
}

/** The four sections of one resource, names within the resource checked. */
export function buildRules(
  raw: RawRules,
  resource: { readonly name: string; readonly fields: readonly FieldModel[] },
  operations: readonly OperationModel[],
  err: Err,
  at: (p: Path) => Position,
): RulesModel {
  const deferred: Deferred[] = [];
  const sources: Record<string, Position> = {};
  const scopeFor = (section: string, opName: string): Scope | undefined => {
    const op = operations.find((o) => o.name === opName);
    if (!op) {
      err([section, opName], `no operation named "${opName}"`);
      return undefined;
    }
    sources[`${section}.${opName}`] = at([section, opName]);
    return { op, resource, lookups: new Map(), err, deferred };
  };

  const checks: Record<string, FakeCheck[]> = {};
  for (const [opName, list] of Object.entries(raw.checks ?? {})) {
    const base = scopeFor('checks', opName);
    if (!base) continue;
    checks[opName] = list.map((c, i) => {
      const p = ['checks', opName, i];
      const r = isObject(c) ? c : {};
      const { scope, lookup } = parseLookups(r['lookup'], [...p, 'lookup'], base);
      return {
        ...(lookup ? { lookup } : {}),
        when: parseCondition(r['when'], [...p, 'when'], scope),
        status: typeof r['status'] === 'number' ? r['status'] : 400,
        message: parseOperand(r['message'], [...p, 'message'], scope),
        ...(typeof r['min_version'] === 'string' ? { min: r['min_version'] } : {}),
        ...(typeof r['max_version'] === 'string' ? { max: r['max_version'] } : {}),
      };
    });
  }

  const copy: Record<string, FakeCopy[]> = {};
  for (const [opName, list] of Object.entries(raw.copy ?? {})) {
    const scope = scopeFor('copy', opName);
    if (!scope) continue;
    if (scope.op.kind !== 'create') err(['copy', opName], `copy applies to a create operation, not "${scope.op.kind}"`);
    copy[opName] = list.map((c, i) => {
      const p = ['copy', opName, i];
      const r = isObject(c) ? c : {};
      const from = parseQuery(r['from'], [...p, 'from'], scope);
      const fields = Object.entries(isObject(r['fields']) ? r['fields'] : {}).map(([to, src]) => {
        if (!resource.fields.some((f) => f.name === to)) err([...p, 'fields', to], `no field named "${to}"`);
        return [to, String(src)] as const;
      });
      deferred.push({
        p: [...p, 'from', 'resource'],
        resource: from.resource,
        fields: fields.map(([to, src]) => ({ field: src, p: [...p, 'fields', to] })),
      });
      return { from, fields };
    });
  }

  const creates: Record<string, FakeCreates[]> = {};
  for (const [opName, list] of Object.entries(raw.creates ?? {})) {
    const scope = scopeFor('creates', opName);
    if (!scope) continue;
    creates[opName] = list.map((c, i) => {
      const p = ['creates', opName, i];
      const r = isObject(c) ? c : {};
      const made = typeof r['resource'] === 'string' ? r['resource'] : '';
      const fields = Object.entries(isObject(r['fields']) ? r['fields'] : {}).map(
        ([field, v]) => [field, parseOperand(v, [...p, 'fields', field], scope)] as const,
      );
      deferred.push({
        p: [...p, 'resource'],
        resource: made,
        fields: fields.map(([field]) => ({ field, p: [...p, 'fields', field] })),
      });
      const bind = typeof r['bind'] === 'string' ? r['bind'] : undefined;
      if (bind !== undefined && !scope.op.args.some((a) => a.name === bind))
        err([...p, 'bind'], `operation "${opName}" has no argument "${bind}"`);
      return {
        ...(r['when'] !== undefined ? { when: parseCondition(r['when'], [...p, 'when'], scope) } : {}),
        resource: made,
        fields,
        ...(bind !== undefined ? { bind } : {}),
      };
    });
  }

  const answers: Record<string, FakeAnswer> = {};
  for (const [opName, a] of Object.entries(raw.answers ?? {})) {
    const base = scopeFor('answers', opName);
    if (!base) continue;
    const p = ['answers', opName];
    const r = isObject(a) ? a : {};
    const { scope, lookup } = parseLookups(r['lookup'], [...p, 'lookup'], base);
    answers[opName] = { ...(lookup ? { lookup } : {}), body: parseTemplate(r['body'], [...p, 'body'], scope) };
  }

  return {
    checks,
    copy,
    creates,
    answers,
    sources,
    references: deferred.map((x) => ({
      resource: x.resource,
      path: x.p.join('.'),
      at: at(x.p),
      fields: x.fields.map((f) => ({ field: f.field, path: f.p.join('.'), at: at(f.p) })),
    })),
  };
}

/** Other resources and their fields named by the declarations, once every resource of the service is built. */
export function checkRulesAcross(
  resources: readonly ResourceModel[],
  /** Resources whose file failed to load (its errors are reported). */
  unavailable: ReadonlySet<string>,
  d: Diagnostics,
): void {
  const byName = new Map(resources.map((r) => [r.name, r]));
  for (const r of resources) {
    for (const x of r.rules?.references ?? []) {
      const other = byName.get(x.resource);
      if (unavailable.has(x.resource)) continue;
      if (!other) {
        d.add(x.at, x.path, `unknown resource "${x.resource}"`);
        continue;
      }
      for (const f of x.fields) {
        if (!other.fields.some((o) => o.name === f.field))
          d.add(f.at, f.path, `${other.name} has no field "${f.field}"`);
      }
    }
  }
}

/** Whether a resource declares any of the four sections. */
export function hasRules(rules: RulesModel | undefined): boolean {
  if (!rules) return false;
  return [rules.checks, rules.copy, rules.creates, rules.answers].some((s) => Object.keys(s).length > 0);
}
