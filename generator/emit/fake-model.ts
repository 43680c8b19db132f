/**
 * `generated/fake-model.json`: what the fake cloud (`openstack-block-storage/testing`) needs of the
 * spec, prebuilt so that the fake starts without reading YAML: every operation of every version with
 * its routes, microversion bounds, arguments, body and response shapes and success status, the
 * resources' fields and structs, and the lifecycles of the `status` sections. Descriptions are left
 * out. The shape is `FakeModel` (fake/model.ts), which the fake reads.
 */
import type {
  FakeArg,
  FakeBody,
  FakeCondition,
  FakeLookups,
  FakeOperand,
  FakeQuery,
  FakeRules,
  FakeTemplate,
  FakeField,
  FakeMadeBy,
  FakeMembers,
  FakeModel,
  FakeOperation,
  FakeQuota,
  FakeQuotaKey,
  FakeResource,
  FakeResponse,
  FakeService,
  FakeTransition,
  FakeEffect,
  FakeRelations,
  FakeValue,
} from '../../fake/model.js';
import type {
  EffectValue,
  RelationsModel,
  ArgModel,
  BodyTemplate,
  FieldModel,
  HttpMethod,
  MembersModel,
  OperationModel,
  QuotaKeyModel,
  QuotaModel,
  ResourceModel,
  ServiceModel,
  SpecModel,
  TypeRef,
  VersionRange,
} from '../model/types.js';

export const FAKE_MODEL_FILE = 'generated/fake-model.json';

/** A type as the spec writes it: `list<map<string>>`, `Volume`. */
function typeText(t: TypeRef): string {
  switch (t.kind) {
    case 'scalar':
      return t.name;
    case 'list':
      return `list<${typeText(t.of)}>`;
    case 'map':
      return `map<${typeText(t.of)}>`;
    case 'struct':
    case 'resource':
      return t.name;
  }
}

function range(r: VersionRange): { min?: string; max?: string } {
  return { ...(r.minVersion ? { min: r.minVersion } : {}), ...(r.maxVersion ? { max: r.maxVersion } : {}) };
}

function field(f: FieldModel): FakeField {
  return {
    name: f.name,
    wire: f.wire,
    type: typeText(f.type),
    ...range(f),
    ...(f.create ? { create: true as const } : {}),
    ...(f.update ? { update: true as const } : {}),
    ...(f.placement ? { placement: f.placement } : {}),
    ...(f.writeMinVersion ? { writeMin: f.writeMinVersion } : {}),
    ...(f.createWire ? { createWire: f.createWire } : {}),
    ...(f.toleratedAfterMax
      ? { toleratedAfterMax: { values: [...f.toleratedAfterMax.values], message: f.toleratedAfterMax.message } }
      : {}),
    ...(f.enum ? { enum: f.enum } : {}),
    ...(f.map
      ? {
          map: {
            ...(f.map.missing !== undefined ? { missing: f.map.missing } : {}),
            ...(f.map.missingOnRead !== undefined ? { missingOnRead: f.map.missingOnRead } : {}),
            ...(f.map.mergeOnUpdate ? { mergeOnUpdate: true as const } : {}),
            ...(f.map.set.length > 0 ? { set: f.map.set } : {}),
            ...(f.map.unset.length > 0 ? { unset: f.map.unset } : {}),
            ...(f.map.show.length > 0 ? { show: f.map.show } : {}),
            ...(f.map.admin.length > 0 ? { admin: f.map.admin } : {}),
          },
        }
      : {}),
    ...(f.serverDefault ? { serverDefault: { ...f.serverDefault } } : {}),
  };
}

function arg(a: ArgModel): FakeArg {
  return {
    name: a.name,
    wire: a.wire,
    in: a.in,
    type: typeText(a.type),
    ...range(a),
    ...(a.ref ? { ref: a.ref } : {}),
    ...(a.required ? { required: true as const } : {}),
    ...(a.enum ? { enum: a.enum } : {}),
    ...(a.default !== undefined ? { default: a.default } : {}),
  };
}

