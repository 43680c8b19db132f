/**
 * Raw resource document → ResourceModel (fields, structs, operations). Proxy methods are resolved
 * later, once every resource of the service is known (they reference each other).
 */
import type { Diagnostics, Position } from '../load/diagnostics.js';
import type { SourceDocument } from '../load/source.js';
import { buildRelations, type RawRelations } from './build-relations.js';
import { compareVersions, pathPlaceholders } from './util.js';
import { parseTypeExpr } from './type-expr.js';
import { buildMembers, buildStoredAs, type RawMembers, type RawStoredAs } from './build-members.js';
import { buildRules, hasRules, type RawRules } from './build-rules.js';
import type {
  AccessModel,
  AggregateModel,
  ArgModel,
  BodyTemplate,
  FieldModel,
  HttpMethod,
  JsonValue,
  KeySegment,
  Measure,
  OperationKind,
  OperationModel,
  PolicyAllows,
  QuotaKeyModel,
  QuotaModel,
  ResourceModel,
  ResponseModel,
  ServerDefaultModel,
  TransitionModel,
  RouteModel,
  StructModel,
  TypeRef,
} from './types.js';

/* Raw shapes, as the JSON Schema guarantees them. */
export interface RawField {
  type: string;
  wire?: string;
  write?: 'create' | 'update' | ('create' | 'update')[];
  placement?: 'root' | 'flatten';
  enum?: string[];
  min_version?: string;
  max_version?: string;
  write_min_version?: string;
  tolerated_after_max?: { values: (string | number | boolean)[]; message: string };
  deprecated?: string | { use: string };
  create_wire?: string;
  map?: {
    missing?: string;
    missing_on_read?: string;
    merge_on_update?: boolean;
    set?: string[];
    unset?: string[];
    show?: string[];
    admin?: { operation: string; key: string; arg: string }[];
  };
  server_default?: string | number | boolean | { setting: string; value?: string | number | boolean };
  description: string;
}
interface RawArg {
  type?: string;
  ref?: string;
  in?: 'body' | 'query' | 'path';
  wire?: string;
  required?: boolean;
  default?: string | number | boolean;
  enum?: string[];
  min_version?: string;
  max_version?: string;
  description: string;
}
type RawResponse =
  'none' | 'resource' | 'merge' | { resource: string; key?: string } | { key?: string | string[]; type: string };
interface RawOperation {
  kind: OperationKind;
  description: string;
  method?: HttpMethod;
  path?: string;
  detail_path?: string;
  base?: 'endpoint' | 'version';
  bare_response?: boolean;
  echo?: boolean;
  fallback?: { status: number; message: string; method?: HttpMethod; path: string; description: string };
  policy?: { rule: string; allows: PolicyAllows; message?: string };
  paginated?: boolean;
  routes?: { method?: HttpMethod; path: string; detail_path?: string; min_version?: string; max_version?: string }[];
  args?: Record<string, RawArg>;
  body?: JsonValue;
  response?: RawResponse;
  min_version?: string;
  max_version?: string;
  aggregate?: Record<string, { measure: Measure; field?: string }>;
}
interface RawQuotaKey {
  default?: number;
  measure: Measure;
  of: string[];
  field?: string;
  usage?: boolean;
}
export interface RawQuota {
  role: 'project' | 'class' | 'limits';
  of?: string;
  defaults?: string;
  usage_arg?: string;
  project_arg?: string;
  keys?: Record<string, RawQuotaKey>;
  per_record?: {
    resource: string;
    default?: number;
    keys: Record<string, RawQuotaKey>;
    match?: Record<string, string>;
  };
  values?: Record<string, { key: string; value: 'limit' | 'in_use' }>;
}
export interface RawResource extends RawRules, RawRelations {
  resource: string;
  description: string;
  resource_key?: string;
  resources_key?: string;
  not_found?: string;
  links_path?: string;
  base_path: string;
  path_params?: Record<string, { field: string; description?: string }>;
  id_field?: string;
  name_field?: string;
  keep_unknown?: boolean;
  seed?: Record<string, JsonValue>[];
  access?: {
    public: string;
    filter?: string;
    add?: string;
    remove?: string;
    show?: string;
    exists?: string;
    missing?: string;
    public_list?: string;
  };
  quota_usage?: boolean;
  quota?: RawQuota;
  extends?: string;
  min_version?: string;
  max_version?: string;
  status?: {
    field: string;
    values?: string[];
    failures: string[];
    deleted?: string[];
    progress?: string;
    transitions?: Record<
      string,
      {
        from?: string[];
        via?: string;
        to?: string;
        gone?: true;
        delay?: number;
        set?: Record<string, string>;
        message?: string;
        fill?: Record<string, string | number | boolean | null>;
      }
    >;
  };
  members?: RawMembers[];
  stored_as?: RawStoredAs;
  fields: Record<string, RawField>;
  structs?: Record<string, { description: string; fields: Record<string, RawField> }>;
  operations?: Record<string, RawOperation>;
  proxy?: Record<string, unknown>;
}

/** What the resource builder needs to know about the rest of the service. */
export interface ServiceScope {
  readonly resourceNames: ReadonlySet<string>;
  /**
   * Resources whose file failed to load (its errors are reported): a reference to one is not an
   * error of the referencing file.
   */
  readonly unavailable?: ReadonlySet<string> | undefined;
  readonly microversion?: { readonly min: string; readonly max: string } | undefined;
}

const DEFAULT_METHOD: Record<OperationKind, HttpMethod | undefined> = {
  create: 'POST',
  get: 'GET',
  update: 'PUT',
  delete: 'DELETE',
  list: 'GET',
  action: 'POST',
  request: undefined,
};

