/**
 * find*: GET by ID first; when that says 404 (or 400/403: the value is not an ID), list filtered by
 * name — on the server where the list accepts a name filter, else here — and match the ID or the
 * name. Two matches are an error; none is `undefined` or an error, as the caller chose.
 */
import { isPathValue } from './args.js';
import type { Operation, QueryValue, RequestOptions, ServiceClient } from './client.js';
import {
  BadRequestError,
  DuplicateResourceError,
  ForbiddenError,
  InvalidArgumentError,
  NotFoundError,
  ResourceNotFoundError,
} from './errors.js';
import { fetchResource } from './operations.js';
import { listResources } from './paginate.js';
import { construct, type Resource, type ResourceClass } from './resource.js';

export interface FindPlan {
  /** GET by id, when the resource has one. */
  readonly get?: Operation | undefined;
  readonly list: Operation;
  /** `server`: the list accepts the name as a query filter; `client`: match every item here. */
  readonly nameFilter: 'server' | 'client';
  /** Wire name of the name filter. */
  readonly nameWire: string;
  readonly paginated: boolean;
}

export interface FindInput {
  readonly path?: Readonly<Record<string, string>> | undefined;
  /** Absent: no query arguments besides the name filter. */
  readonly query?: Readonly<Record<string, QueryValue | undefined>> | undefined;
  readonly ignoreMissing: boolean;
}

export async function findResource<T extends Resource>(
  client: ServiceClient,
  cls: ResourceClass<T>,
  plan: FindPlan,
  nameOrId: string,
  input: FindInput,
  options?: RequestOptions,
): Promise<T | undefined> {
  if (typeof nameOrId !== 'string' || nameOrId === '') {
    throw new InvalidArgumentError('nameOrId', `expected a non-empty name or ID, got ${typeof nameOrId}`);
  }
  const schema = cls.schema;
  // `.` and `..` are not IDs: as a path segment they would name the collection. Look by name.
  if (plan.get && isPathValue(nameOrId)) {
    try {
      const target = construct(cls, { [schema.idField ?? 'id']: nameOrId });
      return await fetchResource(client, cls, plan.get, target, undefined, options);
    } catch (error) {
      if (!(error instanceof NotFoundError || error instanceof BadRequestError || error instanceof ForbiddenError))
        throw error;
    }
  }
  const query = plan.nameFilter === 'server' ? { ...input.query, [plan.nameWire]: nameOrId } : input.query;
  const nameField = schema.nameField ?? 'name';
  let match: T | undefined;
  let matches = 0;
  for await (const item of listResources(
    client,
    cls,
    plan.list,
    { path: input.path, query, paginated: plan.paginated },
    options ?? {},
  )) {
    if (item.resourceId === nameOrId || item.getAttribute(nameField) === nameOrId) {
      matches += 1;
      if (matches === 1) match = item;
      // A second match settles it (as openstacksdk): do not page through the rest of the cloud.
      else break;
    }
  }
  if (matches > 1) throw new DuplicateResourceError(schema.name, nameOrId, matches);
  if (match) return match;
  if (input.ignoreMissing) return undefined;
  throw new ResourceNotFoundError(schema.name, nameOrId);
}
