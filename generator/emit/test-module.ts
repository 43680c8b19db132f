/**
 * Tests emitted from the spec: every example of every proxy method becomes a vitest case that runs
 * the real SDK against a recording server and asserts the exact requests; get and find methods also
 * get their error cases (404 → NotFoundError, duplicate names, nothing found).
 *
 * Each resource gets two files. `<resource>.cases.json` holds the data of every case — the replies
 * the server gives, the exact requests expected (method, path, query, headers, body) and the
 * expected outcome — one line per request, reply and outcome (testing/cases.ts), so it needs no
 * formatter and reads like a table in review. `<resource>.test.ts` holds only the calls, one arrow function per case, so that the
 * compiler still checks every example's arguments against the generated signatures. The runner
 * (testing/example-suite.ts) pairs them by method name and position and fails on any mismatch. Every
 * case names the spec line it comes from, which the runner puts in front of any failure.
 */
import type { Position } from '../load/diagnostics.js';
import type {
  ExampleExchange,
  ExampleModel,
  JsonValue,
  ProxyMethodModel,
  ResourceModel,
  ServiceModel,
} from '../model/types.js';
import {
  casesJson,
  type CaseData,
  type CaseFile,
  type Outcome,
  type ReplyData,
  type RequestData,
} from '../../testing/cases.js';
import { renderTemplate, tsKey, tsValue } from './render.js';

interface Case {
  data: CaseData;
  /** TypeScript: the call, given the proxy as `p`. */
  call: string;
}

export interface EmittedTests {
  /** `<resource>.test.ts`: the calls. */
  readonly code: string;
  /** `<resource>.cases.json`: everything else. */
  readonly cases: string;
}

export function emitResourceTests(
  service: ServiceModel,
  resource: ResourceModel,
  banner: string,
  casesFile: string,
): EmittedTests {
  return emitTests(service, resource.methods, `${resource.name} (${resource.file})`, banner, casesFile, resource);
}

/** Tests of the service-level helpers (waiters), from the examples in service.yaml. */
export function emitServiceTests(service: ServiceModel, banner: string, casesFile: string): EmittedTests {
  return emitTests(service, service.helpers, `helpers (${service.serviceFile})`, banner, casesFile, undefined);
}

function emitTests(
  service: ServiceModel,
  methodsIn: readonly ProxyMethodModel[],
  suite: string,
  banner: string,
  casesFile: string,
  resource: ResourceModel | undefined,
): EmittedTests {
  const methods = methodsIn.map((method) => ({
    name: method.name,
    cases: [
      ...method.examples.map((example) => exampleCase(method, example)),
      ...(resource ? autoCases(resource, method) : []),
    ],
  }));
  const data: CaseFile = {
    generated: banner.replace(/^\/\/\s*/, ''),
    suite: `${service.className} · ${suite}`,
    methods: Object.fromEntries(methods.map((m) => [m.name, m.cases.map((c) => c.data)])),
  };
  const code = renderTemplate('resource-test', {
    banner,
    className: service.className,
    casesFile: tsValue(`./${casesFile}`),
    casesName: commentText(casesFile),
    methods: methods.map((m) => ({
      key: tsKey(m.name),
      calls: m.cases.map((c) => ({ title: tsValue(c.data.title), call: c.call })),
    })),
  });
  return { code, cases: casesJson(data) };
}