export function buildResource(
  doc: SourceDocument,
  raw: RawResource,
  scope: ServiceScope,
  d: Diagnostics,
): ResourceModel {
  const at = (p: (string | number)[]): Position => doc.locate(p);
  const err = (p: (string | number)[], message: string): void => d.add(at(p), p.join('.'), message);

  const structNames = new Set(Object.keys(raw.structs ?? {}));
  for (const name of structNames) {
    if (scope.resourceNames.has(name)) err(['structs', name], `struct "${name}" has the name of a resource`);
  }
  const isResource = (name: string): boolean =>
    scope.resourceNames.has(name) || (scope.unavailable?.has(name) ?? false);
  const known = (name: string): 'struct' | 'resource' | undefined =>
    structNames.has(name) ? 'struct' : isResource(name) ? 'resource' : undefined;
  const typeAt = (text: string, p: (string | number)[], allowResources = false): TypeRef => {
    const parsed = parseTypeExpr(text, known, allowResources);
    if (parsed.ok) return parsed.type;
    err(p, parsed.message);
    return { kind: 'scalar', name: 'any' };
  };
  const checkRange = (min: string | undefined, max: string | undefined, p: (string | number)[]): void => {
    if (min && max && compareVersions(min, max) > 0) {
      // At the bound, where the fix goes (the maximum, written after the minimum as a rule).
      err(
        [...p, 'max_version'],
        `impossible microversion range: max_version ${max} is below min_version ${min} (min_version at line ${at([...p, 'min_version']).line})`,
      );
    }
    const sv = scope.microversion;
    for (const [label, v] of [
      ['min_version', min],
      ['max_version', max],
    ] as const) {
      if (v && sv && (compareVersions(v, sv.min) < 0 || compareVersions(v, sv.max) > 0)) {
        err([...p, label], `${label} ${v} is outside the service's range ${sv.min}–${sv.max}`);
      }
    }
  };

  // A path template is literal text and {name} placeholders; a stray brace would be sent as is
  // (or swallow the rest of the path into a placeholder name).
  const checkPath = (template: string | undefined, p: (string | number)[]): void => {
    if (template !== undefined && !/^(?:[^{}]|\{[A-Za-z0-9_]+\})*$/.test(template))
      err(
        p,
        `unbalanced braces in path "${template}": each {name} must be closed, and names are letters, digits and _`,
      );
  };

  const buildFields = (fields: Record<string, RawField>, base: (string | number)[]): FieldModel[] => {
    const wires = new Map<string, string>();
    return Object.entries(fields).map(([name, f]) => {
      const p = [...base, name];
      const wire = f.wire ?? snake(name);
      const clash = wires.get(wire);
      // An alias (deprecated: {use: …}) shares the key of the field it names; checked below.
      const aliasOf = (x: RawField | undefined): string | undefined =>
        typeof x?.deprecated === 'object' ? x.deprecated.use : undefined;
      if (clash && aliasOf(f) !== clash && aliasOf(fields[clash]) !== name)
        err([...p, 'wire'], `wire name "${wire}" is already used by field "${clash}"`);
      if (!clash) wires.set(wire, name);
      const write = f.write === undefined ? [] : Array.isArray(f.write) ? f.write : [f.write];
      checkRange(f.min_version, f.max_version, p);
      const type = typeAt(f.type, [...p, 'type']);
      if (f.placement === 'flatten' && !(type.kind === 'map' || (type.kind === 'scalar' && type.name === 'object'))) {
        err([...p, 'placement'], 'only an object or map field can be flattened');
      }
      if (f.placement && write.length === 0) err([...p, 'placement'], 'placement only matters for a writable field');
      if (f.tolerated_after_max && (f.max_version === undefined || write.length === 0))
        err([...p, 'tolerated_after_max'], 'only a writable field with a max_version has values tolerated after it');
      const serverDefault = buildServerDefault(f.server_default, type, [...p, 'server_default'], err);
      return {
        name,
        wire,
        type,
        description: f.description,
        create: write.includes('create'),
        update: write.includes('update'),
        placement: f.placement,
        enum: f.enum,
        minVersion: f.min_version,
        maxVersion: f.max_version,
        writeMinVersion: f.write_min_version,
        toleratedAfterMax: f.tolerated_after_max,
        createWire: f.create_wire,
        ...(serverDefault ? { serverDefault } : {}),
        aliasOf: typeof f.deprecated === 'object' ? f.deprecated.use : undefined,
        map: f.map && {
          missing: f.map.missing,
          missingOnRead: f.map.missing_on_read,
          mergeOnUpdate: f.map.merge_on_update ?? false,
          set: f.map.set ?? [],
          unset: f.map.unset ?? [],
          show: f.map.show ?? [],
          admin: f.map.admin ?? [],
        },
        deprecated: typeof f.deprecated === 'object' ? `Use \`${f.deprecated.use}\`.` : f.deprecated,
        source: at(p),
      };
    });
  };

  const fields = buildFields(raw.fields, ['fields']);
  // An alias must be sent exactly as the field it names, wherever it may be sent.
  for (const alias of fields) {
    if (alias.aliasOf === undefined) continue;
    const p = ['fields', alias.name, 'deprecated', 'use'];
    const target = fields.find((x) => x.name === alias.aliasOf);
    if (!target || target.aliasOf !== undefined) {
      err(p, `"${alias.aliasOf}" is not a field of ${raw.resource} (an alias names the current field)`);
      continue;
    }
    if (fields.indexOf(target) > fields.indexOf(alias))
      err(
        p,
        `declare "${alias.aliasOf}" before its alias "${alias.name}" (the first field of a key is its current name)`,
      );
    const key = (x: FieldModel, kind: 'create' | 'update'): string =>
      kind === 'create' ? (x.createWire ?? x.wire) : x.wire;
    for (const kind of ['create', 'update'] as const) {
      if (alias[kind] && (!target[kind] || key(alias, kind) !== key(target, kind)))
        err(p, `"${alias.aliasOf}" is not sent on ${kind} under "${key(alias, kind)}" as the alias is`);
    }
  }
  for (const f of fields) {
    if (RESOURCE_MEMBERS.has(f.name))
      err(
        ['fields', f.name],
        `"${f.name}" is a member of every resource class; give the field another TypeScript name (wire: keeps the wire name)`,
      );
  }
  const fieldNames = new Set(fields.map((f) => f.name));
  const structs: StructModel[] = Object.entries(raw.structs ?? {}).map(([name, s]) => ({
    name,
    description: s.description,
    fields: buildFields(s.fields, ['structs', name, 'fields']),
    source: at(['structs', name]),
  }));
  checkStructCycles(structs, (name, message) => err(['structs', name], message));

  const requireField = (name: string | undefined, p: (string | number)[]): void => {
    if (name !== undefined && !fieldNames.has(name)) err(p, `no field named "${name}"`);
  };
  const idField = raw.id_field ?? 'id';
  const nameField = raw.name_field ?? 'name';
  requireField(idField, raw.id_field ? ['id_field'] : ['fields']);
  if (raw.name_field) requireField(raw.name_field, ['name_field']);
  if (raw.status) {
    requireField(raw.status.field, ['status', 'field']);
    requireField(raw.status.progress, ['status', 'progress']);
  }

  const pathParams = new Map<string, { field: string; description?: string | undefined }>();
  for (const [param, spec] of Object.entries(raw.path_params ?? {})) {
    requireField(spec.field, ['path_params', param, 'field']);
    pathParams.set(param, { field: spec.field, description: spec.description });
  }
  const idParam = [...pathParams].find(([, spec]) => spec.field === idField)?.[0];
  for (const placeholder of pathPlaceholders(raw.base_path)) {
    if (!pathParams.has(placeholder))
      err(['base_path'], `path parameter {${placeholder}} is not declared in path_params`);
  }
  checkRange(raw.min_version, raw.max_version, []);
  checkPath(raw.base_path, ['base_path']);

  const operations: OperationModel[] = [];
  for (const [name, op] of Object.entries(raw.operations ?? {})) {
    const p = ['operations', name];
    checkRange(op.min_version, op.max_version, p);
    checkPath(op.path, [...p, 'path']);
    checkPath(op.detail_path, [...p, 'detail_path']);
    const memberKinds: OperationKind[] = ['get', 'update', 'delete', 'action'];
    let memberPath: string | undefined;
    if (idParam) {
      memberPath = raw.base_path.includes(`{${idParam}}`) ? raw.base_path : `${raw.base_path}/{${idParam}}`;
    }
    if (memberKinds.includes(op.kind) && !op.path && !memberPath) {
      err(
        [...p, 'kind'],
        `${op.kind === 'action' ? 'an' : 'a'} ${op.kind} operation needs an id, but no path_params entry maps to the id field "${idField}"`,
      );
    }
    const defaultPath =
      op.kind === 'create' || op.kind === 'list'
        ? raw.base_path
        : op.kind === 'action'
          ? memberPath && `${memberPath}/action`
          : op.kind === 'request'
            ? undefined
            : memberPath;
    const method = op.method ?? DEFAULT_METHOD[op.kind];
    const path = op.path ?? defaultPath ?? raw.base_path;
    if (op.kind === 'request' && (!op.method || !op.path)) err(p, 'a request operation needs method and path');
    if (op.echo && op.kind !== 'update')
      err([...p, 'echo'], `only an update answers its request body (this is a ${op.kind})`);
    if (op.detail_path && op.kind !== 'list') err([...p, 'detail_path'], 'detail_path only applies to list operations');

    const args: ArgModel[] = Object.entries(op.args ?? {}).map(([argName, a]) => {
      const ap = [...p, 'args', argName];
      checkRange(a.min_version, a.max_version, ap);
      if (a.ref !== undefined && !isResource(a.ref)) err([...ap, 'ref'], `unknown resource "${a.ref}"`);
      const type =
        a.ref !== undefined ? ({ kind: 'scalar', name: 'string' } as const) : typeAt(a.type ?? 'any', [...ap, 'type']);
      const where = a.in ?? (op.kind === 'list' ? 'query' : 'body');
      if (a.enum && !(type.kind === 'scalar' && type.name === 'string')) err([...ap, 'enum'], 'enum needs type string');
      if (a.default !== undefined && a.required)
        err([...ap, 'default'], 'an argument with a default cannot be required');
      return {
        name: argName,
        wire: a.wire ?? snake(argName),
        in: where,
        type,
        ref: a.ref,
        required: a.required ?? false,
        default: a.default,
        enum: a.enum,
        description: a.description,
        minVersion: a.min_version,
        maxVersion: a.max_version,
        source: at(ap),
      };
    });
    const argNames = new Set(args.map((a) => a.name));

    const routes: RouteModel[] = (op.routes ?? []).map((r, i) => {
      checkRange(r.min_version, r.max_version, [...p, 'routes', i]);
      checkPath(r.path, [...p, 'routes', i, 'path']);
      checkPath(r.detail_path, [...p, 'routes', i, 'detail_path']);
      if (r.detail_path && !op.detail_path)
        err([...p, 'routes', i, 'detail_path'], 'a route detail_path needs the operation to have a detail_path');
      if (op.detail_path && routesHaveDetail(op) && !r.detail_path)
        err([...p, 'routes', i], 'every route needs a detail_path when one has it');
      return {
        method: r.method ?? method ?? 'GET',
        path: r.path,
        detailPath: r.detail_path,
        minVersion: r.min_version,
        maxVersion: r.max_version,
      };
    });
    checkRouteOverlap(routes, (i, message) => err([...p, 'routes', i], message));

    // Every placeholder must be filled: from the target resource or from a path argument.
    const allPaths = [
      path,
      ...(op.detail_path ? [op.detail_path] : []),
      ...routes.flatMap((r) => [r.path, ...(r.detailPath ? [r.detailPath] : [])]),
      ...(op.fallback ? [op.fallback.path] : []),
    ];
    const placeholders = [...new Set(allPaths.flatMap(pathPlaceholders))];
    const reported = new Set(pathPlaceholders(raw.base_path));
    for (const ph of placeholders) {
      if (!pathParams.has(ph) && !reported.has(ph) && !args.some((a) => a.in === 'path' && a.wire === ph)) {
        err(
          [...p, op.path ? 'path' : 'kind'],
          `path parameter {${ph}} is not declared (path_params or an argument with in: path)`,
        );
      }
    }
    for (const a of args) {
      if (a.in === 'path' && !placeholders.includes(a.wire)) {
        err([...p, 'args', a.name, 'in'], `path argument "${a.wire}" does not appear in the path`);
      }
    }

    let body: BodyTemplate | 'resource' | undefined;
    if (op.kind === 'create' || op.kind === 'update') {
      if (op.body !== undefined) err([...p, 'body'], `a ${op.kind} operation sends the resource's fields; remove body`);
      body = 'resource';
    } else if (op.body !== undefined) {
      body = parseBody(op.body, [...p, 'body'], argNames, fieldNames, err);
    }
    const usedInBody = new Set<string>();
    if (body && body !== 'resource') collectArgs(body, usedInBody);
    for (const a of args) {
      if (a.in === 'body' && !usedInBody.has(a.name))
        err([...p, 'args', a.name], 'argument is never sent (not used in body)');
    }

    const response = buildResponse(op, name, raw.resource, [...p, 'response'], typeAt, scope, err);
    if (response.kind === 'merge' && placeholders.length === 0 && !(body && body !== 'resource' && usesSelf(body))) {
      err([...p, 'response'], 'merge needs a target resource (a path parameter or $self in the body)');
    }
    const aggregate = op.aggregate && buildAggregate(op.aggregate, response, structs, fields, [...p, 'aggregate'], err);
    operations.push({
      name,
      id: `${raw.resource}.${name}`,
      kind: op.kind,
      description: op.description,
      method: method ?? 'GET',
      path,
      detailPath: op.detail_path,
      base: op.base ?? 'endpoint',
      bareResponse: op.bare_response ?? false,
      echo: op.echo ?? false,
      fallback: op.fallback && {
        status: op.fallback.status,
        message: op.fallback.message,
        method: op.fallback.method ?? method ?? 'GET',
        path: op.fallback.path,
      },
      policy: op.policy && {
        rule: op.policy.rule,
        allows: op.policy.allows,
        message: op.policy.message,
        source: at([...p, 'policy']),
      },
      paginated: op.kind === 'list' ? (op.paginated ?? true) : false,
      routes,
      args,
      body,
      response,
      pathParams: placeholders,
      ...(aggregate ? { aggregate } : {}),
      minVersion: op.min_version ?? raw.min_version,
      maxVersion: op.max_version ?? raw.max_version,
      source: at(p),
    });
  }

  checkMaps(fields, operations, err);
  const access = raw.access && checkAccess(raw.access, fields, operations, err);

  const rules = buildRules(raw, { name: raw.resource, fields }, operations, err, at);
  return {
    name: raw.resource,
    file: doc.file,
    sources: doc.sources ?? [doc.file],
    description: raw.description,
    resourceKey: raw.resource_key,
    resourcesKey: raw.resources_key,
    notFound: raw.not_found,
    linksPath: raw.links_path,
    basePath: raw.base_path,
    pathParams,
    idField,
    nameField,
    keepUnknown: raw.keep_unknown ?? false,
    quotaUsage: raw.quota_usage ?? false,
    seed: (raw.seed ?? []).map((record, i) => {
      for (const [name, value] of Object.entries(record)) {
        requireField(name, ['seed', i, name]);
        const field = fields.find((f) => f.name === name);
        // A value read from a deployment setting is checked as a field's server_default is.
        if (field && isSettingValue(value)) buildServerDefault(value, field.type, ['seed', i, name], err, 'seed value');
      }
      return record;
    }),
    access,
    ...(raw.quota ? { quota: buildQuota(raw.quota, scope, operations, fields, structs, at, err) } : {}),
    status: raw.status && {
      field: raw.status.field,
      values: checkStatusValues(raw.status, err),
      failures: raw.status.failures,
      deleted: raw.status.deleted ?? [],
      progress: raw.status.progress,
      transitions: buildTransitions(raw.status.transitions ?? {}, operations, fieldNames, err, at),
      source: at(['status']),
    },
    members: buildMembers(raw.members, fields, operations, err, at),
    storedAs: buildStoredAs(raw.stored_as, fields, err, at),
    ...(hasRules(rules) ? { rules } : {}),
    relations: buildRelations(raw, operations, fieldNames, scope.resourceNames, err, at),
    fields,
    structs,
    operations,
    methods: [],
    minVersion: raw.min_version,
    maxVersion: raw.max_version,
    source: at([]),
  };
}

