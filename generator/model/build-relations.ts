/**
 * The `effects` declaration kind and the view keys that go with it (`summary_fields`,
 * `shown_only_by`, `any_project`, `rows_from`): what an operation of one resource does to other
 * records (a transfer moves its volume to awaiting-transfer, an attachment marks its volume in-use)
 * and how Cinder's views of a resource read. Read by the fake cloud only; the SDK ignores them.
 *
 * Names within the resource (operations, arguments, its own fields) are checked here, with the
 * file and path of the mistake; names of other resources' fields once every resource is built
 * (checkRelations).
 */
import type { Diagnostics, Position } from '../load/diagnostics.js';
import type { EffectModel, EffectValue, OperationModel, RelationsModel, ResourceModel } from './types.js';

type Scalar = string | number | boolean | null;
type RawValue = Scalar | { readonly [key: string]: RawValue };

export interface RawEffect {
  resource?: string;
  id?: string;
  where?: Record<string, RawValue>;
  when?: string;
  unless?: string;
  from?: string[];
  require?: Record<string, RawValue>;
  refuse?: string | { status: number; message: string };
  status?: string;
  to?: string;
  set?: Record<string, RawValue>;
  keep?: Record<string, RawValue>;
  append?: Record<string, RawValue>;
  drop?: Record<string, Record<string, RawValue>>;
  owner?: 'caller';
  remove?: true;
  after?: true;
}

export interface RawRelations {
  effects?: Record<string, RawEffect[]>;
  summary_fields?: string[];
  shown_only_by?: Record<string, string[]>;
  any_project?: string[];
  project_scoped?: true;
  rows_from?: { resource: string; where: Record<string, RawValue>; fields: Record<string, RawValue> };
}

type Err = (p: (string | number)[], message: string) => void;

const CLOUD = /^@(now|project|user|uuid|hex(\d+))$/;

/** A value expression: `$arg`, `.field.path`, `@now`…, `a|b`, a literal or an object of them. */
export function parseEffectValue(raw: RawValue, p: (string | number)[], err: Err): EffectValue {
  if (raw === null || typeof raw === 'number' || typeof raw === 'boolean') return { kind: 'literal', value: raw };
  if (typeof raw === 'object') {
    return {
      kind: 'object',
      entries: Object.entries(raw).map(([k, v]) => [k, parseEffectValue(v, [...p, k], err)] as const),
    };
  }
  if (raw.includes('|')) {
    return { kind: 'first', options: raw.split('|').map((part) => parseEffectValue(part.trim(), p, err)) };
  }
  if (raw.startsWith('$')) return { kind: 'arg', arg: raw.slice(1) };
  if (raw.startsWith('.')) {
    const path = raw.slice(1).split('.');
    if (path.some((s) => s === '')) err(p, `"${raw}" is not a field path (.field or .kept.key)`);
    return { kind: 'self', path };
  }
  if (raw.startsWith('@')) {
    const m = CLOUD.exec(raw);
    if (!m) {
      err(p, `unknown cloud value "${raw}" (one of @now, @project, @user, @uuid, @hex<length>)`);
      return { kind: 'literal', value: raw };
    }
    if (m[2] !== undefined) return { kind: 'cloud', what: 'hex', length: Number(m[2]) };
    return { kind: 'cloud', what: m[1] as 'now' | 'project' | 'user' | 'uuid' };
  }
  return { kind: 'literal', value: raw };
}

/** Every `$arg` and `.field` a value reads. */
function reads(v: EffectValue, out: { args: string[]; self: string[][] }): void {
  switch (v.kind) {
    case 'arg':
      out.args.push(v.arg);
      return;
    case 'self':
      out.self.push([...v.path]);
      return;
    case 'object':
      for (const [, e] of v.entries) reads(e, out);
      return;
    case 'first':
      for (const o of v.options) reads(o, out);
      return;
    default:
      return;
  }
}

