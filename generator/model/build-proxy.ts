/**
 * Resolves the `proxy:` section of a resource: which operations a method sends, its parameters
 * (positional or in the options object), what it returns, and its examples.
 */
import type { Diagnostics } from '../load/diagnostics.js';
import { positionOf, type SourceDocument } from '../load/source.js';
import { parseTypeExpr, typeToString } from './type-expr.js';
import type {
  CallPlan,
  ExampleExchange,
  ExampleModel,
  ForEachModel,
  HttpMethod,
  JsonValue,
  OperationModel,
  ProxyMethodKind,
  ProxyMethodModel,
  ProxyParam,
  ResourceModel,
  ReturnModel,
} from './types.js';
import { usesSelf } from './build-resource.js';
import { checkExamples } from './check-examples.js';
import { RESERVED, lowerFirst } from './util.js';

interface RawForEach {
  param: string;
  as: string;
  from_field?: string;
}
interface RawExampleRequest {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string | null>;
  body?: JsonValue;
}
interface RawExampleResponse {
  status: number;
  headers?: Record<string, string>;
  body?: JsonValue;
}
export interface RawExample {
  title?: string;
  args: JsonValue[];
  server_version?: string;
  request?: RawExampleRequest;
  response?: RawExampleResponse;
  exchanges?: { request: RawExampleRequest; response: RawExampleResponse }[];
  result?: JsonValue;
  error?: string;
}
export interface RawProxyMethod {
  description?: string;
  deprecated?: string;
  call?: string;
  find?: {
    details?: boolean;
    query?: string[];
    defaults?: Record<string, string | number | boolean>;
    get?: string;
    list?: string;
    by_id?: boolean;
  };
  wait?: 'status' | 'delete';
  target?: {
    param?: string;
    instance_only?: boolean;
    parent?: { resource: string; field: string };
    default?: string;
  };
  ignore_missing?: boolean;
  details?: boolean;
  params?: Record<string, { type: string; required?: boolean; description: string }>;
  switch?: { if: string; call: string; for_each?: RawForEach; min_version?: string; max_version?: string }[];
  for_each?: RawForEach;
  examples: RawExample[];
}

type Err = (p: (string | number)[], message: string) => void;