function buildResponse(
  op: RawOperation,
  name: string,
  resource: string,
  p: (string | number)[],
  typeAt: (text: string, p: (string | number)[], allowResources?: boolean) => TypeRef,
  scope: ServiceScope,
  err: (p: (string | number)[], message: string) => void,
): ResponseModel {
  const raw = op.response;
  if (raw === undefined) {
    if (op.kind === 'create' || op.kind === 'get' || op.kind === 'update' || op.kind === 'list')
      return { kind: 'resource', resource };
    return { kind: 'none' };
  }
  if (op.kind === 'list' && raw !== 'resource') err(p, `list operation "${name}" always returns its resources`);
  if (raw === 'none') return { kind: 'none' };
  if (raw === 'resource') return { kind: 'resource', resource };
  if (raw === 'merge') return { kind: 'merge' };
  if ('resource' in raw) {
    if (!scope.resourceNames.has(raw.resource) && !scope.unavailable?.has(raw.resource))
      err([...p, 'resource'], `unknown resource "${raw.resource}"`);
    return { kind: 'resource', resource: raw.resource, key: raw.key };
  }
  // Each key: `$arg` is an argument's value, `$$x` the literal `$x`, anything else itself.
  const segment = (key: string, at: (string | number)[]): KeySegment => {
    if (key.startsWith('$') && !key.startsWith('$$')) {
      const argName = key.slice(1);
      if (!(op.args ?? {})[argName]) err(at, `"${key}": no argument named "${argName}" (declare it under args)`);
      else if ((op.args ?? {})[argName].required !== true)
        err(at, `"${key}": the argument must be required (a response key cannot be left out)`);
      return { arg: argName };
    }
    return { literal: key.startsWith('$$') ? key.slice(1) : key };
  };
  const type = typeAt(raw.type, [...p, 'type']);
  if (Array.isArray(raw.key) && raw.key.length > 1)
    return { kind: 'value', keyPath: raw.key.map((k, i) => segment(k, [...p, 'key', i])), type };
  const key = Array.isArray(raw.key) ? raw.key[0] : raw.key;
  if (key === undefined) return { kind: 'value', type };
  const one = segment(key, [...p, 'key']);
  return 'arg' in one ? { kind: 'value', keyArg: one.arg, type } : { kind: 'value', key: one.literal, type };
}

