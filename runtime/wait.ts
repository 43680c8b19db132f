/**
 * waitForStatus / waitForDelete: poll a resource with backoff until it reaches a state. Unlike
 * openstacksdk (which only knows `error`), the failure states come from the spec (`error_extending`,
 * `error_deleting`, …), so a failed extend stops the wait at once instead of timing out.
 */
import type { RequestOptions, ServiceClient } from './client.js';
import { sleepOn, systemClock } from './clock.js';
import { InvalidArgumentError, NotFoundError, ResourceFailureError, ResourceTimeoutError } from './errors.js';
import { fetchResource } from './operations.js';
import type { Resource, ResourceClass } from './resource.js';

export interface WaitOptions extends RequestOptions {
  /** Seconds between the first polls (default 2); later polls back off up to `maxInterval`. */
  readonly interval?: number | undefined;
  /** Longest pause between polls, in seconds (default 5 × interval). */
  readonly maxInterval?: number | undefined;
  /** Give up after this many seconds (waitForStatus: default forever; waitForDelete: 120). */
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

export function waitForStatus<T extends Resource, O extends WaitForStatusOptions = WaitForStatusOptions>(
  client: ServiceClient,
  resource: T,
  status: StatusTarget<T, O>,
  options?: O,
): Promise<T>;
export async function waitForStatus<T extends Resource>(
  client: ServiceClient,
  resource: T,
  status: string,
  options: WaitForStatusOptions = {},
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
    options.wait,
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

export async function waitForDelete<T extends Resource>(
  client: ServiceClient,
  resource: T,
  options: WaitOptions = {},
): Promise<T> {
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
    options.wait ?? 120,
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
