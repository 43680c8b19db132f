/**
 * Proxy arguments that name resources: an ID string, an instance, or (for child resources such as a
 * type's encryption) the parent. They become a resource instance whose fields fill the path.
 */
import { InvalidArgumentError } from './errors.js';
import { Resource, construct, type ResourceClass } from './resource.js';

export interface TargetOptions {
  /** Only an instance works: its fields (host, binary…) fill the request body. */
  readonly instanceOnly?: boolean | undefined;
  /** A parent resource (or its ID) may be given instead; its ID fills `field`. */
  readonly parent?: { readonly resource: ResourceClass; readonly field: string } | undefined;
  /** ID used when the caller gives nothing. */
  readonly defaultId?: string | undefined;
}

/** Turns a target argument into an instance of `cls` (never mutates the caller's instance). */
export function toTarget<T extends Resource>(
  cls: ResourceClass<T>,
  value: unknown,
  argument: string,
  options: TargetOptions = {},
): T {
  const schema = cls.schema;
  if (value instanceof cls) return value;
  if (value === undefined && options.defaultId !== undefined) value = options.defaultId;
  if (typeof value === 'string' && value !== '' && !options.instanceOnly) {
    return identified(cls, options.parent ? options.parent.field : (schema.idField ?? 'id'), value);
  }
  if (options.parent && value instanceof options.parent.resource) {
    const id = value.resourceId;
    if (id === undefined)
      throw new InvalidArgumentError(argument, `the ${options.parent.resource.schema.name} has no ID`);
    return identified(cls, options.parent.field, id);
  }
  const expected = options.instanceOnly
    ? `a ${schema.name} instance (as returned by the API)`
    : `a non-empty ${schema.name} ID or a ${schema.name}` +
      (options.parent ? ` or a ${options.parent.resource.schema.name}` : '');
  throw new InvalidArgumentError(argument, `expected ${expected}, got ${describeArg(value)}`);
}

/** An instance known only by an identifying field; that field is not a change to send. */
function identified<T extends Resource>(cls: ResourceClass<T>, field: string, value: string): T {
  const resource = construct(cls, { [field]: value });
  resource.markClean();
  return resource;
}

/** A related resource given as ID or instance (`newType`, `volume` in restore): its ID. */
export function refId(value: unknown, argument: string): string {
  if (typeof value === 'string' && value !== '') return value;
  if (value instanceof Resource) {
    const id = value.resourceId;
    if (id !== undefined) return id;
    throw new InvalidArgumentError(argument, `the ${value.schema.name} has no ID`);
  }
  throw new InvalidArgumentError(argument, `expected a non-empty ID or a resource, got ${describeArg(value)}`);
}

/** Like refId, for optional arguments. */
export function optionalRefId(value: unknown, argument: string): string | undefined {
  return value === undefined ? undefined : refId(value, argument);
}

export function describeArg(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Resource) return `a ${value.schema.name}`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return value === '' ? 'an empty string' : `"${value.length > 40 ? `${value.slice(0, 37)}...` : value}"`;
  return typeof value;
}
