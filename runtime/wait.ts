/**
 * waitForStatus / waitForDelete: poll a resource with backoff until it reaches a state. Unlike
 * openstacksdk (which only knows `error`), the failure states come from the spec (`error_extending`,
 * `error_deleting`, …), so a failed extend stops the wait at once instead of timing out.
 *
 * Both take the resource as returned by the API, or its class and ID (`waitForStatus(Volume, id)`),
 * and give up after a finite time by default (`DEFAULT_STATUS_WAIT`, `DEFAULT_DELETE_WAIT`;
 * `wait: Infinity` waits for ever).
 */
import type { RequestOptions, ServiceClient } from './client.js';
import { sleepOn, systemClock } from './clock.js';
import { InvalidArgumentError, NotFoundError, ResourceFailureError, ResourceTimeoutError } from './errors.js';
import { fetchResource } from './operations.js';
import { construct, Resource, type ResourceClass } from './resource.js';

/** Seconds `waitForStatus` waits by default: ten minutes (a volume from a large image takes time). */
export const DEFAULT_STATUS_WAIT = 600;
/** Seconds `waitForDelete` waits by default, as openstacksdk. */
export const DEFAULT_DELETE_WAIT = 120;

export interface WaitOptions extends RequestOptions {
  /** Seconds between the first polls (default 2); later polls back off up to `maxInterval`. */
  readonly interval?: number | undefined;
  /** Longest pause between polls, in seconds (default 5 × interval). */
  readonly maxInterval?: number | undefined;
  /**
   * Give up after this many seconds (waitForStatus: default 600, waitForDelete: 120); `Infinity`
   * waits for ever.
   */
  readonly wait?: number | undefined;
  /** Called after every poll with the progress (0–100) when the resource reports one. */
  readonly callback?: ((progress: number, resource: Resource) => void) | undefined;
}

export interface WaitForStatusOptions extends WaitOptions {
  /** Statuses that mean failure (default: the resource's failure states from the spec, or `error`). */
  readonly failures?: readonly string[] | undefined;
  /** The attribute holding the status (default: the resource's status field). */
  readonly attribute?: string | undefined;
}

/** The string members of S that are literals: `'a' | 'b'` out of `'a' | 'b' | (string & {}) | undefined`. */
type Literals<S> = S extends string ? (string extends S ? never : S) : never;

/**
 * The statuses a resource is known to take: the closed union its `status` field is typed with
 * (`VolumeStatus`, from the spec's `status.values`), or any string when the spec lists none.
 */
export type KnownStatus<T> = T extends { readonly status?: infer S }
  ? [Literals<S>] extends [never]
    ? string
    : Literals<S>
  : string;

/**
 * What `waitForStatus` takes as its target: a known status of the resource (so a typo such as
 * `'avialable'` does not compile), or any string when `options.attribute` names another field.
 */
export type StatusTarget<T, O = WaitForStatusOptions> = O extends { readonly attribute: string }
  ? string
  : KnownStatus<T>;

/**
 * The failure states `waitForStatus` accepts: known statuses of the resource, like the target
 * (any string when `options.attribute` names another field).
 */
export type StatusFailures<T, O = WaitForStatusOptions> = O extends { readonly attribute: string }
  ? unknown
  : { readonly failures?: readonly KnownStatus<T>[] | undefined };

/** Options of `waitForStatus` on a resource T: its failure states typed like the target. */
export type WaitForStatusOptionsOf<T, O extends WaitForStatusOptions = WaitForStatusOptions> = O & StatusFailures<T, O>;

/** What a waiter is given: the resource, or (`Volume`, `'vol-1'`) its class and ID. */
function waitTarget(args: readonly unknown[]): { resource: Resource; rest: readonly unknown[] } {
  const [first, second, ...rest] = args;
  if (typeof first === 'function') {
    if (typeof second !== 'string' || second === '')
      throw new InvalidArgumentError(
        'id',
        `expected the ID of the ${String((first as { name?: unknown }).name)} to wait on, got ${typeof second === 'string' ? 'an empty string' : typeof second}`,
      );
    const cls = first as ResourceClass;
    if (!(cls.prototype instanceof Resource))
      throw new InvalidArgumentError('type', 'expected a resource class such as Volume, with the ID after it');
    return { resource: construct(cls, { [cls.schema.idField ?? 'id']: second }), rest };
  }
  if (!(first instanceof Resource))
    throw new InvalidArgumentError(
      'resource',
      `expected a resource as returned by the API, or its class and ID (waitForStatus(Volume, id)), got ${typeof first === 'string' ? 'a string' : typeof first}`,
    );
  return { resource: first, rest: [second, ...rest] };
}

export function waitForStatus<T extends Resource, O extends WaitForStatusOptions = WaitForStatusOptions>(
  client: ServiceClient,
  resource: T,
  status?: StatusTarget<T, O>,
  options?: WaitForStatusOptionsOf<T, O>,
): Promise<T>;
export function waitForStatus<T extends Resource, O extends WaitForStatusOptions = WaitForStatusOptions>(
  client: ServiceClient,
  type: ResourceClass<T>,
  id: string,
  status?: StatusTarget<T, O>,
  options?: WaitForStatusOptionsOf<T, O>,
): Promise<T>;
export async function waitForStatus(client: ServiceClient, ...args: unknown[]): Promise<Resource> {
  const { resource, rest } = waitTarget(args);
  return statusWait(client, resource, rest[0] ?? 'available', (rest[1] ?? {}) as WaitForStatusOptions);
}

