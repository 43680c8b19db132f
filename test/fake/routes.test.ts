/**
 * Every operation of the v3 model is served: a request on each of its paths (the default one and
 * every route by microversion, list detail paths included), at a microversion inside its range,
 * reaches that operation and not a 404 for a missing route. The cases come from the prebuilt model,
 * so an operation added to the spec is covered without touching this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../fake/load.js';
import type { FakeArg, FakeBody, FakeOperation, FakeResource } from '../../fake/model.js';
import { compareVersions, inRange } from '../../fake/values.js';
import { startFakeCloud, type FakeCloud } from 'openstack-block-storage/testing';

const model = loadModel();
const v3 = model.services.find((s) => s.major === 3)!;
const MAX = v3.microversion!.max;

/** 3.0 … MAX, every minor. */
const versions: string[] = [];
for (let minor = 0; compareVersions(`3.${minor}`, MAX) <= 0; minor++) versions.push(`3.${minor}`);

function sample(arg: FakeArg): unknown {
  if (arg.enum) return arg.enum[0];
  if (arg.type.startsWith('list<')) return [];
  if (arg.type.startsWith('map<')) return {};
  switch (arg.type) {
    case 'string':
      return 'x';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
    case 'boolstr':
      return true;
    default:
      return {};
  }
}

/** The smallest body the template accepts at a version: required arguments only, every fixed key. */
function bodyFor(op: FakeOperation, template: FakeBody, version: string): unknown {
  switch (template.kind) {
    case 'literal':
      return template.value;
    case 'self':
      return 'x';
    case 'arg': {
      const arg = op.args.find((a) => a.name === template.arg)!;
      return sample(arg);
    }
    case 'array':
      return [];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, value, keyArg] of template.entries) {
        if (keyArg !== undefined) continue;
        if (value.kind === 'arg') {
          const arg = op.args.find((a) => a.name === value.arg)!;
          if (!arg.required || !inRange(arg, version)) continue;
        }
        out[key] = bodyFor(op, value, version);
      }
      return out;
    }
  }
}

interface Case {
  readonly title: string;
  readonly resource: FakeResource;
  readonly op: FakeOperation;
  readonly method: string;
  readonly path: string;
  readonly version: string;
}

const cases: Case[] = [];
for (const resource of v3.resources) {
  for (const op of resource.operations) {
    const paths: { method: string; path: string; min?: string; max?: string; isDefault: boolean }[] = [
      { method: op.method, path: op.path, isDefault: true },
      ...(op.detailPath ? [{ method: op.method, path: op.detailPath, isDefault: true }] : []),
      ...op.routes.flatMap((r) => [
        { method: r.method, path: r.path, min: r.min, max: r.max, isDefault: false },
        ...(r.detailPath ? [{ method: r.method, path: r.detailPath, min: r.min, max: r.max, isDefault: false }] : []),
      ]),
    ];
    for (const p of paths) {
      // The lowest microversion at which this path serves the operation.
      const version = versions.find(
        (v) =>
          inRange(op, v) &&
          inRange({ min: p.min, max: p.max }, v) &&
          !(p.isDefault && op.routes.some((r) => inRange({ min: r.min ?? op.min, max: r.max }, v))),
      );
      if (version === undefined) continue;
      cases.push({ title: `${op.id}: ${p.method} ${p.path} at ${version}`, resource, op, ...p, version });
    }
  }
}

/**
 * Operations that send the very same request (method, path and action key): the spec keeps them
 * apart for the SDK (Backup.update and Backup.setMetadata both PUT /backups/{id}), the wire cannot.
 */
function actionKey(op: FakeOperation): string | undefined {
  return op.kind === 'action' && op.body && op.body !== 'resource' && op.body.kind === 'object'
    ? op.body.entries[0]?.[0]
    : undefined;
}
function twins(c: Case): Set<string> {
  const out = new Set([c.op.id]);
  for (const op of c.resource.operations) {
    const paths = [op.path, op.detailPath, ...op.routes.flatMap((r) => [r.path, r.detailPath])];
    const methods = [op.method, ...op.routes.map((r) => r.method)];
    if (paths.includes(c.path) && methods.includes(c.method) && actionKey(op) === actionKey(c.op)) out.add(op.id);
  }
  return out;
}

let fake: FakeCloud;
beforeAll(async () => {
  fake = await startFakeCloud();
});
afterAll(() => fake.close());

async function send(c: Case, version: string): Promise<{ status: number; operation: string | undefined }> {
  const path = c.path.replace(/\{([^}]+)\}/g, (_m, name: string) => `x-${name}`);
  const url = c.op.base === 'version' ? `${fake.url.replace(/\/v3\/[^/]+$/, '/v3')}${path}` : `${fake.url}${path}`;
  const body =
    c.op.body === 'resource'
      ? c.resource.resourceKey
        ? { [c.resource.resourceKey]: {} }
        : {}
      : c.op.body
        ? bodyFor(c.op, c.op.body, version)
        : undefined;
  const before = fake.requests.length;
  const response = await fetch(url, {
    method: c.method,
    headers: {
      'X-Auth-Token': fake.token,
      'OpenStack-API-Version': `volume ${version}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await response.arrayBuffer();
  expect(fake.requests.length).toBe(before + 1);
  return { status: response.status, operation: fake.requests.at(-1)!.operation };
}

describe('every v3 operation of the model has a route', () => {
  it('covers every operation of the model', () => {
    const ops = new Set(v3.resources.flatMap((r) => r.operations.map((o) => o.id)));
    expect(new Set(cases.map((c) => c.op.id))).toEqual(ops);
    expect(ops.size).toBeGreaterThan(150);
  });

  it.each(cases.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const { status, operation } = await send(c, c.version);
    expect([...twins(c)], `answered ${status} from ${operation}`).toContain(operation);
    expect(status).not.toBe(405);
    expect(status).toBeLessThan(500);
  });
});

describe('an operation below its minimum microversion is not there', () => {
  const early = cases.filter((c) => c.version !== '3.0' && !c.op.routes.length);
  it.each(early.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const below = versions[versions.indexOf(c.version) - 1];
    const { status, operation } = await send(c, below);
    if (twins(c).size === 1) expect(operation).not.toBe(c.op.id);
    if (operation === undefined) expect(status).toBe(404);
  });
});