function body(b: BodyTemplate, wireOf: (field: string) => string): FakeBody {
  switch (b.kind) {
    case 'literal':
      return { kind: 'literal', value: b.value };
    case 'arg':
      return { kind: 'arg', arg: b.name };
    case 'self':
      return { kind: 'self', field: wireOf(b.field) };
    case 'array':
      return { kind: 'array', items: b.items.map((i) => body(i, wireOf)) };
    case 'object':
      return {
        kind: 'object',
        entries: b.entries.map(([key, value, keyArg]) =>
          keyArg ? ([key, body(value, wireOf), keyArg.arg] as const) : ([key, body(value, wireOf)] as const),
        ),
      };
  }
}

function response(resource: ResourceModel, op: OperationModel): FakeResponse {
  const r = op.response;
  switch (r.kind) {
    case 'none':
      return { kind: r.kind };
    case 'merge': {
      // Merged fields come wrapped in the resource key where the spec's examples show Cinder so
      // answering (an attachment's update), bare otherwise (a service's enable).
      const key = resource.resourceKey;
      const wrapped =
        key !== undefined &&
        successesOf(resource, op).some(
          (x) => typeof x.answer === 'object' && x.answer !== null && !Array.isArray(x.answer) && key in x.answer,
        );
      return wrapped ? { kind: 'merge', key } : { kind: 'merge' };
    }
    case 'resource':
      return { kind: 'resource', resource: r.resource, ...(r.key ? { key: r.key } : {}) };
    case 'value':
      return {
        kind: 'value',
        ...(r.key ? { key: r.key } : {}),
        ...(r.keyArg ? { keyArg: r.keyArg } : {}),
        ...(r.keyPath
          ? { keyPath: r.keyPath.map((k) => ('literal' in k ? { literal: k.literal } : { arg: k.arg })) }
          : {}),
        type: typeText(r.type),
      };
  }
}

const DEFAULT_STATUS: Readonly<Record<OperationModel['kind'], number>> = {
  create: 202,
  get: 200,
  update: 200,
  delete: 202,
  list: 200,
  action: 202,
  request: 200,
};

/** The single key of an action body (`os-extend`), which picks the operation on a shared …/action path. */
function actionKey(op: OperationModel): string | undefined {
  if (!op.body || op.body === 'resource') return undefined;
  if (op.body.kind === 'object' && op.body.entries.length === 1) return op.body.entries[0][0];
  return undefined;
}

interface Success {
  readonly method: HttpMethod;
  readonly path: string;
  readonly body: unknown;
  readonly status: number;
  /** The answer's body. */
  readonly answer: unknown;
}

const successCache = new WeakMap<ResourceModel, readonly Success[]>();

/** The 2xx exchanges of every example of a resource, read once per resource rather than per operation. */
function successes(resource: ResourceModel): readonly Success[] {
  let list = successCache.get(resource);
  if (!list) {
    list = resource.methods.flatMap((m) =>
      m.examples.flatMap((e) =>
        e.exchanges
          .filter((x) => x.response.status >= 200 && x.response.status < 300)
          .map((x) => ({
            method: x.request.method,
            path: x.request.path.split('?')[0],
            body: x.request.body,
            status: x.response.status,
            answer: x.response.body,
          })),
      ),
    );
    successCache.set(resource, list);
  }
  return list;
}

/** The 2xx exchanges of the resource's examples that reach this operation. */
function successesOf(resource: ResourceModel, op: OperationModel): Success[] {
  const paths = [op.path, op.detailPath, ...op.routes.flatMap((r) => [r.path, r.detailPath])].filter(
    (p): p is string => p !== undefined,
  );
  const patterns = paths.map(
    (p) =>
      new RegExp(
        `^${p
          .split(/\{[^}]+\}/)
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]+')}$`,
      ),
  );
  const methods = new Set([op.method, ...op.routes.map((r) => r.method)]);
  const key = actionKey(op);
  const found: Success[] = [];
  for (const x of successes(resource)) {
    if (!methods.has(x.method) || !patterns.some((re) => re.test(x.path))) continue;
    if (op.kind === 'action') {
      const b = x.body;
      if (!key || !b || typeof b !== 'object' || Array.isArray(b) || !(key in b)) continue;
    }
    found.push(x);
  }
  return found;
}