/** Turns a body template into a tree; `$arg`, `$self.field` and `$$literal` strings are special. */
function parseBody(
  value: JsonValue,
  p: (string | number)[],
  args: ReadonlySet<string>,
  fields: ReadonlySet<string>,
  err: (p: (string | number)[], message: string) => void,
): BodyTemplate {
  if (typeof value === 'string') {
    if (value.startsWith('$$')) return { kind: 'literal', value: value.slice(1) };
    if (value.startsWith('$self.')) {
      const field = value.slice(6);
      if (!fields.has(field)) err(p, `"${value}": the resource has no field "${field}"`);
      return { kind: 'self', field };
    }
    if (value.startsWith('$')) {
      const name = value.slice(1);
      if (!args.has(name)) err(p, `"${value}": no argument named "${name}" (declare it under args)`);
      return { kind: 'arg', name };
    }
    return { kind: 'literal', value };
  }
  if (Array.isArray(value)) {
    return { kind: 'array', items: value.map((item, i) => parseBody(item as JsonValue, [...p, i], args, fields, err)) };
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, JsonValue>);
    if (entries.length === 0) return { kind: 'literal', value: {} };
    return {
      kind: 'object',
      entries: entries.map(([k, v]) => {
        const inner = parseBody(v, [...p, k], args, fields, err);
        if (k.startsWith('$$')) return [k.slice(1), inner] as const;
        if (k.startsWith('$')) {
          // A key named by an argument: {"$key": "$value"} sends {"<key>": <value>}.
          const name = k.slice(1);
          if (!args.has(name)) err([...p, k], `"${k}": no argument named "${name}" (declare it under args)`);
          return [name, inner, { arg: name }] as const;
        }
        return [k, inner] as const;
      }),
    };
  }
  return { kind: 'literal', value };
}

