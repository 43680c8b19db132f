/**
 * The building blocks generated methods are made of: send an operation for a target, create,
 * fetch, update and delete a resource, and read typed values out of responses. openstacksdk's
 * semantics where they are sound (create sends what was given, update only what changed and
 * nothing at all when nothing changed, delete may ignore a 404), Cinder's wire format always.
 */
import type { ApiResponse, Operation, QueryValue, RequestOptions, ServiceClient } from './client.js';
import { pathValueError } from './args.js';
import {
  HttpError,
  InvalidArgumentError,
  InvalidResponseError,
  NotFoundError,
  ResourceNotFoundError,
} from './errors.js';
import { highestMinimum, lowestMaximum } from './microversion.js';
import {
  construct,
  decodeValue,
  fromWire,
  type FieldType,
  type Resource,
  type ResourceClass,
  type ResourceSchema,
} from './resource.js';

export interface CallInput {
  /** The resource whose fields fill the path. */
  readonly target?: Resource | undefined;
  /** Path values given directly (path arguments, loop variables). */
  readonly path?: Readonly<Record<string, string>> | undefined;
  readonly query?: Readonly<Record<string, QueryValue | undefined>> | undefined;
  readonly body?: unknown;
  /** Microversions required by the arguments actually given. */
  readonly requires?: readonly (string | undefined)[] | undefined;
  /** Microversions beyond which an argument actually given is not accepted. */
  readonly caps?: readonly (string | undefined)[] | undefined;
  /** What sets the lowest cap, named in the error when a pinned version is above it. */
  readonly capsBy?: string | undefined;
}

/** Sends an operation, filling its path from the target (fetching the target first if it is incomplete). */
export function callOperation(
  client: ServiceClient,
  operation: Operation,
  input: CallInput,
  options?: RequestOptions,
): Promise<ApiResponse> {
  const send = (pathParams: Record<string, string>): Promise<ApiResponse> => {
    for (const name in pathParams) {
      const refused = pathValueError(name, pathParams[name], operation.id);
      if (refused) return Promise.reject(refused);
    }
    const request = {
      operation,
      pathParams,
      query: input.query,
      body: input.body,
      requires: input.requires ? highestMinimum(input.requires) : undefined,
      caps: input.caps ? lowestMaximum(input.caps) : undefined,
      capsBy: input.capsBy,
    };
    const sent = client.send(request, options);
    const fallback = operation.fallback;
    if (!fallback) return sent;
    // An older release serving the same request elsewhere (at the same microversion) says so only
    // through its answer: one more try there, and that answer is the caller's.
    return sent.catch((error: unknown) => {
      if (
        !(error instanceof HttpError) ||
        error.status !== fallback.status ||
        !(error.details ?? '').includes(fallback.message)
      )
        throw error;
      const { method, path } = fallback;
      return client.send(
        { ...request, operation: { ...operation, method, path, routes: undefined, fallback: undefined } },
        options,
      );
    });
  };
  // Usually every path value is known: no lookup and no extra async hop.
  const known = knownPath(operation, input);
  return known ? send(known) : resolvePath(client, operation, input, options).then(send);
}

/** Placeholders of an operation's paths (all routes), computed once per operation. */
const PLACEHOLDERS = new WeakMap<Operation, readonly string[]>();

function placeholders(operation: Operation): readonly string[] {
  let names = PLACEHOLDERS.get(operation);
  if (!names) {
    const paths = [operation.path, ...(operation.routes ?? []).map((r) => r.path)];
    const out = new Set<string>();
    for (const p of paths) for (const m of p.matchAll(/\{([^}]+)\}/g)) out.add(m[1]);
    names = [...out];
    PLACEHOLDERS.set(operation, names);
  }
  return names;
}