export function buildRelations(
  raw: RawRelations,
  operations: readonly OperationModel[],
  fieldNames: ReadonlySet<string>,
  resourceNames: ReadonlySet<string>,
  err: Err,
  at: (p: (string | number)[]) => Position,
): RelationsModel | undefined {
  const any =
    raw.effects ?? raw.summary_fields ?? raw.shown_only_by ?? raw.any_project ?? raw.project_scoped ?? raw.rows_from;
  if (any === undefined) return undefined;
  const field = (name: string, p: (string | number)[]): void => {
    if (!fieldNames.has(name)) err(p, `no field named "${name}"`);
  };
  const opNamed = (name: string, p: (string | number)[]): OperationModel | undefined => {
    const op = operations.find((o) => o.name === name);
    if (!op) err(p, `no operation named "${name}"`);
    return op;
  };
  // Names an effect keeps on this resource's own records: `.connector` may read them.
  const kept = new Set<string>();
  for (const list of Object.values(raw.effects ?? {}))
    for (const e of list) if (e.resource === undefined) for (const k of Object.keys(e.keep ?? {})) kept.add(k);

  const effects: EffectModel[] = [];
  for (const [opName, list] of Object.entries(raw.effects ?? {})) {
    const op = opNamed(opName, ['effects', opName]);
    list.forEach((e, i) => {
      const p = ['effects', opName, i];
      const value = (v: RawValue, q: (string | number)[]): EffectValue => {
        const parsed = parseEffectValue(v, q, err);
        const r = { args: [] as string[], self: [] as string[][] };
        reads(parsed, r);
        for (const a of r.args)
          if (op && !op.args.some((x) => x.name === a)) err(q, `operation "${opName}" has no argument "${a}"`);
        for (const path of r.self)
          if (!fieldNames.has(path[0]) && !kept.has(path[0]))
            err(q, `no field named "${path[0]}" (nor a value kept on this resource's records)`);
        return parsed;
      };
      const ref = (v: string | undefined, q: (string | number)[]): EffectValue | undefined => {
        if (v === undefined) return undefined;
        if (!v.startsWith('$') && !v.startsWith('.')) err(q, `"${v}" names no argument ($arg) or field (.field)`);
        return value(v, q);
      };
      const other = e.resource;
      if (other !== undefined && !resourceNames.has(other)) err([...p, 'resource'], `unknown resource "${other}"`);
      // The target's own fields: checked here for this resource, in checkRelations for another.
      const targetField = (name: string, q: (string | number)[]): void => {
        if (other === undefined) field(name, q);
      };
      if (other === undefined && (e.id !== undefined || e.where !== undefined))
        err(p, 'id and where name a record of another resource: add resource');
      if (other !== undefined && (e.id === undefined) === (e.where === undefined))
        err(p, 'an effect on another resource needs exactly one of id (one record) or where (every match)');
      if (e.refuse === undefined && e.require !== undefined)
        err([...p, 'require'], "require needs refuse (Cinder's answer when it fails)");
      const refuse = typeof e.refuse === 'object' ? e.refuse : undefined;
      if (refuse && (refuse.status < 400 || refuse.status > 499))
        err([...p, 'refuse', 'status'], 'a refusal is a 4xx status');
      const pairs = (section: 'where' | 'require' | 'set' | 'append') =>
        Object.entries(e[section] ?? {}).map(([f, v]) => {
          targetField(f, [...p, section, f]);
          return { field: f, value: value(v, [...p, section, f]) };
        });
      const effect: EffectModel = {
        operation: opName,
        resource: other,
        id: ref(e.id, [...p, 'id']),
        where: pairs('where'),
        when: ref(e.when, [...p, 'when']),
        unless: ref(e.unless, [...p, 'unless']),
        from: e.from ?? [],
        require: pairs('require'),
        refuse: typeof e.refuse === 'string' ? e.refuse : refuse?.message,
        refuseStatus: refuse?.status ?? 400,
        status: e.status,
        to: e.to,
        set: pairs('set'),
        keep: Object.entries(e.keep ?? {}).map(([name, v]) => ({ name, value: value(v, [...p, 'keep', name]) })),
        append: pairs('append'),
        drop: Object.entries(e.drop ?? {}).map(([f, match]) => {
          targetField(f, [...p, 'drop', f]);
          const entries = Object.entries(match);
          if (entries.length !== 1) err([...p, 'drop', f], 'drop matches list items by exactly one key');
          const [key, v] = entries[0] ?? ['', null];
          return { field: f, key, value: value(v, [...p, 'drop', f, key]) };
        }),
        owner: e.owner,
        remove: e.remove ?? false,
        after: e.after ?? false,
        source: at(p),
      };
      const does =
        effect.status !== undefined ||
        effect.to !== undefined ||
        effect.set.length + effect.keep.length + effect.append.length + effect.drop.length > 0 ||
        effect.owner !== undefined ||
        effect.remove ||
        effect.refuse !== undefined ||
        effect.require.length > 0;
      if (!does) err(p, 'an effect needs status, set, keep, append, drop, owner, remove or refuse');
      effects.push(effect);
    });
  }

  (raw.summary_fields ?? []).forEach((f, i) => field(f, ['summary_fields', i]));
  const shownOnlyBy = Object.entries(raw.shown_only_by ?? {}).map(([f, ops]) => {
    field(f, ['shown_only_by', f]);
    ops.forEach((o, i) => opNamed(o, ['shown_only_by', f, i]));
    return { field: f, operations: ops };
  });
  (raw.any_project ?? []).forEach((o, i) => opNamed(o, ['any_project', i]));

  let rowsFrom: RelationsModel['rowsFrom'];
  if (raw.rows_from) {
    const rf = raw.rows_from;
    const p = ['rows_from'];
    if (!resourceNames.has(rf.resource)) err([...p, 'resource'], `unknown resource "${rf.resource}"`);
    const list = operations.find((o) => o.kind === 'list');
    if (!list) err(p, 'rows_from needs a list operation');
    rowsFrom = {
      resource: rf.resource,
      where: Object.entries(rf.where).map(([f, v]) => {
        const parsed = parseEffectValue(v, [...p, 'where', f], err);
        const r = { args: [] as string[], self: [] as string[][] };
        reads(parsed, r);
        for (const a of r.args)
          if (list && !list.args.some((x) => x.name === a))
            err([...p, 'where', f], `operation "${list.name}" has no argument "${a}"`);
        return { field: f, value: parsed };
      }),
      fields: Object.entries(rf.fields).map(([f, v]) => {
        field(f, [...p, 'fields', f]);
        return { field: f, value: parseEffectValue(v, [...p, 'fields', f], err) };
      }),
    };
  }
  return {
    effects,
    summaryFields: raw.summary_fields,
    shownOnlyBy,
    anyProject: raw.any_project ?? [],
    projectScoped: raw.project_scoped ?? false,
    rowsFrom,
    source: at([]),
  };
}

