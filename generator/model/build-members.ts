/**
 * `members` and `stored_as`: how records of one resource belong to another (a group's volumes, a
 * group snapshot's snapshots) and which resource serves its API over another's records (the legacy
 * consistency groups over groups). Read by the fake cloud only; the SDK does not change.
 *
 * Checked in two steps: what one file can say about itself (its fields, operations and arguments)
 * when the resource is built, and the names of other resources and their fields once every
 * version of the service is built, because records are shared by every version (a v2 consistency
 * group's volumes carry the group_id that only the v3 volume shows).
 */
import type { Diagnostics, Position } from '../load/diagnostics.js';
import type {
  FieldModel,
  MadeByModel,
  MembersModel,
  OperationModel,
  ResourceModel,
  SpecModel,
  StoredAsModel,
} from './types.js';

export interface RawMadeBy {
  when?: string;
  set?: Record<string, string>;
  each?: { resource: string; where: Record<string, string> };
  member?: Record<string, string>;
  refuse?: string;
}

export interface RawMembers {
  resource: string;
  field: string;
  list?: { field: string; arg: string };
  add?: string;
  remove?: string;
  match?: { member: string; owner: string };
  delete?: { arg?: string; refuse?: string };
  made_by?: Record<string, RawMadeBy[]>;
}

export interface RawStoredAs {
  resource: string;
  fields?: Record<string, string>;
}

type Err = (p: (string | number)[], message: string) => void;

/** A path of `members[].made_by`: `$arg`, `self` or `each`, then `.wire` and `@Resource` steps. */
export interface PathStep {
  readonly kind: 'field' | 'record';
  readonly name: string;
}
export interface ParsedPath {
  readonly root: 'arg' | 'self' | 'each';
  /** The argument's name (root `arg`). */
  readonly arg?: string | undefined;
  readonly steps: readonly PathStep[];
}

const PATH = /^(\$[A-Za-z][A-Za-z0-9]*|self|each)((?:[.@][A-Za-z_][A-Za-z0-9_-]*)*)$/;

export function parsePath(text: string): ParsedPath | undefined {
  const m = PATH.exec(text);
  if (!m) return undefined;
  const head = m[1];
  const steps = [...m[2].matchAll(/([.@])([A-Za-z_][A-Za-z0-9_-]*)/g)].map((s): PathStep => ({
    kind: s[1] === '.' ? 'field' : 'record',
    name: s[2],
  }));
  if (head.startsWith('$')) return { root: 'arg', arg: head.slice(1), steps };
  return { root: head as 'self' | 'each', steps };
}

