/**
 * Tests emitted from the spec: every example of every proxy method becomes a vitest case that runs
 * the real SDK against a recording server and asserts the exact requests; get and find methods also
 * get their error cases (404 → NotFoundError, duplicate names, nothing found).
 */
import type { ExampleExchange, ExampleModel, JsonValue, ProxyMethodModel, ResourceModel, ServiceModel } from '../model/types.js';
import { literal } from './render.js';
import { renderTemplate } from './render.js';

interface TestCase {
  title: string;
  /** The server's maximum microversion for this case (an argument of fixture.at()). */
  serverVersion?: string;
  responses: string;
  call: string;
  requests: string;
  error?: string | undefined;
  errorMessage?: string | undefined;
  assertion?: string | undefined;
}

export function emitResourceTests(service: ServiceModel, resource: ResourceModel, banner: string): string {
  return emitTests(service, resource.methods, `${resource.name} (${resource.file})`, banner, resource);
}

/** Tests of the service-level helpers (waiters), from the examples in service.yaml. */
export function emitServiceTests(service: ServiceModel, banner: string): string {
  return emitTests(service, service.helpers, `helpers (${service.serviceFile})`, banner, undefined);
}

function emitTests(service: ServiceModel, methodsIn: readonly ProxyMethodModel[], suite: string, banner: string, resource: ResourceModel | undefined): string {
  const sdkImports = new Set<string>();
  const runtimeImports = new Set<string>();
  const methods = methodsIn.map((method) => ({
    name: method.name,
    cases: [
      ...method.examples.map((example) => exampleCase(method, example, sdkImports, runtimeImports, service)),
      ...(resource ? autoCases(resource, method, sdkImports, runtimeImports) : []),
    ],
  }));
  sdkImports.add(service.className);
  return renderTemplate('resource-test', {
    banner,
    suite: `${service.className} · ${suite}`,
    className: service.className,
    sdkImports: [...sdkImports].sort().join(', '),
    runtimeImports: [...runtimeImports].sort().join(', '),
    methods,
  });
}

