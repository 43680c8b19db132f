/**
 * Microversion-dependent behaviour emitted from the spec (what Block Storage v3 needs): a switch
 * alternative bound to a version range (force-delete by action below 3.23, by query from 3.23),
 * routes chosen by the negotiated version, and the header sent.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../generator/model/build.js';
import { generate, writeTree } from '../../generator/pipeline.js';
import { createConnection } from '../../runtime/connect.js';
import { InvalidResponseError, MicroversionNotSupportedError } from '../../runtime/errors.js';
import type { ProxyClass } from '../../runtime/service.js';
import { RecordingServer, TEST_TOKEN } from '../../testing/recording-server.js';
import { REPO, SERVICE_YAML, tempProject, type TempProject } from './fixture.js';

const SERVICE = SERVICE_YAML.replace('version: "2"', 'version: "3"')
  .replace('class_name: BlockStorageV2', 'class_name: BlockStorageV3')
  .replace(
    'endpoint_versions: ["2", "3"]',
    'endpoint_versions: ["3"]\nmicroversion: {header_service: volume, min: "3.0", max: "3.71"}',
  )
  .replace(
    /\n {2}waitForStatus:[\s\S]*$/,
    '\n  waitForStatus:\n    wait: status\n    description: Waits.\n    examples:\n      - args: [{$new: Thing, id: t-1, status: available}, available]\n        exchanges: []\n',
  );

const THING = `resource: Thing
description: A thing.
resource_key: thing
resources_key: things
base_path: /things
path_params:
  thing_id: {field: id, description: The id.}
status: {field: status, failures: [error]}
fields:
  id: {type: string, description: The id.}
  status: {type: string, description: The status.}
operations:
  get: {kind: get, description: Shows a thing.}
  delete:
    kind: delete
    description: Deletes a thing.
    args:
      force: {type: boolean, in: query, min_version: "3.23", description: Force it.}
  forceDelete:
    kind: action
    description: Force-deletes a thing.
    body: {os-force_delete: {}}
  transfer:
    kind: request
    method: POST
    path: /os-thing-transfer/{thing_id}
    description: Moves a thing.
    routes:
      - {path: "/os-thing-transfer/{thing_id}", max_version: "3.54"}
      - {path: "/thing-transfers/{thing_id}", min_version: "3.55"}
  setSpec:
    kind: request
    method: PUT
    path: /things/{thing_id}/specs/{spec_key}
    description: Sets one spec; the body is keyed by the spec's name.
    args:
      key: {type: string, in: path, wire: spec_key, required: true, description: The key.}
      value: {type: string, required: true, description: The value.}
    body: {$key: $value}
    response: {key: $key, type: string}
  getMeta:
    kind: request
    method: GET
    path: /things/{thing_id}/metadata/{key}
    description: Shows one metadata item (Cinder answers a one-entry meta object).
    args:
      key: {type: string, in: path, required: true, description: The key.}
    response: {key: [meta, $key], type: string}
  defaults:
    kind: request
    method: GET
    path: /default-things
    base: version
    description: Served only without the project segment.
  newish:
    kind: action
    description: Only from 3.60.
    min_version: "3.60"
    body: {os-newish: {}}
proxy:
  getThing:
    call: get
    examples:
      - args: [t-1]
        request: {method: GET, path: /things/t-1}
        response: {status: 200, body: {thing: {id: t-1}}}
  deleteThing:
    call: delete
    switch:
      - {if: force, call: forceDelete, max_version: "3.22"}
    examples:
      - args: [t-1]
        request: {method: DELETE, path: /things/t-1}
        response: {status: 202}
  transferThing:
    call: transfer
    examples:
      - args: [t-1]
        request: {method: POST, path: /thing-transfers/t-1}
        response: {status: 202}
  setThingSpec:
    call: setSpec
    examples:
      - args: [t-1, key1, value1]
        request: {method: PUT, path: /things/t-1/specs/key1, body: {key1: value1}}
        response: {status: 200, body: {key1: value1}}
        result: value1
  getThingMetadataItem:
    call: getMeta
    examples:
      - args: [t-1, k1]
        request: {method: GET, path: /things/t-1/metadata/k1}
        response: {status: 200, body: {meta: {k1: v1}}}
        result: v1
  defaultThings:
    call: defaults
    examples:
      - args: []
        request: {method: GET, path: /v3/default-things}
        response: {status: 200, body: {}}
  newishThing:
    call: newish
    examples:
      - args: [t-1]
        request: {method: POST, path: /things/t-1/action, body: {os-newish: {}}}
        response: {status: 202}
`;

interface ThingProxy {
  getThingMetadataItem(id: string, key: string): Promise<string>;
  setThingSpec(id: string, key: string, value: string): Promise<string>;
  defaultThings(): Promise<void>;
  deleteThing(id: string, options?: { force?: boolean }): Promise<void>;
  transferThing(id: string): Promise<void>;
  newishThing(id: string): Promise<void>;
}

let project: TempProject;
let Proxy: ProxyClass<ThingProxy>;
beforeAll(async () => {
  project = await tempProject({}, path.join(REPO, '.scratch'));
  const v3 = path.join(project.root, 'spec/block-storage/v3');
  const { mkdir, writeFile, rm } = await import('node:fs/promises');
  await rm(path.join(project.root, 'spec/block-storage/v2'), { recursive: true });
  await mkdir(v3, { recursive: true });
  await writeFile(path.join(v3, 'service.yaml'), SERVICE);
  await writeFile(path.join(v3, 'thing.yaml'), THING);
  await writeTree(project.root, await generate(project.root, await buildModel({ root: project.root })));
  ({ BlockStorageV3: Proxy } = (await import(
    pathToFileURL(path.join(project.root, 'generated/block-storage/v3/proxy.ts')).href
  )) as {
    BlockStorageV3: ProxyClass<ThingProxy>;
  });
}, 60_000);
afterAll(async () => {
  await project.remove();
});

async function against(
  max: string,
  body: (proxy: ThingProxy, server: RecordingServer) => Promise<void>,
): Promise<void> {
  const server = await RecordingServer.start();
  server.versions = { versions: [{ id: 'v3.0', status: 'CURRENT', version: max, min_version: '3.0', links: [] }] };
  const connection = await createConnection(
    {
      authType: 'admin_token',
      auth: { token: TEST_TOKEN, endpoint: server.endpoint },
      env: false,
      cwd: '/x',
      homeDir: '/x',
      systemConfigDirs: [],
    },
    [{ attribute: 'things', serviceType: 'block-storage', versions: [Proxy] }] as const,
  );
  try {
    await body(connection.things, server);
  } finally {
    await connection.close();
    await server.close();
  }
}

describe('microversion-dependent requests', () => {
  it('below 3.23, force goes through the os-force_delete action at the negotiated version', async () => {
    await against('3.22', async (things, server) => {
      server.reply({ status: 202 });
      await things.deleteThing('t-1', { force: true });
      const [request] = server.take();
      expect([request.method, request.path, request.body, request.headers['openstack-api-version']]).toEqual([
        'POST',
        '/things/t-1/action',
        { 'os-force_delete': {} },
        'volume 3.22',
      ]);
    });
  });

  it('from 3.23, force is a query parameter of DELETE', async () => {
    await against('3.70', async (things, server) => {
      server.reply({ status: 202 });
      await things.deleteThing('t-1', { force: true });
      const [request] = server.take();
      expect([request.method, request.path, request.query, request.headers['openstack-api-version']]).toEqual([
        'DELETE',
        '/things/t-1',
        { force: 'true' },
        'volume 3.70',
      ]);
    });
  });

  it('the route follows the negotiated version (3.54: old path, 3.55: new path)', async () => {
    await against('3.54', async (things, server) => {
      server.reply({ status: 202 });
      await things.transferThing('t-1');
      expect(server.take()[0].path).toBe('/os-thing-transfer/t-1');
    });
    await against('3.55', async (things, server) => {
      server.reply({ status: 202 });
      await things.transferThing('t-1');
      expect(server.take()[0].path).toBe('/thing-transfers/t-1');
    });
  });

  it('a body key and a response key can come from an argument', async () => {
    await against('3.70', async (things, server) => {
      server.reply({ status: 200, body: { 'odd key': 'v' } });
      expect(await things.setThingSpec('t-1', 'odd key', 'v')).toBe('v');
      const [request] = server.take();
      expect([request.path, request.body]).toEqual(['/things/t-1/specs/odd key', { 'odd key': 'v' }]);
    });
  });

  it('a response value is read from under an argument key (key: [meta, $key])', async () => {
    await against('3.70', async (things, server) => {
      server.reply({ status: 200, body: { meta: { k1: 'v1', k2: 'v2' } } });
      expect(await things.getThingMetadataItem('t-1', 'k1')).toBe('v1');
    });
  });

  it('a reply lacking the argument key is an InvalidResponseError naming the key', async () => {
    await against('3.70', async (things, server) => {
      server.reply({ status: 200, body: { meta: { other: 'v' } } });
      const error = await things.getThingMetadataItem('t-1', 'k1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect((error as Error).message).toContain('expected the key "k1" under "meta" in the response');
    });
  });

  it('an operation based on the version root leaves out the project segment', async () => {
    await against('3.70', async (things, server) => {
      server.reply({ status: 200, body: {} });
      await things.defaultThings();
      expect(server.take()[0].rawPath).toBe('/v3/default-things');
    });
  });

  it('an operation newer than the server fails before any request, naming both versions', async () => {
    await against('3.55', async (things, server) => {
      const error = await things.newishThing('t-1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MicroversionNotSupportedError);
      expect((error as Error).message).toContain('3.60');
      expect((error as Error).message).toContain('3.55');
      expect(server.take()).toEqual([]);
    });
  });
});
