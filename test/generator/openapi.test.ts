/**
 * The OpenAPI 3.1 export (`npm run openapi`): every version of the real spec validates with two
 * validators from npm (@seriousme/openapi-schema-validator against the official 3.1 schema, and
 * @apidevtools/swagger-parser for references, path parameters and unique operation ids), every
 * operation of the spec is in it, actions are a oneOf of single-key bodies named by
 * `x-openstack: {action-name}`, and microversion bounds are `x-openstack: {min-ver, max-ver}`.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { OpenAPIV3_1 } from 'openapi-types';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionKey } from '../../generator/diff/compare.js';
import { buildModel } from '../../generator/model/build.js';
import type { SpecModel } from '../../generator/model/types.js';
import { exportOpenApi } from '../../generator/openapi/export.js';
import { REPO, SERVICE_YAML, WIDGET_YAML, tempProject, type TempProject } from './fixture.js';

type Op = OpenAPIV3_1.OperationObject<{ 'x-openstack'?: Record<string, string> }>;

function operations(doc: OpenAPIV3_1.Document): { path: string; method: string; op: Op }[] {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item ?? {})
      .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch', 'head'].includes(method))
      .map(([method, op]) => ({ path, method, op: op as Op })),
  );
}

async function validate(doc: OpenAPIV3_1.Document): Promise<void> {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc));
  expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)?.slice(0, 2000)).toEqual([]);
  expect(result.valid).toBe(true);
  // Validated against the 3.1 schema, not an older one.
  expect(validator.version).toBe('3.1');
  await SwaggerParser.validate(structuredClone(doc) as never);
}

let model: SpecModel;
beforeAll(async () => {
  model = await buildModel({ root: REPO });
});

describe('OpenAPI export of the spec', () => {
  it('every version validates as OpenAPI 3.1', async () => {
    expect(model.services.length).toBeGreaterThan(0);
    for (const service of model.services) {
      const doc = exportOpenApi(service);
      expect(doc.openapi).toBe('3.1.0');
      await validate(doc);
    }
  });

  it('holds every operation of the spec, by operationId or as a oneOf variant', () => {
    for (const service of model.services) {
      const doc = exportOpenApi(service);
      const text = JSON.stringify(doc);
      for (const r of service.resources) {
        for (const op of r.operations)
          expect(text, `${service.specDir}: ${op.id}`).toMatch(
            new RegExp(`"(operationId|title)":"${op.id.replace('.', '\\.')}"|\`${op.id.replace('.', '\\.')}\``),
          );
      }
    }
  });

  it('actions are a oneOf of single-key bodies named by x-openstack action-name', () => {
    const v2 = model.services.find((s) => s.specDir.endsWith('/v2'))!;
    const doc = exportOpenApi(v2);
    const action = (doc.paths!['/volumes/{volume_id}/action'] as OpenAPIV3_1.PathItemObject).post!;
    const schema = (action.requestBody as OpenAPIV3_1.RequestBodyObject).content['application/json']
      .schema as OpenAPIV3_1.SchemaObject & { 'x-openstack': object };
    expect(schema['x-openstack']).toEqual({ discriminator: 'action' });
    const variants = schema.oneOf as (OpenAPIV3_1.SchemaObject & { 'x-openstack': { 'action-name': string } })[];
    const volume = v2.resources.find((r) => r.name === 'Volume')!;
    expect(variants.map((v) => v['x-openstack']['action-name']).sort()).toEqual(
      volume.operations
        .filter((o) => o.kind === 'action')
        .map((o) => actionKey(o))
        .sort(),
    );
    const extend = variants.find((v) => v['x-openstack']['action-name'] === 'os-extend')!;
    expect(extend).toMatchObject({
      type: 'object',
      required: ['os-extend'],
      additionalProperties: false,
      properties: {
        'os-extend': { type: 'object', required: ['new_size'], properties: { new_size: { type: 'integer' } } },
      },
    });
  });

  it('is deterministic', () => {
    for (const service of model.services)
      expect(stringify(exportOpenApi(service))).toBe(stringify(exportOpenApi(service)));
  });
});

describe('OpenAPI export of microversioned operations', () => {
  let project: TempProject;
  let doc: OpenAPIV3_1.Document;
  beforeAll(async () => {
    const service = SERVICE_YAML.replace('version: "2"', 'version: "3"')
      .replace('class_name: BlockStorageV2', 'class_name: BlockStorageV3')
      .replace(
        'endpoint_versions: ["2", "3"]',
        'endpoint_versions: ["3"]\nmicroversion: {header_service: volume, min: "3.0", max: "3.70"}',
      );
    const widget = WIDGET_YAML.replace(
      '  get: {kind: get, description: Shows a widget.}\n',
      [
        '  get: {kind: get, description: Shows a widget.}',
        '  list:',
        '    kind: list',
        '    description: Lists widgets.',
        '    args:',
        '      withCount: {type: boolean, in: query, wire: with_count, min_version: "3.45", description: Count them.}',
        '    routes:',
        '      - {path: /widget-list, min_version: "3.55"}',
        '',
      ].join('\n'),
    ).replace(
      '    kind: action\n    description: Extends a widget.',
      '    kind: action\n    description: Extends a widget.\n    min_version: "3.42"\n    max_version: "3.60"',
    );
    project = await tempProject({ 'service.yaml': service, 'widget.yaml': widget });
    const m = await buildModel({ root: project.root });
    doc = exportOpenApi(m.services[0]);
  });
  afterAll(async () => {
    await project.remove();
  });

  it('puts bounds on operations, action variants, routes and query parameters, and validates', async () => {
    await validate(doc);
    expect((doc.info as { 'x-openstack'?: object })['x-openstack']).toEqual({ 'min-ver': '3.0', 'max-ver': '3.70' });
    const byId = new Map(operations(doc).map((o) => [o.op.operationId, o]));
    // The only action of its endpoint is its operation, with its bounds.
    expect(byId.get('Widget.extend')!.op['x-openstack']).toEqual({ 'min-ver': '3.42', 'max-ver': '3.60' });
    // The default path serves up to the route, the route from its minimum.
    expect(byId.get('Widget.list')).toMatchObject({ path: '/widgets', op: { 'x-openstack': { 'max-ver': '3.54' } } });
    expect(byId.get('Widget.list@3.55-')).toMatchObject({
      path: '/widget-list',
      op: { 'x-openstack': { 'min-ver': '3.55' } },
    });
    const withCount = (
      byId.get('Widget.list')!.op.parameters as (OpenAPIV3_1.ParameterObject & { 'x-openstack'?: object })[]
    ).find((p) => p.name === 'with_count');
    expect(withCount).toMatchObject({ in: 'query', schema: { type: 'boolean' }, 'x-openstack': { 'min-ver': '3.45' } });
  });

  it('takes response statuses from the examples', () => {
    const extend = operations(doc).find((o) => o.op.operationId === 'Widget.extend')!;
    expect(Object.keys(extend.op.responses!)).toEqual(['202']);
    const get = operations(doc).find((o) => o.op.operationId === 'Widget.get')!;
    expect(get.op.responses!['200']).toMatchObject({
      content: { 'application/json': { schema: { properties: { widget: { $ref: '#/components/schemas/Widget' } } } } },
    });
  });
});