async function statusWait<T extends Resource>(
  client: ServiceClient,
  resource: T,
  status: unknown,
  options: WaitForStatusOptions,
): Promise<T> {
  const schema = resource.schema;
  if (typeof status !== 'string' || status === '')
    throw new InvalidArgumentError(
      'status',
      `expected a status such as "available", got ${typeof status === 'string' ? 'an empty string' : typeof status}`,
    );
  const attribute = options.attribute ?? schema.status?.field ?? 'status';
  if (!(attribute in schema.fields))
    throw new InvalidArgumentError('attribute', `${schema.name} has no attribute "${attribute}"`);
  const target = status.toLowerCase();
  const failures = (options.failures ?? schema.status?.failures ?? ['error']).map((s) => s.toLowerCase());
  const read = (r: Resource): string | undefined => {
    const value = r.getAttribute(attribute);
    return typeof value === 'string' ? value.toLowerCase() : undefined;
  };
  if (read(resource) === target) return resource;
  return poll(
    client,
    resource,
    options,
    options.wait ?? DEFAULT_STATUS_WAIT,
    (current) => {
      const now = read(current);
      if (now === target) return true;
      if (now !== undefined && failures.includes(now)) {
        throw new ResourceFailureError(
          `${schema.name} ${resource.resourceId ?? ''} transitioned to failure state ${now} while waiting for ${target}`,
          schema.name,
          resource.resourceId,
          now,
        );
      }
      return false;
    },
    (last) =>
      `Timeout waiting for ${schema.name} ${resource.resourceId ?? ''} to transition to ${target}` +
      (last ? ` (last status ${last})` : ''),
    read,
    (current) => {
      throw new ResourceFailureError(
        `${schema.name} ${current.resourceId ?? ''} went away while waiting for ${target}`,
        schema.name,
        current.resourceId,
      );
    },
  );
}

export function waitForDelete<T extends Resource>(
  client: ServiceClient,
  resource: T,
  options?: WaitOptions,
): Promise<T>;
export function waitForDelete<T extends Resource>(
  client: ServiceClient,
  type: ResourceClass<T>,
  id: string,
  options?: WaitOptions,
): Promise<T>;
export async function waitForDelete(client: ServiceClient, ...args: unknown[]): Promise<Resource> {
  const { resource, rest } = waitTarget(args);
  return deleteWait(client, resource, (rest[0] ?? {}) as WaitOptions);
}

async function deleteWait<T extends Resource>(client: ServiceClient, resource: T, options: WaitOptions): Promise<T> {
  const schema = resource.schema;
  const deleted = (schema.status?.deleted ?? []).map((s) => s.toLowerCase());
  const statusField = schema.status?.field;
  const read = (r: Resource): string | undefined => {
    const value = statusField ? r.getAttribute(statusField) : undefined;
    return typeof value === 'string' ? value.toLowerCase() : undefined;
  };
  return poll(
    client,
    resource,
    options,
    options.wait ?? DEFAULT_DELETE_WAIT,
    (current) => {
      const now = read(current);
      return now !== undefined && deleted.includes(now);
    },
    (last) =>
      `Timeout waiting for ${schema.name} ${resource.resourceId ?? ''} to delete` +
      (last ? ` (last status ${last})` : ''),
    read,
    () => true,
  );
}

async function poll<T extends Resource>(
  client: ServiceClient,
  resource: T,
  options: WaitOptions,
  waitSeconds: number | undefined,
  done: (current: T) => boolean,
  timeoutMessage: (lastStatus: string | undefined) => string,
  read: (r: Resource) => string | undefined,
  onGone: (current: T) => boolean,
): Promise<T> {
  const schema = resource.schema;
  const fetchOp = schema.fetch;
  if (!fetchOp)
    throw new InvalidArgumentError('resource', `${schema.name} cannot be fetched, so it cannot be waited on`);
  // As openstacksdk: an interval of 0 means 0.1 s (polling in a tight loop would hammer the API).
  const interval = seconds(options.interval, 'interval', 2) * 1000 || 100;
  const maxInterval = Math.max(interval, seconds(options.maxInterval, 'maxInterval', interval / 200) * 1000);
  const wait = seconds(waitSeconds, 'wait', Infinity);
  // The client's clock (connect()'s `clock` option): a test clock makes long waits instant.
  const clock = client.clock ?? systemClock;
  const deadline = wait === Infinity ? Infinity : clock.now() + wait * 1000;
  let delay = interval;
  let last: string | undefined = read(resource);
  const cls = resource.constructor as ResourceClass<T>;
  for (;;) {
    let current: T;
    try {
      current = await fetchResource(client, cls, fetchOp, resource, undefined, options);
    } catch (error) {
      if (error instanceof NotFoundError) {
        if (onGone(resource)) return resource;
      }
      throw error;
    }
    if (done(current)) return current;
    last = read(current) ?? last;
    if (options.callback) {
      const progressField = schema.status?.progress ?? ('progress' in schema.fields ? 'progress' : undefined);
      const raw = progressField ? current.getAttribute(progressField) : undefined;
      const progress = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number.parseFloat(raw) || 0 : 0;
      options.callback(progress, current);
    }
    const remaining = deadline - clock.now();
    if (remaining <= 0) throw new ResourceTimeoutError(timeoutMessage(last), schema.name, resource.resourceId, last);
    await sleepOn(clock, Math.min(delay, remaining), options.signal);
    delay = Math.min(maxInterval, delay * 1.5);
  }
}

/** A duration option in seconds: a non-negative number (Infinity allowed for `wait`). */
function seconds(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (value === Infinity && name !== 'wait')) {
    throw new InvalidArgumentError(name, `expected a non-negative number of seconds, got ${String(value)}`);
  }
  return value;
}
