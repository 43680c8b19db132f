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

/** The snapshot of a resource nothing was read for. Never written: snapshots are replaced whole. */
const NOTHING: WireBody = Object.freeze({});

/**
 * Sets an own enumerable field. Defined, not assigned: a key the server sent (a QoS spec key)
 * may be `__proto__` or the name of a Resource member, and must stay just data.
 */
function defineField(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { configurable: true, enumerable: true, writable: true, value });
}

/** A copy of a JSON value, so that changing a field in place never changes the snapshot. */
function copyJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson);
  // fromEntries defines keys: a `__proto__` key stays a key.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyJson(v)]));
}

/** One declared field, as the read loop needs it (computed once per schema). */
interface FieldPlan {
  readonly name: string;
  readonly wire: string;
  readonly type: FieldType;
}

/** What the runtime derives from a schema, once: the read plan, wire → TS names, the identity fields. */
interface Compiled {
  readonly plan: readonly FieldPlan[];
  readonly byWire: ReadonlyMap<string, string>;
  /** Wire names of the ID field and of the fields that fill the path. */
  readonly identity: ReadonlySet<string>;
}

const COMPILED = new WeakMap<ResourceSchema, Compiled>();

function compiled(schema: ResourceSchema): Compiled {
  let c = COMPILED.get(schema);
  if (!c) {
    const plan = Object.entries(schema.fields).map(([name, spec]) => ({
      name,
      wire: spec.wire,
      type: spec.type,
    }));
    c = {
      plan,
      // The first field of a wire is the current name; a deprecated alias of it comes after.
      byWire: new Map([...plan].reverse().map((f) => [f.wire, f.name])),
      identity: new Set(
        [schema.idField ?? 'id', ...Object.values(schema.paths ?? {})].flatMap((n) => schema.fields[n]?.wire ?? []),
      ),
    };
    COMPILED.set(schema, c);
  }
  return c;
}

function unknownAttribute(schema: ResourceSchema, key: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `${schema.name}.${key}`,
    `unknown attribute; known: ${Object.keys(schema.fields).join(', ')}`,
  );
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** A resource's fields seen as a record: what the runtime reads and writes by name. */
type Fields = Record<string, unknown>;

export abstract class Resource {
  declare static readonly schema: ResourceSchema;

  /**
   * What the server last sent (merged over earlier answers), by wire names: the snapshot changes
   * are measured against. Private, so spread, `Object.keys`, `structuredClone` and JSON see only
   * the fields.
   */
  #wire: WireBody = NOTHING;
  /** Fields to send even when equal to the snapshot (attributes given to an update). */
  #forced: Set<string> | undefined;
  /** Fields set to null through setAttribute: sent as JSON null, read as undefined meanwhile. */
  #cleared: Set<string> | undefined;
  /** Fields whose server value does not have the declared type: reading them throws this. */
  #broken: Map<string, InvalidResponseError> | undefined;
  #requestId: string | undefined;

  /**
   * Builds a resource from attributes named as in TypeScript (wire names are accepted too).
   * Every attribute given counts as changed: a create sends exactly these.
   */
  constructor(attrs?: object) {
    if (attrs) {
      for (const [key, value] of Object.entries(attrs)) {
        if (value !== undefined) this.setAttribute(key, value);
      }
    }
  }

  /** Builds a resource from a body read from the server; nothing is changed. */
  static fromWire<T extends Resource>(this: ResourceClass<T>, body: WireBody, requestId?: string): T {
    const resource = construct(this);
    const schema = this.schema;
    resource.#wire = schema.quotaUsage ? splitQuotaUsage(body) : body;
    resource.#requestId = requestId;
    resource.#assign(resource.#wire, true);
    return resource;
  }

  /**
   * `X-OpenStack-Request-ID` of the response this resource was read from. (Not `requestId`: some
   * resources, such as messages, have a field of that name.) Not a field: spread and JSON leave it out.
   */
  get openstackRequestId(): string | undefined {
    return #wire in this ? this.#requestId : undefined;
  }