/** Text for a one-line comment: no line break can end the comment early. */
function commentText(title: string): string {
  return title.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

/** Turns example arguments into TypeScript: `{"$new": "Service", …}` builds an instance. */
function argExpr(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map((v) => argExpr(v as JsonValue)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, JsonValue>;
    const cls = record['$new'];
    if (typeof cls === 'string') {
      const attrs = Object.fromEntries(Object.entries(record).filter(([k]) => k !== '$new'));
      return `new sdk.${cls}(${tsValue(attrs)})`;
    }
    const entries = Object.entries(record);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${tsKey(k)}: ${argExpr(v)}`).join(', ')} }`;
  }
  return tsValue(value);
}

function callExpr(method: ProxyMethodModel, args: readonly JsonValue[]): string {
  const call = `p.${method.name}(${args.map((a) => argExpr(a)).join(', ')})`;
  return method.returns.kind === 'paginated' ? `${call}.toArray()` : call;
}

function replies(exchanges: readonly ExampleExchange[]): ReplyData[] {
  return exchanges.map((x) => ({
    status: x.response.status,
    ...(Object.keys(x.response.headers).length > 0 ? { headers: { ...x.response.headers } } : {}),
    ...(x.response.body !== undefined ? { body: x.response.body } : {}),
  }));
}

/** `spec/…/volume.yaml:123`: enough for an editor to jump to, short enough for every case. */
function specLine(position: Position): string {
  return `${position.file}:${position.line}`;
}

function requests(exchanges: readonly ExampleExchange[]): RequestData[] {
  return exchanges.map(({ request: r }) => ({
    method: r.method,
    path: r.path,
    ...(Object.keys(r.query).length > 0 ? { query: r.query } : {}),
    ...(Object.keys(r.headers).length > 0 ? { headers: r.headers } : {}),
    ...(r.body !== undefined ? { body: r.body } : {}),
  }));
}

function outcome(method: ProxyMethodModel, example: ExampleModel): Outcome {
  if (example.error) return { kind: 'error', class: example.error };
  const r = method.returns;
  if (r.kind === 'void') return { kind: 'undefined' };
  if (!example.hasResult) return { kind: 'unchecked' };
  const expected = example.result ?? null;
  if (method.kind === 'waitStatus' || method.kind === 'waitDelete') return { kind: 'json', json: expected };
  switch (r.kind) {
    case 'paginated':
      return { kind: 'items', json: expected };
    case 'resource':
      return expected === null ? { kind: 'undefined' } : { kind: 'instance', class: r.resource, json: expected };
    case 'value':
      return expected !== null && typeof expected === 'object'
        ? { kind: 'matches', value: expected }
        : { kind: 'equals', value: expected };
  }
}

function exampleCase(method: ProxyMethodModel, example: ExampleModel): Case {
  return {
    data: {
      title: example.title,
      spec: specLine(example.source),
      ...(example.serverVersion ? { server: example.serverVersion } : {}),
      replies: replies(example.exchanges),
      requests: requests(example.exchanges),
      expect: outcome(method, example),
    },
    call: callExpr(method, example.args),
  };
}

/** Error behaviour every get and find method must have, generated from its first example. */
function autoCases(resource: ResourceModel, method: ProxyMethodModel): Case[] {
  const example = method.examples[0];
  if (!example || example.error) return [];
  const first = example.exchanges[0];
  if (method.kind === 'get' && first) {
    return [
      {
        data: {
          title: 'a missing resource raises NotFoundError naming it',
          spec: specLine(method.source),
          replies: [{ status: 404, body: { itemNotFound: { code: 404, message: 'not here' } } }],
          requests: requests([first]).map(({ method: m, path, query }) => ({
            method: m,
            path,
            ...(query ? { query } : {}),
          })),
          expect: { kind: 'error', class: 'NotFoundError', message: `No ${resource.name} found` },
        },
        call: callExpr(method, example.args),
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
  const getRequest: RequestData[] = getPath ? [{ method: 'GET', path: getPath.replace(/\{[^}]+\}/, name) }] : [];
  const getReply: ReplyData[] = getPath
    ? [{ status: 404, body: { itemNotFound: { code: 404, message: 'not found' } } }]
    : [];
  // Query arguments find sends when the caller gives none (find.defaults), then the name filter.
  const query: Record<string, string> = {};
  for (const p of method.params)
    if (p.role.kind === 'arg' && p.role.arg.in === 'query' && p.role.arg.default !== undefined)
      query[p.role.arg.wire] = String(p.role.arg.default);
  if (f.nameFilter === 'server') query[nameWire] = name;
  const listRequest: RequestData = {
    method: 'GET',
    path: listPath,
    ...(Object.keys(query).length > 0 ? { query } : {}),
  };
  const item = (id: string): JsonValue => ({ [idWire]: id, [nameWire]: name });
  const other: JsonValue = { [idWire]: 'other-id', [nameWire]: 'someone-else' };
  const listBody = (items: JsonValue[]): JsonValue => (key ? { [key]: items } : items);
  const call = (extra: string): string => `p.${method.name}(${tsValue(name)}${extra})`;
  const lookup = (items: JsonValue[], title: string, expected: Outcome, extra = ''): Case => ({
    data: {
      title,
      spec: specLine(method.source),
      replies: [...getReply, { status: 200, body: listBody(items) }],
      requests: [...getRequest, listRequest],
      expect: expected,
    },
    call: call(extra),
  });
  return [
    lookup([item('id-1'), other, item('id-2')], 'two resources with the name raise DuplicateResourceError', {
      kind: 'error',
      class: 'DuplicateResourceError',
    }),
    lookup(f.nameFilter === 'server' ? [] : [other], 'no match gives undefined', { kind: 'undefined' }),
    lookup(
      [],
      'no match with ignoreMissing: false raises ResourceNotFoundError',
      { kind: 'error', class: 'ResourceNotFoundError' },
      ', { ignoreMissing: false }',
    ),
  ];
}