/**
 * Names of other resources' fields, once the service's resources are built: the fields an effect
 * sets, matches or requires on its target, and those `rows_from` reads.
 */
export function checkRelations(resources: readonly ResourceModel[], d: Diagnostics): void {
  const byName = new Map(resources.map((r) => [r.name, r]));
  for (const r of resources) {
    const rel = r.relations;
    if (!rel) continue;
    const check = (other: string, name: string, where: Position | undefined, what: string): void => {
      const target = byName.get(other);
      if (target && !target.fields.some((f) => f.name === name))
        d.add(where ?? r.source, what, `${other} has no field named "${name}"`);
    };
    for (const e of rel.effects) {
      if (e.resource === undefined) continue;
      const target = byName.get(e.resource);
      const at = `effects.${e.operation}`;
      for (const x of [...e.where, ...e.require, ...e.set, ...e.append, ...e.drop])
        check(e.resource, x.field, e.source, at);
      for (const status of [e.status, e.to]) {
        const statuses = target?.status?.values ?? [];
        if (status !== undefined && target && !target.status)
          d.add(e.source ?? r.source, at, `${e.resource} has no status section to set "${status}" in`);
        else if (status !== undefined && statuses.length > 0 && !statuses.includes(status))
          d.add(e.source ?? r.source, at, `status "${status}" is not in ${e.resource}'s status.values`);
      }
    }
    if (rel.rowsFrom) {
      const rf = rel.rowsFrom;
      for (const w of rf.where) check(rf.resource, w.field, rel.source, 'rows_from.where');
      for (const f of rf.fields) {
        const r2 = { args: [] as string[], self: [] as string[][] };
        reads(f.value, r2);
        for (const path of r2.self) check(rf.resource, path[0], rel.source, `rows_from.fields.${f.field}`);
      }
    }
  }
}
