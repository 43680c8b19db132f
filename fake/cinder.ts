/**
 * The Block Storage API of the fake cloud, driven by the prebuilt model: nothing here is written per
 * resource. Routes, microversion bounds, argument and body shapes and success statuses come from
 * the spec; behaviour comes from the operation's kind (create, get, update, delete, list, action,
 * request) and the resource's declared lifecycle (`status.transitions`).
 *
 * Answers follow Cinder: errors in its fault envelope (`{"badRequest": {"message", "code"}}`), 404
 * for a path or a microversion an operation does not have, 406 for a version header outside the
 * range, 400 for an unknown or mistyped body member, 413 (`overLimit`) over quota.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FakeClock } from './clock.js';
import type {
  FakeBody,
  FakeEffect,
  FakeField,
  FakeJson,
  FakeMadeBy,
  FakeMembers,
  FakeOperand,
  FakeOperation,
  FakeQuota,
  FakeResource,
  FakeServerDefault,
  FakeService,
  FakeValue,
} from './model.js';
import { FakeQuotas, type QuotaRefusal } from './quotas.js';
import { fill, find, holds, message, withLookups, type RuleScope } from './rules.js';
import type { FakeRecord, FakeState } from './state.js';
import {
  compareVersions,
  emptyValue,
  inRange,
  normalize,
  parseVersion,
  sampleValue,
  toBoolean,
  typeMismatch,
} from './values.js';

/** Who is calling, from the token (or noauth). */
export interface CallerContext {
  readonly userId: string;
  readonly projectId: string;
  readonly admin: boolean;
}

export interface CinderRequest {
  readonly method: string;
  /** The path below the service root, split: `['v3', '<project>', 'volumes', 'detail']`. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
  /** `http://127.0.0.1:port`, for links. */
  readonly origin: string;
}

export interface CinderAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** The operation that answered (`Volume.create`), when one did. */
  readonly operation?: string | undefined;
  readonly microversion?: string | undefined;
}

export interface CinderOptions {
  readonly services: readonly FakeService[];
  readonly state: FakeState;
  readonly clock: FakeClock;
  readonly minMicroversion: string;
  readonly maxMicroversion: string;
  /** Milliseconds a transition takes on the fake clock, by operation id (`Volume.create`). */
  readonly delays: Readonly<Record<string, number>>;
  /**
   * The limits every project starts with as its own (quota keys of the spec's project quota, e.g.
   * `volumes`, `gigabytes`); keys left out follow the default quota class.
   */
  readonly quotas: Readonly<Record<string, number>>;
  /** Deployment settings named as Cinder's options (`default_volume_type`): fill declared server defaults. */
  readonly settings?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** Major versions served (3, and 2 where asked). */
  readonly majors: readonly number[];
}

const FAULT_NAMES: Readonly<Record<number, string>> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/** Cinder's fault envelope. */
export function fault(status: number, message: string, extra: Record<string, unknown> = {}): CinderAnswer {
  return { status, body: { [FAULT_NAMES[status] ?? 'computeFault']: { message, code: status, ...extra } } };
}

class Fail extends Error {
  constructor(readonly answer: CinderAnswer) {
    super(typeof answer.body === 'object' ? JSON.stringify(answer.body) : String(answer.status));
  }
}

const fail = (status: number, message: string, extra?: Record<string, unknown>): never => {
  throw new Fail(fault(status, message, extra));
};

/** A quota refusal: over quota is a 413 `overLimit` that may be retried (Cinder's QuotaError). */
const refuse = (r: QuotaRefusal | undefined): void => {
  if (r) fail(r.status, r.message, r.status === 413 ? { retryAfter: '0' } : undefined);
};

interface RouteEntry {
  readonly resource: FakeResource;
  readonly op: FakeOperation;
  readonly method: string;
  readonly segments: readonly string[];
  /** Literal segments: more wins over fewer (`/volumes/detail` over `/volumes/{volume_id}`). */
  readonly literals: number;
  readonly detail: boolean;
  /** The operation's default path: it applies where none of its routes does. */
  readonly isDefault: boolean;
  readonly min?: string | undefined;
  readonly max?: string | undefined;
  /** The action key of a POST …/action body. */
  readonly action?: string | undefined;
}

interface ServiceTable {
  readonly service: FakeService;
  /** `endpoint` routes hang below /v3/<project>, `version` routes below /v3. */
  readonly endpoint: readonly RouteEntry[];
  readonly version: readonly RouteEntry[];
  readonly resources: ReadonlyMap<string, FakeResource>;
}

function actionKeyOf(op: FakeOperation): string | undefined {
  if (op.kind !== 'action' || !op.body || op.body === 'resource' || op.body.kind !== 'object') return undefined;
  return op.body.entries.length === 1 ? op.body.entries[0][0] : undefined;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function maxOf(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareVersions(a, b) >= 0 ? a : b;
}

function minOf(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareVersions(a, b) <= 0 ? a : b;
}

function buildTable(service: FakeService): ServiceTable {
  const endpoint: RouteEntry[] = [];
  const version: RouteEntry[] = [];
  for (const resource of service.resources) {
    for (const op of resource.operations) {
      const list = op.base === 'version' ? version : endpoint;
      const add = (method: string, path: string, detail: boolean, isDefault: boolean, min?: string, max?: string) => {
        const segments = splitPath(path);
        list.push({
          resource,
          op,
          method,
          segments,
          literals: segments.filter((s) => !s.startsWith('{')).length,
          detail,
          isDefault,
          min: maxOf(min, op.min),
          max: minOf(max, op.max),
          action: actionKeyOf(op),
        });
      };
      add(op.method, op.path, false, true);
      if (op.detailPath) add(op.method, op.detailPath, true, true);
      for (const r of op.routes) {
        add(r.method, r.path, false, false, r.min, r.max);
        if (r.detailPath) add(r.method, r.detailPath, true, false, r.min, r.max);
      }
    }
  }
  const bySpecificity = (a: RouteEntry, b: RouteEntry) => b.literals - a.literals;
  return {
    service,
    endpoint: endpoint.sort(bySpecificity),
    version: version.sort(bySpecificity),
    resources: new Map(service.resources.map((r) => [r.name, r])),
  };
}

function matchSegments(template: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i];
    const a = actual[i];
    if (t.startsWith('{') && t.endsWith('}')) params[t.slice(1, -1)] = decodeURIComponent(a);
    else if (t !== a) return undefined;
  }
  return params;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What an effect reads and writes: a stored record, or before a create the fields the request sends. */
type EffectSelf = Pick<FakeRecord, 'data' | 'kept'> | FakeRecord;

/** Set, as Python's truth reads it: not missing, null, false, empty text or an empty object or list. */
function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** What a validated request carries to its handler. */
interface Call {
  readonly table: ServiceTable;
  readonly entry: RouteEntry;
  readonly resource: FakeResource;
  readonly op: FakeOperation;
  readonly params: Readonly<Record<string, string>>;
  readonly caller: CallerContext;
  /** Undefined on v2. */
  readonly version: string | undefined;
  readonly req: CinderRequest;
  /** Argument values by argument name (body, query and path). */
  readonly args: Record<string, unknown>;
  /** create/update: the resource's fields by wire name. */
  readonly fields: Record<string, unknown>;
  /** The URL of the endpoint, for links: `http://h/v3/<project>`. */
  readonly endpointUrl: string;
}

export class FakeCinder {
  readonly #options: CinderOptions;
  readonly #tables = new Map<number, ServiceTable>();
  /** Every resource by name, across versions (v3 wins): for status fields and quotas. */
  readonly #resources = new Map<string, FakeResource>();
  readonly #quotas: FakeQuotas;

  constructor(options: CinderOptions) {
    this.#options = options;
    for (const service of options.services) {
      if (!options.majors.includes(service.major)) continue;
      this.#tables.set(service.major, buildTable(service));
    }
    for (const service of [...options.services].sort((a, b) => a.major - b.major))
      for (const r of service.resources) this.#resources.set(r.name, r);
    this.#quotas = new FakeQuotas({ resources: this.#resources, state: options.state, initial: options.quotas });
  }