/** Turns example arguments into TypeScript: `{"$new": "Service", …}` builds an instance. */
function argExpr(value: JsonValue, sdkImports: Set<string>): string {
  if (Array.isArray(value)) return `[${value.map((v) => argExpr(v as JsonValue, sdkImports)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, JsonValue>;
    const cls = record['$new'];
    if (typeof cls === 'string') {
      sdkImports.add(cls);
      const attrs = Object.fromEntries(Object.entries(record).filter(([k]) => k !== '$new'));
      return `new ${cls}(${literal(attrs)})`;
    }
    return `{ ${Object.entries(record).map(([k, v]) => `${literal(k)}: ${argExpr(v, sdkImports)}`).join(', ')} }`;
  }
  return literal(value);
}

function callExpr(method: ProxyMethodModel, args: readonly JsonValue[], sdkImports: Set<string>): string {
  const call = `f.proxy.${method.name}(${args.map((a) => argExpr(a, sdkImports)).join(', ')})`;
  return method.returns.kind === 'paginated' ? `${call}.toArray()` : call;
}

function responsesExpr(exchanges: readonly ExampleExchange[]): string {
  return exchanges
    .map((x) => {
      const parts = [`status: ${x.response.status}`];
      if (Object.keys(x.response.headers).length > 0) parts.push(`headers: ${literal(x.response.headers)}`);
      if (x.response.body !== undefined) parts.push(`body: ${literal(x.response.body)}`);
      return `{ ${parts.join(', ')} }`;
    })
    .join(', ');
}

function requestsExpr(exchanges: readonly ExampleExchange[]): string {
  return `[${exchanges
    .map((x) => {
      const r = x.request;
      const parts = [`method: ${literal(r.method)}`, `path: ${literal(r.path)}`, `query: ${literal(r.query as JsonValue)}`];
      if (Object.keys(r.headers).length > 0) parts.push(`headers: ${literal(r.headers as JsonValue)}`);
      parts.push(`body: ${r.body === undefined ? 'undefined' : literal(r.body)}`);
      return `{ ${parts.join(', ')} }`;
    })
    .join(', ')}]`;
}

function resultAssertion(method: ProxyMethodModel, example: ExampleModel, sdkImports: Set<string>): string | undefined {
  const r = method.returns;
  if (r.kind === 'void') return 'expect(result).toBeUndefined();';
  if (!example.hasResult) return undefined;
  const expected = example.result ?? null;
  if (method.kind === 'waitStatus' || method.kind === 'waitDelete') {
    return `expect(result.toJSON()).toMatchObject(${literal(expected)});`;
  }
  switch (r.kind) {
    case 'paginated':
      return `expect(result.map((item) => item.toJSON())).toMatchObject(${literal(expected)});`;
    case 'resource':
      sdkImports.add(r.resource);
      if (expected === null) return 'expect(result).toBeUndefined();';
      return `expect(result).toBeInstanceOf(${r.resource});\n      expect(result${r.optional ? '?' : ''}.toJSON()).toMatchObject(${literal(expected)});`;
    case 'value':
      return expected !== null && typeof expected === 'object' ? `expect(result).toMatchObject(${literal(expected)});` : `expect(result).toEqual(${literal(expected)});`;
  }
}

function exampleCase(method: ProxyMethodModel, example: ExampleModel, sdkImports: Set<string>, runtimeImports: Set<string>, service: ServiceModel): TestCase {
  if (example.error) runtimeImports.add(example.error);
  void service;
  return {
    title: example.title,
    serverVersion: example.serverVersion ? literal(example.serverVersion) : '',
    responses: responsesExpr(example.exchanges),
    call: callExpr(method, example.args, sdkImports),
    requests: requestsExpr(example.exchanges),
    error: example.error,
    assertion: example.error ? undefined : resultAssertion(method, example, sdkImports),
  };
}

/** Error behaviour every get and find method must have, generated from its first example. */
function autoCases(resource: ResourceModel, method: ProxyMethodModel, sdkImports: Set<string>, runtimeImports: Set<string>): TestCase[] {
  const example = method.examples[0];
  if (!example || example.error) return [];
  const first = example.exchanges[0];
  if (method.kind === 'get' && first) {
    runtimeImports.add('NotFoundError');
    return [
      {
        title: 'a missing resource raises NotFoundError naming it',
        serverVersion: '',
        responses: `{ status: 404, body: { itemNotFound: { code: 404, message: "not here" } } }`,
        call: callExpr(method, example.args, sdkImports),
        requests: `[{ method: ${literal(first.request.method)}, path: ${literal(first.request.path)}, query: ${literal(first.request.query as JsonValue)}, body: undefined }]`,
        error: 'NotFoundError',
        errorMessage: `No ${resource.name} found`,
      },
    ];
  }
  if (method.kind !== 'find' || !method.find) return [];
  const f = method.find;
  const nameWire = resource.fields.find((x) => x.name === resource.nameField)?.wire ?? 'name';
  const idWire = resource.fields.find((x) => x.name === resource.idField)?.wire ?? 'id';
  const key = resource.resourcesKey ?? '';
  const listPath = method.params.some((p) => p.role.kind === 'details')
    ? (resource.operations.find((o) => o.name === f.list)?.detailPath ?? '')
    : (resource.operations.find((o) => o.name === f.list)?.path ?? '');
  const getPath = f.get ? resource.operations.find((o) => o.name === f.get)?.path : undefined;
  const name = 'dup';
  const getRequest = getPath ? [`{ method: "GET", path: ${literal(getPath.replace(/\{[^}]+\}/, name))}, query: {}, body: undefined }`] : [];
  const getReply = getPath ? [`{ status: 404, body: { itemNotFound: { code: 404, message: "not found" } } }`] : [];
  const listQuery = f.nameFilter === 'server' ? { [nameWire]: name } : {};
  const listRequest = `{ method: "GET", path: ${literal(listPath)}, query: ${literal(listQuery)}, body: undefined }`;
  const item = (id: string): JsonValue => ({ [idWire]: id, [nameWire]: name });
  const other: JsonValue = { [idWire]: 'other-id', [nameWire]: 'someone-else' };
  const listBody = (items: JsonValue[]): string => literal(key ? { [key]: items } : items);
  runtimeImports.add('DuplicateResourceError');
  runtimeImports.add('ResourceNotFoundError');
  const call = (extra: string): string => `f.proxy.${method.name}(${literal(name)}${extra})`;
  return [
    {
      title: 'two resources with the name raise DuplicateResourceError',
      serverVersion: '',
      responses: [...getReply, `{ status: 200, body: ${listBody([item('id-1'), other, item('id-2')])} }`].join(', '),
      call: call(''),
      requests: `[${[...getRequest, listRequest].join(', ')}]`,
      error: 'DuplicateResourceError',
    },
    {
      title: 'no match gives undefined',
      serverVersion: '',
      responses: [...getReply, `{ status: 200, body: ${listBody(f.nameFilter === 'server' ? [] : [other])} }`].join(', '),
      call: call(''),
      requests: `[${[...getRequest, listRequest].join(', ')}]`,
      assertion: 'expect(result).toBeUndefined();',
    },
    {
      title: 'no match with ignoreMissing: false raises ResourceNotFoundError',
      serverVersion: '',
      responses: [...getReply, `{ status: 200, body: ${listBody([])} }`].join(', '),
      call: call(', { ignoreMissing: false }'),
      requests: `[${[...getRequest, listRequest].join(', ')}]`,
      error: 'ResourceNotFoundError',
    },
  ];
}
