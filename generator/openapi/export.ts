/**
 * A service version of the spec → an OpenAPI 3.1 document, in the vocabulary openstack/codegenerator
 * uses for Cinder: microversion bounds as `x-openstack: {min-ver, max-ver}` on operations, schemas
 * and parameters; the actions of one `…/action` endpoint as a `oneOf` of single-key bodies marked
 * `x-openstack: {discriminator: action}`, each variant named by `x-openstack: {action-name}`.
 *
 * Paths are relative to the catalog endpoint of the version (…/v3/{project_id}), as in the spec;
 * operations the spec bases on the version root (`base: version`) carry their own server. Response
 * status codes come from the spec's examples where one shows the operation, else `2XX`.
 */
import type { OpenAPIV3_1 } from 'openapi-types';
import type {
  ArgModel,
  BodyTemplate,
  ExampleExchange,
  FieldModel,
  HttpMethod,
  OperationModel,
  ResourceModel,
  ResponseModel,
  ServiceModel,
  TypeRef,
  VersionRange,
} from '../model/types.js';
import { actionKey } from '../diff/compare.js';
import { compareVersions } from '../model/util.js';

export interface XOpenstack {
  readonly 'min-ver'?: string;
  readonly 'max-ver'?: string;
  readonly 'action-name'?: string;
  readonly discriminator?: 'action' | 'operation';
  readonly operation?: string;
}

type Schema = (OpenAPIV3_1.SchemaObject | OpenAPIV3_1.ReferenceObject) & {
  'x-openstack'?: XOpenstack;
  prefixItems?: Schema[];
  $ref?: string;
};
type Operation = OpenAPIV3_1.OperationObject<{ 'x-openstack'?: XOpenstack }>;
type Parameter = OpenAPIV3_1.ParameterObject & { 'x-openstack'?: XOpenstack };

const JSON_TYPE = 'application/json';

export function exportOpenApi(service: ServiceModel): OpenAPIV3_1.Document {
  const ctx = new Exporter(service);
  return ctx.document();
}

/** `x-openstack` with the microversion bounds of a range, or nothing. */
function bounds(r: VersionRange, extra: XOpenstack = {}): { 'x-openstack'?: XOpenstack } {
  const x: Record<string, string> = {};
  if (r.minVersion) x['min-ver'] = r.minVersion;
  if (r.maxVersion) x['max-ver'] = r.maxVersion;
  const all = { ...x, ...extra };
  return Object.keys(all).length > 0 ? { 'x-openstack': all } : {};
}

/** The microversion just below `v` (3.55 → 3.54), for the default path under a route. */
function below(v: string): string | undefined {
  const [major = 0, minor = 0] = v.split('.').map(Number);
  return minor > 0 ? `${major}.${minor - 1}` : undefined;
}

function pathRegex(path: string): RegExp {
  const escaped = path.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[^/]+')}$`);
}

class Exporter {
  private readonly resources: ReadonlyMap<string, ResourceModel>;

  constructor(private readonly service: ServiceModel) {
    this.resources = new Map(service.resources.map((r) => [r.name, r]));
  }

