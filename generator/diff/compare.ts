/**
 * Two SpecModels → the list of classified changes between them. Elements are matched by their
 * TypeScript name first, then by what identifies them on the wire (a renamed field keeps its wire
 * name, a renamed operation keeps its method, path and action key, a renamed resource keeps its
 * base path), so a rename is one change and not a removal plus an addition.
 */
import type { Position } from '../load/diagnostics.js';
import { methodSignature, paramType } from '../emit/signature.js';
import { tsType } from '../emit/render.js';
import { compareVersions } from '../model/util.js';
import type {
  EffectModel,
  ArgModel,
  BodyTemplate,
  FieldModel,
  JsonValue,
  OperationModel,
  PolicyAllows,
  PolicyModel,
  ProxyMethodModel,
  ResourceModel,
  ResponseModel,
  ServiceModel,
  SpecModel,
  StatusModel,
  StructModel,
  TransitionModel,
  TypeRef,
  VersionRange,
} from '../model/types.js';
import { RULES_BY_ID, type Level, type RuleId } from './rules.js';

export interface Change {
  readonly rule: RuleId;
  /** The API version, e.g. `block-storage/v2`. */
  readonly version: string;
  /** The resource the change belongs to; empty for the version itself and its helpers. */
  readonly resource: string;
  /** What kind of element changed (orders the report). */
  readonly kind: Kind;
  /** What changed, e.g. `Volume.extend(size)`. */
  readonly subject: string;
  readonly message: string;
  readonly sdk: Level;
  readonly wire: Level;
  /** `file:line` in the head spec (the base spec for removals). */
  readonly source?: string | undefined;
}

export type Kind = 'version' | 'resource' | 'field' | 'struct' | 'status' | 'operation' | 'arg' | 'method';
const KIND_ORDER: Record<Kind, number> = {
  version: 0,
  resource: 1,
  field: 2,
  struct: 3,
  status: 4,
  operation: 5,
  arg: 6,
  method: 7,
};

export function diffModels(base: SpecModel, head: SpecModel): Change[] {
  const out: Change[] = [];
  const baseByDir = new Map(base.services.map((s) => [versionKey(s), s]));
  const headByDir = new Map(head.services.map((s) => [versionKey(s), s]));
  for (const [key, b] of baseByDir) {
    const h = headByDir.get(key);
    if (!h)
      new Emitter(out, key, '').add(
        'version-removed',
        key,
        `API version ${key} (${b.className}) removed`,
        b.serviceFile,
      );
    else diffService(new Emitter(out, key, '', 'version', h.microversion !== undefined), b, h);
  }
  for (const [key, h] of headByDir) {
    if (!baseByDir.has(key)) {
      const methods = h.resources.reduce((n, r) => n + (r.methods ?? []).length, 0) + (h.helpers ?? []).length;
      const ops = h.resources.reduce((n, r) => n + r.operations.length, 0);
      const range = h.microversion ? `, microversions ${h.microversion.min}–${h.microversion.max}` : '';
      new Emitter(out, key, '').add(
        'version-added',
        key,
        `API version ${key} (${h.className}) added: ${h.resources.length} resource(s), ${ops} operation(s), ${methods} method(s)${range}`,
        h.serviceFile,
      );
    }
  }
  return sortChanges(out);
}

function versionKey(s: ServiceModel): string {
  return s.specDir.replace(/^spec\//, '');
}

const SEVERITY: Record<Level, number> = { breaking: 0, 'non-breaking': 1, 'docs-only': 2 };

/** Breaking first, then by version, resource, subject and rule: stable whatever the input order. */
export function sortChanges(changes: readonly Change[]): Change[] {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...changes].sort(
    (a, b) =>
      cmp(a.version, b.version) ||
      cmp(a.resource, b.resource) ||
      Math.min(SEVERITY[a.sdk], SEVERITY[a.wire]) - Math.min(SEVERITY[b.sdk], SEVERITY[b.wire]) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      cmp(a.subject, b.subject) ||
      cmp(a.rule, b.rule) ||
      cmp(a.message, b.message),
  );
}

/** What the comparison of resources tells the comparison of methods. */
interface Context {
  /** Base resource name → head resource name, for every matched resource. */
  readonly resources: Map<string, string>;
  /** Base `Resource.operation` → head `Resource.operation`, for every matched operation. */
  readonly ops: Map<string, string>;
  /** Head `Resource.operation` → names (before and after) of its arguments that changed. */
  readonly argChanges: Map<string, Set<string>>;
}

class Emitter {
  constructor(
    private readonly out: Change[],
    readonly version: string,
    readonly resource: string,
    readonly kind: Kind = resource ? 'resource' : 'version',
    /** Whether the version has microversions (added elements then say which they need). */
    readonly microversioned = false,
  ) {}

  /** The same place, reporting on another kind of element. */
  of(kind: Kind): Emitter {
    return new Emitter(this.out, this.version, this.resource, kind, this.microversioned);
  }

  /** `, from microversion 3.68` for an added element: which clouds serve it. */
  bounds(r: VersionRange): string {
    const { minVersion: min, maxVersion: max } = r;
    if (min && max) return `, microversions ${min}–${max}`;
    if (min) return `, from microversion ${min}`;
    if (max) return `, up to microversion ${max}`;
    return this.microversioned ? ', at every microversion' : '';
  }

  /** How many changes were recorded so far (to see whether a comparison added any). */
  count(): number {
    return this.out.length;
  }

  forResource(resource: string, kind: Kind = 'resource'): Emitter {
    return new Emitter(this.out, this.version, resource, kind, this.microversioned);
  }

  add(rule: RuleId, subject: string, message: string, at?: Position | string): void {
    const r = RULES_BY_ID.get(rule)!;
    const source = typeof at === 'string' ? at : at ? `${at.file}:${at.line}` : undefined;
    this.out.push({
      rule,
      version: this.version,
      resource: this.resource,
      kind: this.kind,
      subject,
      message,
      sdk: r.sdk,
      wire: r.wire,
      source,
    });
  }
}

const code = (s: string | undefined): string => (s === undefined ? '(none)' : `\`${s}\``);

function diffService(e: Emitter, b: ServiceModel, h: ServiceModel): void {
  const subject = versionKey(h);
  if (b.className !== h.className || b.attribute !== h.attribute) {
    e.add(
      'version-renamed',
      subject,
      `Proxy class ${code(b.className)} → ${code(h.className)}, attribute ${code(b.attribute)} → ${code(h.attribute)}`,
      h.serviceFile,
    );
  }
  diffRange(
    e,
    subject,
    'service microversions',
    { minVersion: b.microversion?.min, maxVersion: b.microversion?.max },
    { minVersion: h.microversion?.min, maxVersion: h.microversion?.max },
    h.serviceFile,
  );
  if (b.description !== h.description)
    e.add('description-changed', subject, 'service description changed', h.serviceFile);

  // Resources: by name, then renamed ones by base path and keys.
  const bRes = new Map(b.resources.map((r) => [r.name, r]));
  const hRes = new Map(h.resources.map((r) => [r.name, r]));
  const pairs: [ResourceModel, ResourceModel][] = [];
  const removed = b.resources.filter((r) => !hRes.has(r.name));
  const added = h.resources.filter((r) => !bRes.has(r.name));
  for (const r of b.resources) if (hRes.has(r.name)) pairs.push([r, hRes.get(r.name)!]);
  for (const r of [...removed]) {
    const twin = added.find(
      (a) => a.basePath === r.basePath && a.resourceKey === r.resourceKey && a.resourcesKey === r.resourcesKey,
    );
    if (!twin) continue;
    removed.splice(removed.indexOf(r), 1);
    added.splice(added.indexOf(twin), 1);
    e.forResource(twin.name).add(
      'resource-renamed',
      twin.name,
      `resource ${code(r.name)} renamed to ${code(twin.name)} (base path ${code(twin.basePath)})`,
      twin.source,
    );
    pairs.push([r, twin]);
  }
  const contents = (r: ResourceModel): string => {
    const actions = r.operations.filter((o) => o.kind === 'action').length;
    const methods = (r.methods ?? []).map((m) => m.name);
    return `${r.fields.length} field(s), ${r.operations.length} operation(s) of which ${actions} action(s), methods: ${methods.length > 0 ? methods.join(', ') : 'none'}`;
  };
  for (const r of removed)
    e.forResource(r.name).add(
      'resource-removed',
      r.name,
      `resource ${code(r.name)} removed (base path ${code(r.basePath)}; ${contents(r)})`,
      r.source,
    );
  for (const r of added)
    e.forResource(r.name).add(
      'resource-added',
      r.name,
      `resource ${code(r.name)} added (base path ${code(r.basePath)}; ${contents(r)})${e.bounds(r)}`,
      r.source,
    );

  const ctx: Context = {
    resources: new Map(pairs.map(([br, hr]) => [br.name, hr.name])),
    ops: new Map(),
    argChanges: new Map(),
  };
  for (const [br, hr] of pairs) diffResource(e.forResource(hr.name), br, hr, ctx);

  // Proxy methods, with the waiters of service.yaml.
  const methods = (s: ServiceModel): { method: ProxyMethodModel; resource: ResourceModel | undefined }[] => [
    ...s.resources.flatMap((r) => (r.methods ?? []).map((m) => ({ method: m, resource: r }))),
    ...(s.helpers ?? []).map((m) => ({ method: m, resource: undefined })),
  ];
  // Methods of added or removed resources are listed with the resource.
  const gone = new Set(removed.map((r) => r.name));
  const fresh = new Set(added.map((r) => r.name));
  diffMethods(
    e,
    b,
    h,
    methods(b).filter((x) => !x.resource || !gone.has(x.resource.name)),
    methods(h).filter((x) => !x.resource || !fresh.has(x.resource.name)),
    ctx,
  );
}