/** The success status the spec's examples show for the operation; the kind's usual one without. */
function successStatus(resource: ResourceModel, op: OperationModel): number {
  const found = successesOf(resource, op).map((x) => x.status);
  // The most frequent one; ties go to the lowest, so the choice does not depend on example order.
  const counts = new Map<number, number>();
  for (const s of found) counts.set(s, (counts.get(s) ?? 0) + 1);
  const best = [...counts].sort(([a, n], [b, m]) => m - n || a - b)[0];
  return best ? best[0] : DEFAULT_STATUS[op.kind];
}

function operation(resource: ResourceModel, op: OperationModel, wireOf: (f: string) => string): FakeOperation {
  return {
    id: op.id,
    name: op.name,
    kind: op.kind,
    method: op.method,
    path: op.path,
    ...(op.detailPath ? { detailPath: op.detailPath } : {}),
    base: op.base,
    ...range(op),
    routes: op.routes.map((r) => ({
      method: r.method,
      path: r.path,
      ...(r.detailPath ? { detailPath: r.detailPath } : {}),
      ...range(r),
    })),
    args: op.args.map(arg),
    ...(op.body === 'resource' ? { body: 'resource' as const } : op.body ? { body: body(op.body, wireOf) } : {}),
    response: response(resource, op),
    ...(op.bareResponse ? { bare: true as const } : {}),
    ...(op.echo ? { echo: true as const } : {}),
    status: successStatus(resource, op),
    ...(op.policy
      ? {
          policy: {
            rule: op.policy.rule,
            allows: op.policy.allows,
            ...(op.policy.message !== undefined ? { message: op.policy.message } : {}),
          },
        }
      : {}),
    ...(op.aggregate
      ? {
          aggregate: Object.fromEntries(
            op.aggregate.map((a) => [a.wire, { measure: a.measure, ...(a.of !== undefined ? { field: a.of } : {}) }]),
          ),
        }
      : {}),
  };
}

/** TypeScript field name → wire name, per resource of the service. */
type WireOf = (resource: string, field: string) => string;

/**
 * The `checks`, `copy`, `creates` and `answers` of a resource with wire names: its own fields
 * (`.field`), the fields of looked-up, queried, copied and created records of other resources.
 */