  document(): OpenAPIV3_1.Document {
    const s = this.service;
    const schemas: Record<string, OpenAPIV3_1.SchemaObject> = {};
    for (const r of s.resources) {
      schemas[r.name] = this.resourceSchema(r);
      for (const st of r.structs) {
        schemas[`${r.name}.${st.name}`] = {
          type: 'object',
          description: st.description,
          properties: Object.fromEntries(st.fields.map((f) => [f.wire, this.fieldSchema(r, f)])),
        };
      }
    }
    return {
      openapi: '3.1.0',
      info: {
        title: `OpenStack Block Storage API v${s.version}`,
        version: s.microversion ? s.microversion.max : `${s.version}.0`,
        description: `${s.description}\n\nExported from ${s.specDir}/ of this SDK's spec by \`npm run openapi\`.`,
        ...(s.microversion ? { 'x-openstack': { 'min-ver': s.microversion.min, 'max-ver': s.microversion.max } } : {}),
      },
      servers: [
        {
          url: '{endpoint}',
          description: `The ${s.serviceType} endpoint of the service catalog, for example https://cloud.example/volume/v${s.version}/{project_id}.`,
          variables: { endpoint: { default: `http://localhost:8776/v${s.version}/project` } },
        },
      ],
      security: [{ keystone: [] }],
      tags: s.resources.map((r) => ({ name: r.name, description: r.description })),
      paths: this.paths(),
      components: {
        schemas,
        securitySchemes: {
          keystone: { type: 'apiKey', in: 'header', name: 'X-Auth-Token', description: 'A Keystone token.' },
        },
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // Schemas

  typeSchema(resource: ResourceModel, t: TypeRef): Schema {
    switch (t.kind) {
      case 'scalar':
        switch (t.name) {
          case 'string':
          case 'integer':
          case 'number':
          case 'boolean':
            return { type: t.name };
          case 'boolstr':
            return { type: 'string', enum: ['true', 'false'] };
          case 'object':
            return { type: 'object' };
          case 'any':
            return {};
        }
        break;
      case 'list':
        return { type: 'array', items: this.typeSchema(resource, t.of) };
      case 'map':
        return { type: 'object', additionalProperties: this.typeSchema(resource, t.of) };
      case 'struct':
        return { $ref: `#/components/schemas/${resource.name}.${t.name}` };
      case 'resource':
        return { $ref: `#/components/schemas/${t.name}` };
    }
    return {};
  }

  fieldSchema(resource: ResourceModel, f: FieldModel): Schema {
    return {
      ...this.typeSchema(resource, f.type),
      ...(f.enum ? { enum: [...f.enum] } : {}),
      description: f.description,
      ...(f.deprecated ? { deprecated: true } : {}),
      ...bounds(f),
    };
  }

  resourceSchema(r: ResourceModel): OpenAPIV3_1.SchemaObject {
    const flatten = r.fields.find((f) => f.placement === 'flatten');
    return {
      type: 'object',
      description: r.description,
      properties: Object.fromEntries(
        r.fields.filter((f) => f.placement !== 'flatten').map((f) => [f.wire, this.fieldSchema(r, f)]),
      ),
      ...(flatten && flatten.type.kind === 'map' ? { additionalProperties: this.typeSchema(r, flatten.type.of) } : {}),
      ...bounds(r),
    };
  }

  argSchema(resource: ResourceModel, a: ArgModel): Schema {
    return {
      ...this.typeSchema(resource, a.type),
      ...(a.enum ? { enum: [...a.enum] } : {}),
      ...(a.default !== undefined ? { default: a.default } : {}),
      description: a.ref ? `${a.description} (the ID of a ${a.ref})` : a.description,
      ...bounds(a),
    };
  }

  /** The request body of create/update: the writable fields under the resource key, root fields beside it. */
  attrsBody(r: ResourceModel, mode: 'create' | 'update'): Schema {
    const writable = r.fields.filter((f) => (mode === 'create' ? f.create : f.update));
    const inner = writable.filter((f) => !f.placement);
    const root = writable.filter((f) => f.placement === 'root');
    const flatten = writable.find((f) => f.placement === 'flatten');
    const body: Schema = {
      type: 'object',
      properties: Object.fromEntries(inner.map((f) => [f.wire, this.fieldSchema(r, f)])),
      ...(flatten && flatten.type.kind === 'map' ? { additionalProperties: this.typeSchema(r, flatten.type.of) } : {}),
    };
    if (!r.resourceKey)
      return {
        ...body,
        properties: {
          ...(body as OpenAPIV3_1.SchemaObject).properties,
          ...Object.fromEntries(root.map((f) => [f.wire, this.fieldSchema(r, f)])),
        },
      };
    return {
      type: 'object',
      properties: { [r.resourceKey]: body, ...Object.fromEntries(root.map((f) => [f.wire, this.fieldSchema(r, f)])) },
      required: [r.resourceKey],
    };
  }

  /** A body template: literals as `const`, arguments by their schema, nested objects. */
  templateSchema(r: ResourceModel, op: OperationModel, t: BodyTemplate): Schema {
    switch (t.kind) {
      case 'literal':
        return { const: t.value };
      case 'arg': {
        const arg = op.args.find((a) => a.name === t.name)!;
        return this.argSchema(r, arg);
      }
      case 'self': {
        const f = r.fields.find((x) => x.name === t.field);
        return f ? this.fieldSchema(r, f) : {};
      }
      case 'array':
        return {
          type: 'array',
          prefixItems: t.items.map((i) => this.templateSchema(r, op, i)),
          items: false,
        } as unknown as Schema;
      case 'object': {
        const properties: Record<string, Schema> = {};
        const required: string[] = [];
        let dynamic: Schema | undefined;
        for (const [key, value, keyArg] of t.entries) {
          const schema = this.templateSchema(r, op, value);
          if (keyArg) {
            dynamic = schema;
            continue;
          }
          properties[key] = schema;
          const arg = value.kind === 'arg' ? op.args.find((a) => a.name === value.name) : undefined;
          if (!arg || arg.required || arg.default !== undefined) required.push(key);
        }
        return {
          type: 'object',
          properties,
          ...(required.length > 0 ? { required } : {}),
          additionalProperties: dynamic ?? false,
        };
      }
    }
  }

  requestSchema(r: ResourceModel, op: OperationModel): Schema | undefined {
    if (op.body === undefined) return undefined;
    if (op.body === 'resource') return this.attrsBody(r, op.kind === 'update' ? 'update' : 'create');
    return this.templateSchema(r, op, op.body);
  }

  responseSchema(r: ResourceModel, op: OperationModel, response: ResponseModel): Schema | undefined {
    const wrap = (key: string | undefined, schema: Schema): Schema =>
      key ? { type: 'object', properties: { [key]: schema }, required: [key] } : schema;
    switch (response.kind) {
      case 'none':
        return undefined;
      case 'merge':
        return { $ref: `#/components/schemas/${r.name}` };
      case 'resource': {
        const owner = this.resources.get(response.resource) ?? r;
        const ref: Schema = { $ref: `#/components/schemas/${owner.name}` };
        if (op.kind === 'list') {
          const key = response.key ?? owner.resourcesKey;
          if (!key) return { type: 'array', items: ref };
          return {
            type: 'object',
            properties: {
              [key]: { type: 'array', items: ref },
              [`${key}_links`]: {
                type: 'array',
                items: { type: 'object', properties: { href: { type: 'string' }, rel: { type: 'string' } } },
              },
            },
            required: [key],
          };
        }
        return wrap(response.key ?? owner.resourceKey, ref);
      }
      case 'value': {
        const schema = this.typeSchema(r, response.type);
        if (response.keyPath)
          // Inside out: an argument's key is any key (additionalProperties), a literal one is required.
          return response.keyPath.reduceRight<Schema>(
            (inner, k) => ('arg' in k ? { type: 'object', additionalProperties: inner } : wrap(k.literal, inner)),
            schema,
          );
        if (response.keyArg) return { type: 'object', additionalProperties: schema };
        return wrap(response.key, schema);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Paths

  /** The 2xx statuses the spec's examples show for an operation. */
  statuses(r: ResourceModel, op: OperationModel, path: string): string[] {
    const re = pathRegex(path);
    const key = actionKey(op);
    const found = new Set<string>();
    const exchanges: ExampleExchange[] = r.methods.flatMap((m) => m.examples.flatMap((e) => e.exchanges));
    for (const x of exchanges) {
      if (x.request.method !== op.method || !re.test(x.request.path.split('?')[0])) continue;
      if (key) {
        const body = x.request.body;
        if (!body || typeof body !== 'object' || Array.isArray(body) || !(key in body)) continue;
      }
      if (x.response.status >= 200 && x.response.status < 300) found.add(String(x.response.status));
    }
    return [...found].sort();
  }

  paths(): OpenAPIV3_1.PathsObject {
    interface Entry {
      readonly resource: ResourceModel;
      readonly op: OperationModel;
      readonly method: HttpMethod;
      readonly path: string;
      readonly range: VersionRange;
      readonly suffix: string;
    }
    const entries: Entry[] = [];
    for (const r of this.service.resources) {
      for (const op of r.operations) {
        const routes = op.routes ?? [];
        // The default path serves the range below the lowest open-ended route.
        const open = routes.filter((x) => x.minVersion && !x.maxVersion).map((x) => x.minVersion!);
        const lowest = open.sort(compareVersions)[0];
        const defaultRange: VersionRange = {
          minVersion: op.minVersion,
          maxVersion: op.maxVersion ?? (lowest ? below(lowest) : undefined),
        };
        entries.push({ resource: r, op, method: op.method, path: op.path, range: defaultRange, suffix: '' });
        if (op.detailPath)
          entries.push({
            resource: r,
            op,
            method: op.method,
            path: op.detailPath,
            range: defaultRange,
            suffix: '.detail',
          });
        for (const route of routes) {
          const range = {
            minVersion: route.minVersion ?? op.minVersion,
            maxVersion: route.maxVersion ?? op.maxVersion,
          };
          entries.push({
            resource: r,
            op,
            method: route.method,
            path: route.path,
            range,
            suffix: `@${route.minVersion ?? ''}-${route.maxVersion ?? ''}`,
          });
          if (route.detailPath) {
            entries.push({
              resource: r,
              op,
              method: route.method,
              path: route.detailPath,
              range,
              suffix: `.detail@${route.minVersion ?? ''}-${route.maxVersion ?? ''}`,
            });
          }
        }
      }
    }
    // One OpenAPI operation per method and path (placeholder names do not count).
    const groups = new Map<string, Entry[]>();
    for (const e of entries) {
      const key = `${e.path.replace(/\{[^}]+\}/g, '{}')} ${e.method}`;
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    const paths: Record<string, Record<string, Operation>> = {};
    for (const group of [...groups.values()].sort(
      (a, b) => cmp(a[0].path, b[0].path) || cmp(a[0].method, b[0].method),
    )) {
      const first = group[0];
      const canonical = first.path;
      const item = (paths[canonical] ??= {});
      item[first.method.toLowerCase()] = this.operation(group, canonical);
    }
    return paths;
  }

  operation(
    group: readonly {
      resource: ResourceModel;
      op: OperationModel;
      path: string;
      range: VersionRange;
      suffix: string;
    }[],
    canonical: string,
  ): Operation {
    const first = group[0];
    const names = [...canonical.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const params = new Map<string, Parameter>();
    for (const name of names) {
      const described =
        first.resource.pathParams.get(name)?.description ??
        first.op.args.find((a) => a.in === 'path' && a.wire === name)?.description;
      params.set(`path:${name}`, {
        name,
        in: 'path',
        required: true,
        schema: { type: 'string' },
        ...(described ? { description: described } : {}),
      });
    }
    for (const { resource, op } of group) {
      for (const a of op.args.filter((x) => x.in === 'query')) {
        if (params.has(`query:${a.wire}`)) continue;
        const { description: _, ...schema } = this.argSchema(resource, a) as OpenAPIV3_1.SchemaObject;
        params.set(`query:${a.wire}`, {
          name: a.wire,
          in: 'query',
          ...(a.required ? { required: true } : {}),
          description: a.description,
          schema: schema as Parameter['schema'],
          ...bounds(a),
        });
      }
    }
    const server = group.some((g) => g.op.base === 'version')
      ? {
          servers: [
            {
              url: '{versionRoot}',
              description: `The version root, without the project segment (…/v${this.service.version}).`,
              variables: { versionRoot: { default: `http://localhost:8776/v${this.service.version}` } },
            },
          ],
        }
      : {};

    const actions = group.every((g) => actionKey(g.op) !== undefined) && group.length > 1;
    const bodies = group
      .map((g) => ({ g, schema: this.requestSchema(g.resource, g.op) }))
      .filter((x): x is { g: (typeof group)[number]; schema: Schema } => x.schema !== undefined);
    let requestBody: OpenAPIV3_1.RequestBodyObject | undefined;
    if (bodies.length === 1 && group.length === 1) {
      requestBody = {
        required: true,
        content: { [JSON_TYPE]: { schema: bodies[0].schema } },
      };
    } else if (bodies.length > 0) {
      const variants = bodies.map(({ g, schema }) => {
        const key = actionKey(g.op);
        const x: XOpenstack = key ? { 'action-name': key } : { operation: g.op.id };
        return { ...schema, title: g.op.id, ...bounds(g.range, x) };
      });
      requestBody = {
        required: true,
        content: {
          [JSON_TYPE]: {
            schema: {
              oneOf: variants,
              'x-openstack': { discriminator: actions ? 'action' : 'operation' },
            } as OpenAPIV3_1.SchemaObject,
          },
        },
      };
    }

    // Responses: by status, one schema per status (a oneOf when the operations differ).
    const byStatus = new Map<string, Schema[]>();
    for (const { resource, op, path } of group) {
      const statuses = this.statuses(resource, op, path);
      const schema = this.responseSchema(resource, op, op.response);
      for (const status of statuses.length > 0 ? statuses : ['2XX']) {
        const list = byStatus.get(status) ?? [];
        if (schema && !list.some((s) => JSON.stringify(s) === JSON.stringify(schema))) list.push(schema);
        byStatus.set(status, list);
      }
    }
    const responses: OpenAPIV3_1.ResponsesObject = {};
    for (const [status, schemas] of [...byStatus].sort(([a], [b]) => cmp(a, b))) {
      const schema =
        schemas.length === 1 ? schemas[0] : schemas.length > 1 ? ({ oneOf: schemas } as Schema) : undefined;
      responses[status] = {
        description: 'Success.',
        ...(schema ? { content: { [JSON_TYPE]: { schema: schema } } } : {}),
      };
    }

    const single = group.length === 1;
    const range = single ? first.range : commonRange(group.map((g) => g.range));
    const description = single
      ? first.op.description
      : group
          .map((g) => `- \`${g.op.id}\`${actionKey(g.op) ? ` (\`${actionKey(g.op)}\`)` : ''}: ${g.op.description}`)
          .join('\n');
    return {
      operationId: single
        ? `${first.op.id}${first.suffix}`
        : `${first.resource.name}.${first.op.method.toLowerCase()}:${canonical}`,
      summary: single
        ? first.op.description.split(/(?<=\.)\s/)[0]
        : actions
          ? `Actions on ${canonical}`
          : `Operations on ${canonical}`,
      description,
      tags: [...new Set(group.map((g) => g.resource.name))],
      ...(params.size > 0 ? { parameters: [...params.values()] } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses,
      ...server,
      ...bounds(range),
    };
  }
}

/** The smallest range covering all of them (unbounded when one is). */
function commonRange(ranges: readonly VersionRange[]): VersionRange {
  const mins = ranges.map((r) => r.minVersion);
  const maxs = ranges.map((r) => r.maxVersion);
  return {
    minVersion: mins.every((m) => m !== undefined)
      ? mins.reduce((a, b) => (compareVersions(a, b) <= 0 ? a : b))
      : undefined,
    maxVersion: maxs.every((m) => m !== undefined)
      ? maxs.reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b))
      : undefined,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