export function buildProxyMethods(
  doc: SourceDocument,
  resource: ResourceModel,
  raw: Record<string, RawProxyMethod>,
  resources: ReadonlyMap<string, ResourceModel>,
  d: Diagnostics,
  /** Resources whose file failed to load: not unknown, only not built. */
  unavailable: ReadonlySet<string> = new Set(),
): ProxyMethodModel[] {
  const err: Err = (p, message) => d.add(doc.locate(p), p.join('.'), message);
  const ops = new Map(resource.operations.map((o) => [o.name, o]));
  const out: ProxyMethodModel[] = [];
  for (const [name, m] of Object.entries(raw)) {
    const p = ['proxy', name];
    const method = buildMethod(name, m, p);
    if (method) {
      checkExamples(method, m.examples, p, resource, resources, err);
      out.push(method);
    }
  }
  return out;

  function opAt(opName: string, p: (string | number)[]): OperationModel | undefined {
    const op = ops.get(opName);
    if (!op) err(p, `no operation named "${opName}" in ${resource.name}`);
    return op;
  }

  function buildMethod(name: string, m: RawProxyMethod, p: (string | number)[]): ProxyMethodModel | undefined {
    const modes = [m.call !== undefined, m.find !== undefined, m.wait !== undefined].filter(Boolean).length;
    if (modes !== 1) {
      err(p, 'a proxy method needs exactly one of call, find or wait');
      return undefined;
    }
    if (m.wait) {
      err([...p, 'wait'], 'waiters are declared in service.yaml');
      return undefined;
    }
    const examples = m.examples.map((e, i) => buildExample(doc, e, [...p, 'examples', i], err));
    if (m.find) return buildFind(name, m, p, examples);

    const primary = opAt(m.call!, [...p, 'call']);
    if (!primary) return undefined;
    const kind: ProxyMethodKind = primary.kind === 'action' || primary.kind === 'request' ? 'call' : primary.kind;
    const plan: CallPlan = { operation: primary.name, forEach: forEachAt(m.for_each, [...p, 'for_each']) };
    if ((m.switch?.length ?? 0) > 0 && kind !== 'call' && kind !== 'delete') {
      err([...p, 'switch'], `switch needs a call or delete method; "${primary.name}" is a ${primary.kind} operation`);
    }
    if (m.for_each && kind !== 'call' && kind !== 'delete') {
      err(
        [...p, 'for_each'],
        `for_each needs a call or delete method; "${primary.name}" is a ${primary.kind} operation`,
      );
    }
    const switches = (m.switch ?? []).map((s, i) => ({
      if: s.if,
      operation: s.call,
      forEach: forEachAt(s.for_each, [...p, 'switch', i, 'for_each']),
      minVersion: s.min_version,
      maxVersion: s.max_version,
    }));
    const plans: CallPlan[] = [plan, ...switches];
    const planOps = plans.map((pl, i) =>
      opAt(pl.operation, i === 0 ? [...p, 'call'] : [...p, 'switch', i - 1, 'call']),
    );
    if (planOps.some((o) => !o)) return undefined;
    const opsUsed = planOps as OperationModel[];

    const params: ProxyParam[] = [];
    const add = (param: ProxyParam, where: (string | number)[]): void => {
      if (RESERVED.has(param.name))
        err(where, `"${param.name}" cannot be a parameter name (reserved in the emitted code)`);
      const existing = params.find((x) => x.name === param.name);
      if (existing) {
        if (existing.role.kind === 'arg' && param.role.kind === 'arg') {
          const a = existing.role.arg;
          const b = param.role.arg;
          if (typeToString(a.type) !== typeToString(b.type) || a.ref !== b.ref) {
            err(where, `argument "${param.name}" has different types in the operations of this method`);
          }
        }
        return;
      }
      params.push(param);
    };

    // The target: the resource whose fields fill the path.
    const needsTarget = opsUsed.some(
      (o) =>
        o.pathParams.some((ph) => resource.pathParams.has(ph)) ||
        (o.body !== undefined && o.body !== 'resource' && usesSelf(o.body)),
    );
    if (needsTarget) {
      const t = m.target ?? {};
      if (t.parent) {
        const parent = resources.get(t.parent.resource);
        if (!parent && !unavailable.has(t.parent.resource))
          err([...p, 'target', 'parent', 'resource'], `unknown resource "${t.parent.resource}"`);
        if (!resource.fields.some((f) => f.name === t.parent!.field)) {
          err([...p, 'target', 'parent', 'field'], `${resource.name} has no field "${t.parent.field}"`);
        }
      }
      add(
        {
          name: t.param ?? lowerFirst(resource.name),
          description: t.parent
            ? `The ${resource.name}, or its ${t.parent.resource} (instance or ID).`
            : t.instance_only
              ? `The ${resource.name} instance (as returned by the API).`
              : `The ${resource.name} or its ID.`,
          positional: true,
          optional: t.default !== undefined,
          role: {
            kind: 'target',
            resource: resource.name,
            instanceOnly: t.instance_only ?? false,
            parent: t.parent && { resource: t.parent.resource, field: t.parent.field },
            defaultId: t.default,
          },
        },
        [...p, 'target'],
      );
    } else if (m.target) {
      err([...p, 'target'], 'no operation of this method uses the resource (a path parameter or $self in the body)');
    }

    if (kind === 'create' || kind === 'update') {
      add(
        {
          name: 'attrs',
          description: kind === 'create' ? `Attributes of the new ${resource.name}.` : `Attributes to change.`,
          positional: true,
          optional: false,
          role: { kind: 'attrs', resource: resource.name, mode: kind },
        },
        p,
      );
    }

    const loopVars = new Set(plans.flatMap((pl) => (pl.forEach ? [pl.forEach.as] : [])));
    // Operation arguments. Required in every operation that has them → positional.
    for (const op of opsUsed) {
      for (const arg of op.args) {
        if (loopVars.has(arg.name)) continue;
        const inAll = opsUsed.every((o) => o.args.some((a) => a.name === arg.name && a.required));
        const required = arg.required && inAll && (op.kind !== 'list' || arg.in === 'path');
        add(
          {
            name: arg.name,
            description: arg.description,
            positional: required,
            optional: !required,
            role: { kind: 'arg', arg },
          },
          [...p, 'call'],
        );
      }
    }
    for (const [paramName, extra] of Object.entries(m.params ?? {})) {
      const parsed = parseTypeExpr(extra.type, (n) =>
        resource.structs.some((s) => s.name === n) ? 'struct' : undefined,
      );
      if (!parsed.ok) err([...p, 'params', paramName, 'type'], parsed.message);
      if (params.some((x) => x.name === paramName))
        err([...p, 'params', paramName], `"${paramName}" is already a parameter of the operation`);
      add(
        {
          name: paramName,
          description: extra.description,
          positional: extra.required ?? false,
          optional: !(extra.required ?? false),
          role: { kind: 'extra', type: parsed.ok ? parsed.type : { kind: 'scalar', name: 'any' } },
        },
        [...p, 'params', paramName],
      );
    }
    for (const [i, s] of switches.entries()) {
      if (!params.some((x) => x.name === s.if))
        err([...p, 'switch', i, 'if'], `no parameter named "${s.if}" (declare it under params)`);
    }
    for (const [i, pl] of plans.entries()) {
      const fe = pl.forEach;
      if (!fe) continue;
      const where = i === 0 ? [...p, 'for_each'] : [...p, 'switch', i - 1, 'for_each'];
      if (!params.some((x) => x.name === fe.param))
        err(where, `no parameter named "${fe.param}" (declare it under params)`);
      if (!opsUsed[i].args.some((a) => a.name === fe.as))
        err(where, `operation "${pl.operation}" has no argument "${fe.as}"`);
      if (fe.fromField && !resource.fields.some((f) => f.name === fe.fromField))
        err(where, `${resource.name} has no field "${fe.fromField}"`);
      if (fe.fromField && !ops.has('get')) err(where, 'from_field needs a get operation to fetch the target');
    }

    if (kind === 'list' && (m.details ?? false)) {
      if (!primary.detailPath) err([...p, 'details'], `operation "${primary.name}" has no detail_path`);
      add(
        {
          name: 'details',
          description: 'Return full details (default true).',
          positional: false,
          optional: true,
          role: { kind: 'details', default: true },
        },
        p,
      );
    }
    if (kind === 'delete' || m.ignore_missing !== undefined) {
      if (kind !== 'delete' && kind !== 'call')
        err([...p, 'ignore_missing'], 'ignore_missing applies to delete methods');
      const on = m.ignore_missing ?? true;
      if (on) {
        add(
          {
            name: 'ignoreMissing',
            description: 'When true (the default), a missing resource is not an error.',
            positional: false,
            optional: true,
            role: { kind: 'ignoreMissing', default: true },
          },
          p,
        );
      }
    }

    // Return type: every alternative must agree.
    const returns = opsUsed.map((o, i) => returnOf(o, plans[i]));
    const first = returns[0];
    for (const [i, r] of returns.entries()) {
      if (JSON.stringify(r) !== JSON.stringify(first))
        err([...p, 'switch', i - 1], 'this alternative returns a different type than call');
    }
    return {
      name,
      resource: resource.name,
      kind,
      description: m.description ?? primary.description,
      deprecated: m.deprecated,
      params: orderParams(params),
      plan,
      switches,
      returns: first,
      examples,
      source: positionOf(m) ?? doc.locate(p),
    };
  }

  function returnOf(op: OperationModel, plan: CallPlan): ReturnModel {
    if (plan.forEach) {
      if (op.response.kind !== 'none' && op.response.kind !== 'merge')
        err(['proxy'], `for_each needs operation "${op.name}" to return nothing`);
      return { kind: 'void' };
    }
    if (op.kind === 'list')
      return { kind: 'paginated', resource: op.response.kind === 'resource' ? op.response.resource : resource.name };
    switch (op.response.kind) {
      case 'none':
        return { kind: 'void' };
      case 'resource':
        return { kind: 'resource', resource: op.response.resource, optional: false };
      case 'merge':
        return { kind: 'resource', resource: resource.name, optional: false };
      case 'value':
        return { kind: 'value', type: op.response.type };
    }
  }

  function buildFind(
    name: string,
    m: RawProxyMethod,
    p: (string | number)[],
    examples: ExampleModel[],
  ): ProxyMethodModel | undefined {
    const f = m.find!;
    const byId = f.by_id ?? true;
    const getName = byId ? (f.get ?? 'get') : undefined;
    const listName = f.list ?? 'list';
    const getOp = getName ? opAt(getName, [...p, 'find']) : undefined;
    const listOp = opAt(listName, [...p, 'find']);
    if (!listOp || (byId && !getOp)) return undefined;
    if (listOp.kind !== 'list') err([...p, 'find', 'list'], `"${listName}" is not a list operation`);
    const nameWire = resource.fields.find((x) => x.name === resource.nameField)?.wire ?? 'name';
    const nameFilter = listOp.args.some((a) => a.in === 'query' && a.wire === nameWire) ? 'server' : 'client';
    const params: ProxyParam[] = [
      {
        name: 'nameOrId',
        description: `The name or ID of the ${resource.name}.`,
        positional: true,
        optional: false,
        role: { kind: 'nameOrId' },
      },
      {
        name: 'ignoreMissing',
        description: 'When true (the default), return undefined instead of raising when nothing matches.',
        positional: false,
        optional: true,
        role: { kind: 'ignoreMissing', default: true },
      },
    ];
    if (f.details) {
      if (!listOp.detailPath) err([...p, 'find', 'details'], `operation "${listName}" has no detail_path`);
      params.push({
        name: 'details',
        description: 'Return full details (default true).',
        positional: false,
        optional: true,
        role: { kind: 'details', default: true },
      });
    }
    for (const q of f.query ?? []) {
      const arg = listOp.args.find((a) => a.name === q);
      if (!arg) {
        err([...p, 'find', 'query'], `list operation "${listName}" has no argument "${q}"`);
        continue;
      }
      const given = f.defaults?.[q];
      if (given !== undefined && arg.enum && !arg.enum.includes(String(given)))
        err([...p, 'find', 'defaults', q], `${JSON.stringify(given)} is not one of ${arg.enum.join(', ')}`);
      params.push({
        name: q,
        description: arg.description,
        positional: false,
        optional: true,
        // find's own default (a lookup that should see more than the listing's default shows).
        role: { kind: 'arg', arg: given === undefined ? arg : { ...arg, default: given } },
      });
    }
    for (const q of Object.keys(f.defaults ?? {}))
      if (!(f.query ?? []).includes(q)) err([...p, 'find', 'defaults', q], `"${q}" is not listed in find.query`);
    // Path arguments of the list (a parent id) become positional.
    for (const arg of listOp.args.filter((a) => a.in === 'path')) {
      params.splice(1, 0, {
        name: arg.name,
        description: arg.description,
        positional: true,
        optional: false,
        role: { kind: 'arg', arg },
      });
    }
    return {
      name,
      resource: resource.name,
      kind: 'find',
      description: m.description ?? `Finds a single ${resource.name} by name or ID.`,
      deprecated: m.deprecated,
      params,
      plan: undefined,
      switches: [],
      find: { get: getName, list: listName, byId, nameFilter },
      returns: { kind: 'resource', resource: resource.name, optional: true },
      examples,
      source: positionOf(m) ?? doc.locate(p),
    };
  }

  function forEachAt(raw: RawForEach | undefined, _p: (string | number)[]): ForEachModel | undefined {
    return raw && { param: raw.param, as: raw.as, fromField: raw.from_field };
  }
}