/** True when a body template reads fields of the target (`$self.host`). */
export function usesSelf(body: BodyTemplate): boolean {
  switch (body.kind) {
    case 'self':
      return true;
    case 'object':
      return body.entries.some(([, v]) => usesSelf(v));
    case 'array':
      return body.items.some(usesSelf);
    default:
      return false;
  }
}

export function collectArgs(body: BodyTemplate, out: Set<string>): void {
  switch (body.kind) {
    case 'arg':
      out.add(body.name);
      return;
    case 'object':
      for (const [, v, key] of body.entries) {
        if (key) out.add(key.arg);
        collectArgs(v, out);
      }
      return;
    case 'array':
      for (const v of body.items) collectArgs(v, out);
      return;
    default:
      return;
  }
}

function checkRouteOverlap(routes: readonly RouteModel[], err: (index: number, message: string) => void): void {
  for (let i = 0; i < routes.length; i++) {
    for (let j = i + 1; j < routes.length; j++) {
      const a = routes[i];
      const b = routes[j];
      const aMin = a.minVersion ?? '0.0';
      const bMin = b.minVersion ?? '0.0';
      const aMax = a.maxVersion ?? '999.999';
      const bMax = b.maxVersion ?? '999.999';
      if (compareVersions(aMin, bMax) <= 0 && compareVersions(bMin, aMax) <= 0) {
        err(j, `route overlaps route ${i}: microversion ranges must be disjoint`);
      }
    }
  }
}

