/**
 * Examples are checked with the spec, in the model step: a key in an example's expected request
 * body, in its reply or in its expected result that the method could never send or read is a spec
 * error at that key's `file:line:col`, with the nearest known key as a hint. Without this check a
 * misspelt key passes `generate --validate` and only fails the generated test, which shows a diff of
 * two JSON bodies and no spec line.
 *
 * Only keys are checked, and only where the spec says exactly which keys there are: a body
 * template's literal keys, a struct's fields, a resource's fields (not on resources that keep
 * unknown attributes, flatten a field into the body or split quota usage). Values, and keys under an
 * argument-named key (`{$key: $value}`) or a free-form map, are left to the generated test.
 */
import type {
  BodyTemplate,
  ExampleModel,
  FieldModel,
  JsonValue,
  OperationModel,
  ProxyMethodModel,
  ResourceModel,
  StructModel,
  TypeRef,
} from './types.js';
import { closest } from '../load/diagnostics.js';

type Err = (p: (string | number)[], message: string) => void;
type Path = (string | number)[];

/** Where the raw example wrote its exchanges: `request`/`response`, or `exchanges[i]`. */
export interface RawExchangeShape {
  readonly exchanges?: readonly unknown[] | undefined;
}

export function checkExamples(
  method: ProxyMethodModel,
  raw: readonly RawExchangeShape[],
  at: Path,
  resource: ResourceModel,
  resources: ReadonlyMap<string, ResourceModel>,
  err: Err,
): void {
  const ops = methodOperations(method, resource);
  method.examples.forEach((example, i) => {
    const base = [...at, 'examples', i];
    const single = raw[i]?.exchanges === undefined;
    example.exchanges.forEach((exchange, j) => {
      const where = single ? base : [...base, 'exchanges', j];
      const candidates = ops.filter((op) => matches(op, exchange.request.method, exchange.request.path));
      if (candidates.length === 0) return;
      // Several operations can share a method and path (actions): the one the body fits is meant.
      const results = candidates.map((op) => {
        const problems: [Path, string][] = [];
        const note = (p: Path, message: string): void => {
          problems.push([p, message]);
        };
        if (exchange.request.body !== undefined)
          requestBody(op, exchange.request.body, [...where, 'request', 'body'], resource, note);
        if (exchange.response.body !== undefined)
          replyBody(op, exchange.response.body, [...where, 'response', 'body'], resource, resources, note);
        return problems;
      });
      const best = results.find((r) => r.length === 0) ?? results[0];
      for (const [p, message] of best) err(p, message);
    });
    checkResult(method, example, [...base, 'result'], resources, err);
  });
}

/** The operations a method can send. */
function methodOperations(method: ProxyMethodModel, resource: ResourceModel): OperationModel[] {
  const names = [
    ...(method.plan ? [method.plan.operation] : []),
    ...method.switches.map((s) => s.operation),
    ...(method.find ? [method.find.get, method.find.list] : []),
  ];
  return resource.operations.filter((op) => names.includes(op.name));
}

function matches(op: OperationModel, method: string, path: string): boolean {
  const paths = [
    { method: op.method, path: op.path },
    ...(op.detailPath ? [{ method: op.method, path: op.detailPath }] : []),
    ...op.routes.flatMap((r) => [
      { method: r.method, path: r.path },
      ...(r.detailPath ? [{ method: r.method, path: r.detailPath }] : []),
    ]),
  ];
  return paths.some((p) => p.method === method && templateRegExp(p.path).test(path));
}