/** The path values when the input has them all, else undefined. */
function knownPath(operation: Operation, input: CallInput): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const name of placeholders(operation)) {
    const value = input.path?.[name] ?? (input.target && targetValue(input.target, name));
    if (value === undefined) return undefined;
    out[name] = value;
  }
  return out;
}

async function resolvePath(
  client: ServiceClient,
  operation: Operation,
  input: CallInput,
  options: RequestOptions | undefined,
  mayFetch = true,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of placeholders(operation)) {
    const value = input.path?.[name] ?? (input.target && targetValue(input.target, name));
    if (value !== undefined) out[name] = value;
    else missing.push(name);
  }
  if (missing.length === 0) return out;
  const target = input.target;
  const fetchOp = target?.schema.fetch;
  // Looked up and still unknown: there is no such resource (a volume type without encryption
  // answers `{}`). That is a not-found, which deletes with ignoreMissing accept as done.
  if (target && !mayFetch)
    throw new ResourceNotFoundError(target.schema.name, Object.values(out).join('/') || (target.resourceId ?? '?'));
  if (!target || !fetchOp || fetchOp === operation || !mayFetch) throw missingError(operation, target, missing);
  // A child given by its parent (a type's encryption given as the type): look it up once.
  const response = await callOperation(client, fetchOp, { target }, options);
  target.seedWire(unwrapResource(envelopeOf(fetchOp, target.schema), response, target.schema.name));
  return resolvePath(client, operation, input, options, false);
}

function missingError(
  operation: Operation,
  target: Resource | undefined,
  missing: readonly string[],
): InvalidArgumentError {
  const what = target ? `the ${target.schema.name} does not say` : 'no value given for';
  return new InvalidArgumentError(operation.id, `${what} ${missing.map((m) => `{${m}}`).join(', ')}`);
}