function checkStructCycles(structs: readonly StructModel[], err: (name: string, message: string) => void): void {
  const byName = new Map(structs.map((s) => [s.name, s]));
  const refs = (t: TypeRef): string[] =>
    t.kind === 'struct' ? [t.name] : t.kind === 'list' || t.kind === 'map' ? refs(t.of) : [];
  const visiting = new Set<string>();
  const visit = (name: string, trail: string[]): void => {
    if (visiting.has(name)) {
      err(trail[0], `struct cycle: ${[...trail, name].join(' → ')}`);
      return;
    }
    const s = byName.get(name);
    if (!s) return;
    visiting.add(name);
    for (const f of s.fields) for (const r of refs(f.type)) visit(r, [...trail, name]);
    visiting.delete(name);
  };
  for (const s of structs) visit(s.name, []);
}

/** Members of the runtime's Resource base class: a field of the same name would shadow them. */
const RESOURCE_MEMBERS = new Set([
  'schema',
  'resourceId',
  'openstackRequestId',
  'setAttribute',
  'getAttribute',
  'isDirty',
  'toRequest',
  'applyWire',
  'seedWire',
  'markClean',
  'toWire',
  'toJSON',
  'constructor',
  'prototype',
  'fromWire',
]);

function routesHaveDetail(op: RawOperation): boolean {
  return (op.routes ?? []).some((r) => r.detail_path !== undefined);
}

/**
 * `map:` of a field: only on a map field; its operations are this resource's, a `set` one takes one
 * map argument, an `unset` one one string or list<string> argument (the keys), and the missing
 * message names nothing but {id} and {key}.
 */
function checkMaps(
  fields: readonly FieldModel[],
  operations: readonly OperationModel[],
  err: (p: (string | number)[], message: string) => void,
): void {
  for (const f of fields) {
    if (!f.map) continue;
    const p = ['fields', f.name, 'map'];
    if (f.type.kind !== 'map') err(p, `only a map field keeps key/value rows (this one is ${f.type.kind})`);
    for (const key of ['missing', 'missing_on_read'] as const) {
      const text = key === 'missing' ? f.map.missing : f.map.missingOnRead;
      const unknown = /\{(?!id\}|key\})[^}]*\}/.exec(text ?? '');
      if (unknown) err([...p, key], `${unknown[0]} is not a placeholder of the message (use {id} and {key})`);
    }
    const kinds = [
      ['set', f.map.set, (t: TypeRef) => t.kind === 'map', 'one map argument (the keys to set)'],
      [
        'unset',
        f.map.unset,
        (t: TypeRef) =>
          (t.kind === 'scalar' && t.name === 'string') ||
          (t.kind === 'list' && t.of.kind === 'scalar' && t.of.name === 'string'),
        'one string or list<string> argument (the keys to remove)',
      ],
      ['show', f.map.show, () => true, ''],
    ] as const;
    f.map.admin.forEach((row, i) => {
      const op = operations.find((o) => o.name === row.operation);
      if (!op) err([...p, 'admin', i, 'operation'], `no operation named "${row.operation}"`);
      else if (!op.args.some((a) => a.name === row.arg))
        err([...p, 'admin', i, 'arg'], `operation "${row.operation}" has no argument "${row.arg}"`);
    });
    for (const [kind, names, fits, wanted] of kinds) {
      names.forEach((name, i) => {
        const op = operations.find((o) => o.name === name);
        if (!op) return err([...p, kind, i], `no operation named "${name}"`);
        if (kind !== 'show' && op.args.filter((a) => a.in === 'body' && fits(a.type)).length !== 1)
          err([...p, kind, i], `operation "${name}" needs ${wanted}`);
      });
    }
  }
}

/**
 * `access:`: the public field is a boolean field; add and remove take one argument (the project),
 * show answers a list, filter is an argument of the list operation; messages use {id}, {project}.
 */
function checkAccess(
  raw: NonNullable<RawResource['access']>,
  fields: readonly FieldModel[],
  operations: readonly OperationModel[],
  err: (p: (string | number)[], message: string) => void,
): AccessModel {
  const p = ['access'];
  const pub = fields.find((f) => f.name === raw.public);
  if (!pub) err([...p, 'public'], `no field named "${raw.public}"`);
  else if (!(pub.type.kind === 'scalar' && (pub.type.name === 'boolean' || pub.type.name === 'boolstr')))
    err([...p, 'public'], `"${raw.public}" is not a boolean field`);
  const op = (key: 'add' | 'remove' | 'show'): void => {
    const name = raw[key];
    if (name === undefined) return;
    const found = operations.find((o) => o.name === name);
    if (!found) return err([...p, key], `no operation named "${name}"`);
    if (key !== 'show' && found.args.filter((a) => a.in === 'body').length !== 1)
      err([...p, key], `operation "${name}" needs one argument (the project)`);
    if (key === 'show' && !(found.response.kind === 'value' && found.response.type.kind === 'list'))
      err([...p, key], `operation "${name}" does not answer a list`);
  };
  op('add');
  op('remove');
  op('show');
  if (raw.filter !== undefined) {
    const list = operations.find((o) => o.kind === 'list');
    if (!list?.args.some((a) => a.name === raw.filter))
      err([...p, 'filter'], `the list operation has no argument "${raw.filter}"`);
  }
  for (const key of ['exists', 'missing', 'public_list'] as const) {
    const unknown = /\{(?!id\}|project\})[^}]*\}/.exec(raw[key] ?? '');
    if (unknown) err([...p, key], `${unknown[0]} is not a placeholder of the message (use {id} and {project})`);
  }
  return {
    public: raw.public,
    filter: raw.filter,
    add: raw.add,
    remove: raw.remove,
    show: raw.show,
    exists: raw.exists,
    missing: raw.missing,
    publicList: raw.public_list,
  };
}

/** camelCase → snake_case, the default wire name. */
export function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `status.transitions`: each names an operation of this resource, fields it has and arguments of that operation. */
/**
 * `status.values`, the closed set that types the SDK: every failure, deleted state and transition
 * status must be one of them, or the waiters and the fake would use a status the types refuse.
 */
