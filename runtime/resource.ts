/**
 * The base of every generated resource class.
 *
 * A resource keeps the body exactly as the server sent it (wire names, raw values) and converts on
 * read: listing 100,000 volumes costs one object per item and no copying. Writes go through the
 * same field table, are type-checked, and are tracked as dirty so that an update sends only what
 * changed and a create sends only what was given.
 */
import type { Operation } from './client.js';
import { InvalidArgumentError, InvalidResponseError } from './errors.js';
import { highestMinimum, lowestMaximum } from './microversion.js';

/** Field value types, as declared in the spec. */
export type FieldType =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  /** Cinder's string booleans ("true"/"false"); read as boolean. */
  | 'boolstr'
  /** Any JSON object whose keys are data (metadata, extra specs): not renamed. */
  | 'object'
  | 'any'
  | { readonly list: FieldType }
  | { readonly map: FieldType }
  | { readonly struct: StructSchema };

/** One field: its wire name, type and where it may be written. */
export interface FieldSpec {
  readonly wire: string;
  readonly type: FieldType;
  /** May be sent on create. */
  readonly create?: boolean | undefined;
  /** May be sent on update. */
  readonly update?: boolean | undefined;
  /** Sent at the top level of the request body, beside the resource key (scheduler hints). */
  readonly root?: boolean | undefined;
  /** An object whose entries are sent as keys of the wrapped body (QoS spec keys). */
  readonly flatten?: boolean | undefined;
  readonly minVersion?: string | undefined;
  readonly maxVersion?: string | undefined;
  /**
   * Values Cinder still accepts (and ignores) after maxVersion, such as a snapshot's `force: true`
   * from 3.66: sending one does not cap the call's microversion.
   */
  readonly toleratedAfterMax?: readonly (string | number | boolean)[] | undefined;
  /** The key it is sent under on create, when Cinder's create schema names it otherwise. */
  readonly createWire?: string | undefined;
}