/** Builds `members` with the checks one resource file can make on its own. */
export function buildMembers(
  raw: readonly RawMembers[] | undefined,
  fields: readonly FieldModel[],
  operations: readonly OperationModel[],
  err: Err,
  at: (p: (string | number)[]) => Position,
): MembersModel[] {
  return (raw ?? []).map((m, i) => {
    const p = ['members', i];
    // Every key the checks across resources may name, by its path below this entry.
    const positions: Record<string, Position> = {};
    const mark = (rest: (string | number)[]): void => {
      positions[rest.join('.')] = at([...p, ...rest]);
    };
    for (const key of ['resource', 'field', 'match', 'match.member', 'match.owner']) mark(key.split('.'));
    for (const [opName, alternatives] of Object.entries(m.made_by ?? {}))
      alternatives.forEach((a, j) => {
        const q = ['made_by', opName, j];
        for (const key of ['when', 'each', 'each.resource']) mark([...q, ...key.split('.')]);
        for (const wire of Object.keys(a.set ?? {})) mark([...q, 'set', wire]);
        for (const wire of Object.keys(a.each?.where ?? {})) mark([...q, 'each', 'where', wire]);
        for (const wire of Object.keys(a.member ?? {})) mark([...q, 'member', wire]);
      });
    const ownField = (key: string, wire: string | undefined, update = false): void => {
      if (wire === undefined) return;
      const field = fields.find((f) => f.wire === wire);
      if (!field) err([...p, key], `no field with the wire name "${wire}"`);
      else if (update && !field.update) err([...p, key], `field "${wire}" is not written on update (write: [update])`);
    };
    const opArg = (where: (string | number)[], opName: string, arg: string): void => {
      const op = operations.find((o) => o.name === opName);
      if (op && !op.args.some((a) => a.name === arg)) err(where, `operation "${opName}" has no argument "${arg}"`);
    };
    ownField('list', m.list?.field);
    if (m.list) {
      const readers = operations.filter((o) => o.kind === 'get' || o.kind === 'list');
      if (!readers.some((o) => o.args.some((a) => a.name === m.list!.arg)))
        err([...p, 'list', 'arg'], `no get or list operation has an argument "${m.list.arg}"`);
    }
    ownField('add', m.add, true);
    ownField('remove', m.remove, true);
    if (m.match && m.add === undefined) err([...p, 'match'], 'match needs add (it checks the members that join)');
    if (m.delete) {
      const del = operations.find((o) => o.name === 'delete');
      if (!del) err([...p, 'delete'], 'the resource has no operation named "delete"');
      else if (m.delete.arg !== undefined) opArg([...p, 'delete', 'arg'], 'delete', m.delete.arg);
      if (m.delete.refuse !== undefined && m.delete.arg === undefined)
        err([...p, 'delete', 'refuse'], 'refuse needs arg: without one the members always go with the owner');
    }
    const madeBy: Record<string, MadeByModel[]> = {};
    for (const [opName, alternatives] of Object.entries(m.made_by ?? {})) {
      const op = operations.find((o) => o.name === opName);
      if (!op) err([...p, 'made_by', opName], `no operation named "${opName}"`);
      madeBy[opName] = alternatives.map((a, j) => {
        const q = [...p, 'made_by', opName, j];
        const checkPath = (where: (string | number)[], text: string, each: boolean): void => {
          const parsed = parsePath(text);
          if (!parsed) {
            err(where, `"${text}" is not a path ($arg, self or each, then .field and @Resource steps)`);
            return;
          }
          if (parsed.root === 'each' && !each) err(where, '"each" is only known in member fields (with each)');
          if (parsed.root === 'arg' && op) opArg(where, opName, parsed.arg!);
        };
        if (a.when !== undefined) checkPath([...q, 'when'], a.when, false);
        // The owner's own fields are checked across resources (one stored as another takes the stored one's).
        for (const [wire, value] of Object.entries(a.set ?? {})) checkPath([...q, 'set', wire], value, false);
        for (const [wire, value] of Object.entries(a.each?.where ?? {}))
          checkPath([...q, 'each', 'where', wire], value, false);
        for (const [wire, value] of Object.entries(a.member ?? {})) checkPath([...q, 'member', wire], value, true);
        if (a.member && !a.each)
          err([...q, 'member'], 'member fields need each (the records the members are made from)');
        if (a.refuse !== undefined && (a.set !== undefined || a.each !== undefined))
          err([...q, 'refuse'], 'an alternative that refuses makes nothing: no set or each with refuse');
        for (const ref of a.refuse?.matchAll(/\{\$([A-Za-z][A-Za-z0-9]*)\}/g) ?? [])
          if (op) opArg([...q, 'refuse'], opName, ref[1]);
        return { when: a.when, set: a.set ?? {}, each: a.each, member: a.member ?? {}, refuse: a.refuse };
      });
    }
    return {
      resource: m.resource,
      field: m.field,
      list: m.list,
      add: m.add,
      remove: m.remove,
      match: m.match,
      delete: m.delete,
      madeBy,
      source: at(p),
      at: positions,
    };
  });
}

export function buildStoredAs(
  raw: RawStoredAs | undefined,
  fields: readonly FieldModel[],
  err: Err,
  at: (p: (string | number)[]) => Position,
): StoredAsModel | undefined {
  if (!raw) return undefined;
  for (const wire of Object.keys(raw.fields ?? {}))
    if (!fields.some((f) => f.wire === wire))
      err(['stored_as', 'fields', wire], `no field with the wire name "${wire}"`);
  const positions: Record<string, Position> = { resource: at(['stored_as', 'resource']) };
  for (const wire of Object.keys(raw.fields ?? {})) positions[`fields.${wire}`] = at(['stored_as', 'fields', wire]);
  return { resource: raw.resource, fields: raw.fields ?? {}, source: at(['stored_as']), at: positions };
}

/**
 * The checks across resources, once every version is built: records are shared by the versions of
 * a service type, so a name is known when any version declares it.
 */