export function buildExample(doc: SourceDocument, e: RawExample, p: (string | number)[], err: Err): ExampleModel {
  const exchanges: ExampleExchange[] = [];
  if (e.exchanges && (e.request || e.response)) err(p, 'use either request/response or exchanges');
  const pairs = e.exchanges ?? (e.request ? [{ request: e.request, response: e.response ?? { status: 200 } }] : []);
  if (pairs.length === 0 && !e.error && e.exchanges === undefined)
    err(p, 'an example needs the requests it expects (request, or exchanges: [] for none)');
  for (const pair of pairs) {
    exchanges.push({
      request: {
        method: pair.request.method,
        path: pair.request.path,
        query: pair.request.query ?? {},
        headers: pair.request.headers ?? {},
        body: pair.request.body,
      },
      response: { status: pair.response.status, headers: pair.response.headers ?? {}, body: pair.response.body },
    });
  }
  const first = exchanges[0]?.request;
  return {
    title: e.title ?? (first ? `${first.method} ${first.path}` : 'example'),
    args: e.args,
    exchanges,
    result: e.result,
    hasResult: e.result !== undefined,
    error: e.error,
    serverVersion: e.server_version,
    // Every example's line goes into the generated tests: read without a second parse of the file.
    source: positionOf(e) ?? doc.locate(p),
  };
}

/** Positional parameters first (in declaration order), then everything that goes in options. */
function orderParams(params: ProxyParam[]): ProxyParam[] {
  return [...params.filter((x) => x.positional), ...params.filter((x) => !x.positional)];
}

export function waiterMethod(
  doc: SourceDocument,
  name: string,
  raw: { wait: 'status' | 'delete'; description: string; examples: RawExample[] },
  d: Diagnostics,
): ProxyMethodModel {
  const p = ['proxy', name];
  const err: Err = (where, message) => d.add(doc.locate(where), where.join('.'), message);
  return {
    name,
    kind: raw.wait === 'status' ? 'waitStatus' : 'waitDelete',
    description: raw.description,
    params: [],
    switches: [],
    returns: { kind: 'value', type: { kind: 'scalar', name: 'any' } },
    examples: raw.examples.map((e, i) => buildExample(doc, e, [...p, 'examples', i], err)),
    source: doc.locate(p),
  };
}
