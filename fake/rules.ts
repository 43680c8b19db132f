/**
 * Evaluates what the `checks`, `copy`, `creates` and `answers` sections declare (fake/model.ts
 * FakeRules): values read from the request's arguments, the record the operation acts on and
 * records found in the state, conditions over them, and answer templates. Nothing here names a
 * resource: the declarations do.
 */
import type { FakeCondition, FakeJson, FakeLookups, FakeOperand, FakeQuery, FakeTemplate } from './model.js';
import type { FakeRecord, FakeState } from './state.js';

/** What a declaration's values read. */
export interface RuleScope {
  readonly state: FakeState;
  /** The operation's arguments by name; on create and update, the request's fields by TypeScript name too. */
  readonly arg: (name: string) => unknown;
  /** The record the operation acts on (wire names), if any. */
  readonly self?: Readonly<Record<string, unknown>> | undefined;
  /** Records looked up by name (undefined: none matched). */
  readonly lookups: ReadonlyMap<string, FakeRecord | undefined>;
}

/** Set: not absent, null or empty text (Cinder's `if status:`). */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

export function valueOf(o: FakeOperand, scope: RuleScope): unknown {
  switch (o.kind) {
    case 'literal':
      return o.value;
    case 'arg':
      return scope.arg(o.name);
    case 'self':
      return scope.self?.[o.field];
    case 'lookup': {
      const v = scope.lookups.get(o.name)?.data[o.field];
      if (o.key === undefined) return v;
      // A key of a map field (a group type's group specs): unset when the map lacks it.
      return v !== null && typeof v === 'object' && !Array.isArray(v)
        ? (v as Record<string, unknown>)[o.key]
        : undefined;
    }
    case 'template':
      return o.parts.map((p) => (typeof p === 'string' ? p : text(valueOf(p, scope)))).join('');
    case 'first':
      return o.options.map((x) => valueOf(x, scope)).find(isSet);
  }
}

/** A value as Cinder's Python formats it into a message (`%s`): None, True, False. */
function text(value: unknown): string {
  if (value === undefined || value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

const numeric = (v: unknown): number | undefined => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
};

/** Equality after the fake's normalisation: numbers as numbers, booleans and their text alike. */
function same(a: unknown, b: unknown): boolean {
  if (!isSet(a) || !isSet(b)) return !isSet(a) && !isSet(b);
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) return x === y;
  return text(a).toLowerCase() === text(b).toLowerCase();
}

/** -1, 0, 1, or undefined when either side is unset. */
function order(a: unknown, b: unknown): number | undefined {
  if (!isSet(a) || !isSet(b)) return undefined;
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) return Math.sign(x - y);
  const s = text(a);
  const t = text(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

export function holds(c: FakeCondition, scope: RuleScope): boolean {
  switch (c.kind) {
    case 'all':
      return c.of.every((x) => holds(x, scope));
    case 'any':
      return c.of.some((x) => holds(x, scope));
    case 'not':
      return !holds(c.of, scope);
    case 'in': {
      const v = valueOf(c.value, scope);
      return c.among.some((x) => same(v, valueOf(x, scope)));
    }
    case 'given':
      return isSet(valueOf(c.value, scope));
    case 'exists':
      return find(c.query, scope).length > 0;
    case 'compare': {
      const a = valueOf(c.left, scope);
      const b = valueOf(c.right, scope);
      if (c.op === 'eq') return same(a, b);
      if (c.op === 'ne') return !same(a, b);
      const o = order(a, b);
      if (o === undefined) return false;
      return c.op === 'lt' ? o < 0 : c.op === 'le' ? o <= 0 : c.op === 'gt' ? o > 0 : o >= 0;
    }
  }
}

/** The records a query finds (with `latest`, the one with the greatest value of that field). */
export function find(q: FakeQuery, scope: RuleScope): FakeRecord[] {
  if (q.id) {
    const id = valueOf(q.id, scope);
    const record = typeof id === 'string' && id !== '' ? scope.state.get(q.resource, id) : undefined;
    return record ? [record] : [];
  }
  const where = (q.where ?? []).map(([field, v]) => [field, valueOf(v, scope)] as const);
  // No value to match (a type without a name): no record matches, not every record without one.
  if (where.some(([, v]) => !isSet(v))) return [];
  const found = scope.state.list(q.resource).filter((r) => where.every(([field, v]) => same(r.data[field], v)));
  if (q.latest === undefined || found.length === 0) return found;
  const key = q.latest;
  const newest = found.reduce((best, r) => {
    const o = order(r.data[key], best.data[key]) ?? 0;
    return o > 0 || (o === 0 && r.seq > best.seq) ? r : best;
  });
  return [newest];
}

/** A scope with the declaration's lookups resolved (each reads the arguments and the record). */
export function withLookups(lookup: FakeLookups | undefined, scope: RuleScope): RuleScope {
  if (!lookup) return scope;
  const lookups = new Map(scope.lookups);
  for (const [name, q] of lookup) lookups.set(name, find(q, scope)[0]);
  return { ...scope, lookups };
}

/** An answer template filled in: JSON, unset values as null. */
export function fill(t: FakeTemplate, scope: RuleScope): FakeJson {
  if (t.kind === 'object') return Object.fromEntries(t.entries.map(([k, v]) => [k, fill(v, scope)]));
  const v = valueOf(t.value, scope);
  return v === undefined ? null : (v as FakeJson);
}

/** A message template filled in. */
export function message(o: FakeOperand, scope: RuleScope): string {
  return text(valueOf(o, scope));
}