function diffResource(e: Emitter, b: ResourceModel, h: ResourceModel, ctx: Context): void {
  const name = h.name;
  if (b.description !== h.description)
    e.add('description-changed', name, `description of ${code(name)} changed`, h.source);
  if (b.resourceKey !== h.resourceKey)
    e.add('resource-key-changed', name, `resource key ${code(b.resourceKey)} → ${code(h.resourceKey)}`, h.source);
  if (b.resourcesKey !== h.resourcesKey)
    e.add('resource-key-changed', name, `list key ${code(b.resourcesKey)} → ${code(h.resourcesKey)}`, h.source);
  const bLinks = (b as Partial<ResourceModel>).linksPath;
  if (bLinks !== h.linksPath)
    e.add(
      'links-path-changed',
      name,
      `links of ${code(name)} name ${code(bLinks ?? b.basePath)} → ${code(h.linksPath ?? h.basePath)}`,
      h.source,
    );
  // A base built by an older builder (`--builder revision`) has no wording: it reads as not declared.
  const bNotFound = (b as Partial<ResourceModel>).notFound;
  if (bNotFound !== h.notFound)
    e.add(
      'error-wording-changed',
      name,
      `404 message of ${code(name)}: ${JSON.stringify(bNotFound ?? null)} → ${JSON.stringify(h.notFound ?? null)}`,
      h.source,
    );

  diffFields(e.of('field'), name, b.fields, h.fields, h.source);

  const bStructs = new Map(b.structs.map((s) => [s.name, s]));
  const hStructs = new Map(h.structs.map((s) => [s.name, s]));
  for (const s of b.structs) {
    const hs = hStructs.get(s.name);
    if (!hs) e.of('struct').add('struct-removed', `${name}.${s.name}`, `struct ${code(s.name)} removed`, s.source);
    else diffStruct(e.of('struct'), s, hs);
  }
  for (const s of h.structs)
    if (!bStructs.has(s.name))
      e.of('struct').add('struct-added', `${name}.${s.name}`, `struct ${code(s.name)} added`, s.source);

  // What only the fake cloud reads; a base built by an older builder may lack them.
  const json = (v: unknown): string => JSON.stringify(v ?? null);
  if (json(b.access) !== json(h.access))
    e.add(
      'fake-declaration-changed',
      name,
      `access lists of ${code(name)}: ${json(b.access)} → ${json(h.access)}`,
      h.source,
    );
  const seedOf = (r: ResourceModel): readonly unknown[] => (r as Partial<ResourceModel>).seed ?? [];
  if (json(seedOf(b)) !== json(seedOf(h)))
    e.add(
      'fake-declaration-changed',
      name,
      `records ${code(name)} starts with: ${json(seedOf(b))} → ${json(seedOf(h))}`,
      h.source,
    );

  diffOperations(e.of('operation'), b, h, ctx);
  // After the operations: their renames carry lifecycle steps over.
  diffStatus(e.of('status'), b, h, ctx);
  diffMembers(e.of('status'), b, h);
  diffRules(e.of('status'), b, h);
  diffRelations(e.of('status'), b, h, ctx);
  diffServerFacts(e, b, h);
}

/**
 * `members` and `stored_as`, read by the fake cloud only: compared as declared (without where they
 * are). A base built by an older builder (`--builder revision`) may predate them: none declared.
 */
function diffMembers(e: Emitter, b: ResourceModel, h: ResourceModel): void {
  const name = h.name;
  const plain = (v: unknown): string => JSON.stringify(v, (k, x: unknown) => (k === 'source' ? undefined : x));
  const describe = (ms: ResourceModel['members'] | undefined): string =>
    ms && ms.length > 0 ? ms.map((m) => `${m.resource} by ${m.field}`).join(', ') : 'none';
  const bm = (b as Partial<ResourceModel>).members ?? [];
  const hm = (h as Partial<ResourceModel>).members ?? [];
  if (plain(bm) !== plain(hm))
    e.add(
      'members-changed',
      `${name}.members`,
      `members of ${code(name)}: ${describe(bm)} → ${describe(hm)}${describe(bm) === describe(hm) ? ' (what the fake cloud does with them changed)' : ''}`,
      hm[0]?.source ?? bm[0]?.source ?? h.source,
    );
  const bs = (b as Partial<ResourceModel>).storedAs;
  const hs = (h as Partial<ResourceModel>).storedAs;
  if (plain(bs) !== plain(hs)) {
    const show = (s: typeof bs): string =>
      s
        ? `${s.resource}${
            Object.keys(s.fields).length > 0
              ? ` (${Object.entries(s.fields)
                  .map(([f, t]) => `${f} as ${t}`)
                  .join(', ')})`
              : ''
          }`
        : 'its own records';
    e.add(
      'stored-as-changed',
      `${name}.stored_as`,
      `the fake cloud keeps ${code(name)} as ${show(bs)} → ${show(hs)}`,
      hs?.source ?? bs?.source ?? h.source,
    );
  }
}

/** An effect without its position, as text: two declarations compare equal when this does. */
function effectText(x: EffectModel): string {
  const { source, operation, ...rest } = x;
  void source;
  void operation;
  return JSON.stringify(rest);
}

/**
 * `effects` (what an operation does to other records) and the view keys that go with them, for the
 * fake cloud: effects are matched by operation name through renames, like lifecycle steps.
 */
function diffRelations(e: Emitter, b: ResourceModel, h: ResourceModel, ctx: Context): void {
  const name = h.name;
  const at = h.relations?.source ?? b.relations?.source ?? h.source;
  const where = (r: ResourceModel, op: string): Position =>
    r.relations?.effects.find((x) => x.operation === op)?.source ?? at;
  const renamed = new Map<string, string>();
  for (const [from, to] of ctx.ops) {
    const [bRes, bOp] = from.split('.');
    const [hRes, hOp] = to.split('.');
    if (bRes === b.name && hRes === name) renamed.set(bOp, hOp);
  }
  const byOp = (r: ResourceModel, rename: boolean): Map<string, string> => {
    const out = new Map<string, string[]>();
    for (const x of r.relations?.effects ?? []) {
      const op = rename ? (renamed.get(x.operation) ?? x.operation) : x.operation;
      out.set(op, [...(out.get(op) ?? []), effectText(x)]);
    }
    return new Map([...out].map(([k, v]) => [k, v.join('\n')]));
  };
  const before = byOp(b, true);
  const after = byOp(h, false);
  for (const [op, text] of before) {
    const step = `${name}.${op}`;
    const now = after.get(op);
    if (now === undefined)
      e.add('effect-removed', step, `effects of ${code(step)} on other records no longer declared`, at);
    else if (now !== text) e.add('effect-changed', step, `effects of ${code(step)} on other records changed`, at);
  }
  for (const op of after.keys()) {
    if (before.has(op)) continue;
    const step = `${name}.${op}`;
    e.add('effect-added', step, `effects of ${code(step)} on other records declared`, where(h, op));
  }
  const view = (r: ResourceModel): string => {
    const rel = r.relations;
    return JSON.stringify({
      summaryFields: rel?.summaryFields,
      shownOnlyBy: rel?.shownOnlyBy ?? [],
      anyProject: rel?.anyProject ?? [],
      projectScoped: rel?.projectScoped ?? false,
      rowsFrom: rel?.rowsFrom,
    });
  };
  if (view(b) !== view(h))
    e.add('fake-view-changed', name, `how the fake cloud shows or finds ${code(name)} records changed`, at);
}

/**
 * `checks`, `copy`, `creates` and `answers`, per operation: a refusal added, removed or changed
 * (compared as a whole, in order), and any change to what an operation makes.
 */