  set openstackRequestId(value: string | undefined) {
    this.#requestId = value;
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

  /**
   * Sets the fields from a body read from the server, converted to their declared types. A value
   * of the wrong type becomes a field that throws InvalidResponseError when read: one broken item
   * does not fail a whole listing, and no value is ever handed out with a type it does not have.
   */
  #assign(body: WireBody, fresh = false): void {
    const schema = this.schema;
    const self = this as unknown as Fields;
    const plan = compiled(schema).plan;
    for (let i = 0; i < plan.length; i++) {
      const { name, wire, type } = plan[i];
      const raw = body[wire];
      if (raw === undefined) continue;
      if (raw === null) {
        if (!fresh) delete self[name];
        continue;
      }
      let value: unknown = raw;
      if (!asIs(raw, type)) {
        try {
          value = read(raw, type);
        } catch (error) {
          if (!(error instanceof BadValue)) throw error;
          this.#break(name, new InvalidResponseError(`${schema.name}.${name}${error.path}`, error.detail));
          continue;
        }
      }
      self[name] = value;
      if (!fresh) this.#broken?.delete(name);
    }
    if (schema.keepUnknown) {
      const index = compiled(schema).byWire;
      for (const [wire, value] of Object.entries(body)) {
        if (!index.has(wire) && !Object.hasOwn(schema.fields, wire)) defineField(this, wire, copyJson(value));
      }
    }
  }

  #break(name: string, error: InvalidResponseError): void {
    (this.#broken ??= new Map()).set(name, error);
    Object.defineProperty(this, name, {
      configurable: true,
      enumerable: true,
      get(): never {
        throw error;
      },
      set(this: Resource, value: unknown): void {
        // Writing a value replaces the broken one with an ordinary field.
        this.#broken?.delete(name);
        defineField(this, name, value);
      },
    });
  }

  /** Reads a declared field by TS name. */
  protected _get(name: string): unknown {
    return Object.hasOwn(this.schema.fields, name) ? (this as unknown as Fields)[name] : undefined;
  }

  /** Writes a declared field by TS name, checked against its type; `null` is sent as JSON null, `undefined` unsets it. */
  protected _set(name: string, value: unknown, force = false): void {
    const spec = this.schema.fields[name];
    const where = `${this.schema.name}.${name}`;
    if (!spec) throw new InvalidArgumentError(where, 'no such attribute');
    // Checked now (a wrong type fails where it is written), kept in TypeScript shape.
    let shaped = value === undefined || value === null ? value : checkValue(value, spec.type, where);
    // Lists, maps and structs are kept with TypeScript names; the caller's scalars and objects as given.
    if (shaped !== undefined && shaped !== null && typeof spec.type !== 'string')
      shaped = decodeValue(shaped, spec.type, where);
    this.#put(name, shaped, force);
  }