export function checkMembersAcross(model: SpecModel, d: Diagnostics): void {
  const byType = new Map<string, ResourceModel[]>();
  for (const s of model.services) byType.set(s.serviceType, [...(byType.get(s.serviceType) ?? []), ...s.resources]);
  for (const resources of byType.values()) {
    const wiresOf = (name: string): Set<string> | undefined => {
      const found = resources.filter((r) => r.name === name);
      return found.length > 0 ? new Set(found.flatMap((r) => r.fields.map((f) => f.wire))) : undefined;
    };
    const names = new Set(resources.map((r) => r.name));
    for (const r of resources) {
      /** At the key's own position where the builder kept it, else at the declaration. */
      const report = (
        decl: { readonly source?: Position | undefined; readonly at?: Readonly<Record<string, Position>> | undefined },
        prefix: string,
        where: string,
        message: string,
      ): void => {
        const key = where.startsWith(prefix) ? where.slice(prefix.length).replace(/^\./, '') : where;
        d.add(decl.at?.[key] ?? decl.source ?? r.source, where, message);
      };
      if (r.storedAs) {
        const target = wiresOf(r.storedAs.resource);
        if (!target)
          report(r.storedAs, 'stored_as', 'stored_as.resource', `no resource named "${r.storedAs.resource}"`);
        else if (r.storedAs.resource === r.name)
          report(r.storedAs, 'stored_as', 'stored_as.resource', 'a resource cannot be stored as itself');
        else
          for (const [from, to] of Object.entries(r.storedAs.fields))
            if (!target.has(to))
              report(
                r.storedAs,
                'stored_as',
                `stored_as.fields.${from}`,
                `${r.storedAs.resource} has no field "${to}"`,
              );
      }
      r.members.forEach((m, i) => {
        const at = (rest: string): string => `members.${i}${rest}`;
        const memberWires = wiresOf(m.resource);
        if (!memberWires) {
          report(m, `members.${i}`, at('.resource'), `no resource named "${m.resource}"`);
          return;
        }
        if (!memberWires.has(m.field))
          report(m, `members.${i}`, at('.field'), `${m.resource} has no field "${m.field}"`);
        if (m.match && !memberWires.has(m.match.member))
          report(m, `members.${i}`, at('.match.member'), `${m.resource} has no field "${m.match.member}"`);
        if (
          m.match &&
          !(wiresOf(r.storedAs?.resource ?? r.name) ?? new Set()).has(m.match.owner) &&
          !wiresOf(r.name)?.has(m.match.owner)
        )
          report(m, `members.${i}`, at('.match.owner'), `${r.name} has no field "${m.match.owner}"`);
        /** Follows a path's steps from the resource it starts at; reports the first step that is unknown. */
        const walk = (where: string, text: string, start: string | undefined): void => {
          const parsed = parsePathOrUndefined(text);
          if (!parsed) return;
          let current = parsed.root === 'self' ? r.name : parsed.root === 'each' ? start : undefined;
          let id = parsed.root === 'arg';
          for (const step of parsed.steps) {
            if (step.kind === 'record') {
              if (!names.has(step.name)) return report(m, `members.${i}`, where, `no resource named "${step.name}"`);
              if (!id) return report(m, `members.${i}`, where, `@${step.name} follows a value that is not an ID`);
              current = step.name;
              id = false;
            } else {
              if (current === undefined)
                return report(m, `members.${i}`, where, `.${step.name} needs a record first (@Resource)`);
              if (!wiresOf(current)?.has(step.name))
                return report(m, `members.${i}`, where, `${current} has no field "${step.name}"`);
              current = undefined;
              id = true;
            }
          }
        };
        for (const [op, alternatives] of Object.entries(m.madeBy))
          alternatives.forEach((a, j) => {
            const q = at(`.made_by.${op}.${j}`);
            if (a.when !== undefined) walk(`${q}.when`, a.when, undefined);
            const ownWires = new Set([
              ...(wiresOf(r.name) ?? []),
              ...(r.storedAs ? (wiresOf(r.storedAs.resource) ?? []) : []),
            ]);
            for (const [wire, value] of Object.entries(a.set)) {
              if (!ownWires.has(wire))
                report(
                  m,
                  `members.${i}`,
                  `${q}.set.${wire}`,
                  `${r.name} has no field "${wire}"${r.storedAs ? ` (nor ${r.storedAs.resource})` : ''}`,
                );
              walk(`${q}.set.${wire}`, value, undefined);
            }
            if (a.each) {
              const sourceWires = wiresOf(a.each.resource);
              if (!sourceWires)
                report(m, `members.${i}`, `${q}.each.resource`, `no resource named "${a.each.resource}"`);
              for (const [wire, value] of Object.entries(a.each.where)) {
                if (sourceWires && !sourceWires.has(wire))
                  report(m, `members.${i}`, `${q}.each.where.${wire}`, `${a.each.resource} has no field "${wire}"`);
                walk(`${q}.each.where.${wire}`, value, undefined);
              }
            }
            for (const [wire, value] of Object.entries(a.member)) {
              if (!memberWires.has(wire))
                report(m, `members.${i}`, `${q}.member.${wire}`, `${m.resource} has no field "${wire}"`);
              walk(`${q}.member.${wire}`, value, a.each?.resource);
            }
          });
      });
    }
  }
}

function parsePathOrUndefined(text: string): ParsedPath | undefined {
  return parsePath(text);
}