function diffRules(e: Emitter, b: ResourceModel, h: ResourceModel): void {
  const name = h.name;
  const bc = b.rules?.checks ?? {};
  const hc = h.rules?.checks ?? {};
  const where = (section: string, op: string): Position | undefined =>
    h.rules?.sources[`${section}.${op}`] ?? b.rules?.sources[`${section}.${op}`] ?? h.source;
  for (const op of new Set([...Object.keys(bc), ...Object.keys(hc)])) {
    const subject = `${name}.${op}`;
    const before = (bc[op] ?? []).map((c) => JSON.stringify(c));
    const after = (hc[op] ?? []).map((c) => JSON.stringify(c));
    const added = after.filter((c) => !before.includes(c)).length;
    const removed = before.filter((c) => !after.includes(c)).length;
    const at = where('checks', op);
    if (added > 0 && removed > 0) e.add('check-changed', subject, `refusals of ${code(subject)} changed`, at);
    else if (added > 0) e.add('check-added', subject, `${code(subject)} gains ${added} declared refusal(s)`, at);
    else if (removed > 0) e.add('check-removed', subject, `${code(subject)} loses ${removed} declared refusal(s)`, at);
  }
  for (const section of ['copy', 'creates', 'answers'] as const) {
    const bs: Record<string, unknown> = b.rules?.[section] ?? {};
    const hs: Record<string, unknown> = h.rules?.[section] ?? {};
    for (const op of new Set([...Object.keys(bs), ...Object.keys(hs)])) {
      if (JSON.stringify(bs[op]) === JSON.stringify(hs[op])) continue;
      const subject = `${name}.${op}`;
      const what = bs[op] === undefined ? 'declared' : hs[op] === undefined ? 'no longer declared' : 'changed';
      e.add('outcome-changed', subject, `${section} of ${code(subject)} ${what}`, where(section, op));
    }
  }
}

/**
 * The declarations only the fake cloud reads, compared as canonical JSON without positions: one
 * change per resource part (its quota, each field's server_default, each operation's aggregate)
 * that differs. A seed's change is fake-declaration-changed (above, in diffResource).
 */
function diffServerFacts(e: Emitter, b: ResourceModel, h: ResourceModel): void {
  const text = (v: unknown): string =>
    v === undefined ? 'none' : JSON.stringify(v, (k, x: unknown) => (k === 'source' ? undefined : x));
  const report = (subject: string, what: string, before: unknown, after: unknown): void => {
    if (text(before) !== text(after))
      e.add('server-facts-changed', subject, `${what} of ${code(subject)}: ${text(before)} → ${text(after)}`, h.source);
  };
  report(h.name, 'quota', b.quota, h.quota);
  const bFields = new Map(b.fields.map((f) => [f.wire, f]));
  for (const f of h.fields) {
    const bf = bFields.get(f.wire);
    if (bf) report(`${h.name}.${f.wire}`, 'server_default', bf.serverDefault, f.serverDefault);
  }
  const bOps = new Map(b.operations.map((o) => [o.name, o]));
  for (const o of h.operations) {
    const bo = bOps.get(o.name);
    if (bo) report(o.id, 'aggregate', bo.aggregate, o.aggregate);
  }
}

/**
 * A resource's status with every list present: a base built by an older builder (`--builder
 * revision`) may predate `values` and `transitions`, which then read as not declared.
 */
function statusOf(r: ResourceModel): StatusModel {
  const s: Partial<StatusModel> | undefined = r.status;
  return {
    field: s?.field ?? '',
    values: s?.values ?? [],
    failures: s?.failures ?? [],
    deleted: s?.deleted ?? [],
    transitions: (s?.transitions ?? []).map((t: Partial<TransitionModel> & { operation: string }) => ({
      ...t,
      from: t.from ?? [],
      gone: t.gone ?? false,
      set: t.set ?? [],
    })),
    source: s?.source,
  };
}
const list = (items: readonly string[]): string => (items.length > 0 ? items.join(', ') : 'none');
/** A precondition: `[available, error]`, or any status when none is declared. */
const statuses = (from: readonly string[]): string => (from.length > 0 ? `[${from.join(', ')}]` : 'any status');

/** A lifecycle step in words: `from [available], via extending, to available, sets size ← $newSize`. */
function transitionLabel(t: TransitionModel): string {
  const parts = [
    `from ${statuses(t.from)}`,
    ...(t.via !== undefined ? [`via ${t.via}`] : []),
    ...(t.to !== undefined ? [`to ${t.to}`] : []),
    ...(t.gone ? ['then gone'] : []),
    ...(t.set.length > 0 ? [`sets ${t.set.map((x) => `${x.field} ← $${x.arg}`).join(', ')}`] : []),
    ...(t.delay !== undefined ? [`after ${t.delay} ms`] : []),
  ];
  return parts.join(', ');
}

/**
 * `status`: the declared statuses (which type the SDK), the waiters' failure and deleted states, and
 * the lifecycle steps of operations (which the fake cloud runs), matched by operation name through
 * renames.
 */
function diffStatus(e: Emitter, b: ResourceModel, h: ResourceModel, ctx: Context): void {
  const name = h.name;
  const bs = statusOf(b);
  const hs = statusOf(h);
  const subject = `${name}.status`;
  // The head's status section, or the base's when the head has none.
  const at = hs.source ?? bs.source ?? h.source;
  const type = `${name}Status`;
  if (b.status && h.status && bs.field !== hs.field)
    e.add('status-field-changed', subject, `status field of ${code(name)}: ${code(bs.field)} → ${code(hs.field)}`, at);

  if (bs.values.length === 0 && hs.values.length > 0)
    e.add(
      'status-values-declared',
      subject,
      `statuses of ${code(name)} declared as ${code(type)} (${hs.values.join(', ')}): waitForStatus takes only these`,
      at,
    );
  else if (bs.values.length > 0 && hs.values.length === 0)
    e.add(
      'status-values-undeclared',
      subject,
      `statuses of ${code(name)} no longer declared: ${code(type)} is gone and waitForStatus takes any string`,
      at,
    );
  else {
    for (const v of hs.values)
      if (!bs.values.includes(v)) e.add('status-value-added', subject, `status ${code(v)} added to ${code(type)}`, at);
    for (const v of bs.values)
      if (!hs.values.includes(v))
        e.add('status-value-removed', subject, `status ${code(v)} removed from ${code(type)}`, at);
  }

  for (const [what, before, after] of [
    ['failure', bs.failures, hs.failures],
    ['deleted', bs.deleted, hs.deleted],
  ] as const) {
    const same = before.length === after.length && before.every((x) => after.includes(x));
    if (!same)
      e.add(
        'status-waiter-states-changed',
        subject,
        `${what} states of ${code(name)} waiters: ${list(before)} → ${list(after)}`,
        at,
      );
  }

  // Steps by operation name; a renamed operation keeps its step.
  const renamed = new Map<string, string>();
  for (const [from, to] of ctx.ops) {
    const [bRes, bOp] = from.split('.');
    const [hRes, hOp] = to.split('.');
    if (bRes === b.name && hRes === name) renamed.set(bOp, hOp);
  }
  const hSteps = new Map(hs.transitions.map((t) => [t.operation, t]));
  const matched = new Set<string>();
  for (const bt of bs.transitions) {
    const opName = renamed.get(bt.operation) ?? bt.operation;
    const ht = hSteps.get(opName);
    const step = `${name}.${opName}`;
    if (!ht) {
      e.add(
        'transition-removed',
        step,
        `lifecycle of ${code(step)} no longer declared (was: ${transitionLabel(bt)})`,
        bt.source ?? at,
      );
      continue;
    }
    matched.add(opName);
    diffTransition(e, step, bt, ht, ht.source ?? at);
  }
  for (const ht of hs.transitions) {
    if (matched.has(ht.operation)) continue;
    const step = `${name}.${ht.operation}`;
    e.add('transition-added', step, `lifecycle of ${code(step)} declared: ${transitionLabel(ht)}`, ht.source ?? at);
  }
}