  #put(name: string, value: unknown, force: boolean): void {
    this.#broken?.delete(name);
    this.#cleared?.delete(name);
    if (value === undefined || value === null) {
      delete (this as unknown as Fields)[name];
      this.#forced?.delete(name);
      if (value === null) (this.#cleared ??= new Set()).add(name);
      return;
    }
    defineField(this, name, value);
    if (force) (this.#forced ??= new Set()).add(name);
  }

  /**
   * Sets an attribute by TS name or wire name, checked against its declared type. Undeclared
   * names are accepted only by resources that keep unknown attributes (QoS specs, quota sets).
   * With `force`, an equal value still counts as changed (the instance may be stale: the
   * caller's value must be sent).
   */
  setAttribute(key: string, value: unknown, force = false): void {
    const schema = this.schema;
    if (Object.hasOwn(schema.fields, key)) return this._set(key, value, force);
    const byWire = compiled(schema).byWire.get(key);
    if (byWire) return this._set(byWire, value, force);
    if (schema.keepUnknown) return this.#put(key, value, force);
    throw unknownAttribute(schema, key);
  }

  /** Reads any attribute by TS name or wire name (undeclared ones only on keep-unknown resources). */
  getAttribute(key: string): unknown {
    const schema = this.schema;
    if (Object.hasOwn(schema.fields, key)) return this._get(key);
    const byWire = compiled(schema).byWire.get(key);
    if (byWire) return this._get(byWire);
    return schema.keepUnknown && Object.hasOwn(this, key) ? (this as unknown as Fields)[key] : undefined;
  }

  /**
   * The fields that differ from what the server last sent (or were forced), by wire name, in
   * wire shape. A field set to undefined (deleted) is not a change: there is nothing to send.
   * Values are checked against their declared types here, since a field is a plain property.
   */
  #changes(strict: boolean): Map<string, { readonly name: string | undefined; readonly value: unknown }> {
    const schema = this.schema;
    const self = this as unknown as Fields;
    const out = new Map<string, { name: string | undefined; value: unknown }>();
    const keys = Object.keys(this);
    for (const name of this.#cleared ?? []) if (!keys.includes(name)) keys.push(name);
    for (const key of keys) {
      if (this.#broken?.has(key)) continue;
      const value = Object.hasOwn(this, key) ? self[key] : null;
      if (value === undefined) continue;
      const spec = Object.hasOwn(schema.fields, key) ? schema.fields[key] : undefined;
      const wire = spec ? spec.wire : key;
      let encoded: unknown = value;
      try {
        if (spec) encoded = checkValue(value, spec.type, `${schema.name}.${key}`);
        else if (!schema.keepUnknown) {
          throw unknownAttribute(schema, key);
        }
      } catch (error) {
        // A value that cannot be sent fails the request; elsewhere it is a change shown as it is.
        if (strict) throw error;
      }
      if (this.#forced?.has(key) !== true && sameValue(this.#wire[wire], encoded, spec?.type)) continue;
      out.set(wire, { name: spec ? key : undefined, value: encoded });
    }
    return out;
  }

  /** True when an attribute differs from what the server sent (or was given to an update). */
  isDirty(name?: string): boolean {
    const changes = this.#changes(false);
    if (name === undefined) return changes.size > 0;
    const spec = this.schema.fields[name];
    return changes.has(spec ? spec.wire : name);
  }

  /**
   * The request body for a create or an update: the changed attributes by wire name, checked
   * against their types and where each field may be written. Returns the wrapped part and the
   * root-level part.
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
    const body: WireBody = {};
    const root: WireBody = {};
    const minimums: (string | undefined)[] = [];
    const maximums: (string | undefined)[] = [];
    let capsBy: string | undefined;
    const identity = kind === 'update' ? compiled(schema).identity : undefined;
    for (const [wire, { name, value }] of this.#changes(true)) {
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
      const key = kind === 'create' && spec.createWire !== undefined ? spec.createWire : wire;
      if (spec.root) root[key] = value;
      else if (spec.flatten && isPlainObject(value)) Object.assign(body, value);
      else body[key] = value;
    }
    return { body, root, requires: highestMinimum(minimums), caps: lowestMaximum(maximums), capsBy };
  }

  /** Merges a body read from the server into this resource; everything is saved afterwards. */
  applyWire(body: WireBody, requestId?: string): this {
    this.markClean();
    const incoming = this.schema.quotaUsage ? splitQuotaUsage(body) : body;
    this.#wire = { ...this.#wire, ...incoming };
    this.#assign(incoming);
    if (requestId !== undefined) this.#requestId = requestId;
    return this;
  }

  /**
   * Merges known values (by wire name) without marking them changed: path fields copied from a
   * parent, or values learnt from a lookup. A change not yet saved to another field survives.
   */
  seedWire(body: WireBody): this {
    const incoming = this.schema.quotaUsage ? splitQuotaUsage(body) : body;
    this.#wire = { ...this.#wire, ...incoming };
    this.#assign(incoming);
    for (const wire of Object.keys(incoming)) {
      const name = compiled(this.schema).byWire.get(wire) ?? wire;
      this.#forced?.delete(name);
      this.#cleared?.delete(name);
    }
    return this;
  }

  /** Marks every attribute as saved: the snapshot becomes what the fields hold now. */
  markClean(): void {
    this.#wire = this.toWire();
    this.#forced = undefined;
    this.#cleared = undefined;
  }

  /** The body by wire names: what the server sent, with the changes made since (a copy). */
  toWire(): WireBody {
    const out: WireBody = { ...this.#wire };
    for (const [wire, { value }] of this.#changes(false)) out[wire] = value;
    return out;
  }

  /**
   * The fields by TS name (unknown ones by wire name on keep-unknown resources), as spread gives
   * them; a value the server got wrong is shown as it came (reading the field still throws).
   */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const broken = #wire in this ? this.#broken : undefined;
    for (const key of Object.keys(this)) {
      const spec = broken?.has(key) ? this.schema.fields[key] : undefined;
      out[key] = spec ? this.#wire[spec.wire] : (this as unknown as Fields)[key];
    }
    return out;
  }

  /** Node's util.inspect (and console.log): the fields, a broken one shown as the server sent it. */
  [INSPECT](_depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return `${this.schema.name} ${inspect(this.toJSON(), options)}`;
  }
}

/** Whether writing `value` (already in wire shape) over `raw` changes nothing. */
function sameValue(raw: unknown, value: unknown, type: FieldType | undefined): boolean {
  if (raw === undefined) return false;
  if (deepEqual(raw, value)) return true;
  if (type === undefined || raw === null || value === null) return false;
  try {
    // Compare what the server's value means: "10" is 10, "True" is true.
    return deepEqual(checkValue(read(raw, type), type, ''), value);
  } catch {
    return false;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  // JSON lists are compared as objects keyed by index: the same keys, the same values.
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every(
    (k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * A server value of the wrong type, found while reading: `path` is where inside the field (`[1]`,
 * `.device`), built only when this happens — reading builds no strings for values that are fine.
 */
class BadValue extends Error {
  constructor(
    public path: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/**
 * Whether a server value already is what its field reads as: a scalar of the declared type (most
 * of a resource: strings, numbers, booleans). Such values are taken as they are, without a call
 * to read() and its error handling.
 */
function asIs(raw: unknown, type: FieldType): boolean {
  const kind = typeof raw;
  if (kind === 'number') return type === 'integer' ? Number.isInteger(raw) : type === 'number' && Number.isFinite(raw);
  // An object is never taken as it is: the field gets a copy, so that the snapshot stays as sent.
  return kind === type ? kind !== 'object' : kind === 'boolean' && type === 'boolstr';
}

function readScalar(raw: unknown, type: FieldType & string): unknown {
  switch (type) {
    case 'string':
      // A string is taken as it is before this (asIs).
      return typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : bad(raw, type);
    case 'integer':
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      if (!Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n))) return bad(raw, type);
      return n;
    }
    case 'boolean':
    case 'boolstr': {
      // Cinder's string booleans, in any case (a boolean was taken as it is: asIs); its own
      // spelling needs no lower-cased copy.
      const lower = raw === 'true' || raw === 'false' || typeof raw !== 'string' ? raw : raw.toLowerCase();
      return lower === 'true' || (lower !== 'false' && bad(raw, type));
    }
    default:
      // 'object' and 'any': a copy, so that the snapshot stays as sent.
      return type === 'object' && !isPlainObject(raw) ? bad(raw, type) : copyJson(raw);
  }
}

/** Not a closure inside readScalar: a function holding one would allocate its context on every call. */
function bad(value: unknown, type: string): never {
  throw new BadValue('', `expected ${type} from the server, got ${describe(value)}`);
}

/** Converts a wire value to its TS shape (structs get TS keys); validates as it goes. */
export function decodeValue(raw: unknown, type: FieldType, where: string): unknown {
  try {
    return read(raw, type);
  } catch (error) {
    throw error instanceof BadValue ? new InvalidResponseError(where + error.path, error.detail) : error;
  }
}

/** Prefixes where inside a value a wrong part was found (the path is built only then). */
function at(error: unknown, path: string): unknown {
  if (error instanceof BadValue) error.path = path + error.path;
  return error;
}

function read(raw: unknown, type: FieldType): unknown {
  if (raw === null || raw === undefined) return undefined;
  if (asIs(raw, type)) return raw;
  if (typeof type === 'string') return readScalar(raw, type);
  if ('list' in type) {
    if (!Array.isArray(raw)) throw new BadValue('', `expected a list from the server, got ${describe(raw)}`);
    // map(), not push(): push would grow an empty array to room for 17 items (most lists hold one or two).
    const out: unknown[] = new Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      try {
        out[i] = read(raw[i], type.list);
      } catch (error) {
        throw at(error, `[${i}]`);
      }
    }
    return out;
  }
  if (!isPlainObject(raw)) throw new BadValue('', `expected an object from the server, got ${describe(raw)}`);
  const out: Record<string, unknown> = {};
  if ('map' in type) {
    for (const k in raw) {
      try {
        out[k] = read(raw[k], type.map);
      } catch (error) {
        throw at(error, `.${k}`);
      }
    }
    return out;
  }
  const fields = type.struct.fields;
  for (const name in fields) {
    try {
      const v = read(raw[fields[name].wire], fields[name].type);
      if (v !== undefined) out[name] = v;
    } catch (error) {
      throw at(error, `.${name}`);
    }
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
    if (type === 'object') return isPlainObject(value) ? value : fail('an object');
    // A caller may give a scalar exactly where a server value would be taken as it is.
    if (type === 'any' || asIs(value, type)) return value;
    return fail(type === 'integer' ? 'an integer' : `a ${type === 'boolstr' ? 'boolean' : type}`);
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