function targetValue(target: Resource, placeholder: string): string | undefined {
  const field = target.schema.paths?.[placeholder];
  if (!field) return undefined;
  const value = target.getAttribute(field);
  if (value === undefined || value === null || value === '') return undefined;
  // Path values are strings or numbers in JSON; JSON.stringify spells both as String() would.
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The object inside `{resource_key: {...}}`; the body itself for resources without a key. A
 * response without the key is not the resource: reading it anyway made `{}` a Volume holding
 * only the ID the caller asked for (the path fields are seeded from the request).
 */
export function unwrapResource(
  key: string | null | undefined,
  response: ApiResponse,
  what: string,
): Record<string, unknown> {
  const body = response.body;
  if (!isObject(body))
    throw new InvalidResponseError(`${what} from ${response.url}`, `expected a JSON object, got ${kindOf(body)}`);
  if (!key) return body;
  if (!(key in body)) throw new InvalidResponseError(`${what} from ${response.url}`, `expected a "${key}" key`);
  const inner = body[key];
  if (!isObject(inner))
    throw new InvalidResponseError(`${what} from ${response.url}`, `"${key}" is ${kindOf(inner)}, expected an object`);
  return inner;
}

/** Reads a resource out of a response (`response: resource`); `key` null: the body is the resource. */
export function readResource<T extends Resource>(cls: ResourceClass<T>, response: ApiResponse, key?: string | null): T {
  const schema = cls.schema;
  const body = unwrapResource(key === null ? undefined : (key ?? schema.resourceKey), response, schema.name);
  return fromWire(cls, body, response.requestId);
}

/** The key an operation's response wraps the resource in; null when it is not wrapped. */
function envelopeOf(operation: Operation, schema: { readonly resourceKey?: string | undefined }): string | null {
  return operation.bareResponse ? null : (schema.resourceKey ?? null);
}

/**
 * Reads a typed value out of a response (`response: {key, type}`): the body itself, the value
 * under a key, or under a path of keys (`["meta", key]` for `{"meta": {<key>: value}}`). A reply
 * without one of the keys is an InvalidResponseError naming it.
 */
export function readValue<V>(
  response: ApiResponse,
  type: FieldType,
  key: string | readonly string[] | undefined,
  where: string,
): V {
  let raw: unknown = response.body;
  const path = key === undefined ? [] : typeof key === 'string' ? [key] : key;
  for (const [i, k] of path.entries()) {
    if (!isObject(raw) || !Object.hasOwn(raw, k)) {
      const under =
        i === 0
          ? ''
          : ` under ${path
              .slice(0, i)
              .map((p) => `"${p}"`)
              .join(' → ')}`;
      throw new InvalidResponseError(
        `${where} from ${response.url}`,
        i === 0 && path.length === 1
          ? `expected a "${k}" key in the response`
          : `expected the key "${k}"${under} in the response`,
      );
    }
    raw = raw[k];
  }
  return decodeValue(raw, type, where) as V;
}

/**
 * `response: merge`: the response body is merged into the target, which is returned. Only what
 * the server sent becomes clean: a change the caller has not saved yet (a new name) survives an
 * action that returns other fields (metadata).
 */
export function mergeInto<T extends Resource>(target: T, response: ApiResponse): T {
  if (response.body === undefined) return target;
  // An action answers with some fields, wrapped or not (`{"metadata": {...}}` is the fields).
  const key = target.schema.resourceKey;
  const body = response.body;
  target.seedWire(unwrapResource(key && isObject(body) && key in body ? key : undefined, response, target.schema.name));
  if (response.requestId !== undefined) target.openstackRequestId = response.requestId;
  return target;
}

/** Builds the body of a create or update from the resource's changed fields. */
export function resourceBody(
  resource: Resource,
  kind: 'create' | 'update',
  request: ReturnType<Resource['toRequest']> = resource.toRequest(kind),
): {
  body: Record<string, unknown>;
  requires: string | undefined;
  caps: string | undefined;
  capsBy: string | undefined;
} {
  const { body, root, requires, caps, capsBy } = request;
  const key = resource.schema.resourceKey;
  return { body: key ? { [key]: body, ...root } : { ...body, ...root }, requires, caps, capsBy };
}

/** POST (or PUT) a new resource: sends the attributes given, returns the created resource. */
export async function createResource<T extends Resource>(
  client: ServiceClient,
  cls: ResourceClass<T>,
  operation: Operation,
  attrs: object,
  target: Resource | undefined,
  options?: RequestOptions,
): Promise<T> {
  if (!isObject(attrs)) throw new InvalidArgumentError('attrs', `expected an object of ${cls.schema.name} attributes`);
  const resource = attrs instanceof cls ? attrs : construct(cls, attrs);
  if (target) resource.seedWire(pathWire(target));
  const { body, requires, caps, capsBy } = resourceBody(resource, 'create');
  const response = await callOperation(
    client,
    operation,
    { target: target ?? resource, body, requires: [requires], caps: [caps], capsBy },
    options,
  );
  if (response.body === undefined) return resource.applyWire({}, response.requestId);
  return resource.applyWire(
    unwrapResource(envelopeOf(operation, cls.schema), response, cls.schema.name),
    response.requestId,
  );
}

/** The path fields of a target, by wire name (kept on a child created under it). */
/** The fields that fill a resource's path, with their wire names, computed once per schema. */
const PATH_FIELDS = new WeakMap<ResourceSchema, ReadonlyArray<readonly [string, string]>>();

function pathFields(schema: ResourceSchema): ReadonlyArray<readonly [string, string]> {
  let fields = PATH_FIELDS.get(schema);
  if (!fields) {
    const list: Array<readonly [string, string]> = [];
    for (const field of Object.values(schema.paths ?? {})) {
      const spec = schema.fields[field];
      if (spec) list.push([field, spec.wire]);
    }
    fields = list;
    PATH_FIELDS.set(schema, fields);
  }
  return fields;
}

function pathWire(target: Resource): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const schema = target.schema;
  for (const field of Object.values(schema.paths ?? {})) {
    const spec = schema.fields[field];
    const value = target.getAttribute(field);
    if (spec && value !== undefined) out[spec.wire] = value;
  }
  return out;
}