function diffTransition(e: Emitter, step: string, b: TransitionModel, h: TransitionModel, at: Position): void {
  // Precondition: an empty `from` allows any status. A `from` that both loses and gains statuses is
  // reported as narrowed (the breaking half); the message shows both sets.
  const lost =
    h.from.length === 0 ? [] : b.from.length === 0 ? ['any other'] : b.from.filter((x) => !h.from.includes(x));
  const gained = h.from.length === 0 ? (b.from.length === 0 ? [] : ['any']) : h.from.filter((x) => !b.from.includes(x));
  const precondition = `${code(step)} allowed in ${statuses(b.from)} → ${statuses(h.from)}`;
  if (lost.length > 0) e.add('transition-precondition-narrowed', step, precondition, at);
  else if (gained.length > 0) e.add('transition-precondition-widened', step, precondition, at);

  const changes: string[] = [];
  const show = (v: string | undefined): string => (v === undefined ? '(none)' : v);
  if (b.via !== h.via) changes.push(`via ${show(b.via)} → ${show(h.via)}`);
  if (b.to !== h.to) changes.push(`to ${show(b.to)} → ${show(h.to)}`);
  if (b.gone !== h.gone) changes.push(h.gone ? 'now removes the resource' : 'no longer removes the resource');
  const sets = (t: TransitionModel): string =>
    list(
      [
        ...t.set.map((x) => `${x.field} ← $${x.arg}`),
        ...(t.fill ?? []).map((x) => `${x.field} ← ${JSON.stringify(x.value)}`),
      ].sort(),
    );
  if (sets(b) !== sets(h)) changes.push(`sets ${sets(b)} → ${sets(h)}`);
  if (changes.length > 0) e.add('transition-changed', step, `lifecycle of ${code(step)}: ${changes.join('; ')}`, at);

  if (b.message !== h.message)
    e.add(
      'error-wording-changed',
      step,
      `refusal message of ${code(step)}: ${JSON.stringify(b.message ?? null)} → ${JSON.stringify(h.message ?? null)}`,
      at,
    );

  if (b.delay !== h.delay) {
    const ms = (d: number | undefined): string => (d === undefined ? 'none' : `${d} ms`);
    e.add(
      'transition-delay-changed',
      step,
      `${code(step)} takes ${ms(b.delay)} → ${ms(h.delay)} on the fake cloud's clock`,
      at,
    );
  }
}

function diffStruct(e: Emitter, b: StructModel, h: StructModel): void {
  if (b.description !== h.description)
    e.add('description-changed', h.name, `description of struct ${code(h.name)} changed`, h.source);
  diffFields(e, h.name, b.fields, h.fields, h.source);
}

function diffFields(
  e: Emitter,
  owner: string,
  base: readonly FieldModel[],
  head: readonly FieldModel[],
  ownerSource: Position,
): void {
  const pairs = matchByNameThenWire(base, head, (f) => f.wire);
  for (const f of pairs.removed)
    e.add(
      'field-removed',
      `${owner}.${f.name}`,
      `field ${code(f.name)} (wire ${code(f.wire)}) removed`,
      f.source ?? ownerSource,
    );
  for (const f of pairs.added)
    e.add(
      'field-added',
      `${owner}.${f.name}`,
      `field ${code(f.name)} (wire ${code(f.wire)}${f.create && f.createWire !== undefined ? `, sent on create as ${code(f.createWire)}` : ''}, ${typeLabel(f.type)}) added${e.bounds(f)}${toleratedNote(f)}`,
      f.source ?? ownerSource,
    );
  for (const [b, h] of pairs.matched) {
    const subject = `${owner}.${h.name}`;
    const at = h.source ?? ownerSource;
    if (b.name !== h.name)
      e.add(
        'field-renamed',
        subject,
        `field ${code(b.name)} renamed to ${code(h.name)} (wire ${code(h.wire)} unchanged)`,
        at,
      );
    if (b.wire !== h.wire)
      e.add('field-wire-renamed', subject, `wire name of ${code(h.name)}: ${code(b.wire)} → ${code(h.wire)}`, at);
    const bw = [b.create && 'create', b.update && 'update'].filter(Boolean) as string[];
    const hw = [h.create && 'create', h.update && 'update'].filter(Boolean) as string[];
    const lost = bw.filter((x) => !hw.includes(x));
    const gained = hw.filter((x) => !bw.includes(x));
    if (lost.length > 0)
      e.add('field-became-read-only', subject, `${code(h.name)} can no longer be sent on ${lost.join(' or ')}`, at);
    if (gained.length > 0)
      e.add(
        'field-became-writable',
        subject,
        `${code(h.name)} can now be sent on ${gained.join(' and ')}${gained.includes('create') && h.createWire !== undefined ? ` (on create as ${code(h.createWire)})` : ''}`,
        at,
      );
    if ((b.placement ?? 'inside') !== (h.placement ?? 'inside') && (hw.length > 0 || bw.length > 0)) {
      e.add(
        'field-placement-changed',
        subject,
        `placement of ${code(h.name)} in request bodies: ${b.placement ?? 'inside the resource key'} → ${h.placement ?? 'inside the resource key'}`,
        at,
      );
    }
    diffCreateWire(e, subject, b, h, at);
    diffTolerated(e, subject, b, h, at);
    if (JSON.stringify(b.map ?? null) !== JSON.stringify(h.map ?? null))
      e.add(
        'fake-declaration-changed',
        subject,
        `key/value rows of ${code(h.name)}: ${JSON.stringify(b.map ?? null)} → ${JSON.stringify(h.map ?? null)}`,
        at,
      );
    if (b.deprecated !== h.deprecated) {
      e.add(
        'field-deprecated',
        subject,
        h.deprecated ? `${code(h.name)} deprecated: ${h.deprecated}` : `${code(h.name)} no longer deprecated`,
        at,
      );
    }
    diffType(
      e,
      subject,
      'field',
      { type: b.type, enum: b.enum },
      { type: h.type, enum: h.enum },
      at,
      `field ${code(h.name)} (wire ${code(h.wire)})`,
    );
    diffRange(e, subject, `field ${code(h.name)}`, b, h, at);
    const writeBound = b.writeMinVersion !== undefined || h.writeMinVersion !== undefined;
    if (
      writeBound &&
      (b.create || b.update) &&
      (h.create || h.update) &&
      (b.writeMinVersion ?? b.minVersion) !== (h.writeMinVersion ?? h.minVersion)
    ) {
      diffRange(
        e,
        subject,
        `sending field ${code(h.name)}`,
        { minVersion: b.writeMinVersion ?? b.minVersion },
        { minVersion: h.writeMinVersion ?? h.minVersion },
        at,
      );
    }
    if (b.description !== h.description)
      e.add('description-changed', subject, `description of field ${code(h.name)} changed`, at);
  }
}

/** `, \`force: true\` tolerated after it` for an added field: values that do not cap a call. */
function toleratedNote(f: FieldModel): string {
  const t = f.toleratedAfterMax;
  if (!t || f.maxVersion === undefined) return '';
  return ` (${code(`${f.name}: ${t.values.map((v) => JSON.stringify(v)).join(' | ')}`)} tolerated after it)`;
}

/**
 * `create_wire`: the key a field is sent under on create. Reported when the key a create sends
 * changes; a field that is not sent on create on both sides is reported as becoming writable or
 * read-only, and a wire rename with no create key of its own as field-wire-renamed.
 */
function diffCreateWire(e: Emitter, subject: string, b: FieldModel, h: FieldModel, at: Position): void {
  if (!b.create || !h.create || (b.createWire === undefined && h.createWire === undefined)) return;
  const before = b.createWire ?? b.wire;
  const after = h.createWire ?? h.wire;
  if (before === after) return;
  const name = code(h.name);
  if (b.createWire === undefined)
    e.add(
      'field-create-wire-added',
      subject,
      `${name} is sent on create as ${code(after)}, no longer as its wire name ${code(before)}`,
      at,
    );
  else if (h.createWire === undefined)
    e.add(
      'field-create-wire-removed',
      subject,
      `${name} is sent on create as its wire name ${code(after)}, no longer as ${code(before)}`,
      at,
    );
  else
    e.add('field-create-wire-changed', subject, `${name} is sent on create as ${code(after)}, was ${code(before)}`, at);
}

/**
 * `tolerated_after_max`: values that go out at any microversion although the field ends at
 * max_version. Only a field that is writable and still ends at a max_version in the head caps a
 * call; without one (max_version removed, or the field read-only) the range and write rules say
 * what changed.
 */
function diffTolerated(e: Emitter, subject: string, b: FieldModel, h: FieldModel, at: Position): void {
  const max = h.maxVersion;
  if (max === undefined || !(h.create || h.update)) return;
  const bt = b.toleratedAfterMax;
  const ht = h.toleratedAfterMax;
  const bv = b.maxVersion === undefined ? [] : (bt?.values ?? []);
  const hv = ht?.values ?? [];
  const name = code(h.name);
  const values = (vs: readonly (string | number | boolean)[]): string =>
    code(`${h.name}: ${vs.map((v) => JSON.stringify(v)).join(' | ')}`);
  const gained = hv.filter((v) => !bv.includes(v));
  const lost = bv.filter((v) => !hv.includes(v));
  if (lost.length > 0)
    e.add(
      'field-tolerated-value-removed',
      subject,
      `${values(lost)} is no longer tolerated after microversion ${max}: a call sending it is capped at ${max}, and refused before sending when a later microversion is pinned`,
      at,
    );
  if (gained.length > 0)
    e.add(
      'field-tolerated-value-added',
      subject,
      `${values(gained)} is tolerated after microversion ${max}: sent at any microversion (the cloud accepts and ignores it) instead of capping the call at ${max}`,
      at,
    );
  if (bt && ht && b.maxVersion !== undefined && bt.message !== ht.message)
    e.add(
      'field-tolerated-message-changed',
      subject,
      `Cinder's 400 for other values of ${name} after microversion ${max}: ${JSON.stringify(bt.message)} → ${JSON.stringify(ht.message)}`,
      at,
    );
}