/** A nested object type (e.g. a volume attachment). */
export interface StructSchema {
  readonly name: string;
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

/** How waiters read a resource's state. */
export interface StatusSpec {
  /** TS name of the status field. */
  readonly field: string;
  /** Statuses that end a wait with a failure (lower case). */
  readonly failures: readonly string[];
  /** Statuses that count as deleted for waitForDelete. */
  readonly deleted?: readonly string[] | undefined;
  /** TS name of a progress field reported to waiter callbacks. */
  readonly progress?: string | undefined;
}

/** Static description of a resource class, emitted from the spec. */
export interface ResourceSchema {
  readonly name: string;
  /** Key wrapping a single resource in bodies (`volume`). */
  readonly resourceKey?: string | undefined;
  /** Key of the list in list responses (`volumes`). */
  readonly resourcesKey?: string | undefined;
  /** TS name of the field that identifies the resource (default `id`). */
  readonly idField?: string | undefined;
  /** TS name of the field `find` matches names against (default `name`). */
  readonly nameField?: string | undefined;
  readonly fields: Readonly<Record<string, FieldSpec>>;
  /** Keep attributes the spec does not declare (QoS specs, quota sets); otherwise they are dropped on write. */
  readonly keepUnknown?: boolean | undefined;
  /** Cinder quota bodies: `{key: {limit, in_use, reserved}}` → key = limit, usage, reservation. */
  readonly quotaUsage?: boolean | undefined;
  readonly status?: StatusSpec | undefined;
  /** Path placeholder → TS name of the field that fills it (`volume_id` → `id`). */
  readonly paths?: Readonly<Record<string, string>> | undefined;
  /** The GET of one resource, used by waiters and to complete a partly known target. */
  readonly fetch?: Operation | undefined;
}

/**
 * A generated resource class. Its constructor takes that resource's own attribute type, so the
 * runtime builds instances through `construct()` rather than calling `new` with a wider type.
 */
export type ResourceClass<T extends Resource = Resource> = (abstract new (...args: never[]) => T) & {
  readonly schema: ResourceSchema;
};

/** `new cls(attrs)` for any resource class. */
export function construct<T extends Resource>(cls: ResourceClass<T>, attrs?: object): T {
  return new (cls as unknown as new (attrs?: object) => T)(attrs);
}

/** Wraps a body read from the server in an instance of `cls`; nothing is dirty, nothing copied. */
export function fromWire<T extends Resource>(
  cls: ResourceClass<T>,
  body: Record<string, unknown>,
  requestId?: string,
): T {
  return Resource.fromWire.call(cls, body, requestId) as T;
}

type WireBody = Record<string, unknown>;

const WIRE_INDEX = new WeakMap<ResourceSchema | StructSchema, Map<string, string>>();

/** wire name → TS name, computed once per schema. */
function wireIndex(schema: ResourceSchema | StructSchema): Map<string, string> {
  let index = WIRE_INDEX.get(schema);
  if (!index) {
    index = new Map();
    // The first field of a wire is the current name; a deprecated alias of it comes after.
    for (const [name, spec] of Object.entries(schema.fields)) if (!index.has(spec.wire)) index.set(spec.wire, name);
    WIRE_INDEX.set(schema, index);
  }
  return index;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Resource classes whose prototype chain has its field accessors (see `#defineFieldAccessors`). */
const WITH_ACCESSORS = new WeakSet<object>();

export abstract class Resource {
  declare static readonly schema: ResourceSchema;

  #body: WireBody;
  #dirty: Set<string> | undefined;
  #cache: Map<string, unknown> | undefined;
  /**
   * `X-OpenStack-Request-ID` of the response this resource was read from. (Not `requestId`: some
   * resources, such as messages, have a field of that name.)
   */
  openstackRequestId: string | undefined;

  /**
   * Builds a resource from attributes named as in TypeScript (wire names are accepted too).
   * Every attribute given counts as changed: a create sends exactly these.
   */
  constructor(attrs?: object) {
    if (!WITH_ACCESSORS.has(new.target)) Resource.#defineFieldAccessors(new.target);
    this.#body = {};
    this.openstackRequestId = undefined;
    if (attrs) {
      for (const [key, value] of Object.entries(attrs)) {
        if (value !== undefined) this.setAttribute(key, value);
      }
    }
  }

  /**
   * Gives a generated class its field accessors, once, on its prototype: a getter per field that
   * reads `_get(name)`, and a setter per field that can be sent (create or update) that calls
   * `_set(name, value)`. Generated code only declares their types (an interface merged with the
   * class): written out in every class they were the same few lines per field, about 3% of a
   * one-call browser bundle. A subclass of a generated class inherits them; an accessor a class
   * defines itself is left alone.
   */
  static #defineFieldAccessors(target: object): void {
    WITH_ACCESSORS.add(target);
    let owner = target;
    while (!Object.hasOwn(owner, 'schema')) {
      const parent = Object.getPrototypeOf(owner) as object | null;
      if (parent === null || parent === Resource) return;
      owner = parent;
    }
    if (owner !== target && WITH_ACCESSORS.has(owner)) return;
    WITH_ACCESSORS.add(owner);
    const proto = (owner as { prototype: object }).prototype;
    for (const [name, spec] of Object.entries((owner as ResourceClass).schema.fields)) {
      if (Object.hasOwn(proto, name)) continue;
      Object.defineProperty(proto, name, {
        configurable: true,
        get(this: Resource): unknown {
          return this._get(name);
        },
        set:
          spec.create || spec.update
            ? function (this: Resource, value: unknown): void {
                this._set(name, value);
              }
            : undefined,
      });
    }
  }

  /** Wraps a body read from the server; nothing is dirty. The body is not copied. */
  static fromWire<T extends Resource>(this: ResourceClass<T>, body: WireBody, requestId?: string): T {
    const resource = construct(this);
    resource.#body = this.schema.quotaUsage ? splitQuotaUsage(body) : body;
    resource.openstackRequestId = requestId;
    return resource;
  }

  /** The schema of this instance's class. */
  get schema(): ResourceSchema {
    return (this.constructor as ResourceClass).schema;
  }

  /** The resource's identifier (the value of its id field), if known. */
  get resourceId(): string | undefined {
    const value = this._get(this.schema.idField ?? 'id');
    if (value === undefined || value === null) return undefined;
    // IDs are strings or numbers in JSON; JSON.stringify spells both as String() would.
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  /** Reads a declared field by TS name, converting the wire value to its declared type. */
  protected _get(name: string): unknown {
    // A copy made by a test framework or a deep-clone helper has the prototype but not the
    // private state: reading it gives undefined rather than a TypeError.
    if (!(#body in this)) return undefined;
    const spec = this.schema.fields[name];
    if (!spec) return undefined;
    const raw = this.#body[spec.wire];
    if (raw === undefined || raw === null) return undefined;
    if (isScalar(spec.type)) return readScalar(raw, spec.type, `${this.schema.name}.${name}`);
    const cached = this.#cache?.get(name);
    if (cached !== undefined) return cached;
    const value = readValue(raw, spec.type, `${this.schema.name}.${name}`);
    (this.#cache ??= new Map()).set(name, value);
    return value;
  }

  /** Writes a declared field by TS name; `null` is sent as JSON null, `undefined` unsets it. */
  protected _set(name: string, value: unknown, force = false): void {
    const spec = this.schema.fields[name];
    if (!spec) throw new InvalidArgumentError(`${this.schema.name}.${name}`, 'no such attribute');
    this.#write(
      spec.wire,
      value === undefined ? undefined : checkValue(value, spec.type, `${this.schema.name}.${name}`),
      spec.type,
      force,
    );
    this.#cache?.delete(name);
  }

  #write(wire: string, value: unknown, type?: FieldType, force = false): void {
    if (value === undefined) {
      delete this.#body[wire];
      this.#dirty?.delete(wire);
      return;
    }
    // Setting what is already there (by value, and by meaning: "10" for 10) is not a change,
    // unless the caller says it is (attributes passed to an update are always sent).
    if (!force && this.#dirty?.has(wire) !== true && sameValue(this.#body[wire], value, type)) return;
    this.#body[wire] = value;
    (this.#dirty ??= new Set()).add(wire);
  }

  /**
   * Sets an attribute by TS name or wire name. Undeclared names are accepted only by resources
   * that keep unknown attributes (QoS specs, quota sets). With `force`, an equal value still counts
   * as changed (the instance may be stale: the caller's value must be sent).
   */
  setAttribute(key: string, value: unknown, force = false): void {
    const schema = this.schema;
    if (schema.fields[key]) return this._set(key, value, force);
    const byWire = wireIndex(schema).get(key);
    if (byWire) return this._set(byWire, value, force);
    if (schema.keepUnknown) return this.#write(key, value, undefined, force);
    throw new InvalidArgumentError(
      `${schema.name}.${key}`,
      `unknown attribute; known: ${Object.keys(schema.fields).join(', ')}`,
    );
  }

  /** Reads any attribute by TS name or wire name (undeclared ones only on keep-unknown resources). */
  getAttribute(key: string): unknown {
    const schema = this.schema;
    if (schema.fields[key]) return this._get(key);
    const byWire = wireIndex(schema).get(key);
    if (byWire) return this._get(byWire);
    return schema.keepUnknown ? this.#body[key] : undefined;
  }

  /** True when an attribute was set since the resource was read or last saved. */
  isDirty(name?: string): boolean {
    if (!this.#dirty || this.#dirty.size === 0) return false;
    if (name === undefined) return true;
    const spec = this.schema.fields[name];
    return this.#dirty.has(spec ? spec.wire : name);
  }

  /**
   * The request body for a create or an update: the changed attributes by wire name, checked
   * against where each field may be written. Returns the wrapped part and the root-level part.
   */
  toRequest(kind: 'create' | 'update'): {
    readonly body: WireBody;
    readonly root: WireBody;
    readonly requires: string | undefined;
    readonly caps: string | undefined;
    /** What sets caps (`Snapshot.isForced = false`), for the error when a pinned version is above it. */
    readonly capsBy?: string | undefined;
  } {
    const schema = this.schema;
    const index = wireIndex(schema);
    const body: WireBody = {};
    const root: WireBody = {};
    const minimums: (string | undefined)[] = [];
    const maximums: (string | undefined)[] = [];
    let capsBy: string | undefined;
    const identity = kind === 'update' ? identityWires(schema) : undefined;
    for (const wire of this.#dirty ?? []) {
      const name = index.get(wire);
      const value = this.#body[wire];
      if (name === undefined) {
        body[wire] = value;
        continue;
      }
      const spec = schema.fields[name];
      // The ID and the fields that fill the path say which resource to update; they are not changes.
      if (identity?.has(wire) && !spec.update) continue;
      if (!spec[kind]) {
        throw new InvalidArgumentError(`${schema.name}.${name}`, `cannot be set on ${kind}`);
      }
      minimums.push(spec.minVersion);
      // A tolerated value goes out at any microversion; another one caps the call.
      if (spec.maxVersion !== undefined && !spec.toleratedAfterMax?.includes(value as string | number | boolean)) {
        maximums.push(spec.maxVersion);
        if (capsBy === undefined || spec.maxVersion === lowestMaximum(maximums))
          capsBy = `${schema.name}.${name} = ${JSON.stringify(value)}`;
      }
      const wireValue = value;
      const key = kind === 'create' && spec.createWire !== undefined ? spec.createWire : wire;
      if (spec.root) root[key] = wireValue;
      else if (spec.flatten && isPlainObject(wireValue)) Object.assign(body, wireValue);
      else body[key] = wireValue;
    }
    return { body, root, requires: highestMinimum(minimums), caps: lowestMaximum(maximums), capsBy };
  }

  /** Merges a body read from the server into this resource and marks everything clean. */
  applyWire(body: WireBody, requestId?: string): this {
    const incoming = this.schema.quotaUsage ? splitQuotaUsage(body) : body;
    this.#body = { ...this.#body, ...incoming };
    this.#dirty = undefined;
    this.#cache = undefined;
    if (requestId !== undefined) this.openstackRequestId = requestId;
    return this;
  }

  /**
   * Merges known values (by wire name) without marking them changed: path fields copied from a
   * parent, or values learnt from a lookup.
   */
  seedWire(body: WireBody): this {
    const incoming = this.schema.quotaUsage ? splitQuotaUsage(body) : body;
    for (const [wire, value] of Object.entries(incoming)) {
      this.#body[wire] = value;
      this.#dirty?.delete(wire);
    }
    this.#cache = undefined;
    return this;
  }

  /** Marks every attribute as saved. */
  markClean(): void {
    this.#dirty = undefined;
  }

  /** The raw body by wire names (a copy). */
  toWire(): WireBody {
    return { ...this.#body };
  }

  /** Declared attributes by TS name (unknown ones by wire name on keep-unknown resources). */
  toJSON(): Record<string, unknown> {
    const schema = this.schema;
    const out: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(schema.fields)) {
      let value: unknown;
      try {
        value = this._get(name);
      } catch {
        // A value the server got wrong is shown as it came; reading the attribute still throws.
        value = this.#body[spec.wire];
      }
      if (value !== undefined && value !== null) out[name] = value;
    }
    if (schema.keepUnknown) {
      const index = wireIndex(schema);
      for (const [wire, value] of Object.entries(this.#body)) {
        if (!index.has(wire)) out[wire] = value;
      }
    }
    return out;
  }

  [INSPECT](_depth?: number, options?: object, inspect?: (value: unknown, options?: object) => string): string {
    const json = this.toJSON();
    if (typeof inspect === 'function') {
      try {
        return `${this.schema.name} ${inspect(json, options)}`;
      } catch {
        // fall through to JSON
      }
    }
    try {
      return `${this.schema.name} ${JSON.stringify(json, null, 2)}`;
    } catch {
      return `${this.schema.name} {${Object.keys(json).join(', ')}}`;
    }
  }
}

const IDENTITY = new WeakMap<ResourceSchema, ReadonlySet<string>>();

/** Wire names of the ID field and of the fields that fill the path. */
function identityWires(schema: ResourceSchema): ReadonlySet<string> {
  let set = IDENTITY.get(schema);
  if (!set) {
    const out = new Set<string>();
    for (const name of [schema.idField ?? 'id', ...Object.values(schema.paths ?? {})]) {
      const wire = schema.fields[name]?.wire;
      if (wire !== undefined) out.add(wire);
    }
    set = out;
    IDENTITY.set(schema, set);
  }
  return set;
}

/** Whether writing `value` (already in wire shape) over `raw` changes nothing. */
function sameValue(raw: unknown, value: unknown, type: FieldType | undefined): boolean {
  if (raw === undefined) return false;
  if (deepEqual(raw, value)) return true;
  if (type === undefined || raw === null || value === null) return false;
  try {
    // Compare what the server's value means: "10" is 10, "True" is true.
    return deepEqual(checkValue(readValue(raw, type, ''), type, ''), value);
  } catch {
    return false;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every(
    (k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(type: FieldType): type is 'string' | 'integer' | 'number' | 'boolean' | 'boolstr' | 'object' | 'any' {
  return typeof type === 'string';
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function parseBool(raw: unknown): boolean | undefined {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const lower = raw.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

function readScalar(raw: unknown, type: FieldType & string, where: string): unknown {
  switch (type) {
    case 'string':
      return typeof raw === 'string'
        ? raw
        : typeof raw === 'number' || typeof raw === 'boolean'
          ? String(raw)
          : bad(raw);
    case 'integer':
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      if (!Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n))) return bad(raw);
      return n;
    }
    case 'boolean':
    case 'boolstr': {
      const b = parseBool(raw);
      return b === undefined ? bad(raw) : b;
    }
    case 'object':
      return isPlainObject(raw) ? raw : bad(raw);
    default:
      return raw;
  }
  function bad(value: unknown): never {
    throw new InvalidResponseError(where, `expected ${type} from the server, got ${describe(value)}`);
  }
}

/** Converts a wire value to its TS shape (structs get TS keys); validates as it goes. */
export function decodeValue(raw: unknown, type: FieldType, where: string): unknown {
  return readValue(raw, type, where);
}

function readValue(raw: unknown, type: FieldType, where: string): unknown {
  if (raw === null || raw === undefined) return undefined;
  if (typeof type === 'string') return readScalar(raw, type, where);
  if ('list' in type) {
    if (!Array.isArray(raw))
      throw new InvalidResponseError(where, `expected a list from the server, got ${describe(raw)}`);
    return raw.map((item, i) => readValue(item, type.list, `${where}[${i}]`));
  }
  if ('map' in type) {
    if (!isPlainObject(raw))
      throw new InvalidResponseError(where, `expected an object from the server, got ${describe(raw)}`);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) out[k] = readValue(v, type.map, `${where}.${k}`);
    return out;
  }
  if (!isPlainObject(raw))
    throw new InvalidResponseError(where, `expected an object from the server, got ${describe(raw)}`);
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(type.struct.fields)) {
    const v = readValue(raw[spec.wire], spec.type, `${where}.${name}`);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** Checks a caller's value against the declared type; returns it in wire shape (structs renamed). */
export function encodeValue(value: unknown, type: FieldType, where: string): unknown {
  return value === undefined ? undefined : checkValue(value, type, where);
}

function checkValue(value: unknown, type: FieldType, where: string): unknown {
  if (value === null) return null;
  const fail = (expected: string): never => {
    throw new InvalidArgumentError(where, `expected ${expected}, got ${describe(value)}`);
  };
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        return typeof value === 'string' ? value : fail('a string');
      case 'integer':
        return Number.isInteger(value) ? value : fail('an integer');
      case 'number':
        return typeof value === 'number' && Number.isFinite(value) ? value : fail('a number');
      case 'boolean':
      case 'boolstr':
        return typeof value === 'boolean' ? value : fail('a boolean');
      case 'object':
        return isPlainObject(value) ? value : fail('an object');
      default:
        return value;
    }
  }
  if ('list' in type) {
    if (!Array.isArray(value)) return fail('a list');
    return value.map((item, i) => checkValue(item, type.list, `${where}[${i}]`));
  }
  if ('map' in type) {
    if (!isPlainObject(value)) return fail('an object');
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = checkValue(v, type.map, `${where}.${k}`);
    return out;
  }
  if (!isPlainObject(value)) return fail(`a ${type.struct.name} object`);
  const out: Record<string, unknown> = {};
  const fields = type.struct.fields;
  for (const [k, v] of Object.entries(value)) {
    const spec = fields[k] ?? Object.values(fields).find((f) => f.wire === k);
    if (!spec) throw new InvalidArgumentError(`${where}.${k}`, `unknown attribute of ${type.struct.name}`);
    if (v !== undefined) out[spec.wire] = checkValue(v, spec.type, `${where}.${k}`);
  }
  return out;
}

/** Cinder quota sets with `?usage=true`: `{volumes: {limit, in_use, reserved}}`. */
function splitQuotaUsage(body: WireBody): WireBody {
  let usage: Record<string, unknown> | undefined;
  let reservation: Record<string, unknown> | undefined;
  const out: WireBody = {};
  for (const [key, value] of Object.entries(body)) {
    if (isPlainObject(value) && 'limit' in value && key !== 'usage' && key !== 'reservation') {
      out[key] = value['limit'];
      if ('in_use' in value) (usage ??= {})[key] = value['in_use'];
      if ('reserved' in value) (reservation ??= {})[key] = value['reserved'];
    } else {
      out[key] = value;
    }
  }
  if (usage) out['usage'] = usage;
  if (reservation) out['reservation'] = reservation;
  return out;
}