function templateRegExp(template: string): RegExp {
  const parts = template.split(/\{[^}]*\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}$`);
}

function isObject(value: JsonValue | undefined): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKey(key: string, where: string, known: readonly string[], why?: string): string {
  const hint = closest(key, known);
  return `unknown key "${key}" in ${where}${why ? `: ${why}` : ''}${hint ? ` (did you mean "${hint}"?)` : ''}`;
}

function requestBody(op: OperationModel, body: JsonValue, at: Path, resource: ResourceModel, err: Err): void {
  if (op.body === undefined) return;
  if (op.body === 'resource') {
    if (op.kind !== 'create' && op.kind !== 'update') return;
    const kind = op.kind;
    const writable = resource.fields.filter((f) => f[kind]);
    if (!isOpen(resource)) {
      const where = `the ${kind} body of ${resource.name}`;
      const why = `no field of ${resource.name} is sent on ${kind} under this wire name`;
      const rootKeys = writable.filter((f) => f.placement === 'root').map((f) => f.wire);
      const innerKeys = writable.filter((f) => f.placement !== 'root').map((f) => f.wire);
      if (resource.resourceKey) {
        if (!isObject(body)) return;
        for (const key of Object.keys(body)) {
          if (key !== resource.resourceKey && !rootKeys.includes(key))
            err([...at, key], unknownKey(key, where, [resource.resourceKey, ...rootKeys], why));
        }
        fieldKeys(body[resource.resourceKey], innerKeys, [...at, resource.resourceKey], where, why, err);
      } else fieldKeys(body, [...rootKeys, ...innerKeys], at, where, why, err);
    }
    return;
  }
  template(op.body, body, at, op, resource, err);
}

/** A resource whose bodies may carry keys the spec does not list. */
function isOpen(resource: ResourceModel): boolean {
  return resource.keepUnknown || resource.quotaUsage || resource.fields.some((f) => f.placement === 'flatten');
}

function fieldKeys(
  value: JsonValue | undefined,
  known: readonly string[],
  at: Path,
  where: string,
  why: string,
  err: Err,
): void {
  if (!isObject(value)) return;
  for (const key of Object.keys(value)) if (!known.includes(key)) err([...at, key], unknownKey(key, where, known, why));
}

function template(
  t: BodyTemplate,
  value: JsonValue,
  at: Path,
  op: OperationModel,
  resource: ResourceModel,
  err: Err,
): void {
  switch (t.kind) {
    case 'object': {
      if (!isObject(value)) return;
      const literal = t.entries.filter(([, , key]) => !key);
      const byArg = t.entries.find(([, , key]) => key);
      for (const [key, v] of Object.entries(value)) {
        const entry = literal.find(([k]) => k === key) ?? byArg;
        if (entry) template(entry[1], v, [...at, key], op, resource, err);
        else
          err(
            [...at, key],
            unknownKey(
              key,
              `the request body of ${op.id}`,
              literal.map(([k]) => k),
            ),
          );
      }
      return;
    }
    case 'arg': {
      const arg = op.args.find((a) => a.name === t.name);
      if (arg && !arg.ref) typed(arg.type, value, at, resource, `the request body of ${op.id}`, err);
      return;
    }
    default:
      return;
  }
}

/** Keys of a value of a spec type: a struct's fields by wire name, through lists and maps. */
function typed(type: TypeRef, value: JsonValue, at: Path, resource: ResourceModel, where: string, err: Err): void {
  switch (type.kind) {
    case 'struct': {
      const struct: StructModel | undefined = resource.structs.find((s) => s.name === type.name);
      if (!struct || !isObject(value)) return;
      for (const [key, v] of Object.entries(value)) {
        const field = struct.fields.find((f) => f.wire === key);
        if (field) typed(field.type, v, [...at, key], resource, where, err);
        else
          err(
            [...at, key],
            unknownKey(
              key,
              where,
              struct.fields.map((f) => f.wire),
              `${struct.name} has no field with this wire name`,
            ),
          );
      }
      return;
    }
    case 'list':
      if (Array.isArray(value))
        (value as readonly JsonValue[]).forEach((item, i) => typed(type.of, item, [...at, i], resource, where, err));
      return;
    case 'map':
      if (isObject(value))
        for (const [k, v] of Object.entries(value)) typed(type.of, v, [...at, k], resource, where, err);
      return;
    default:
      return;
  }
}

function replyBody(
  op: OperationModel,
  body: JsonValue,
  at: Path,
  resource: ResourceModel,
  resources: ReadonlyMap<string, ResourceModel>,
  err: Err,
): void {
  const response = op.response;
  if (response.kind !== 'resource' && response.kind !== 'merge') return;
  const owner = response.kind === 'resource' ? resources.get(response.resource) : resource;
  if (!owner || isOpen(owner) || !isObject(body)) return;
  const why = `${owner.name} has no field with this wire name`;
  const wires = owner.fields.map((f) => f.wire);
  const checkItem = (item: JsonValue | undefined, p: Path): void => {
    if (!isObject(item)) return;
    for (const [key, v] of Object.entries(item)) {
      const field = owner.fields.find((f) => f.wire === key);
      if (field) typed(field.type, v, [...p, key], owner, `the reply`, err);
      else err([...p, key], unknownKey(key, 'the reply', wires, why));
    }
  };
  if (op.kind === 'list') {
    const key = owner.resourcesKey;
    if (!key) return;
    const items = body[key];
    if (Array.isArray(items)) (items as readonly JsonValue[]).forEach((item, i) => checkItem(item, [...at, key, i]));
    return;
  }
  const key = response.kind === 'resource' ? (response.key ?? owner.resourceKey) : owner.resourceKey;
  if (key) checkItem(body[key], [...at, key]);
}

/** The expected result of a method returning resources: their attributes by TypeScript name. */
function checkResult(
  method: ProxyMethodModel,
  example: ExampleModel,
  at: Path,
  resources: ReadonlyMap<string, ResourceModel>,
  err: Err,
): void {
  const r = method.returns;
  if (example.error || example.result === undefined || example.result === null) return;
  if (r.kind !== 'resource' && r.kind !== 'paginated') return;
  const owner = resources.get(r.resource);
  if (!owner || owner.keepUnknown || owner.quotaUsage) return;
  const names = owner.fields.map((f: FieldModel) => f.name);
  const why = `${owner.name} has no attribute of this name`;
  const checkItem = (item: JsonValue, p: Path): void => {
    if (!isObject(item)) return;
    for (const key of Object.keys(item))
      if (!names.includes(key)) err([...p, key], unknownKey(key, 'the result', names, why));
  };
  if (r.kind === 'paginated') {
    if (Array.isArray(example.result))
      (example.result as readonly JsonValue[]).forEach((item, i) => checkItem(item, [...at, i]));
  } else checkItem(example.result, at);
}