/** Matches by name; leftovers with the same wire identity are renames. */
function matchByNameThenWire<T extends { readonly name: string }>(
  base: readonly T[],
  head: readonly T[],
  wire: (x: T) => string,
): { matched: [T, T][]; removed: T[]; added: T[] } {
  const hByName = new Map(head.map((x) => [x.name, x]));
  const bNames = new Set(base.map((x) => x.name));
  const matched: [T, T][] = [];
  const removed: T[] = [];
  const added = head.filter((x) => !bNames.has(x.name));
  for (const b of base) {
    const h = hByName.get(b.name);
    if (h) matched.push([b, h]);
    else removed.push(b);
  }
  for (const b of [...removed]) {
    const twin = added.find((a) => wire(a) === wire(b));
    if (!twin) continue;
    removed.splice(removed.indexOf(b), 1);
    added.splice(added.indexOf(twin), 1);
    matched.push([b, twin]);
  }
  return { matched, removed, added };
}

// ---------------------------------------------------------------------------------------------
// Operations

/** The action key of a POST …/action body: `os-extend` in {"os-extend": {…}}. */
export function actionKey(op: OperationModel): string | undefined {
  if (op.kind !== 'action' || !op.body || op.body === 'resource') return undefined;
  if (op.body.kind === 'object' && op.body.entries.length === 1) return op.body.entries[0][0];
  if (
    op.body.kind === 'literal' &&
    op.body.value &&
    typeof op.body.value === 'object' &&
    !Array.isArray(op.body.value)
  ) {
    const keys = Object.keys(op.body.value);
    if (keys.length === 1) return keys[0];
  }
  return undefined;
}

function opLabel(op: OperationModel): string {
  const key = actionKey(op);
  return key ? `action ${code(op.id)} (${code(key)})` : `operation ${code(op.id)} (${op.method} ${op.path})`;
}

function diffOperations(e: Emitter, b: ResourceModel, h: ResourceModel, ctx: Context): void {
  const pairs = matchByNameThenWire(
    b.operations,
    h.operations,
    (op) => `${op.method} ${op.path} ${actionKey(op) ?? ''}`,
  );
  for (const op of pairs.removed)
    e.add(op.kind === 'action' ? 'action-removed' : 'operation-removed', op.id, `${opLabel(op)} removed`, op.source);
  for (const op of pairs.added)
    e.add(
      op.kind === 'action' ? 'action-added' : 'operation-added',
      op.id,
      `${opLabel(op)} added${e.bounds(op)}${op.fallback ? `; ${fallbackLabel(op.fallback)}` : ''}`,
      op.source,
    );
  for (const [bo, ho] of pairs.matched) {
    ctx.ops.set(`${b.name}.${bo.name}`, `${h.name}.${ho.name}`);
    const subject = ho.id;
    const at = ho.source;
    if (bo.name !== ho.name)
      e.add('operation-renamed', subject, `operation ${code(bo.id)} renamed to ${code(ho.id)} (same request)`, at);
    if (bo.description !== ho.description)
      e.add('description-changed', subject, `description of ${code(ho.id)} changed`, at);
    if (bo.method !== ho.method)
      e.add('operation-method-changed', subject, `${code(ho.id)} method ${bo.method} → ${ho.method} (${ho.path})`, at);
    if (normPath(bo.path) !== normPath(ho.path))
      e.add('operation-path-changed', subject, `${code(ho.id)} path ${code(bo.path)} → ${code(ho.path)}`, at);
    if ((bo.base ?? 'endpoint') !== (ho.base ?? 'endpoint')) {
      e.add(
        'operation-path-changed',
        subject,
        `${code(ho.id)} path is now relative to the ${ho.base === 'version' ? 'version root' : 'catalog endpoint'}`,
        at,
      );
    }
    if (normPath(bo.detailPath) !== normPath(ho.detailPath))
      e.add(
        'operation-path-changed',
        subject,
        `${code(ho.id)} detail path ${code(bo.detailPath)} → ${code(ho.detailPath)}`,
        at,
      );
    const bk = actionKey(bo);
    const hk = actionKey(ho);
    if (bk && hk && bk !== hk)
      e.add('action-renamed', subject, `action key of ${code(ho.id)}: ${code(bk)} → ${code(hk)}`, at);
    else if (bodySkeleton(bo.body) !== bodySkeleton(ho.body)) {
      e.add(
        'operation-body-changed',
        subject,
        `fixed request body of ${code(ho.id)}: ${bodySkeleton(bo.body)} → ${bodySkeleton(ho.body)}`,
        at,
      );
    }
    // A renamed resource is still the same response.
    const bResponse =
      bo.response.kind === 'resource'
        ? { ...bo.response, resource: ctx.resources.get(bo.response.resource) ?? bo.response.resource }
        : bo.response;
    if (responseLabel(bResponse) !== responseLabel(ho.response)) {
      e.add(
        'operation-response-changed',
        subject,
        `${code(ho.id)} returns ${responseLabel(bo.response)} → ${responseLabel(ho.response)}`,
        at,
      );
    }
    // A side built by an older builder (`--builder revision`) may predate `echo`.
    const echoOf = (op: OperationModel): boolean => (op as Partial<OperationModel>).echo ?? false;
    if (echoOf(bo) !== echoOf(ho))
      e.add(
        'fake-declaration-changed',
        subject,
        `${code(ho.id)} ${echoOf(ho) ? 'answers the body it was sent' : 'no longer answers the body it was sent'}`,
        at,
      );
    diffRange(e, subject, code(ho.id), bo, ho, at);
    diffRoutes(e, bo, ho);
    diffFallback(e, subject, bo, ho, at);
    diffPolicy(e, subject, bo, ho, at);
    const changed = diffArgs(e.of('arg'), bo, ho);
    if (changed.size > 0) ctx.argChanges.set(`${h.name}.${ho.name}`, changed);
  }
}

/** Placeholder names do not matter on the wire: `/volumes/{volume_id}` = `/volumes/{id}`. */
function normPath(p: string | undefined): string | undefined {
  return p?.replace(/\{[^}]+\}/g, '{}');
}

function responseLabel(r: ResponseModel): string {
  switch (r.kind) {
    case 'none':
      return 'nothing';
    case 'merge':
      return 'fields merged into the target';
    case 'resource':
      return `${r.resource}${r.key ? ` under ${code(r.key)}` : ''}`;
    case 'value': {
      const path = r.keyPath?.map((k) => ('arg' in k ? `$${k.arg}` : k.literal)).join('.');
      const key = path ?? (r.keyArg ? `$${r.keyArg}` : r.key);
      return `${typeLabel(r.type)}${key ? ` under ${code(key)}` : ''}`;
    }
  }
}

/** The body without its argument holes (arguments are compared on their own). */
function bodySkeleton(body: BodyTemplate | 'resource' | undefined): string {
  if (body === 'resource') return 'the resource';
  // An object that holds only arguments is "any object of arguments"; under a key (an action) it
  // still shows as {} so that the key is part of the shape.
  const strip = (t: BodyTemplate, top: boolean): JsonValue | undefined => {
    switch (t.kind) {
      case 'literal':
        return t.value;
      case 'arg':
        return undefined;
      case 'self':
        return `$self.${t.field}`;
      case 'object': {
        const out: Record<string, JsonValue> = {};
        for (const [k, v] of t.entries) {
          if (v.kind === 'arg') continue;
          const inner = strip(v, false);
          out[k] = inner === undefined ? {} : inner;
        }
        return Object.keys(out).length === 0 && top ? undefined : out;
      }
      case 'array':
        return t.items.map((i) => {
          const inner = strip(i, false);
          return inner === undefined ? {} : inner;
        });
    }
  };
  const shape = body === undefined ? undefined : strip(body, true);
  return shape === undefined ? 'none' : JSON.stringify(shape);
}

function rangeLabel(r: VersionRange): string {
  return `${r.minVersion ?? ''}–${r.maxVersion ?? ''}`;
}