  /** A literal, or a `{setting, value}` read from the deployment settings (undefined when unset and without a value). */
  #settingValue(value: FakeJson | FakeServerDefault): unknown {
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'setting' in value) {
      const d = value as FakeServerDefault;
      return (d.setting !== undefined ? this.#options.settings?.[d.setting] : undefined) ?? d.value;
    }
    return value;
  }

  /** Puts in the records Cinder has from the start (`seed:` in the spec), once per resource. */
  seed(project: string): void {
    for (const r of this.#resources.values()) {
      for (const seed of r.seed ?? []) {
        const id = randomUUID();
        // A value may follow a deployment setting (the default type's name, default_volume_type).
        const data = Object.fromEntries(Object.entries(seed).map(([wire, v]) => [wire, this.#settingValue(v)]));
        this.#options.state.insert(storeOf(r), toStored(r, { ...data, [r.idField]: id }), { project, id });
      }
    }
  }

  /** The status field's wire name of a resource, for the state. */
  statusField(resource: string): string | undefined {
    return this.#resources.get(resource)?.status?.field;
  }

  /** What a record of the resource holds before anything is set: empty values, timestamps, owner. */
  recordDefaults(resource: string, project: string): Record<string, unknown> {
    const r = this.#resources.get(resource);
    if (!r) return {};
    const data: Record<string, unknown> = {};
    for (const f of r.fields) data[f.wire] = emptyValue(f.type);
    // What Cinder fills in when a create leaves the field out (declared `server_default`).
    for (const f of r.fields) {
      if (!f.serverDefault) continue;
      const d = f.serverDefault;
      const value = (d.setting !== undefined ? this.#options.settings?.[d.setting] : undefined) ?? d.value;
      if (value === undefined) continue;
      data[f.wire] = f.type === 'boolstr' && typeof value === 'boolean' ? String(value) : value;
    }
    Object.assign(data, this.#stamp(r, true));
    for (const f of r.fields) if (f.name === 'projectId') data[f.wire] = project;
    return data;
  }

  /** Major versions served. */
  get majors(): readonly number[] {
    return [...this.#tables.keys()];
  }

  /** The version document of one major version (`GET /v3/`) or of all (`GET /`). */
  versionEntry(major: number, origin: string): Record<string, unknown> {
    const mv = major >= 3;
    return {
      id: `v${major}.0`,
      status: major >= 3 ? 'CURRENT' : 'DEPRECATED',
      version: mv ? this.#options.maxMicroversion : '',
      min_version: mv ? this.#options.minMicroversion : '',
      updated: major >= 3 ? '2023-01-01T00:00:00Z' : '2017-02-25T12:00:00Z',
      links: [
        { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
        { rel: 'self', href: `${origin}/v${major}/` },
      ],
      'media-types': [{ base: 'application/json', type: `application/vnd.openstack.volume+json;version=${major}` }],
    };
  }

  handle(req: CinderRequest, caller: () => CallerContext): CinderAnswer {
    try {
      return this.#handle(req, caller, false);
    } catch (error) {
      if (error instanceof Fail) return error.answer;
      throw error;
    }
  }

  /** The operation a request would reach (for faults), without touching the state. */
  operationOf(req: CinderRequest, caller: () => CallerContext): string | undefined {
    try {
      return this.#handle(req, caller, true).operation;
    } catch (error) {
      if (error instanceof Fail) return undefined;
      throw error;
    }
  }

  #handle(req: CinderRequest, callerOf: () => CallerContext, peek: boolean): CinderAnswer {
    const [first, ...rest] = req.segments;
    if (first === undefined) {
      return { status: 300, body: { versions: this.majors.map((m) => this.versionEntry(m, req.origin)) } };
    }
    const major = /^v(\d+)(?:\.\d+)?$/.exec(first);
    const table = major ? this.#tables.get(Number(major[1])) : undefined;
    if (!table) return fault(404, 'The resource could not be found.');
    if (rest.length === 0 && req.method === 'GET')
      return { status: 200, body: { version: this.versionEntry(table.service.major, req.origin) } };

    const version = this.#negotiate(table, req.headers);
    const caller = callerOf();
    // Routes below /v3 without a project (default-types) come first; everything else has one.
    const versionMatch = this.#match(table.version, req, rest, version);
    let project = caller.projectId;
    let call: Omit<Call, 'args' | 'fields' | 'caller' | 'version' | 'req' | 'table' | 'endpointUrl'> | undefined;
    if (versionMatch) call = versionMatch;
    else {
      const [projectSegment, ...below] = rest;
      if (projectSegment === undefined) return fault(404, 'The resource could not be found.');
      // Cinder refuses a URL whose project differs from the token's (admins included).
      if (projectSegment !== caller.projectId) fail(400, 'Malformed request url');
      project = projectSegment;
      call = this.#match(table.endpoint, req, below, version);
      if (!call) return fault(404, 'The resource could not be found.');
    }
    if (peek) return { status: 0, operation: call.op.id };
    const endpointUrl = `${req.origin}/${first}/${project}`;
    const full: Call = {
      ...call,
      table,
      caller,
      version,
      req,
      endpointUrl,
      args: {},
      fields: {},
    };
    let answer: CinderAnswer;
    try {
      this.#readArgs(full);
      this.#authorize(full);
      this.#check(full);
      this.#createOthers(full);
      answer = this.#answer(full, this.#dispatch(full));
    } catch (error) {
      if (!(error instanceof Fail)) throw error;
      answer = error.answer;
    }
    return {
      ...answer,
      operation: full.op.id,
      microversion: version,
      headers: {
        ...(version && table.service.microversion
          ? {
              'OpenStack-API-Version': `${table.service.microversion.headerService} ${version}`,
              Vary: 'OpenStack-API-Version',
            }
          : {}),
        ...answer.headers,
      },
    };
  }

  /**
   * The operation's declared policy (Cinder's defaults, cinder/policies/*.py): an admin-only rule
   * refuses every other caller with Cinder's 403. Cinder checks it in the handler, after the body
   * schema (cinder/api/validation), so a malformed body is still a 400 first. A member of the
   * project has the member and reader roles; only `admin` rules refuse one.
   */
  #authorize(call: Call): void {
    const policy = call.op.policy;
    if (policy?.allows === 'admin' && !call.caller.admin)
      fail(403, policy.message ?? `Policy doesn't allow ${policy.rule} to be performed.`);
  }

  /** The request's microversion: the header's (`latest` is the maximum), else the minimum. */
  #negotiate(table: ServiceTable, headers: CinderRequest['headers']): string | undefined {
    const mv = table.service.microversion;
    if (!mv) return undefined;
    const header = headers['openstack-api-version'];
    let requested: string | undefined;
    if (header) {
      for (const part of header.split(',')) {
        const [service, value] = part.trim().split(/\s+/);
        if (service?.toLowerCase() === mv.headerService && value) requested = value;
      }
    }
    requested ??= headers['x-openstack-volume-api-version'];
    const { minMicroversion: min, maxMicroversion: max } = this.#options;
    if (requested === undefined) return min;
    if (requested.toLowerCase() === 'latest') return max;
    if (!parseVersion(requested)) fail(400, `Invalid API version: ${requested}`);
    if (compareVersions(requested, min) < 0 || compareVersions(requested, max) > 0) {
      throw new Fail({
        status: 406,
        body: {
          computeFault: {
            code: 406,
            message: `Version ${requested} is not supported by the API. Minimum is ${min} and maximum is ${max}.`,
          },
        },
      });
    }
    const [major, minor] = parseVersion(requested)!;
    return `${major}.${minor}`;
  }

  #match(
    entries: readonly RouteEntry[],
    req: CinderRequest,
    segments: readonly string[],
    version: string | undefined,
  ): { entry: RouteEntry; resource: FakeResource; op: FakeOperation; params: Record<string, string> } | undefined {
    let best: number | undefined;
    const hits: { entry: RouteEntry; params: Record<string, string> }[] = [];
    for (const entry of entries) {
      if (best !== undefined && entry.literals < best) break;
      if (entry.method !== req.method) continue;
      const params = matchSegments(entry.segments, segments);
      if (!params) continue;
      best = entry.literals;
      hits.push({ entry, params });
    }
    if (hits.length === 0) return undefined;
    const available = (e: RouteEntry) =>
      inRange(e, version) &&
      // A default path gives way to the operation's own route for this microversion.
      !(e.isDefault && e.op.routes.some((r) => inRange({ min: maxOf(r.min, e.op.min), max: r.max }, version)));
    let candidates = hits;
    const actions = hits.filter((h) => h.entry.action !== undefined);
    if (actions.length > 0) {
      const keys = isObject(req.body) ? Object.keys(req.body) : [];
      candidates = actions.filter((h) => keys.includes(h.entry.action!));
      if (candidates.length === 0) {
        const key = keys[0];
        return fail(400, key === undefined ? 'Malformed request body' : `There is no such action: ${key}`);
      }
    }
    const ok = candidates.find((h) => available(h.entry));
    if (!ok) return fail(404, `API version ${version ?? '2.0'} is not supported on this method.`);
    return { ...ok, resource: ok.entry.resource, op: ok.entry.op };
  }

  // ---------------------------------------------------------------------------------------------
  // Arguments and bodies

  #readArgs(call: Call): void {
    const { op, req, version } = call;
    for (const arg of op.args) {
      if (arg.in === 'path') {
        const value = call.params[arg.wire];
        if (value !== undefined) call.args[arg.name] = value;
      } else if (arg.in === 'query') {
        const values = req.query.getAll(arg.wire);
        // Cinder drops a filter the request's microversion does not have yet.
        if (values.length === 0 || !inRange(arg, version)) continue;
        const value = values[values.length - 1];
        const wrong = typeMismatch(value, arg.type === 'string' ? 'string' : arg.type, {});
        if (wrong) fail(400, `Invalid input received: ${arg.wire} must be ${wrong}, got ${JSON.stringify(value)}.`);
        if (arg.enum && !arg.enum.includes(value))
          fail(400, `Invalid input received: ${arg.wire} must be one of ${arg.enum.join(', ')}, got ${value}.`);
        call.args[arg.name] = normalize(value, arg.type);
      }
    }
    // Quota sets and classes take any quota key (per volume type too): their handler checks the body.
    if (op.body === 'resource' && this.#quotaOf(call.resource)) return void this.#defaultArgs(call);
    if (op.body === 'resource') this.#resourceBody(call);
    else if (op.body) {
      if (req.body === undefined) fail(400, 'Missing request body.');
      this.#templateBody(call, op.body, req.body, '');
    } else if (req.body !== undefined && req.method !== 'GET' && req.method !== 'DELETE' && op.kind !== 'request') {
      // An operation without a body in the spec takes none; Cinder ignores what it does not read.
    }
    this.#defaultArgs(call);
  }

  /** Arguments with a default the caller left out. */
  #defaultArgs(call: Call): void {
    for (const arg of call.op.args) {
      if (!(arg.name in call.args) && arg.default !== undefined) call.args[arg.name] = arg.default;
    }
  }

  #resourceBody(call: Call): void {
    const { resource, op, version, req } = call;
    const mode = op.kind === 'update' ? 'update' : 'create';
    const body = req.body;
    if (!isObject(body)) return fail(400, 'The request body must be a JSON object.');
    const key = resource.resourceKey;
    const inner = key ? body[key] : body;
    if (key && !isObject(inner)) return fail(400, `Missing required element '${key}' in request body.`);
    if (!isObject(inner)) return fail(400, 'The request body must be a JSON object.');
    const writable = resource.fields.filter(
      (f) => (mode === 'create' ? f.create : f.update) && inRange(f, version, f.writeMin ?? f.min),
    );
    const sentAs = (f: FakeField): string => (mode === 'create' ? (f.createWire ?? f.wire) : f.wire);
    const byWire = new Map(writable.filter((f) => f.placement !== 'root').map((f) => [sentAs(f), f]));
    // Past its max_version, a field may still take the values Cinder tolerates (and ignores).
    const tolerated = new Map(
      resource.fields
        .filter((f) => f.toleratedAfterMax && (mode === 'create' ? f.create : f.update) && !byWire.has(f.wire))
        .filter((f) => version !== undefined && f.max !== undefined && compareVersions(version, f.max) > 0)
        .map((f) => [f.wire, f]),
    );
    const flatten = writable.find((f) => f.placement === 'flatten');
    const unexpected = (where: string, name: string, value: unknown): never =>
      fail(
        400,
        `Invalid input for field/attribute ${where}. Value: ${JSON.stringify(value)}. Additional properties are not allowed ('${name}' was unexpected)`,
      );
    for (const [name, value] of Object.entries(inner)) {
      const after = tolerated.get(name)?.toleratedAfterMax;
      if (after) {
        this.#checkValue(name, value, tolerated.get(name)!.type, resource, undefined);
        if (!after.values.includes(normalize(value, tolerated.get(name)!.type) as string | number | boolean))
          fail(400, after.message);
        continue;
      }
      const field = byWire.get(name);
      if (!field) {
        if (flatten && flatten !== undefined) {
          const of = /^map<(.+)>$/.exec(flatten.type)?.[1] ?? 'any';
          this.#checkValue(name, value, of, resource, undefined);
          const bag = (call.fields[flatten.wire] ??= {}) as Record<string, unknown>;
          bag[name] = value;
          continue;
        }
        unexpected(key ?? 'body', name, inner);
      }
      this.#checkValue(name, value, field!.type, resource, field!.enum);
      call.fields[name] = normalize(value, field!.type);
      // A field sent on create under another key (a type's is_public as
      // os-volume-type-access:is_public) is stored under its own name too.
      for (const f of writable) if (sentAs(f) === name && f.wire !== name) call.fields[f.wire] = call.fields[name];
    }
    if (key) {
      const roots = new Map(writable.filter((f) => f.placement === 'root').map((f) => [f.wire, f]));
      for (const [name, value] of Object.entries(body)) {
        if (name === key) continue;
        const field = roots.get(name);
        if (!field) unexpected('body', name, body);
        this.#checkValue(name, value, field!.type, resource, field!.enum);
        call.fields[name] = value;
      }
    }
  }

  #checkValue(
    name: string,
    value: unknown,
    type: string,
    resource: FakeResource,
    allowed: readonly string[] | undefined,
  ): void {
    const wrong = typeMismatch(value, type, resource.structs);
    if (wrong)
      fail(400, `Invalid input for field/attribute ${name}. Value: ${JSON.stringify(value)}. It is not ${wrong}.`);
    // jsonschema words the enum as Python's repr of the list: ['a', 'b'].
    if (allowed && typeof value === 'string' && !allowed.includes(value))
      fail(
        400,
        `Invalid input for field/attribute ${name}. Value: ${value}. '${value}' is not one of [${allowed.map((a) => `'${a}'`).join(', ')}]`,
      );
  }

  /** Walks a body template and the body together: unknown or mistyped members are a 400. */
  #templateBody(call: Call, template: FakeBody, value: unknown, where: string): void {
    const { op, resource, version } = call;
    switch (template.kind) {
      case 'literal':
      case 'self':
        return;
      case 'arg': {
        const arg = op.args.find((a) => a.name === template.arg);
        if (!arg || value === undefined) return;
        this.#checkValue(
          where || arg.wire,
          value,
          arg.type === 'string' && arg.ref ? 'string' : arg.type,
          resource,
          arg.enum,
        );
        call.args[arg.name] = normalize(value, arg.type);
        return;
      }
      case 'array': {
        if (!Array.isArray(value)) return fail(400, `Invalid input for field/attribute ${where}. It is not a list.`);
        const item = template.items[0];
        if (item) for (const v of value) this.#templateBody(call, item, v, where);
        return;
      }
      case 'object': {
        // `{"os-force_delete": {}}`: Cinder takes null there too.
        if (value === null && template.entries.every(([, t]) => !this.#requires(call, t))) return;
        if (!isObject(value))
          return fail(
            400,
            `Invalid input for field/attribute ${where || 'body'}. Value: ${JSON.stringify(value)}. It is not an object.`,
          );
        const live = template.entries.filter(([, t]) => this.#present(call, t));
        const keyed = live.find((e) => e.length === 3);
        for (const [name, v] of Object.entries(value)) {
          const entry = live.find(([k, , keyArg]) => k === name && keyArg === undefined);
          if (entry) this.#templateBody(call, entry[1], v, name);
          else if (keyed) {
            call.args[keyed[2]] = name;
            this.#templateBody(call, keyed[1], v, name);
          } else
            fail(
              400,
              `Invalid input for field/attribute ${where || 'body'}. Value: ${JSON.stringify(value)}. Additional properties are not allowed ('${name}' was unexpected)`,
            );
        }
        for (const [name, t, keyArg] of live) {
          if (keyArg !== undefined || name in value) continue;
          if (this.#requires(call, t))
            fail(
              400,
              `Invalid input for field/attribute ${where || 'body'}. Value: ${JSON.stringify(value)}. '${name}' is a required property`,
            );
        }
        void version;
        return;
      }
    }
  }

  /** Whether a template member exists at the request's microversion (an argument may start later). */
  #present(call: Call, t: FakeBody): boolean {
    if (t.kind !== 'arg') return true;
    const arg = call.op.args.find((a) => a.name === t.arg);
    return !arg || inRange(arg, call.version);
  }

  #requires(call: Call, t: FakeBody): boolean {
    switch (t.kind) {
      case 'arg': {
        const arg = call.op.args.find((a) => a.name === t.arg);
        return !!arg?.required && inRange(arg, call.version);
      }
      case 'object':
        return t.entries.some(([, v]) => this.#requires(call, v));
      default:
        return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Declared checks, created records, copies and answers (the spec's checks, creates, copy, answers)

  /** What the declarations of an operation read: its arguments (and sent fields), its record. */
  #scope(call: Call, self: FakeRecord | undefined): RuleScope {
    const sent = new Map<string, string[]>();
    // A field the path names (a type encryption's volumeTypeId) reads the path's value.
    const byWire = new Map(Object.entries(call.resource.pathParams).map(([param, wire]) => [wire, param]));
    const inPath = new Map<string, string>();
    for (const f of call.resource.fields) {
      sent.set(f.name, [f.createWire ?? f.wire, f.wire]);
      const param = byWire.get(f.wire);
      if (param !== undefined) inPath.set(f.name, param);
    }
    return {
      state: this.#options.state,
      arg: (name) => {
        const param = inPath.get(name);
        return (
          call.args[name] ??
          sent
            .get(name)
            ?.map((w) => call.fields[w])
            .find((v) => v !== undefined) ??
          (param !== undefined ? call.params[param] : undefined)
        );
      },
      self: self?.data,
      lookups: new Map(),
    };
  }

  /** The record the operation acts on, for its declarations (none for create and list). */
  #self(call: Call): FakeRecord | undefined {
    return call.op.kind === 'create' || call.op.kind === 'list' ? undefined : this.#target(call, false);
  }

  /** The first declared check that holds refuses the call with its status and message. */
  #check(call: Call): void {
    const checks = call.resource.rules?.checks?.[call.op.name];
    if (!checks) return;
    const base = this.#scope(call, this.#self(call));
    for (const c of checks) {
      if (!inRange(c, call.version)) continue;
      const scope = withLookups(c.lookup, base);
      if (holds(c.when, scope)) fail(c.status, message(c.message, scope));
    }
  }

  /** Records of other resources the operation makes; a `bind` argument then names the new one. */
  #createOthers(call: Call): void {
    const creates = call.resource.rules?.creates?.[call.op.name];
    if (!creates) return;
    for (const c of creates) {
      const scope = this.#scope(call, this.#self(call));
      if (c.when && !holds(c.when, scope)) continue;
      const made = call.table.resources.get(c.resource);
      if (!made) continue;
      const data: Record<string, unknown> = {};
      for (const [field, v] of c.fields) {
        const value = fillValue(v, scope);
        if (value !== undefined) data[field] = value;
      }
      const record = this.#makeOther(call, made, data);
      if (c.bind !== undefined) call.args[c.bind] = record.id;
    }
  }

  /** A declared answer replaces the sample of the response type. */
  #answer(call: Call, answer: CinderAnswer): CinderAnswer {
    const declared = call.resource.rules?.answers?.[call.op.name];
    if (!declared || answer.status >= 300) return answer;
    const idParam = Object.entries(call.resource.pathParams).find(([, f]) => f === call.resource.idField)?.[0];
    const id = idParam !== undefined ? call.params[idParam] : undefined;
    const self = id !== undefined ? this.#options.state.get(call.resource.name, id) : undefined;
    const scope = withLookups(declared.lookup, this.#scope(call, self));
    return { ...answer, body: fill(declared.body, scope) };
  }

  /** Fields a created record takes from related records (where the request did not set them). */
  #copy(call: Call, data: Record<string, unknown>): void {
    const copies = call.resource.rules?.copy?.[call.op.name];
    if (!copies) return;
    const scope = this.#scope(call, undefined);
    for (const c of copies) {
      const from = find(c.from, scope)[0];
      if (!from) continue;
      for (const [to, field] of c.fields) if (data[to] === undefined) data[to] = from.data[field];
    }
  }

  /** A record of a resource, made as its own create makes one (quota, owner, lifecycle). */
  #makeOther(call: Call, resource: FakeResource, fields: Record<string, unknown>): FakeRecord {
    const project = call.caller.projectId;
    refuse(this.#quotas.check(resource, project, { ...this.recordDefaults(resource.name, project), ...fields }, 1));
    const data: Record<string, unknown> = { ...fields };
    for (const f of resource.fields) if (f.name === 'userId') data[f.wire] = call.caller.userId;
    const record = this.#options.state.insert(resource.name, data, { project, id: randomUUID() });
    const create = resource.operations.find((o) => o.kind === 'create');
    const t = create ? resource.status?.transitions[create.name] : undefined;
    const statusField = resource.status?.field;
    if (statusField) {
      if (t && create) this.#begin({ ...call, resource, op: create, args: {}, fields }, record, t);
      else record.data[statusField] ??= 'available';
    }
    return record;
  }

  // ---------------------------------------------------------------------------------------------
  // Handlers

  #dispatch(call: Call): CinderAnswer {
    const effects = call.resource.relations?.effects?.[call.op.name];
    return effects ? this.#withEffects(call, effects) : this.#run(call);
  }

  /** The operation's own handler; `created` sees a record it makes before the answer is built. */
  #run(call: Call, created?: (record: FakeRecord) => void): CinderAnswer {
    const quota = this.#quotaOf(call.resource);
    const answer = quota ? this.#quota(call, quota) : undefined;
    if (answer) return answer;
    switch (call.op.kind) {
      case 'create':
        return this.#create(call, created);
      case 'list':
        return this.#list(call);
      case 'get': {
        // One record per parent, not made yet: Cinder answers an empty object (a type without
        // encryption, cinder/api/contrib/volume_type_encryption.py index).
        const single = !Object.entries(call.resource.pathParams).some(
          ([ph, f]) => f === call.resource.idField && call.entry.segments.includes(`{${ph}}`),
        );
        const record = this.#target(call, !single || !this.#creatable(call.resource));
        if (!record)
          return this.#respond(call, undefined, call.op.bare ? {} : { [call.resource.resourceKey ?? '']: {} });
        return this.#respond(call, record);
      }
      case 'update': {
        const record = this.#target(call, true)!;
        // A declared step (a group's `available → updating → available`) checks its precondition first.
        const t = call.resource.status?.transitions[call.op.name];
        if (t) this.#begin(call, record, t);
        else this.#memberSteps(call, record);
        const fields = { ...call.fields };
        for (const f of call.resource.fields) {
          // QoS specs: an update adds and changes keys (cinder/volume/qos_specs.py update).
          const sent = fields[f.wire];
          const before = record.data[f.wire];
          if (f.map?.mergeOnUpdate && isObject(sent)) fields[f.wire] = { ...(isObject(before) ? before : {}), ...sent };
        }
        Object.assign(record.data, toStored(call.resource, fields), this.#stamp(call.resource, false));
        if (call.op.echo) return { status: call.op.status, body: call.req.body };
        return this.#respond(call, record);
      }
      case 'delete':
      case 'action':
      case 'request': {
        const access = this.#accessStep(call);
        if (access) return access;
        const admin = this.#adminRow(call);
        if (admin) return admin;
        const declared = this.#mapOperation(call);
        if (declared) return this.#mapStep(call, declared.field, declared.does);
        return call.op.kind === 'request' ? this.#request(call, created) : this.#step(call);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Effects: what an operation does to other records (spec `effects`)

  /**
   * Every effect's target is found and checked before anything changes (a refusal leaves the state
   * as it was, as Cinder's checks come first); then the operation runs, the effects apply before
   * its answer is built, and those marked `after` (and a removal of the record itself) once it is.
   */
  #withEffects(call: Call, effects: readonly FakeEffect[]): CinderAnswer {
    const creating = call.op.kind === 'create' || this.#createsByRequest(call.resource, call.op);
    const existing = creating ? undefined : this.#target(call, false);
    // Before a create, the operating record is what the request sends.
    const self: EffectSelf = existing ?? { data: { ...call.fields } };
    const planned = effects.map((effect) => ({ effect, targets: this.#effectTargets(call, effect, self) }));
    const apply = (record: EffectSelf, late: boolean): void => {
      for (const { effect, targets } of planned) {
        const removesSelf = effect.resource === undefined && effect.remove === true;
        if ((effect.after === true || removesSelf) !== late || targets === undefined) continue;
        for (const t of effect.resource === undefined ? [record] : targets) this.#applyEffect(call, effect, t, record);
      }
    };
    let made: FakeRecord | undefined;
    if (!creating) apply(self, false);
    const answer = this.#run(call, (record) => {
      made = record;
      apply(record, false);
    });
    apply(made ?? self, true);
    return answer;
  }

  /** The records an effect acts on (checked), or undefined when its condition skips it. */
  #effectTargets(call: Call, effect: FakeEffect, self: EffectSelf): EffectSelf[] | undefined {
    const state = this.#options.state;
    if (effect.when && !truthy(this.#value(call, effect.when, self))) return undefined;
    if (effect.unless && truthy(this.#value(call, effect.unless, self))) return undefined;
    let targets: EffectSelf[];
    if (effect.resource === undefined) targets = [self];
    else if (effect.id) {
      const id = this.#value(call, effect.id, self);
      let record = typeof id === 'string' ? state.get(effect.resource, id) : undefined;
      // Another project's record is not there for a member, unless Cinder reads it elevated.
      const other = this.#resources.get(effect.resource);
      const elevated = call.caller.admin || (call.resource.relations?.anyProject?.includes(call.op.name) ?? false);
      if (record && other && this.#owned(other) && record.project !== call.caller.projectId && !elevated)
        record = undefined;
      if (!record) return fail(404, `${effect.resource} ${String(id)} could not be found.`);
      targets = [record];
    } else {
      const where = (effect.where ?? []).map(([wire, v]) => [wire, this.#value(call, v, self)] as const);
      targets = state
        .list(effect.resource)
        .filter((r) => where.every(([wire, v]) => String(r.data[wire]) === String(v)));
    }
    const statusField = effect.resource === undefined ? call.resource.status?.field : this.statusField(effect.resource);
    const passing = targets.filter((t) => {
      const current = statusField !== undefined ? t.data[statusField] : undefined;
      const inStatus = !effect.from || (typeof current === 'string' && effect.from.includes(current));
      const meets = (effect.require ?? []).every(
        ([wire, v]) => JSON.stringify(t.data[wire]) === JSON.stringify(this.#value(call, v, self)),
      );
      if (inStatus && meets) return true;
      if (effect.refuse) {
        const id = t.data['id'] ?? self.data['id'];
        const message = effect.refuse.message
          .replaceAll('{id}', typeof id === 'string' ? id : '')
          .replaceAll('{status}', typeof current === 'string' ? current : '');
        fail(effect.refuse.status, message);
      }
      // Cinder's conditional update: a record in another status is left as it is.
      return false;
    });
    return passing;
  }

  #applyEffect(call: Call, effect: FakeEffect, target: EffectSelf, self: EffectSelf): void {
    const resourceName = effect.resource ?? call.resource.name;
    const record = 'resource' in target ? target : undefined;
    if (effect.remove) {
      if (record) this.#options.state.remove(record.resource, record.id);
      return;
    }
    const data = target.data;
    for (const [wire, v] of effect.set ?? []) data[wire] = this.#value(call, v, self);
    for (const [name, v] of effect.keep ?? []) {
      const kept = (target.kept ??= {});
      kept[name] = this.#value(call, v, self);
    }
    for (const [wire, v] of effect.append ?? []) {
      const list = Array.isArray(data[wire]) ? (data[wire] as unknown[]) : [];
      data[wire] = [...list, this.#value(call, v, self)];
    }
    for (const [wire, key, v] of effect.drop ?? []) {
      const match = this.#value(call, v, self);
      if (Array.isArray(data[wire]))
        data[wire] = (data[wire] as unknown[]).filter((item) => !(isObject(item) && item[key] === match));
    }
    if (effect.status !== undefined) {
      const field = this.statusField(resourceName);
      if (field) data[field] = effect.status;
      // A step of its own lifecycle still pending would overwrite the status the effect set.
      if (record) record.pending = undefined;
    }
    if (effect.to !== undefined && record) {
      const delay = this.#options.delays[call.op.id] ?? 0;
      record.pending = {
        operation: call.op.id,
        to: effect.to,
        gone: false,
        set: {},
        due: this.#options.clock.now() + delay,
      };
    }
    if (effect.owner === 'caller' && record) {
      record.project = call.caller.projectId;
      for (const f of this.#resources.get(resourceName)?.fields ?? []) {
        if (f.name === 'projectId') data[f.wire] = call.caller.projectId;
        if (f.name === 'userId') data[f.wire] = call.caller.userId;
      }
    }
    const resource = this.#resources.get(resourceName);
    if (resource && record) Object.assign(data, this.#stamp(resource, false));
  }

  /** An effect's value, for this call and operating record. */
  #value(call: Call, v: FakeValue, self: EffectSelf): unknown {
    if ('arg' in v) return call.args[v.arg];
    if ('self' in v) {
      const [first, ...rest] = v.self;
      let out: unknown = first in self.data ? self.data[first] : self.kept?.[first];
      for (const key of rest) out = isObject(out) ? out[key] : undefined;
      return out;
    }
    if ('cloud' in v) {
      switch (v.cloud) {
        case 'now':
          return this.#options.clock.timestamp();
        case 'project':
          return call.caller.projectId;
        case 'user':
          return call.caller.userId;
        case 'uuid':
          return randomUUID();
        case 'hex':
          return randomBytes(Math.ceil((v.length ?? 16) / 2))
            .toString('hex')
            .slice(0, v.length ?? 16);
      }
    }
    if ('literal' in v) return v.literal;
    if ('object' in v) return Object.fromEntries(v.object.map(([k, e]) => [k, this.#value(call, e, self)]));
    for (const option of v.first) {
      const value = this.#value(call, option, self);
      if (truthy(value)) return value;
    }
    return undefined;
  }

  /** The record the path names (its ID placeholder), checked for visibility; undefined if none. */
  #target(call: Call, required: boolean): FakeRecord | undefined {
    const idParam = Object.entries(call.resource.pathParams).find(([, f]) => f === call.resource.idField)?.[0];
    const id = idParam !== undefined ? call.params[idParam] : undefined;
    if (id === undefined) {
      // One record per parent (a type's encryption at /types/{type_id}/encryption): found by the
      // parent's placeholders.
      const parents = Object.entries(call.resource.pathParams).filter(([ph]) => call.params[ph] !== undefined);
      const found =
        parents.length > 0
          ? this.#options.state
              .list(storeOf(call.resource))
              .find((r) => parents.every(([ph, wire]) => r.data[wire] === call.params[ph]))
          : undefined;
      if (found) return found;
      if (required) fail(404, `${call.resource.name} could not be found.`);
      return undefined;
    }
    let record = this.#options.state.get(storeOf(call.resource), id);
    // Cinder reads some records elevated: another project's transfer is accepted by its ID.
    const anyProject = call.resource.relations?.anyProject?.includes(call.op.name) ?? false;
    if (
      record &&
      this.#owned(call.resource) &&
      record.project !== call.caller.projectId &&
      !call.caller.admin &&
      !anyProject
    )
      record = undefined;
    if (record && !this.#visible(call, record)) record = undefined;
    if (!record && !this.#creatable(call.resource)) {
      // A resource nothing creates (quota sets, limits, capabilities): every ID reads as its defaults.
      record = this.#options.state.insert(storeOf(call.resource), this.#defaults(call.resource, id), {
        project: call.caller.projectId,
        id,
      });
    }
    // Cinder's own words where the spec declares them; else a resource served over another's
    // records answers with the stored one's name, as Cinder does.
    if (!record)
      return fail(
        404,
        fillMessage(call.resource.notFound ?? `${storeOf(call.resource)} {id} could not be found.`, { id }),
      );
    return record;
  }

  #creatable(resource: FakeResource): boolean {
    return resource.operations.some((o) => o.kind === 'create' || this.#createsByRequest(resource, o));
  }

  /**
   * A request that makes a record: a POST to the resource's own collection with a declared
   * lifecycle step (an attachment's create, whose arguments are not the resource's fields: the
   * step's `set` fills them).
   */
  #createsByRequest(resource: FakeResource, op: FakeOperation): boolean {
    const idParam = Object.entries(resource.pathParams).find(([, f]) => f === resource.idField)?.[0];
    return (
      op.kind === 'request' &&
      op.method === 'POST' &&
      // Its own collection, or a path that names no record of it (a group's `/groups/action` create-from-src).
      (op.path === resource.basePath || (idParam !== undefined && !op.path.includes(`{${idParam}}`))) &&
      resource.status?.transitions[op.name] !== undefined
    );
  }

  /** Resources with a project field belong to a project; the others are global. */
  #owned(resource: FakeResource): boolean {
    return resource.relations?.projectScoped === true || resource.fields.some((f) => f.name === 'projectId');
  }

  #defaults(resource: FakeResource, id: string): Record<string, unknown> {
    return { [resource.idField]: id };
  }

  /** The resource's `quota` declaration (the newest version's, so v2 paths answer as v3's). */
  #quotaOf(resource: FakeResource): FakeQuota | undefined {
    return resource.quota ?? this.#resources.get(resource.name)?.quota;
  }

  /** The ID the path names (its ID placeholder). */
  #pathId(call: Call): string | undefined {
    const idParam = Object.entries(call.resource.pathParams).find(([, f]) => f === call.resource.idField)?.[0];
    return idParam !== undefined ? call.params[idParam] : undefined;
  }

  /**
   * Quota sets, classes and limits (cinder/api/contrib/quotas.py, quota_classes.py,
   * cinder/api/v3/limits.py): answered from the quota engine; undefined for an operation the
   * declaration does not cover.
   */
  #quota(call: Call, quota: FakeQuota): CinderAnswer | undefined {
    const { resource, op } = call;
    const q = this.#quotas;
    const key = resource.resourceKey;
    const wrap = (body: Record<string, unknown>): CinderAnswer => ({
      status: op.status,
      body: key ? { [key]: body } : body,
    });
    const refused = (r: QuotaRefusal | undefined): void => {
      if (r) fail(r.status, r.message);
    };
    const sent = (): Record<string, unknown> => {
      const body = call.req.body;
      const inner = isObject(body) && key ? body[key] : body;
      if (!isObject(inner)) return fail(400, `Missing required element '${key ?? 'body'}' in request body.`);
      return inner;
    };
    const id = this.#pathId(call);
    if (quota.role === 'limits') {
      if (op.kind !== 'get' && !(op.kind === 'request' && op.method === 'GET')) return undefined;
      const view: Record<string, unknown> = {};
      for (const f of resource.fields) if (f.wire !== resource.idField) view[f.wire] = emptyValue(f.type);
      // An administrator may name another project (LimitsController.index reads project_id).
      const named = quota.projectArg !== undefined ? call.args[quota.projectArg] : undefined;
      const project = call.caller.admin && typeof named === 'string' ? named : call.caller.projectId;
      const computed = q.limitsView(quota, project);
      for (const [k, v] of Object.entries(computed))
        view[k] = isObject(v) && isObject(view[k]) ? { ...view[k], ...v } : v;
      return wrap(view);
    }
    if (id === undefined) return undefined;
    if (quota.role === 'class') {
      if (op.kind === 'get') return wrap({ [resource.idField]: id, ...q.classView(id) });
      if (op.kind === 'update') {
        refused(q.updateClass(id, sent(), key ?? 'body'));
        return wrap(q.classView(id));
      }
      return undefined;
    }
    if (op.name === quota.defaults) return wrap({ [resource.idField]: id, ...q.defaultsView() });
    switch (op.kind) {
      case 'get': {
        const usage = quota.usageArg !== undefined && toBoolean(call.args[quota.usageArg] ?? false);
        return wrap({ [resource.idField]: id, ...q.projectView(id, usage) });
      }
      case 'update':
        refused(q.updateProject(id, sent(), new Set([resource.idField]), key ?? 'body'));
        return wrap(q.projectView(id, false));
      case 'delete':
        q.revertProject(id);
        return { status: op.status };
      default:
        return undefined;
    }
  }

  #stamp(resource: FakeResource, created: boolean): Record<string, unknown> {
    const now = this.#options.clock.timestamp();
    const out: Record<string, unknown> = {};
    for (const f of resource.fields) {
      if (f.name === 'updatedAt') out[f.wire] = now;
      if (created && f.name === 'createdAt') out[f.wire] = now;
    }
    return out;
  }

  #create(call: Call, created?: (record: FakeRecord) => void): CinderAnswer {
    const { resource, caller, op } = call;
    const project = caller.projectId;
    // Empty values, timestamps and the owner come from the state's defaults (recordDefaults).
    const data: Record<string, unknown> = { ...call.fields };
    this.#copy(call, data);
    // After the copy: a snapshot's size, taken from its volume, counts against the gigabytes.
    refuse(this.#quotas.check(resource, project, { ...this.recordDefaults(resource.name, project), ...data }, 1));
    for (const f of resource.fields) if (f.name === 'userId') data[f.wire] = caller.userId;
    // Parent placeholders of the path (a type's encryption under /types/{type_id}) fill their fields.
    for (const [ph, wire] of Object.entries(resource.pathParams)) {
      if (wire !== resource.idField && call.params[ph] !== undefined) data[wire] = call.params[ph];
    }
    // Public unless created private (cinder/api/contrib/types_manage.py _create: default True), as
    // is every field sent under the same create key (os-volume-type-access:is_public).
    const pub = resource.fields.find((f) => f.wire === resource.access?.public);
    if (pub && data[pub.wire] == null) {
      const key = pub.createWire ?? pub.wire;
      for (const f of resource.fields) if ((f.createWire ?? f.wire) === key) data[f.wire] = true;
    }
    const id = randomUUID();
    // The ID under its own name too when the resource calls it otherwise (`encryption_id`).
    data[resource.idField] = id;
    const record = this.#options.state.insert(storeOf(resource), toStored(resource, data), { project, id });
    const t = resource.status?.transitions[op.name];
    const statusField = resource.status?.field;
    try {
      // The lifecycle step runs the member steps; without one they run here.
      if (statusField && t) this.#begin(call, record, t);
      else {
        this.#memberSteps(call, record);
        if (statusField) record.data[statusField] ??= 'available';
      }
    } catch (error) {
      // A create its lifecycle step or members refuse leaves no record behind.
      this.#options.state.remove(storeOf(resource), record.id);
      throw error;
    }
    created?.(record);
    return this.#respond(call, record);
  }

  /** Starts a transition: precondition, the `via` status, and what completes it (on the fake clock). */
  #begin(call: Call, record: FakeRecord, t: NonNullable<FakeResource['status']>['transitions'][string]): void {
    const field = call.resource.status!.field;
    const current = record.data[field];
    if (t.from && !(typeof current === 'string' && t.from.includes(current))) {
      // Cinder words most refusals itself (cinder/volume/api.py); the spec carries its words.
      if (t.message !== undefined) fail(400, fillMessage(t.message, { id: record.id, status: String(current) }));
      const wanted = t.from.map((s) => `'${s}'`).join(' or ');
      fail(
        400,
        `Invalid ${call.resource.name.toLowerCase()}: ${call.resource.name} status must be ${wanted} to ${call.op.name}, currently ${String(current)}.`,
      );
    }
    this.#memberSteps(call, record);
    const set: Record<string, unknown> = {};
    for (const [wire, value] of Object.entries(t.fill ?? {})) set[storedWire(call.resource, wire)] = value;
    for (const [wire, arg] of Object.entries(t.set ?? {})) {
      // Stored as the field answers it (a boolean into a boolstr field is "true").
      const type = call.resource.fields.find((f) => f.wire === wire)?.type;
      if (call.args[arg] !== undefined)
        set[storedWire(call.resource, wire)] = type ? normalize(call.args[arg], type) : call.args[arg];
    }
    // A step that changes a measured field (extend's size) is checked against the quotas first.
    const numbers = Object.fromEntries(
      Object.entries(set).filter((e): e is [string, number] => typeof e[1] === 'number'),
    );
    if (Object.keys(numbers).length > 0)
      refuse(this.#quotas.check(call.resource, record.project, record.data, 0, numbers));
    if (t.via !== undefined) record.data[field] = t.via;
    record.data = { ...record.data, ...this.#stamp(call.resource, false) };
    if (t.to === undefined && !t.gone) {
      // A step without its own end (reset-status): it applies at once.
      Object.assign(record.data, set);
      return;
    }
    record.pending = {
      operation: call.op.id,
      to: t.to,
      gone: t.gone ?? false,
      set,
      due: this.#options.clock.now() + (this.#options.delays[call.op.id] ?? t.delay ?? 0),
    };
  }

  /** delete and actions: the declared transition, else the declared answer. */
  #step(call: Call): CinderAnswer {
    const { resource, op } = call;
    const record = this.#target(call, false);
    const t = resource.status?.transitions[op.name];
    if (record && t) this.#begin(call, record, t);
    else if (record) this.#memberSteps(call, record);
    if (record && !t && op.kind === 'delete') this.#options.state.remove(storeOf(resource), record.id);
    return this.#respond(call, record);
  }

  /** A map field under the record's path: `/volumes/{id}/metadata[/{key}]`. */
  #subField(call: Call): { field: FakeField; key?: string | undefined } | undefined {
    const { resource } = call;
    const path = splitPath(call.entry.segments.join('/'));
    const idParam = Object.entries(resource.pathParams).find(([, f]) => f === resource.idField)?.[0];
    const at = path.indexOf(`{${idParam}}`);
    if (idParam === undefined || at < 0) return undefined;
    const tail = path.slice(at + 1);
    const field = resource.fields.find((f) => f.wire === tail[0] && /^map</.test(f.type));
    if (!field || tail.length > 2) return undefined;
    const keyParam = tail[1]?.replace(/^\{|\}$/g, '');
    return { field, key: keyParam !== undefined ? call.params[keyParam] : undefined };
  }

  /** Access lists are kept beside the record's fields, under a key no wire name has. */
  static readonly #ACCESS = '@access';

  #isPublic(record: FakeRecord): boolean {
    const resource = this.#resources.get(record.resource);
    return !resource?.access || toBoolean(record.data[resource.access.public]);
  }

  #shared(record: FakeRecord, project: string): boolean {
    const list = record.data[FakeCinder.#ACCESS];
    return Array.isArray(list) && list.includes(project);
  }

  /** A private record is seen by administrators and the projects on its access list only. */
  #visible(call: Call, record: FakeRecord): boolean {
    return call.caller.admin || this.#isPublic(record) || this.#shared(record, call.caller.projectId);
  }

  /**
   * The access list operations (cinder/api/contrib/volume_type_access.py): add a project (409 when
   * it is on the list), remove one (404 when not), show the list (404 for a public record).
   */
  #accessStep(call: Call): CinderAnswer | undefined {
    const access = call.resource.access;
    const op = call.op.name;
    if (!access || (op !== access.add && op !== access.remove && op !== access.show)) return undefined;
    const record = this.#target(call, true)!;
    const list = Array.isArray(record.data[FakeCinder.#ACCESS])
      ? [...(record.data[FakeCinder.#ACCESS] as unknown[]).map(String)]
      : [];
    const say = (template: string | undefined, project: string, fallback: string): string =>
      (template ?? fallback).replace(/\{id\}/g, record.id).replace(/\{project\}/g, project);
    if (op === access.show) {
      if (this.#isPublic(record))
        fail(404, say(access.publicList, '', `Access list not available for public ${call.resource.name}s.`));
      const r = call.op.response;
      const struct = r.kind === 'value' ? /^list<(.+)>$/.exec(r.type)?.[1] : undefined;
      const members = (struct !== undefined ? this.#structsOf(call)[struct] : undefined) ?? [];
      // Each entry: the project under the struct's projectId, the record's ID in its other fields.
      const entries = list.map((project) =>
        Object.fromEntries(members.map((f) => [f.wire, f.name === 'projectId' ? project : record.id])),
      );
      return { status: call.op.status, body: r.kind === 'value' && r.key ? { [r.key]: entries } : entries };
    }
    const arg = call.op.args.find((a) => a.in === 'body');
    const project = String(arg ? call.args[arg.name] : '');
    const has = list.includes(project);
    if (op === access.add) {
      if (has) fail(409, say(access.exists, project, `${call.resource.name} access for {id} / {project} exists.`));
      list.push(project);
    } else {
      if (!has) fail(404, say(access.missing, project, `${call.resource.name} access not found for {id} / {project}.`));
      list.splice(list.indexOf(project), 1);
    }
    record.data[FakeCinder.#ACCESS] = list;
    return { status: call.op.status };
  }

  /**
   * An admin metadata row an operation writes (os-update_readonly_flag: `readonly`, stored as
   * Python's str() of the flag by cinder/volume/api.py update_readonly_flag), kept beside the map.
   */
  #adminRow(call: Call): CinderAnswer | undefined {
    for (const field of call.resource.fields) {
      const row = field.map?.admin?.find((r) => r.operation === call.op.name);
      if (!row) continue;
      const record = this.#target(call, true)!;
      const value = call.args[row.arg];
      const key = `@admin:${field.wire}`;
      const before = record.data[key];
      const rows = isObject(before) ? before : {};
      const text = typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
      record.data[key] = { ...rows, [row.key]: text };
      this.#touch(call, record);
      return this.#respond(call, record);
    }
    return undefined;
  }

  /** The field whose `map:` declaration names this operation (set, unset or show). */
  #mapOperation(call: Call): { field: FakeField; does: 'set' | 'unset' | 'show' } | undefined {
    for (const field of call.resource.fields) {
      for (const does of ['set', 'unset', 'show'] as const)
        if (field.map?.[does]?.includes(call.op.name)) return { field, does };
    }
    return undefined;
  }

  /** Cinder's 404 for a key the map lacks: the declared message, else a generic one. */
  #missingKey(call: Call, field: FakeField, record: FakeRecord, key: string): never {
    const declared = call.req.method === 'GET' ? (field.map?.missingOnRead ?? field.map?.missing) : field.map?.missing;
    const template = declared ?? `${call.resource.name} {id} has no ${field.wire} with key {key}.`;
    return fail(404, template.replace(/\{id\}/g, record.id).replace(/\{key\}/g, key));
  }

  /** The body argument of a type (`map<…>` for the keys to set, a string or list for keys to remove). */
  #bodyArg(call: Call, map: boolean): unknown {
    const arg = call.op.args.find((a) => a.in === 'body' && /^map</.test(a.type) === map);
    return arg ? call.args[arg.name] : undefined;
  }

  /**
   * An answer carrying a map value as the operation declares it: under its key (`extra_specs`),
   * under the key an argument names (`{<key>: value}`), or under a key path (`{"meta": {<key>: …}}`).
   */
  #mapAnswer(call: Call, field: FakeField, record: FakeRecord, value: unknown): CinderAnswer {
    const r = call.op.response;
    if (r.kind !== 'value' && r.kind !== 'none')
      return { status: call.op.status, body: { [field.wire]: record.data[field.wire] } };
    return this.#mapAnswerOf(call, value);
  }

  /** A value under the keys the operation's response declares. */
  #mapAnswerOf(call: Call, value: unknown): CinderAnswer {
    const r = call.op.response;
    const status = call.op.status;
    if (r.kind === 'none') return { status };
    if (r.kind !== 'value') return { status, body: value };
    const keyOf = (arg: string): string => {
      const v = call.args[arg];
      return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
    };
    const keys = r.keyPath
      ? r.keyPath.map((k) => ('literal' in k ? k.literal : keyOf(k.arg)))
      : r.keyArg !== undefined
        ? [keyOf(r.keyArg)]
        : r.key !== undefined
          ? [r.key]
          : [];
    let body = value;
    for (const key of [...keys].reverse()) body = { [key]: body };
    return { status, body };
  }

  /**
   * The key/value rows of a map field, as Cinder's metadata, extra specs and spec controllers keep
   * them (cinder/api/v2/volume_metadata.py, cinder/api/contrib/types_extra_specs.py): read, set,
   * replace or delete the whole map or one key; a missing key is a 404.
   */
  #mapRoute(call: Call, field: FakeField, key: string | undefined): CinderAnswer {
    const record = this.#target(call, true)!;
    const wire = field.wire;
    const current: Record<string, unknown> = isObject(record.data[wire]) ? { ...record.data[wire] } : {};
    const method = call.req.method;
    const sentMap = this.#bodyArg(call, true);
    const sent = isObject(sentMap)
      ? sentMap
      : isObject(call.req.body) && isObject(call.req.body[wire])
        ? call.req.body[wire]
        : {};
    if (key !== undefined) {
      if (method === 'GET' || method === 'DELETE') {
        if (!(key in current)) this.#missingKey(call, field, record, key);
        if (method === 'DELETE') {
          delete current[key];
          record.data[wire] = current;
          this.#touch(call, record);
          return this.#mapAnswer(call, field, record, undefined);
        }
        return this.#mapAnswer(call, field, record, current[key]);
      }
      // PUT …/{key}: the one entry of the body (`{"meta": {<key>: v}}`, `{<key>: v}`).
      const value = this.#bodyArg(call, false) ?? sent[key];
      current[key] = value;
      record.data[wire] = current;
      this.#touch(call, record);
      return this.#mapAnswer(call, field, record, value);
    }
    if (method === 'GET') return this.#mapAnswer(call, field, record, current);
    if (method === 'PUT') record.data[wire] = { ...sent };
    else if (method === 'POST') record.data[wire] = { ...current, ...sent };
    else if (method === 'DELETE') record.data[wire] = {};
    this.#touch(call, record);
    // A POST answers the whole map for `merge` (volume_metadata.py create), else what it was sent
    // (types_extra_specs.py create returns the request body).
    return this.#mapAnswer(call, field, record, method === 'POST' ? { ...sent } : record.data[wire]);
  }

  /** A `set`, `unset` or `show` operation the spec declares on a map field (an action, a request). */
  #mapStep(call: Call, field: FakeField, does: 'set' | 'unset' | 'show'): CinderAnswer {
    const record = this.#target(call, true)!;
    const wire = field.wire;
    const current: Record<string, unknown> = isObject(record.data[wire]) ? { ...record.data[wire] } : {};
    if (does === 'show') {
      if (Object.keys(current).length === 0) this.#missingKey(call, field, record, '');
      return this.#mapAnswer(call, field, record, current);
    }
    if (does === 'set') {
      const sent = this.#bodyArg(call, true);
      record.data[wire] = { ...current, ...(isObject(sent) ? sent : {}) };
    } else {
      const given = this.#bodyArg(call, false);
      // Cinder stops at the first key that is not set; the keys before it stay removed.
      for (const key of Array.isArray(given) ? given.map(String) : [String(given)]) {
        if (!(key in current)) {
          record.data[wire] = current;
          this.#missingKey(call, field, record, key);
        }
        delete current[key];
      }
      record.data[wire] = current;
    }
    this.#touch(call, record);
    return this.#mapAnswer(call, field, record, record.data[wire]);
  }

  #touch(call: Call, record: FakeRecord): void {
    Object.assign(record.data, this.#stamp(call.resource, false));
  }

  #request(call: Call, created?: (record: FakeRecord) => void): CinderAnswer {
    if (call.op.aggregate) return this.#aggregate(call, call.op.aggregate);
    // A declared step: on the record the path names, or creating one.
    const step = call.resource.status?.transitions[call.op.name];
    if (step && this.#createsByRequest(call.resource, call.op)) return this.#create(call, created);
    if (step) {
      const record = this.#target(call, true)!;
      this.#begin(call, record, step);
      return this.#respond(call, record);
    }
    const sub = this.#subField(call);
    if (sub) return this.#mapRoute(call, sub.field, sub.key);
    const child = this.#childField(call);
    if (child) return child;
    return this.#respond(call, this.#target(call, false));
  }

  /**
   * One key of the record another resource keeps at this path, one per parent
   * (`GET /types/{id}/encryption/{key}` reads the type's encryption: its path is that resource's
   * base path and a key; cinder/api/contrib/volume_type_encryption.py show). Cinder answers 404
   * when there is no such record or key.
   */
  #childField(call: Call): CinderAnswer | undefined {
    const path = call.entry.segments;
    if (call.req.method !== 'GET' || path.length < 2) return undefined;
    const keyParam = /^\{(.+)\}$/.exec(path[path.length - 1])?.[1];
    const base = path.slice(0, -1).join('/');
    const owner = [...call.table.resources.values()].find(
      (r) => r !== call.resource && splitPath(r.basePath).join('/') === base,
    );
    if (keyParam === undefined || !owner) return undefined;
    const key = call.params[keyParam] ?? '';
    const record = this.#options.state
      .list(owner.name)
      .find((r) =>
        Object.entries(owner.pathParams).every(
          ([ph, wire]) => call.params[ph] === undefined || r.data[wire] === call.params[ph],
        ),
      );
    const field = owner.fields.find((f) => f.wire === key);
    if (!record || !field)
      return fault(404, `${owner.name} of ${call.params[Object.keys(owner.pathParams)[0]] ?? ''} has no ${key}.`);
    return this.#mapAnswerOf(call, record.data[key]);
  }

  /** Records of the resource the caller sees: its project's, or every project's with all_tenants (admins). */
  #seen(call: Call): FakeRecord[] {
    const { resource, caller, req } = call;
    const allTenants = caller.admin && toBoolean(req.query.get('all_tenants') ?? 'false');
    const owned = this.#owned(resource);
    return this.#options.state
      .list(resource.name)
      .filter((r) => (!owned || allTenants || r.project === caller.projectId) && this.#visible(call, r));
  }

  /**
   * A response computed over the records the caller sees (declared `aggregate`): counts, sums,
   * the largest value, or each map key's distinct values; members outside the microversion are left out.
   */
  #aggregate(call: Call, aggregate: NonNullable<FakeOperation['aggregate']>): CinderAnswer {
    const r = call.op.response;
    const records = this.#seen(call);
    const type = r.kind === 'value' ? r.type : '';
    const members = call.resource.structs[type] ?? [];
    const out: Record<string, unknown> = {};
    for (const m of members) {
      const a = aggregate[m.wire];
      if (!a || !inRange(m, call.version)) continue;
      const values = a.field !== undefined ? records.map((rec) => rec.data[a.field!]) : [];
      switch (a.measure) {
        case 'count':
          out[m.wire] = records.length;
          break;
        case 'sum':
          out[m.wire] = values.reduce<number>((s, v) => s + Number(v ?? 0), 0);
          break;
        case 'largest':
          out[m.wire] = values.reduce<number>((s, v) => Math.max(s, Number(v ?? 0)), 0);
          break;
        case 'values': {
          const distinct: Record<string, unknown[]> = {};
          for (const v of values) {
            if (!isObject(v)) continue;
            for (const [k, x] of Object.entries(v)) {
              const list = (distinct[k] ??= []);
              if (!list.includes(x)) list.push(x);
            }
          }
          out[m.wire] = distinct;
          break;
        }
      }
    }
    const key = r.kind === 'value' ? r.key : undefined;
    return { status: call.op.status, body: key !== undefined ? { [key]: out } : out };
  }

  #list(call: Call): CinderAnswer {
    const { resource, caller, req } = call;
    const state = this.#options.state;
    const owned = this.#owned(resource);
    const allTenants = caller.admin && toBoolean(req.query.get('all_tenants') ?? 'false');
    const rows = resource.relations?.rowsFrom;
    if (rows) return this.#rowsFrom(call, rows);
    let records = state.list(storeOf(resource)).filter((r) => !owned || allTenants || r.project === caller.projectId);
    // Parent placeholders in the path filter too.
    for (const [ph, wire] of Object.entries(resource.pathParams)) {
      if (call.params[ph] !== undefined && wire !== resource.idField)
        records = records.filter((r) => r.data[storedWire(resource, wire)] === call.params[ph]);
    }
    records = records.filter((r) => this.#visible(call, r));
    const access = resource.access;
    if (access) {
      // cinder/api/v3/types.py index: administrators pick with is_public (default true, "none" for
      // both); others get the public records and those shared with them.
      const asked = access.filter !== undefined ? call.args[access.filter] : undefined;
      const wanted = !caller.admin || asked === undefined ? true : asked === 'none' ? undefined : toBoolean(asked);
      if (wanted === true) records = records.filter((r) => this.#isPublic(r) || this.#shared(r, caller.projectId));
      else if (wanted === false) records = records.filter((r) => !this.#isPublic(r));
    }
    const byWire = new Map(resource.fields.map((f) => [f.wire, f]));
    for (const arg of call.op.args) {
      const value = call.args[arg.name];
      if (arg.in !== 'query' || value === undefined || arg.name === access?.filter) continue;
      if (arg.wire === 'project_id') {
        if (allTenants) records = records.filter((r) => r.project === value);
        continue;
      }
      const field = byWire.get(arg.wire);
      if (field) records = records.filter((r) => matches(r.data[storedWire(resource, field.wire)], value, field));
    }
    // A paging parameter the microversion does not take yet is read as a filter on a column that
    // does not exist, so nothing matches (cinder/api/v3/volume_transfer.py _get_transfers() below 3.59).
    const early = call.op.args.some(
      (a) =>
        a.in === 'query' &&
        ['limit', 'marker', 'offset'].includes(a.wire) &&
        req.query.has(a.wire) &&
        !inRange(a, call.version),
    );
    if (early) records = [];
    records = sortRecords(records, req.query);
    const total = records.length;
    const marker = req.query.get('marker');
    if (marker !== null) {
      const at = records.findIndex((r) => r.id === marker);
      if (at < 0) fail(400, `Invalid input received: marker [${marker}] not found`);
      records = records.slice(at + 1);
    }
    const offset = Number(req.query.get('offset') ?? 0);
    if (offset > 0) records = records.slice(offset);
    const limitText = req.query.get('limit');
    const limit = limitText === null ? undefined : Number(limitText);
    const more = limit !== undefined && records.length > limit;
    if (limit !== undefined) records = records.slice(0, limit);
    const key = resource.resourcesKey ?? `${resource.name.toLowerCase()}s`;
    const body: Record<string, unknown> = {
      [key]: records.map((r) => this.#view(call, r, call.entry.detail || !call.op.detailPath)),
    };
    if (more && records.length > 0) {
      const next = new URLSearchParams(req.query);
      next.set('marker', records[records.length - 1].id);
      next.delete('offset');
      body[`${key}_links`] = [{ rel: 'next', href: `${call.endpointUrl}/${call.entry.segments.join('/')}?${next}` }];
    }
    if (toBoolean(req.query.get('with_count') ?? 'false')) body['count'] = total;
    return { status: call.op.status, body };
  }

  /** A listing whose rows are records of another resource (a QoS spec's associations: its types). */
  #rowsFrom(call: Call, rows: NonNullable<NonNullable<FakeResource['relations']>['rowsFrom']>): CinderAnswer {
    const none: EffectSelf = { data: {} };
    const where = rows.where.map(([wire, v]) => [wire, this.#value(call, v, none)] as const);
    const key = call.resource.resourcesKey ?? `${call.resource.name.toLowerCase()}s`;
    const list = this.#options.state
      .list(rows.resource)
      .filter((r) => where.every(([wire, v]) => String(r.data[wire]) === String(v)))
      .map((r) => Object.fromEntries(rows.fields.map(([wire, v]) => [wire, this.#value(call, v, r)])));
    return { status: call.op.status, body: { [key]: list } };
  }

  /** A record as the request's version and microversion show it. */
  #view(call: Call, record: FakeRecord, detail: boolean): Record<string, unknown> {
    const resource =
      storeOf(call.resource) === record.resource ? call.resource : call.table.resources.get(record.resource);
    const out: Record<string, unknown> = {};
    const rel = resource?.relations;
    const summary = rel?.summaryFields ?? [resource?.idField, resource?.nameField, 'links'];
    for (const f of resource?.fields ?? []) {
      if (!inRange(f, call.version)) continue;
      if (!detail && !summary.includes(f.wire)) continue;
      // A value only some answers show (a transfer's auth_key: the answer to create).
      const only = rel?.shownOnlyBy?.[f.wire];
      if (only && !(resource === call.resource && only.includes(call.op.name))) continue;
      out[f.wire] =
        f.wire === 'links'
          ? this.#links(call, resource!, record)
          : (record.data[storedWire(resource!, f.wire)] ?? emptyValue(f.type));
      // Admin metadata rows show in the map on the record's views (api_utils.add_visible_admin_metadata).
      const admin = f.map?.admin ? record.data[`@admin:${f.wire}`] : undefined;
      const shown = out[f.wire];
      if (isObject(admin)) out[f.wire] = { ...(isObject(shown) ? shown : {}), ...admin };
    }
    // A members list is answered only when asked for (Cinder's list_volume), with the members' IDs.
    for (const m of resource?.members ?? []) {
      if (!m.list || !(m.list.field in out)) continue;
      if (toBoolean(call.args[m.list.arg] ?? false)) out[m.list.field] = this.#membersOf(m, record).map((r) => r.id);
      else delete out[m.list.field];
    }
    return out;
  }

  #links(call: Call, resource: FakeResource, record: FakeRecord): unknown {
    // Cinder's view builders name their own collection (`_collection_name`), not the request's path.
    const href = `${call.endpointUrl}${(resource.linksPath ?? resource.basePath).replace(/\{[^}]+\}/g, (m) => call.params[m.slice(1, -1)] ?? m)}/${record.id}`;
    return [
      { rel: 'self', href },
      { rel: 'bookmark', href: href.replace(/\/v\d+\//, '/') },
    ];
  }

  #respond(call: Call, record: FakeRecord | undefined, body?: Record<string, unknown>): CinderAnswer {
    const { op, resource } = call;
    const status = op.status;
    if (body) return { status, body };
    const r = op.response;
    switch (r.kind) {
      case 'none':
        return { status };
      case 'resource': {
        const key = r.key ?? call.table.resources.get(r.resource)?.resourceKey ?? resource.resourceKey;
        const view =
          record && storeOf(call.table.resources.get(r.resource) ?? resource) === record.resource
            ? this.#view(call, record, true)
            : (sampleValue(r.resource, this.#structsOf(call)) as Record<string, unknown>);
        return { status, body: key && !op.bare ? { [key]: view } : view };
      }
      case 'merge': {
        const view = record ? this.#view(call, record, true) : {};
        return { status, body: r.key !== undefined ? { [r.key]: view } : view };
      }
      case 'value': {
        if (r.keyPath) {
          // `{"meta": {<key>: value}}`, the value one of the declared type (nothing computes it yet).
          const keys = r.keyPath.map((k) => {
            if ('literal' in k) return k.literal;
            const v = call.args[k.arg];
            return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
          });
          let value: unknown = sampleValue(r.type, resource.structs);
          for (const key of [...keys].reverse()) value = { [key]: value };
          return { status, body: value };
        }
        const keyValue = r.keyArg !== undefined ? call.args[r.keyArg] : undefined;
        const key = r.keyArg !== undefined ? (typeof keyValue === 'string' ? keyValue : '') : r.key;
        const field = key !== undefined ? resource.fields.find((f) => f.wire === key) : undefined;
        const value = record && field ? record.data[field.wire] : sampleValue(r.type, resource.structs);
        return { status, body: key !== undefined ? { [key]: value } : value };
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Members (`members`): records of another resource that belong to this one through a field

  /** The records that belong to `owner` through the declaration. */
  #membersOf(m: FakeMembers, owner: FakeRecord): FakeRecord[] {
    const member = this.#resources.get(m.resource);
    if (!member) return [];
    const field = storedWire(member, m.field);
    return this.#options.state.list(storeOf(member)).filter((r) => r.data[field] === owner.id);
  }

  /**
   * What an operation does to the members of the record it acts on, before its own status step:
   * the update fields that add and remove members, a delete that takes them (or is refused while
   * they remain), and the members an operation makes (a group snapshot's snapshots).
   */
  #memberSteps(call: Call, record: FakeRecord): void {
    const owner = call.resource;
    const ownerWord = storeOf(owner).toLowerCase();
    for (const m of owner.members ?? []) {
      const member = this.#resources.get(m.resource);
      if (!member) continue;
      const field = storedWire(member, m.field);
      const memberWord = m.resource.toLowerCase();
      const invalid = (text: string): never => fail(400, `Invalid ${memberWord}: ${text}`);
      const ids = (wire: string | undefined): string[] => {
        const value = wire === undefined ? undefined : call.fields[wire];
        if (wire !== undefined) delete call.fields[wire];
        return typeof value === 'string' ? value.split(',').filter((id) => id.trim() !== '') : [];
      };
      // cinder/group/api.py update(): add_volumes and remove_volumes, comma-separated IDs.
      const adding = ids(m.add);
      const removing = ids(m.remove);
      const current = new Set(this.#membersOf(m, record).map((r) => r.id));
      const joining: FakeRecord[] = [];
      for (const id of adding) {
        if (current.has(id)) continue;
        const r = this.#options.state.get(storeOf(member), id);
        if (!r)
          invalid(`Cannot add ${memberWord} ${id} to ${ownerWord} ${record.id} because ${memberWord} cannot be found.`);
        const other = r!.data[field];
        if (typeof other === 'string' && other !== '')
          invalid(
            `Cannot add ${memberWord} ${id} to ${ownerWord} ${record.id} because it is already in ${ownerWord} ${other}.`,
          );
        if (m.match) {
          // `volume_type` → "volume type", as Cinder's messages say it.
          const what = m.match.member.replace(/_/g, ' ');
          const value = r!.data[storedWire(member, m.match.member)];
          const allowed = record.data[storedWire(owner, m.match.owner)];
          if (!isSet(value))
            invalid(`Cannot add ${memberWord} ${id} to ${ownerWord} ${record.id} because it has no ${what}.`);
          if (!Array.isArray(allowed) || !allowed.includes(value))
            invalid(
              `Cannot add ${memberWord} ${id} to ${ownerWord} ${record.id} because ${what} ${String(value)} is not supported by the ${ownerWord}.`,
            );
        }
        joining.push(r!);
      }
      for (const id of removing)
        if (!current.has(id))
          invalid(
            `Cannot remove ${memberWord} ${id} from ${ownerWord} ${record.id} because it is not in the ${ownerWord}.`,
          );
      for (const r of joining) r.data[field] = record.id;
      for (const id of removing) {
        const r = this.#options.state.get(storeOf(member), id);
        if (r) r.data[field] = null;
      }
      // cinder/group/api.py delete(): the members go with a delete-volumes delete, else it is refused.
      if (call.op.name === 'delete' && m.delete) {
        const members = this.#membersOf(m, record);
        const take = m.delete.arg === undefined || toBoolean(call.args[m.delete.arg] ?? false);
        if (!take && members.length > 0 && m.delete.refuse !== undefined)
          fail(400, m.delete.refuse.replace(/\{id\}/g, record.id));
        if (take) for (const r of members) this.#removeMember(member, r);
      }
      const alternatives = m.madeBy[call.op.name] ?? [];
      const chosen = alternatives.find((a) => a.when === undefined || isSet(this.#path(call, a.when, record)));
      if (chosen?.refuse !== undefined)
        fail(
          400,
          chosen.refuse.replace(/\{\$([A-Za-z][A-Za-z0-9]*)\}/g, (_, arg: string) => {
            const v = call.args[arg];
            // Cinder formats a missing value as Python's None.
            return typeof v === 'string' || typeof v === 'number' ? String(v) : 'None';
          }),
        );
      if (chosen) this.#make(call, record, m, member, chosen);
    }
  }

  /** `made_by`: the owner takes `set`, then one member per source record. */
  #make(call: Call, owner: FakeRecord, m: FakeMembers, member: FakeResource, made: FakeMadeBy): void {
    for (const [wire, path] of Object.entries(made.set)) {
      const value = this.#path(call, path, owner);
      if (value !== undefined) owner.data[storedWire(call.resource, wire)] = structuredClone(value);
    }
    if (!made.each) return;
    const source = this.#resources.get(made.each.resource);
    if (!source) return;
    const where = Object.entries(made.each.where).map(
      ([wire, path]) => [storedWire(source, wire), this.#path(call, path, owner)] as const,
    );
    if (where.some(([, v]) => !isSet(v))) return;
    const sources = this.#options.state
      .list(storeOf(source))
      .filter((r) => where.every(([wire, v]) => r.data[wire] === v));
    for (const each of sources) {
      const data: Record<string, unknown> = { [storedWire(member, m.field)]: owner.id };
      for (const [wire, path] of Object.entries(made.member)) {
        const value = this.#path(call, path, owner, each);
        if (value !== undefined) data[storedWire(member, wire)] = structuredClone(value);
      }
      for (const f of member.fields) if (f.name === 'userId') data[f.wire] = call.caller.userId;
      const record = this.#options.state.insert(storeOf(member), data, { project: owner.project, id: randomUUID() });
      // The member walks its own create lifecycle (creating → available on the next read).
      const t = member.status?.transitions['create'];
      const statusField = member.status?.field;
      if (!statusField) continue;
      record.data[statusField] = t?.via ?? t?.to ?? 'available';
      if (t?.to !== undefined)
        record.pending = {
          operation: `${member.name}.create`,
          to: t.to,
          gone: false,
          set: {},
          due: this.#options.clock.now(),
        };
    }
  }

  /** A member that goes with its owner: through its own delete lifecycle when it has one. */
  #removeMember(member: FakeResource, record: FakeRecord): void {
    const t = member.status?.transitions['delete'];
    const statusField = member.status?.field;
    if (!t?.gone || !statusField) {
      this.#options.state.remove(storeOf(member), record.id);
      return;
    }
    if (t.via !== undefined) record.data[statusField] = t.via;
    record.pending = { operation: `${member.name}.delete`, gone: true, set: {}, due: this.#options.clock.now() };
  }

  /**
   * A path of `made_by`: `$arg`, `self` (the owner) or `each` (the source record), then `.wire`
   * (a field, by the resource's own wire names) and `@Resource` (the record an ID names).
   */
  #path(call: Call, text: string, self: FakeRecord, each?: FakeRecord): unknown {
    const m = /^(\$[A-Za-z][A-Za-z0-9]*|self|each)(.*)$/.exec(text);
    if (!m) return undefined;
    let value: unknown;
    let resource: FakeResource | undefined;
    if (m[1] === 'self') [value, resource] = [self, call.resource];
    else if (m[1] === 'each') [value, resource] = [each, each ? this.#byStore(each.resource) : undefined];
    else value = call.args[m[1].slice(1)];
    for (const [, kind, name] of m[2].matchAll(/([.@])([A-Za-z_][A-Za-z0-9_-]*)/g)) {
      if (kind === '@') {
        resource = this.#resources.get(name);
        value = resource && typeof value === 'string' ? this.#options.state.get(storeOf(resource), value) : undefined;
      } else {
        const record = value as FakeRecord | undefined;
        value = record && resource ? record.data[storedWire(resource, name)] : undefined;
        resource = undefined;
      }
      if (value === undefined) return undefined;
    }
    return value;
  }

  /** The resource whose records a table holds (itself, not one stored as it). */
  #byStore(store: string): FakeResource | undefined {
    return this.#resources.get(store);
  }

  #structsOf(call: Call): Readonly<Record<string, readonly FakeField[]>> {
    const structs: Record<string, readonly FakeField[]> = {};
    for (const r of call.table.resources.values()) {
      Object.assign(structs, r.structs);
      structs[r.name] = r.fields;
    }
    return structs;
  }
}

/** The resource whose records hold this one's (`stored_as`), else its own. */
function storeOf(resource: FakeResource): string {
  return resource.storedAs?.resource ?? resource.name;
}

/** This resource's wire name as its records store it. */
function storedWire(resource: FakeResource, wire: string): string {
  return resource.storedAs?.fields[wire] ?? wire;
}

function toStored(resource: FakeResource, data: Record<string, unknown>): Record<string, unknown> {
  if (!resource.storedAs) return data;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [storedWire(resource, k), v]));
}

const isSet = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/** A declared message with its `{name}` placeholders filled in (other braces stay, as Cinder prints dicts). */
function fillMessage(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (hole, name: string) => values[name] ?? hole);
}

/** A declared value: unset (undefined) stays unset. */
function fillValue(v: FakeOperand, scope: RuleScope): unknown {
  const out = fill({ kind: 'value', value: v }, scope);
  return out === null ? undefined : out;
}

/** A list filter: equality after normalising, `{"k": "v"}` subsets for maps, `gt:`… terms for times. */
function matches(actual: unknown, wanted: unknown, field: FakeField): boolean {
  if (/^map</.test(field.type)) {
    const parsed = parseDict(String(wanted));
    if (!parsed || !isObject(actual)) return false;
    return Object.entries(parsed).every(([k, v]) => String(actual[k]) === String(v));
  }
  if (typeof wanted === 'string' && /^(gt|gte|lt|lte|eq|neq):/.test(wanted) && /At$/.test(field.name)) {
    const t = Date.parse(`${String(actual)}Z`.replace(/ZZ$/, 'Z'));
    return wanted.split(',').every((term) => {
      const [op, ...rest] = term.split(':');
      const when = Date.parse(rest.join(':'));
      switch (op) {
        case 'gt':
          return t > when;
        case 'gte':
          return t >= when;
        case 'lt':
          return t < when;
        case 'lte':
          return t <= when;
        case 'eq':
          return t === when;
        default:
          return t !== when;
      }
    });
  }
  if (field.type === 'boolean' || field.type === 'boolstr') return toBoolean(actual) === toBoolean(wanted);
  return String(actual) === String(wanted);
}

/** `{"k": "v"}` or Cinder's Python literal `{'k': 'v'}`. */
function parseDict(text: string): Record<string, unknown> | undefined {
  for (const candidate of [text, text.replace(/'/g, '"')]) {
    try {
      const v: unknown = JSON.parse(candidate);
      if (isObject(v)) return v;
    } catch {
      // try the next spelling
    }
  }
  return undefined;
}

/** Cinder's order: `sort=key:dir,…` or sort_key/sort_dir; default newest first, then by ID. */
function sortRecords(records: FakeRecord[], query: URLSearchParams): FakeRecord[] {
  const keys: [string, number][] = [];
  const sort = query.get('sort');
  if (sort) {
    for (const part of sort.split(',')) {
      const [key, dir] = part.split(':');
      keys.push([key.trim(), dir?.trim().toLowerCase() === 'asc' ? 1 : -1]);
    }
  } else if (query.get('sort_key')) {
    keys.push([query.get('sort_key')!, query.get('sort_dir')?.toLowerCase() === 'asc' ? 1 : -1]);
  }
  if (!keys.some(([k]) => k === 'created_at')) keys.push(['created_at', -1]);
  return [...records].sort((a, b) => {
    for (const [key, dir] of keys) {
      const c = compareValues(a.data[key], b.data[key]);
      if (c !== 0) return c * dir;
    }
    // Records of the same clock tick keep their creation order, in the first key's direction.
    return (a.seq - b.seq) * keys[0][1];
  });
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = typeof a === 'string' ? a : JSON.stringify(a);
  const y = typeof b === 'string' ? b : JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