function rules(r: ResourceModel, wireOf: WireOf): FakeRules | undefined {
  const model = r.rules;
  if (!model) return undefined;
  const query = (q: FakeQuery, lookups: ReadonlyMap<string, string>): FakeQuery => ({
    resource: q.resource,
    ...(q.id ? { id: operand(q.id, lookups) } : {}),
    ...(q.where ? { where: q.where.map(([f, v]) => [wireOf(q.resource, f), operand(v, lookups)] as const) } : {}),
    ...(q.latest !== undefined ? { latest: wireOf(q.resource, q.latest) } : {}),
  });
  const operand = (o: FakeOperand, lookups: ReadonlyMap<string, string>): FakeOperand => {
    switch (o.kind) {
      case 'self':
        return { kind: 'self', field: wireOf(r.name, o.field) };
      case 'lookup':
        return { ...o, field: wireOf(lookups.get(o.name) ?? '', o.field) };
      case 'template':
        return { kind: 'template', parts: o.parts.map((p) => (typeof p === 'string' ? p : operand(p, lookups))) };
      case 'first':
        return { kind: 'first', options: o.options.map((x) => operand(x, lookups)) };
      default:
        return o;
    }
  };
  const condition = (c: FakeCondition, lookups: ReadonlyMap<string, string>): FakeCondition => {
    switch (c.kind) {
      case 'all':
      case 'any':
        return { kind: c.kind, of: c.of.map((x) => condition(x, lookups)) };
      case 'not':
        return { kind: 'not', of: condition(c.of, lookups) };
      case 'compare':
        return { ...c, left: operand(c.left, lookups), right: operand(c.right, lookups) };
      case 'in':
        return { kind: 'in', value: operand(c.value, lookups), among: c.among.map((x) => operand(x, lookups)) };
      case 'given':
        return { kind: 'given', value: operand(c.value, lookups) };
      case 'exists':
        return { kind: 'exists', query: query(c.query, lookups) };
    }
  };
  const lookupsOf = (l: FakeLookups | undefined): ReadonlyMap<string, string> =>
    new Map((l ?? []).map(([name, q]) => [name, q.resource]));
  const lookup = (l: FakeLookups | undefined, none: ReadonlyMap<string, string>): { lookup?: FakeLookups } =>
    l ? { lookup: l.map(([name, q]) => [name, query(q, none)] as const) } : {};
  const template = (t: FakeTemplate, lookups: ReadonlyMap<string, string>): FakeTemplate =>
    t.kind === 'value'
      ? { kind: 'value', value: operand(t.value, lookups) }
      : { kind: 'object', entries: t.entries.map(([k, v]) => [k, template(v, lookups)] as const) };
  const none = new Map<string, string>();
  const byOp = <T, U>(section: Readonly<Record<string, T>>, f: (x: T) => U): Record<string, U> | undefined => {
    const entries = Object.entries(section);
    return entries.length > 0 ? Object.fromEntries(entries.map(([op, x]) => [op, f(x)])) : undefined;
  };
  const out: FakeRules = {
    checks: byOp(model.checks, (list) =>
      list.map((c) => {
        const names = lookupsOf(c.lookup);
        return {
          ...lookup(c.lookup, none),
          when: condition(c.when, names),
          status: c.status,
          message: operand(c.message, names),
          ...(c.min !== undefined ? { min: c.min } : {}),
          ...(c.max !== undefined ? { max: c.max } : {}),
        };
      }),
    ),
    copy: byOp(model.copy, (list) =>
      list.map((c) => ({
        from: query(c.from, none),
        fields: c.fields.map(([to, from]) => [wireOf(r.name, to), wireOf(c.from.resource, from)] as const),
      })),
    ),
    creates: byOp(model.creates, (list) =>
      list.map((c) => ({
        ...(c.when ? { when: condition(c.when, none) } : {}),
        resource: c.resource,
        fields: c.fields.map(([f, v]) => [wireOf(c.resource, f), operand(v, none)] as const),
        ...(c.bind !== undefined ? { bind: c.bind } : {}),
      })),
    ),
    answers: byOp(model.answers, (a) => {
      const names = lookupsOf(a.lookup);
      return { ...lookup(a.lookup, none), body: template(a.body, names) };
    }),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** A value with TS field names turned into wire names (`self` paths: of the operating record). */
function value(v: EffectValue, selfWire: (name: string) => string): FakeValue {
  switch (v.kind) {
    case 'arg':
      return { arg: v.arg };
    case 'self':
      return { self: [selfWire(v.path[0]), ...v.path.slice(1)] };
    case 'cloud':
      return v.length !== undefined ? { cloud: v.what, length: v.length } : { cloud: v.what };
    case 'literal':
      return { literal: v.value };
    case 'object':
      return { object: v.entries.map(([k, e]) => [k, value(e, selfWire)] as const) };
    case 'first':
      return { first: v.options.map((o) => value(o, selfWire)) };
  }
}

function relations(r: ResourceModel, rel: RelationsModel, s: ServiceModel): FakeRelations {
  const wiresOf = (name: string | undefined): ((f: string) => string) => {
    const target = name === undefined ? r : s.resources.find((x) => x.name === name);
    const map = new Map((target?.fields ?? []).map((f) => [f.name, f.wire]));
    return (f) => map.get(f) ?? f;
  };
  const own = wiresOf(undefined);
  const effects: Record<string, FakeEffect[]> = {};
  for (const e of rel.effects) {
    const target = wiresOf(e.resource);
    const pairs = (list: readonly { field: string; value: EffectValue }[]) =>
      list.map((x) => [target(x.field), value(x.value, own)] as const);
    const effect: FakeEffect = {
      ...(e.resource !== undefined ? { resource: e.resource } : {}),
      ...(e.id ? { id: value(e.id, own) } : {}),
      ...(e.where.length > 0 ? { where: pairs(e.where) } : {}),
      ...(e.when ? { when: value(e.when, own) } : {}),
      ...(e.unless ? { unless: value(e.unless, own) } : {}),
      ...(e.from.length > 0 ? { from: e.from } : {}),
      ...(e.require.length > 0 ? { require: pairs(e.require) } : {}),
      ...(e.refuse !== undefined ? { refuse: { status: e.refuseStatus, message: e.refuse } } : {}),
      ...(e.status !== undefined ? { status: e.status } : {}),
      ...(e.to !== undefined ? { to: e.to } : {}),
      ...(e.set.length > 0 ? { set: pairs(e.set) } : {}),
      ...(e.keep.length > 0 ? { keep: e.keep.map((k) => [k.name, value(k.value, own)] as const) } : {}),
      ...(e.append.length > 0 ? { append: pairs(e.append) } : {}),
      ...(e.drop.length > 0 ? { drop: e.drop.map((x) => [target(x.field), x.key, value(x.value, own)] as const) } : {}),
      ...(e.owner ? { owner: e.owner } : {}),
      ...(e.remove ? { remove: true as const } : {}),
      ...(e.after ? { after: true as const } : {}),
    };
    (effects[e.operation] ??= []).push(effect);
  }
  const rf = rel.rowsFrom;
  const other = rf && wiresOf(rf.resource);
  return {
    ...(rel.effects.length > 0 ? { effects } : {}),
    ...(rel.summaryFields ? { summaryFields: rel.summaryFields.map(own) } : {}),
    ...(rel.shownOnlyBy.length > 0
      ? { shownOnlyBy: Object.fromEntries(rel.shownOnlyBy.map((x) => [own(x.field), x.operations])) }
      : {}),
    ...(rel.anyProject.length > 0 ? { anyProject: rel.anyProject } : {}),
    ...(rel.projectScoped ? { projectScoped: true as const } : {}),
    ...(rf && other
      ? {
          rowsFrom: {
            resource: rf.resource,
            // `where` compares the other record's fields with the listing's arguments.
            where: rf.where.map((w) => [other(w.field), value(w.value, own)] as const),
            // `.field` in a row reads the other record.
            fields: rf.fields.map((f) => [own(f.field), value(f.value, other)] as const),
          },
        }
      : {}),
  };
}

function resource(r: ResourceModel, s: ServiceModel, wireIn: WireOf): FakeResource {
  const wire = new Map(r.fields.map((f) => [f.name, f.wire]));
  const wireOf = (name: string): string => wire.get(name) ?? name;
  const declared = rules(r, wireIn);
  const transitions: Record<string, FakeTransition> = {};
  for (const t of r.status?.transitions ?? []) {
    transitions[t.operation] = {
      ...(t.from.length > 0 ? { from: t.from } : {}),
      ...(t.via ? { via: t.via } : {}),
      ...(t.to ? { to: t.to } : {}),
      ...(t.gone ? { gone: true as const } : {}),
      ...(t.delay !== undefined ? { delay: t.delay } : {}),
      ...(t.set.length > 0 ? { set: Object.fromEntries(t.set.map((s) => [wireOf(s.field), s.arg])) } : {}),
      ...(t.message !== undefined ? { message: t.message } : {}),
      ...(t.fill && t.fill.length > 0
        ? { fill: Object.fromEntries(t.fill.map((s) => [wireOf(s.field), s.value])) }
        : {}),
    };
  }
  return {
    name: r.name,
    ...(r.resourceKey ? { resourceKey: r.resourceKey } : {}),
    ...(r.resourcesKey ? { resourcesKey: r.resourcesKey } : {}),
    ...(r.notFound !== undefined ? { notFound: r.notFound } : {}),
    ...(r.linksPath !== undefined ? { linksPath: r.linksPath } : {}),
    basePath: r.basePath,
    idField: wireOf(r.idField),
    nameField: wireOf(r.nameField),
    pathParams: Object.fromEntries([...r.pathParams].map(([ph, p]) => [ph, wireOf(p.field)])),
    ...range(r),
    ...(r.status
      ? {
          status: {
            field: wireOf(r.status.field),
            failures: r.status.failures,
            deleted: r.status.deleted,
            transitions,
          },
        }
      : {}),
    ...(r.members.length > 0 ? { members: r.members.map(members) } : {}),
    ...(r.storedAs ? { storedAs: { resource: r.storedAs.resource, fields: r.storedAs.fields } } : {}),
    ...(r.seed.length > 0
      ? { seed: r.seed.map((record) => Object.fromEntries(Object.entries(record).map(([k, v]) => [wireOf(k), v]))) }
      : {}),
    ...(r.access
      ? {
          access: {
            public: wireOf(r.access.public),
            ...(r.access.filter ? { filter: r.access.filter } : {}),
            ...(r.access.add ? { add: r.access.add } : {}),
            ...(r.access.remove ? { remove: r.access.remove } : {}),
            ...(r.access.show ? { show: r.access.show } : {}),
            ...(r.access.exists ? { exists: r.access.exists } : {}),
            ...(r.access.missing ? { missing: r.access.missing } : {}),
            ...(r.access.publicList ? { publicList: r.access.publicList } : {}),
          },
        }
      : {}),
    ...(r.relations ? { relations: relations(r, r.relations, s) } : {}),
    ...(r.quota ? { quota: quota(r.quota) } : {}),
    fields: r.fields.map(field),
    structs: Object.fromEntries(r.structs.map((s) => [s.name, s.fields.map(field)])),
    operations: r.operations.map((op) => operation(r, op, wireOf)),
    ...(declared ? { rules: declared } : {}),
  };
}

function members(m: MembersModel): FakeMembers {
  return {
    resource: m.resource,
    field: m.field,
    ...(m.list ? { list: m.list } : {}),
    ...(m.add !== undefined ? { add: m.add } : {}),
    ...(m.remove !== undefined ? { remove: m.remove } : {}),
    ...(m.match ? { match: m.match } : {}),
    ...(m.delete
      ? {
          delete: {
            ...(m.delete.arg !== undefined ? { arg: m.delete.arg } : {}),
            ...(m.delete.refuse !== undefined ? { refuse: m.delete.refuse } : {}),
          },
        }
      : {}),
    madeBy: Object.fromEntries(
      Object.entries(m.madeBy).map(([op, alternatives]) => [
        op,
        alternatives.map((a): FakeMadeBy => ({
          ...(a.when !== undefined ? { when: a.when } : {}),
          set: a.set,
          ...(a.each ? { each: a.each } : {}),
          member: a.member,
          ...(a.refuse !== undefined ? { refuse: a.refuse } : {}),
        })),
      ]),
    ),
  };
}

function quotaKeys(keys: readonly QuotaKeyModel[]): Record<string, FakeQuotaKey> {
  return Object.fromEntries(
    keys.map((k) => [
      k.key,
      {
        ...(k.default !== undefined ? { default: k.default } : {}),
        measure: k.measure,
        of: k.of,
        ...(k.field !== undefined ? { field: k.field } : {}),
        ...(k.usage ? {} : { perRecordLimit: true as const }),
      },
    ]),
  );
}

function quota(q: QuotaModel): FakeQuota {
  return {
    role: q.role,
    ...(q.of !== undefined ? { of: q.of } : {}),
    ...(q.defaults !== undefined ? { defaults: q.defaults } : {}),
    ...(q.usageArg !== undefined ? { usageArg: q.usageArg } : {}),
    ...(q.projectArg !== undefined ? { projectArg: q.projectArg } : {}),
    keys: quotaKeys(q.keys),
    ...(q.perRecord
      ? {
          perRecord: {
            resource: q.perRecord.resource,
            ...(q.perRecord.default !== undefined ? { default: q.perRecord.default } : {}),
            keys: quotaKeys(q.perRecord.keys),
            match: q.perRecord.match,
          },
        }
      : {}),
    ...(q.values.length > 0
      ? { values: Object.fromEntries(q.values.map((v) => [v.path, { key: v.key, value: v.value }])) }
      : {}),
  };
}

function service(s: ServiceModel): FakeService {
  const wires = new Map(s.resources.map((r) => [r.name, new Map(r.fields.map((f) => [f.name, f.wire]))]));
  const wireIn: WireOf = (resource, field) => wires.get(resource)?.get(field) ?? field;
  const version = /^v(\d+)/.exec(s.version);
  return {
    version: s.version,
    major: version ? Number(version[1]) : Number(s.endpointVersions[0] ?? 0),
    serviceType: s.serviceType,
    ...(s.microversion ? { microversion: s.microversion } : {}),
    resources: s.resources.map((r) => resource(r, s, wireIn)),
  };
}

/** The file's text: canonical JSON (JSON.stringify, two spaces), with the banner as `$comment`. */
export function fakeModel(model: SpecModel, banner: string): string {
  const out: FakeModel = {
    $comment: banner.replace(/^\/\/\s*/, ''),
    services: model.services.map(service),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