function checkStatusValues(
  raw: NonNullable<RawResource['status']>,
  err: (p: (string | number)[], message: string) => void,
): string[] {
  const values = raw.values ?? [];
  if (values.length === 0) return [];
  const known = new Set(values);
  const check = (p: (string | number)[], status: string | undefined): void => {
    if (status !== undefined && !known.has(status))
      err(p, `status "${status}" is not in status.values (${values.join(', ')})`);
  };
  raw.failures.forEach((s, i) => check(['status', 'failures', i], s));
  (raw.deleted ?? []).forEach((s, i) => check(['status', 'deleted', i], s));
  for (const [name, t] of Object.entries(raw.transitions ?? {})) {
    (t.from ?? []).forEach((s, i) => check(['status', 'transitions', name, 'from', i], s));
    check(['status', 'transitions', name, 'via'], t.via);
    check(['status', 'transitions', name, 'to'], t.to);
  }
  return values;
}

function buildTransitions(
  raw: NonNullable<NonNullable<RawResource['status']>['transitions']>,
  operations: readonly OperationModel[],
  fieldNames: ReadonlySet<string>,
  err: (p: (string | number)[], message: string) => void,
  at: (p: (string | number)[]) => Position,
): TransitionModel[] {
  return Object.entries(raw).map(([name, t]) => {
    const p = ['status', 'transitions', name];
    const op = operations.find((o) => o.name === name);
    if (!op) err(p, `no operation named "${name}"`);
    const set = Object.entries(t.set ?? {}).map(([field, value]) => {
      const arg = value.slice(1);
      if (!fieldNames.has(field)) err([...p, 'set', field], `no field named "${field}"`);
      if (op && !op.args.some((a) => a.name === arg))
        err([...p, 'set', field], `operation "${name}" has no argument "${arg}"`);
      return { field, arg };
    });
    const fill = Object.entries(t.fill ?? {}).map(([field, value]) => {
      if (!fieldNames.has(field)) err([...p, 'fill', field], `no field named "${field}"`);
      return { field, value };
    });
    if (t.via === undefined && t.to === undefined && !t.gone && t.from === undefined && set.length === 0)
      err(p, 'a transition needs from, via, to, gone or set');
    // A step without `to` or `gone` applies at once: a delay would never be waited for.
    if (t.message !== undefined && t.from === undefined)
      err([...p, 'message'], 'a message words the refusal of `from`: declare the statuses it allows');
    if (t.delay !== undefined && t.to === undefined && !t.gone)
      err([...p, 'delay'], 'a delay needs to or gone (a step without them applies at once)');
    return {
      operation: name,
      from: t.from ?? [],
      via: t.via,
      to: t.to,
      gone: t.gone ?? false,
      delay: t.delay,
      set,
      message: t.message,
      ...(fill.length > 0 ? { fill } : {}),
      source: at(p),
    };
  });
}

type Err = (p: (string | number)[], message: string) => void;

/**
 * A field's `server_default` (or a seed's value read from a setting): its literal must be a value
 * of the field's type.
 */
function buildServerDefault(
  raw: RawField['server_default'],
  type: TypeRef,
  p: (string | number)[],
  err: Err,
  what = 'server_default',
): ServerDefaultModel | undefined {
  if (raw === undefined) return undefined;
  const literal = typeof raw === 'object' ? raw.value : raw;
  const model: ServerDefaultModel =
    typeof raw === 'object'
      ? { setting: raw.setting, ...(raw.value !== undefined ? { value: raw.value } : {}) }
      : { value: raw };
  if (literal === undefined) return model;
  const scalar = type.kind === 'scalar' ? type.name : undefined;
  const ok =
    scalar === 'string'
      ? typeof literal === 'string'
      : scalar === 'integer'
        ? Number.isInteger(literal)
        : scalar === 'number'
          ? typeof literal === 'number'
          : scalar === 'boolean' || scalar === 'boolstr'
            ? typeof literal === 'boolean'
            : scalar === 'any' || scalar === 'object';
  if (!ok)
    err(
      typeof raw === 'object' ? [...p, 'value'] : p,
      `${what} ${JSON.stringify(literal)} is not a value of the field's type ${scalar ?? type.kind}`,
    );
  return model;
}

/** A seed's value `{setting, value}`: the schema has checked its keys. */
function isSettingValue(value: JsonValue): value is { setting: string; value?: string | number | boolean } {
  return typeof value === 'object' && value !== null && 'setting' in value && typeof value.setting === 'string';
}

/** Measures that read a field of the records (count reads none). */
const MEASURED = new Set<Measure>(['sum', 'largest', 'values']);

/** An operation's `aggregate`: members of its response struct, each measured over the resource's records. */
function buildAggregate(
  raw: NonNullable<RawOperation['aggregate']>,
  response: ResponseModel,
  structs: readonly StructModel[],
  fields: readonly FieldModel[],
  p: (string | number)[],
  err: Err,
): AggregateModel[] | undefined {
  const struct =
    response.kind === 'value' && response.type.kind === 'struct'
      ? structs.find((s) => response.type.kind === 'struct' && s.name === response.type.name)
      : undefined;
  if (!struct) {
    err(p, 'aggregate needs a response of a struct of this resource ({key, type: <Struct>})');
    return undefined;
  }
  const wires = new Set(fields.map((f) => f.wire));
  const out: AggregateModel[] = [];
  for (const [name, a] of Object.entries(raw)) {
    const member = struct.fields.find((f) => f.name === name);
    if (!member) {
      err([...p, name], `no field "${name}" in the response struct ${struct.name}`);
      continue;
    }
    if (MEASURED.has(a.measure) && a.field === undefined) err([...p, name], `measure ${a.measure} needs a field`);
    if (a.measure === 'count' && a.field !== undefined) err([...p, name, 'field'], 'measure count reads no field');
    if (a.field !== undefined && !wires.has(a.field))
      err([...p, name, 'field'], `no field with wire name "${a.field}" in this resource`);
    out.push({ field: name, wire: member.wire, measure: a.measure, ...(a.field !== undefined ? { of: a.field } : {}) });
  }
  return out;
}