/** GET one resource. A 404 says which resource was not found. */
export async function fetchResource<T extends Resource>(
  client: ServiceClient,
  cls: ResourceClass<T>,
  operation: Operation,
  target: Resource,
  query: Readonly<Record<string, QueryValue | undefined>> | undefined,
  options?: RequestOptions,
  requires?: readonly (string | undefined)[],
): Promise<T> {
  try {
    const response = await callOperation(client, operation, { target, query, requires }, options);
    const schema = cls.schema;
    // readResource(), keeping the body: the resource wraps it without a copy.
    const key = envelopeOf(operation, schema);
    const body = unwrapResource(key === null ? undefined : key, response, schema.name);
    const result = fromWire(cls, body, response.requestId);
    // Keep what the caller knew (a parent id the response does not repeat). Read from the body,
    // not from a copy of it (toWire): this runs on every get.
    let missing: Record<string, unknown> | undefined;
    for (const [field, wire] of pathFields(target.schema)) {
      if (body[wire] !== undefined) continue;
      const value = target.getAttribute(field);
      if (value !== undefined) (missing ??= {})[wire] = value;
    }
    return missing ? result.seedWire(missing) : result;
  } catch (error) {
    throw renameNotFound(error, cls.schema.name, target);
  }
}

/** PUT the changed attributes. Nothing changed → no request, the target is returned as is. */
export async function updateResource<T extends Resource>(
  client: ServiceClient,
  operation: Operation,
  target: T,
  attrs: object | undefined,
  options?: RequestOptions,
): Promise<T> {
  if (attrs !== undefined) {
    if (!isObject(attrs))
      throw new InvalidArgumentError('attrs', `expected an object of ${target.schema.name} attributes`);
    // Attributes given to an update are sent even when the instance already holds that value: it
    // may be stale (another client changed the server since it was read).
    for (const [key, value] of Object.entries(attrs)) if (value !== undefined) target.setAttribute(key, value, true);
  }
  // The changes are compared with what the server sent once: nothing changed, or only the ID (or
  // path fields), e.g. an instance built from an ID, means nothing to send.
  const request = target.toRequest('update');
  if (Object.keys(request.body).length === 0 && Object.keys(request.root).length === 0) return target;
  const { body, requires, caps, capsBy } = resourceBody(target, 'update', request);
  const response = await callOperation(
    client,
    operation,
    { target, body, requires: [requires], caps: [caps], capsBy },
    options,
  );
  if (response.body === undefined) {
    // Cinder answered without the resource (204/202): what was sent is now what the server has.
    target.markClean();
    return target;
  }
  // Everything changed was sent: all of it is clean now, whatever the answer repeats.
  return target.applyWire(
    unwrapResource(envelopeOf(operation, target.schema), response, target.schema.name),
    response.requestId,
  );
}

/** DELETE (or the operation standing for it). With ignoreMissing a 404 is not an error. */
export async function deleteResource(
  client: ServiceClient,
  operation: Operation,
  input: CallInput,
  ignoreMissing: boolean,
  options?: RequestOptions,
): Promise<void> {
  try {
    await callOperation(client, operation, input, options);
  } catch (error) {
    if (ignoreMissing && (error instanceof NotFoundError || error instanceof ResourceNotFoundError)) return;
    throw error;
  }
}

function renameNotFound(error: unknown, resource: string, target: Resource): unknown {
  if (!(error instanceof NotFoundError)) return error;
  const id = target.resourceId ?? Object.values(pathWire(target)).join('/');
  return new NotFoundError({
    status: error.status,
    method: error.method,
    url: error.url,
    requestId: error.requestId,
    details: error.details,
    summary: `No ${resource} found for ${id}`,
  });
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === undefined) return 'an empty body';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