function diffRoutes(e: Emitter, b: OperationModel, h: OperationModel): void {
  const bRoutes = [...(b.routes ?? [])];
  const hRoutes = [...(h.routes ?? [])];
  const unmatchedB = bRoutes.filter((r) => !hRoutes.some((x) => rangeLabel(x) === rangeLabel(r)));
  const unmatchedH = hRoutes.filter((r) => !bRoutes.some((x) => rangeLabel(x) === rangeLabel(r)));
  for (const br of bRoutes) {
    const hr = hRoutes.find((x) => rangeLabel(x) === rangeLabel(br));
    if (!hr) continue;
    const subject = `${h.id} route ${rangeLabel(hr)}`;
    if (br.method !== hr.method)
      e.add(
        'operation-method-changed',
        subject,
        `${code(h.id)} at ${rangeLabel(hr)}: method ${br.method} → ${hr.method}`,
        h.source,
      );
    if (normPath(br.path) !== normPath(hr.path))
      e.add(
        'operation-path-changed',
        subject,
        `${code(h.id)} at ${rangeLabel(hr)}: path ${code(br.path)} → ${code(hr.path)}`,
        h.source,
      );
    if (normPath(br.detailPath) !== normPath(hr.detailPath)) {
      e.add(
        'operation-path-changed',
        subject,
        `${code(h.id)} at ${rangeLabel(hr)}: detail path ${code(br.detailPath)} → ${code(hr.detailPath)}`,
        h.source,
      );
    }
  }
  // A route whose range moved keeps its method and path.
  for (const br of [...unmatchedB]) {
    const hr = unmatchedH.find((x) => x.method === br.method && normPath(x.path) === normPath(br.path));
    if (!hr) continue;
    unmatchedB.splice(unmatchedB.indexOf(br), 1);
    unmatchedH.splice(unmatchedH.indexOf(hr), 1);
    diffRange(e, `${h.id} route ${hr.path}`, `route ${code(hr.path)} of ${code(h.id)}`, br, hr, h.source);
  }
  for (const r of unmatchedB)
    e.add(
      'route-removed',
      `${h.id} route ${rangeLabel(r)}`,
      `${code(h.id)} no longer routes ${rangeLabel(r)} to ${r.method} ${r.path}`,
      h.source,
    );
  for (const r of unmatchedH)
    e.add(
      'route-added',
      `${h.id} route ${rangeLabel(r)}`,
      `${code(h.id)} routes ${rangeLabel(r)} to ${r.method} ${r.path}`,
      h.source,
    );
}

type Fallback = NonNullable<OperationModel['fallback']>;

/** When a fallback retries, and where to: for an added operation. */
function fallbackLabel(f: Fallback): string {
  return `when answered ${f.status} with a message containing ${JSON.stringify(f.message)}, sent once more at ${f.method} ${f.path}`;
}

/** `fallback`: the retry an operation sends once, elsewhere, when the first answer matches. */
function diffFallback(e: Emitter, subject: string, bo: OperationModel, ho: OperationModel, at: Position): void {
  const b = bo.fallback;
  const h = ho.fallback;
  const when = (f: Fallback): string => `${f.status} ${JSON.stringify(f.message)}`;
  const where = (f: Fallback): string => `${f.method} ${f.path}`;
  if (!b && h)
    e.add(
      'operation-fallback-added',
      subject,
      `${code(ho.id)}, when answered ${h.status} with a message containing ${JSON.stringify(h.message)}, is sent once more at ${where(h)}`,
      at,
    );
  else if (b && !h)
    e.add(
      'operation-fallback-removed',
      subject,
      `${code(ho.id)} no longer retries at ${where(b)} when answered ${when(b)}: that answer is the caller's error`,
      at,
    );
  else if (b && h) {
    const changes: string[] = [];
    if (b.status !== h.status || b.message !== h.message) changes.push(`retried on ${when(b)} → ${when(h)}`);
    if (b.method !== h.method || normPath(b.path) !== normPath(h.path)) changes.push(`at ${where(b)} → ${where(h)}`);
    if (changes.length > 0)
      e.add('operation-fallback-changed', subject, `fallback of ${code(ho.id)}: ${changes.join('; ')}`, at);
  }
}

/** How many callers a default lets through: a larger number admits fewer. */
const POLICY_NARROWNESS: Readonly<Record<PolicyAllows, number>> = { reader: 0, member: 1, admin: 2 };

/** `policy`: the rule an operation is checked against and who its default allows. */
function diffPolicy(e: Emitter, subject: string, bo: OperationModel, ho: OperationModel, at: Position): void {
  // A base built by an older builder (`--builder revision`) has no policy: it reads as not declared.
  const b = (bo as Partial<OperationModel>).policy;
  const h = ho.policy;
  const label = (p: PolicyModel): string => `${code(p.rule)} (${p.allows})`;
  if (!b && h) e.add('policy-declared', subject, `${code(ho.id)} declares policy ${label(h)}`, h.source ?? at);
  else if (b && !h) e.add('policy-undeclared', subject, `${code(ho.id)} no longer declares policy ${label(b)}`, at);
  else if (b && h) {
    const order = POLICY_NARROWNESS[h.allows] - POLICY_NARROWNESS[b.allows];
    if (order > 0)
      e.add('policy-narrowed', subject, `policy of ${code(ho.id)}: ${label(b)} → ${label(h)}`, h.source ?? at);
    else if (order < 0)
      e.add('policy-widened', subject, `policy of ${code(ho.id)}: ${label(b)} → ${label(h)}`, h.source ?? at);
    else if (b.rule !== h.rule || b.message !== h.message)
      e.add(
        'policy-rule-renamed',
        subject,
        b.rule !== h.rule
          ? `policy rule of ${code(ho.id)}: ${code(b.rule)} → ${code(h.rule)}`
          : `refusal message of ${code(ho.id)}: ${JSON.stringify(b.message ?? null)} → ${JSON.stringify(h.message ?? null)}`,
        h.source ?? at,
      );
  }
}

// ---------------------------------------------------------------------------------------------
// Arguments

/** Where an argument goes on the wire: `query:all_tenants`, `body:os-retype.new_type`, `path:key`. */
function argWire(op: OperationModel, arg: ArgModel): string {
  if (arg.in === 'body' && op.body && op.body !== 'resource') {
    const at = bodyPathOf(op.body, arg.name, []);
    // Inside an action, the path below the action key (the key is compared on its own).
    if (at) return (actionKey(op) !== undefined && at[0] === actionKey(op) ? at.slice(1) : at).join('.');
  }
  return arg.wire;
}

function bodyPathOf(t: BodyTemplate, name: string, trail: string[]): string[] | undefined {
  if (t.kind === 'arg') return t.name === name ? trail : undefined;
  if (t.kind === 'object') {
    for (const [k, v] of t.entries) {
      const found = bodyPathOf(v, name, [...trail, k]);
      if (found) return found;
    }
  }
  if (t.kind === 'array') {
    for (const [i, v] of t.items.entries()) {
      const found = bodyPathOf(v, name, [...trail, String(i)]);
      if (found) return found;
    }
  }
  return undefined;
}

/** The key an argument is sent as, in full: `os-extend.force`, `?cascade`, `{volume_id}`. */
function sentAs(op: OperationModel, arg: ArgModel): string {
  if (arg.in === 'query') return `?${arg.wire}`;
  if (arg.in === 'path') return `{${arg.wire}}`;
  const at = op.body && op.body !== 'resource' ? bodyPathOf(op.body, arg.name, []) : undefined;
  return at ? at.join('.') : arg.wire;
}

function argLabel(op: OperationModel, arg: ArgModel): string {
  const where = arg.in === 'query' ? 'query parameter' : arg.in === 'path' ? 'path parameter' : 'body member';
  return `${where} ${code(arg.name)} (${code(argWire(op, arg))})`;
}