/**
 * A resource's `quota`. What can be checked within the file is checked here (roles, resource names,
 * the defaults operation, the limits' response paths); the fields of other resources a key measures
 * and the keys a class or limits name are checked once the service is built (checkQuotas in build.ts).
 */
function buildQuota(
  raw: RawQuota,
  scope: ServiceScope,
  operations: readonly OperationModel[],
  fields: readonly FieldModel[],
  structs: readonly StructModel[],
  at: (p: (string | number)[]) => Position,
  err: Err,
): QuotaModel {
  const p = ['quota'];
  const known = (name: string): boolean => scope.resourceNames.has(name) || (scope.unavailable?.has(name) ?? false);
  const keysOf = (keys: Record<string, RawQuotaKey>, base: (string | number)[]): QuotaKeyModel[] =>
    Object.entries(keys).map(([key, k]) => {
      for (const [i, r] of k.of.entries()) if (!known(r)) err([...base, key, 'of', i], `unknown resource "${r}"`);
      if (MEASURED.has(k.measure) && k.field === undefined) err([...base, key], `measure ${k.measure} needs a field`);
      if (k.measure === 'count' && k.field !== undefined) err([...base, key, 'field'], 'measure count reads no field');
      if (k.measure === 'values') err([...base, key, 'measure'], 'a quota is a number: count, sum or largest');
      return {
        key,
        ...(k.default !== undefined ? { default: k.default } : {}),
        measure: k.measure,
        of: k.of,
        ...(k.field !== undefined ? { field: k.field } : {}),
        usage: k.usage ?? true,
      };
    });
  const onlyFor = (member: keyof RawQuota, roles: RawQuota['role'][]): void => {
    if (raw[member] !== undefined && !roles.includes(raw.role))
      err([...p, member], `${member} only applies to the role${roles.length > 1 ? 's' : ''} ${roles.join(', ')}`);
  };
  onlyFor('keys', ['project']);
  onlyFor('per_record', ['project']);
  onlyFor('defaults', ['project']);
  onlyFor('usage_arg', ['project']);
  onlyFor('project_arg', ['limits']);
  onlyFor('of', ['class', 'limits']);
  onlyFor('values', ['limits']);
  if (raw.role === 'project' && raw.keys === undefined) err(p, 'a project quota needs its keys');
  if (raw.role !== 'project' && raw.of === undefined)
    err(p, `a ${raw.role} quota needs of: the project quota resource`);
  if (raw.of !== undefined && !known(raw.of)) err([...p, 'of'], `unknown resource "${raw.of}"`);
  if (raw.defaults !== undefined && !operations.some((o) => o.name === raw.defaults))
    err([...p, 'defaults'], `no operation named "${raw.defaults}"`);
  const get = operations.find((o) => o.kind === 'get');
  if (raw.usage_arg !== undefined && !get?.args.some((a) => a.name === raw.usage_arg))
    err([...p, 'usage_arg'], `the get operation has no argument "${raw.usage_arg}"`);
  if (
    raw.project_arg !== undefined &&
    !operations.some((o) => o.method === 'GET' && o.args.some((a) => a.name === raw.project_arg))
  )
    err([...p, 'project_arg'], `no GET operation has an argument "${raw.project_arg}"`);
  const perRecord = raw.per_record;
  if (perRecord && !known(perRecord.resource))
    err([...p, 'per_record', 'resource'], `unknown resource "${perRecord.resource}"`);
  for (const r of Object.keys(perRecord?.match ?? {}))
    if (!known(r)) err([...p, 'per_record', 'match', r], `unknown resource "${r}"`);
  const values = Object.entries(raw.values ?? {}).map(([path, v]) => {
    if (!resolvesPath(path, fields, structs))
      err([...p, 'values', path], `no response field at "${path}" (dotted wire names)`);
    return { path, key: v.key, value: v.value };
  });
  return {
    role: raw.role,
    ...(raw.of !== undefined ? { of: raw.of } : {}),
    ...(raw.defaults !== undefined ? { defaults: raw.defaults } : {}),
    ...(raw.usage_arg !== undefined ? { usageArg: raw.usage_arg } : {}),
    ...(raw.project_arg !== undefined ? { projectArg: raw.project_arg } : {}),
    keys: keysOf(raw.keys ?? {}, [...p, 'keys']),
    ...(perRecord
      ? {
          perRecord: {
            resource: perRecord.resource,
            ...(perRecord.default !== undefined ? { default: perRecord.default } : {}),
            keys: keysOf(perRecord.keys, [...p, 'per_record', 'keys']),
            match: perRecord.match ?? {},
          },
        }
      : {}),
    values,
    source: at(p),
  };
}

/** A dotted path of wire names through the fields and their structs: `absolute.maxTotalVolumes`. */
function resolvesPath(path: string, fields: readonly FieldModel[], structs: readonly StructModel[]): boolean {
  let members: readonly FieldModel[] | undefined = fields;
  for (const part of path.split('.')) {
    const f: FieldModel | undefined = members?.find((x) => x.wire === part);
    if (!f) return false;
    members =
      f.type.kind === 'struct'
        ? structs.find((s) => f.type.kind === 'struct' && s.name === f.type.name)?.fields
        : undefined;
  }
  return true;
}