/** Compares arguments; returns the names (before and after) of those that changed. */
function diffArgs(e: Emitter, bo: OperationModel, ho: OperationModel): Set<string> {
  const changed = new Set<string>();
  const pairs = matchByNameThenWire(bo.args, ho.args, (a) => `${a.in}:${argWire(bo.args.includes(a) ? bo : ho, a)}`);
  const subject = (a: ArgModel): string => `${ho.id}(${a.name})`;
  // A row about an argument points at the argument (the base's for a removed one); models built by
  // an older builder have no argument positions, and point at the operation.
  const argAt = (a: ArgModel, op: OperationModel = ho): Position => a.source ?? op.source;
  for (const a of pairs.removed) {
    changed.add(a.name);
    e.add('arg-removed', subject(a), `${code(bo.id)} loses ${argLabel(bo, a)}`, argAt(a, bo));
  }
  for (const a of pairs.added) {
    changed.add(a.name);
    if (a.required)
      e.add(
        'arg-added-required',
        subject(a),
        `${code(ho.id)} gains required ${argLabel(ho, a)}${e.bounds(a)}`,
        argAt(a),
      );
    else if (a.default !== undefined)
      e.add(
        'arg-added-with-default',
        subject(a),
        `${code(ho.id)} gains ${argLabel(ho, a)}, always sent (default ${JSON.stringify(a.default)})${e.bounds(a)}`,
        argAt(a),
      );
    else
      e.add(
        'arg-added-optional',
        subject(a),
        `${code(ho.id)} gains optional ${argLabel(ho, a)}${e.bounds(a)}`,
        argAt(a),
      );
  }
  for (const [b, h] of pairs.matched) {
    const before = e.count();
    if (b.name !== h.name)
      e.add(
        'arg-renamed',
        subject(h),
        `${code(ho.id)} argument ${code(b.name)} renamed to ${code(h.name)} (wire ${code(argWire(ho, h))} unchanged)`,
        argAt(h),
      );
    if (b.in !== h.in) {
      e.add(
        'arg-location-changed',
        subject(h),
        `${code(ho.id)} argument ${code(h.name)} moved from the ${b.in} to the ${h.in}`,
        argAt(h),
      );
    } else if (argWire(bo, b) !== argWire(ho, h)) {
      e.add(
        'arg-wire-renamed',
        subject(h),
        `${code(ho.id)} argument ${code(h.name)} is sent as ${code(argWire(ho, h))}, was ${code(argWire(bo, b))}`,
        argAt(h),
      );
    }
    if (!b.required && h.required)
      e.add('arg-became-required', subject(h), `${code(ho.id)} argument ${code(h.name)} is now required`, argAt(h));
    if (b.required && !h.required)
      e.add('arg-became-optional', subject(h), `${code(ho.id)} argument ${code(h.name)} is now optional`, argAt(h));
    // Gaining a default is not a changed default: the key, sent only when given so far, is now sent
    // on every call (what arg-added-with-default says of a new argument).
    if (b.default === undefined && h.default !== undefined) {
      e.add(
        'arg-default-added',
        subject(h),
        `${code(ho.id)} argument ${code(h.name)} now defaults to ${JSON.stringify(h.default)}: ${code(sentAs(ho, h))} is sent on every call, also by callers that leave it out`,
        argAt(h),
      );
    } else if (b.default !== undefined && h.default === undefined) {
      e.add(
        'arg-default-removed',
        subject(h),
        `${code(ho.id)} argument ${code(h.name)} no longer defaults to ${JSON.stringify(b.default)}: ${code(sentAs(ho, h))} is sent only when given`,
        argAt(h),
      );
    } else if (JSON.stringify(b.default) !== JSON.stringify(h.default)) {
      e.add(
        'arg-default-changed',
        subject(h),
        `${code(ho.id)} argument ${code(h.name)} default ${JSON.stringify(b.default)} → ${JSON.stringify(h.default)}`,
        argAt(h),
      );
    }
    diffType(
      e,
      subject(h),
      'arg',
      { type: b.type, enum: b.enum, ref: b.ref },
      { type: h.type, enum: h.enum, ref: h.ref },
      argAt(h),
      `argument ${code(h.name)} of ${code(ho.id)} (wire ${code(sentAs(ho, h))})`,
    );
    diffRange(e, subject(h), `argument ${code(h.name)} of ${code(ho.id)}`, b, h, argAt(h));
    if (e.count() > before) {
      changed.add(b.name);
      changed.add(h.name);
    }
    if (b.description !== h.description)
      e.add(
        'description-changed',
        subject(h),
        `description of argument ${code(h.name)} of ${code(ho.id)} changed`,
        argAt(h),
      );
  }
  return changed;
}

// ---------------------------------------------------------------------------------------------
// Types

interface TypeInfo {
  readonly type: TypeRef;
  readonly enum?: readonly string[] | undefined;
  readonly ref?: string | undefined;
}

function typeLabel(t: TypeRef): string {
  switch (t.kind) {
    case 'scalar':
      return t.name;
    case 'list':
    case 'map':
      return `${t.kind}<${typeLabel(t.of)}>`;
    default:
      return t.name;
  }
}

function infoLabel(t: TypeInfo): string {
  return t.ref ? `ref ${t.ref}` : typeLabel(t.type);
}

/** The TypeScript type callers see (enums are compared on their own). */
function tsOf(t: TypeInfo): string {
  return t.ref ? `string | ${t.ref}` : tsType(t.type);
}

/** The JSON encoding on the wire. */
function wireOf(t: TypeRef): string {
  switch (t.kind) {
    case 'scalar':
      return t.name === 'boolstr' ? 'string("true"|"false")' : t.name;
    case 'list':
      return `array<${wireOf(t.of)}>`;
    case 'map':
      return `object<${wireOf(t.of)}>`;
    case 'struct':
      return `object:${t.name}`;
    case 'resource':
      return 'object';
  }
}

/** True when every value of `b` is a value of `h`. */
function accepts(h: TypeInfo, b: TypeInfo): boolean {
  if (h.type.kind === 'scalar' && h.type.name === 'any') return true;
  if (b.ref && !h.ref) return false;
  if (h.ref && !b.ref)
    return h.type.kind === 'scalar' && h.type.name === 'string' && b.type.kind === 'scalar' && b.type.name === 'string';
  const ht = h.type;
  const bt = b.type;
  if (ht.kind === 'scalar' && bt.kind === 'scalar')
    return ht.name === bt.name || (ht.name === 'number' && bt.name === 'integer');
  if ((ht.kind === 'list' && bt.kind === 'list') || (ht.kind === 'map' && bt.kind === 'map'))
    return accepts({ type: ht.of }, { type: bt.of });
  if (ht.kind === 'scalar' && ht.name === 'object') return bt.kind === 'map' || bt.kind === 'struct';
  return typeLabel(ht) === typeLabel(bt);
}

function diffType(
  e: Emitter,
  subject: string,
  role: 'field' | 'arg',
  b: TypeInfo,
  h: TypeInfo,
  at: Position,
  /** What changed, for the message: `field \`enabled\` (wire \`bootable\`)` (the report shows no subject). */
  label: string,
): void {
  const sameTs = tsOf(b) === tsOf(h);
  const sameWire = wireOf(b.type) === wireOf(h.type);
  const what = `type of ${label}: ${infoLabel(b)} → ${infoLabel(h)}`;
  if (!sameTs || !sameWire) {
    if (sameTs) {
      const widened =
        b.type.kind === 'scalar' && b.type.name === 'integer' && h.type.kind === 'scalar' && h.type.name === 'number';
      e.add(
        widened ? 'type-widened' : 'type-encoding-changed',
        subject,
        `${what} (TypeScript ${tsOf(h)} either way; JSON ${wireOf(b.type)} → ${wireOf(h.type)})`,
        at,
      );
    } else if (role === 'arg' && accepts(h, b)) {
      e.add('type-widened', subject, `${what} (accepts everything it did)`, at);
    } else {
      e.add('type-changed', subject, `${what} (TypeScript ${tsOf(b)} → ${tsOf(h)})`, at);
    }
  }
  const be = b.enum ?? [];
  const he = h.enum ?? [];
  if (be.length === 0 && he.length > 0)
    e.add('enum-added', subject, `${label} restricted to ${he.map((v) => code(v)).join(' | ')}`, at);
  else if (be.length > 0 && he.length === 0)
    e.add('enum-removed', subject, `${label} no longer restricted to ${be.map((v) => code(v)).join(' | ')}`, at);
  else {
    const removed = be.filter((v) => !he.includes(v));
    const added = he.filter((v) => !be.includes(v));
    if (removed.length > 0)
      e.add('enum-value-removed', subject, `enum of ${label} loses ${removed.map((v) => code(v)).join(', ')}`, at);
    if (added.length > 0)
      e.add('enum-value-added', subject, `enum of ${label} gains ${added.map((v) => code(v)).join(', ')}`, at);
  }
}

// ---------------------------------------------------------------------------------------------
// Microversion ranges

function diffRange(
  e: Emitter,
  subject: string,
  what: string,
  b: VersionRange,
  h: VersionRange,
  at: Position | string,
): void {
  const bMin = b.minVersion;
  const hMin = h.minVersion;
  const bMax = b.maxVersion;
  const hMax = h.maxVersion;
  if (bMin !== hMin) {
    const raised = hMin !== undefined && (bMin === undefined || compareVersions(hMin, bMin) > 0);
    e.add(
      raised ? 'microversion-min-raised' : 'microversion-min-lowered',
      subject,
      `${what}: minimum microversion ${bMin ?? 'none'} → ${hMin ?? 'none'}`,
      at,
    );
  }
  if (bMax !== hMax) {
    const lowered = hMax !== undefined && (bMax === undefined || compareVersions(hMax, bMax) < 0);
    e.add(
      lowered ? 'microversion-max-lowered' : 'microversion-max-raised',
      subject,
      `${what}: maximum microversion ${bMax ?? 'none'} → ${hMax ?? 'none'}`,
      at,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Proxy methods

interface MethodEntry {
  readonly method: ProxyMethodModel;
  readonly resource: ResourceModel | undefined;
}

/**
 * What a method sends: its operations (base operations by the name of the head operation they
 * became, so that renaming one is not a change here), switches with their conditions and ranges,
 * loops.
 */
function callPlan(m: ProxyMethodModel, resource: ResourceModel | undefined, ops?: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  if (m.kind === 'waitStatus' || m.kind === 'waitDelete') return m.kind;
  const op = (name: string | undefined): string => {
    if (name === undefined) return '-';
    const id = `${resource?.name ?? ''}.${name}`;
    return `\`${ops?.get(id) ?? id}\``;
  };
  if (m.find) parts.push(`find (get ${op(m.find.get)}, list ${op(m.find.list)})`);
  if (m.plan) parts.push(`${op(m.plan.operation)}${m.plan.forEach ? ` for each of ${m.plan.forEach.param}` : ''}`);
  for (const s of m.switches ?? []) {
    parts.push(
      `if ${s.if}${s.minVersion || s.maxVersion ? ` at ${rangeLabel(s)}` : ''}: ${op(s.operation)}${s.forEach ? ` for each of ${s.forEach.param}` : ''}`,
    );
  }
  return parts.join('; ');
}

function diffMethods(
  e: Emitter,
  bService: ServiceModel,
  hService: ServiceModel,
  base: readonly MethodEntry[],
  head: readonly MethodEntry[],
  ctx: Context,
): void {
  const hByName = new Map(head.map((x) => [x.method.name, x]));
  const bNames = new Set(base.map((x) => x.method.name));
  const added = head.filter((x) => !bNames.has(x.method.name));
  const removed = base.filter((x) => !hByName.has(x.method.name));
  const matched: [MethodEntry, MethodEntry][] = base
    .filter((x) => hByName.has(x.method.name))
    .map((x) => [x, hByName.get(x.method.name)!]);
  const owner = (x: MethodEntry): string => x.resource?.name ?? '';
  const identity = (x: MethodEntry, ops?: ReadonlyMap<string, string>): string =>
    `${x.method.kind}|${callPlan(x.method, x.resource, ops)}`;
  for (const b of [...removed]) {
    const twin = added.find((a) => identity(a) === identity(b, ctx.ops));
    if (!twin) continue;
    removed.splice(removed.indexOf(b), 1);
    added.splice(added.indexOf(twin), 1);
    e.forResource(owner(twin), 'method').add(
      'method-renamed',
      `${hService.className}.${twin.method.name}`,
      `method ${code(b.method.name)} renamed to ${code(twin.method.name)}`,
      twin.method.source,
    );
    matched.push([b, twin]);
  }
  for (const x of removed)
    e.forResource(owner(x), 'method').add(
      'method-removed',
      `${bService.className}.${x.method.name}`,
      `method ${code(x.method.name)} removed`,
      x.method.source,
    );
  for (const x of added) {
    const re = e.forResource(owner(x), 'method');
    const op = x.method.plan && x.resource?.operations.find((o) => o.name === x.method.plan!.operation);
    re.add(
      'method-added',
      `${hService.className}.${x.method.name}`,
      `method ${code(x.method.name)} added${op ? re.bounds(op) : ''}`,
      x.method.source,
    );
    // A method born deprecated (an alias kept for openstacksdk's name) says so, and where to go.
    if (x.method.deprecated)
      re.add(
        'method-deprecated',
        `${hService.className}.${x.method.name}`,
        `${code(x.method.name)} added deprecated: ${x.method.deprecated}`,
        x.method.source,
      );
  }

  for (const [b, h] of matched) {
    const re = e.forResource(owner(h), 'method');
    const m = h.method;
    const subject = `${hService.className}.${m.name}`;
    const at = m.source;
    if (b.method.deprecated !== m.deprecated) {
      re.add(
        'method-deprecated',
        subject,
        m.deprecated ? `${code(m.name)} deprecated: ${m.deprecated}` : `${code(m.name)} no longer deprecated`,
        at,
      );
    }
    const explicitDescription = (x: MethodEntry): string | undefined => {
      const op = x.method.plan && x.resource?.operations.find((o) => o.name === x.method.plan!.operation);
      return op && op.description === x.method.description ? undefined : x.method.description;
    };
    if (explicitDescription(b) !== explicitDescription(h) && b.method.description !== m.description) {
      re.add('description-changed', subject, `description of method ${code(m.name)} changed`, at);
    }
    const bPlan = callPlan(b.method, b.resource, ctx.ops);
    const hPlan = callPlan(m, h.resource);
    if (bPlan !== hPlan)
      re.add(
        'method-operation-changed',
        subject,
        `${code(m.name)} sends ${bPlan || 'nothing'} → ${hPlan || 'nothing'}`,
        at,
      );
    diffSignature(re, subject, bService, b, hService, h, ctx);
  }
}

interface Sig {
  readonly positional: readonly string[];
  readonly options: ReadonlyMap<string, string>;
  readonly returns: string;
}

/** The method's signature without the parameters whose argument changed (reported already). */
function signatureOf(service: ServiceModel, entry: MethodEntry, skip: ReadonlySet<string>): Sig {
  const m = entry.method;
  if (m.kind === 'waitStatus' || m.kind === 'waitDelete')
    return { positional: [m.kind], options: new Map(), returns: m.kind };
  const sig = methodSignature(service, entry.resource, m);
  const mentions = new Set<string>();
  const isSkipped = (name: string): boolean => {
    const p = m.params.find((x) => x.name === name);
    return p !== undefined && p.role.kind === 'arg' && skip.has(name);
  };
  const positional = sig.params
    .filter((p) => p.name !== 'options' && !isSkipped(p.name))
    .map((p) => `${p.name}${p.optional || p.initializer ? '?' : ''}: ${p.type}`);
  const options = new Map<string, string>();
  for (const p of sig.optionsInterface?.members ?? [])
    if (!isSkipped(p.name)) options.set(p.name, paramType(p, mentions));
  return { positional, options, returns: sig.returnType };
}

function diffSignature(
  e: Emitter,
  subject: string,
  bService: ServiceModel,
  b: MethodEntry,
  hService: ServiceModel,
  h: MethodEntry,
  ctx: Context,
): void {
  const opsOf = (x: MethodEntry, ops?: ReadonlyMap<string, string>): string[] =>
    [
      x.method.plan?.operation,
      ...(x.method.switches ?? []).map((s) => s.operation),
      x.method.find?.get,
      x.method.find?.list,
    ]
      .filter((o): o is string => o !== undefined)
      .map((o) => `${x.resource?.name}.${o}`)
      .map((id) => ops?.get(id) ?? id);
  const skip = new Set<string>();
  for (const key of [...opsOf(b, ctx.ops), ...opsOf(h)])
    for (const name of ctx.argChanges.get(key) ?? []) skip.add(name);
  const bs = signatureOf(bService, b, skip);
  const hs = signatureOf(hService, h, skip);
  const m = h.method.name;
  if (bs.returns !== hs.returns)
    e.add(
      'method-signature-changed',
      subject,
      `${code(m)} returns ${code(bs.returns)} → ${code(hs.returns)}`,
      h.method.source,
    );
  if (bs.positional.join(', ') !== hs.positional.join(', ')) {
    e.add(
      'method-signature-changed',
      subject,
      `${code(m)} parameters (${bs.positional.join(', ')}) → (${hs.positional.join(', ')})`,
      h.method.source,
    );
  }
  const lost = [...bs.options].filter(([k, t]) => hs.options.get(k) !== t);
  const gained = [...hs.options].filter(([k]) => !bs.options.has(k));
  if (lost.length > 0) {
    const text = lost
      .map(([k, t]) => (hs.options.has(k) ? `${k}: ${t} → ${hs.options.get(k)}` : `${k} removed`))
      .join('; ');
    e.add('method-signature-changed', subject, `${code(m)} options: ${text}`, h.method.source);
  }
  for (const [k, t] of gained)
    e.add('method-option-added', subject, `${code(m)} gains option ${code(`${k}?: ${t}`)}`, h.method.source);
  // A method's own default for a query argument (find.defaults): sent by callers that leave it out.
  const defaults = (x: MethodEntry): Map<string, { value: string | number | boolean; wire: string }> =>
    new Map(
      x.method.params.flatMap((p) =>
        p.role.kind === 'arg' && p.role.arg.in === 'query' && p.role.arg.default !== undefined
          ? [[p.name, { value: p.role.arg.default, wire: p.role.arg.wire }] as const]
          : [],
      ),
    );
  const bd = defaults(b);
  const hd = defaults(h);
  for (const [name, d] of hd) {
    const before = bd.get(name);
    if (before === undefined)
      e.add(
        'arg-default-added',
        subject,
        `${code(m)} option ${code(name)} now defaults to ${JSON.stringify(d.value)}: ${code(`${d.wire}=${String(d.value)}`)} is sent on every call, also by callers that leave it out`,
        h.method.source,
      );
    else if (before.value !== d.value)
      e.add(
        'arg-default-changed',
        subject,
        `${code(m)} option ${code(name)} default ${JSON.stringify(before.value)} → ${JSON.stringify(d.value)}`,
        h.method.source,
      );
  }
  for (const [name, d] of bd)
    if (!hd.has(name))
      e.add(
        'arg-default-removed',
        subject,
        `${code(m)} option ${code(name)} no longer defaults to ${JSON.stringify(d.value)}: ${code(d.wire)} is sent only when given`,
        h.method.source,
      );
}
