/**
 * The operation building blocks: fetch (404 naming the resource, parent IDs kept), create with an
 * empty answer, delete (only a 404 is ignored; against the fake cloud), children addressed through their parent (and a
 * parent without the child), merge of action responses, typed values read out of responses.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TypeEncryption, Volume, VolumeOperations } from '../../../generated/block-storage/v2/index.js';
import type { BlockStorageV3 } from '../../../generated/block-storage/v3/index.js';
import type { CloudConnection } from '../../../generated/index.js';
import { startFakeCloud, type FakeCloud } from '../../../fake/index.js';
import {
  ConflictError,
  InvalidResponseError,
  NotFoundError,
  ResourceNotFoundError,
  ServerError,
  callOperation,
  fromWire,
  readValue,
} from '../../../runtime/index.js';
import { REQUEST_ID, coreEnv, rejectionOf } from './support.js';

const env = coreEnv();

const calls = (): string[] =>
  env.requests.map(
    (r) =>
      `${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query as Record<string, string>).toString()}` : ''}`,
  );

describe('fetch', () => {
  it("a 404 is a NotFoundError naming the resource, with the server's message and request id", async () => {
    env.server.handler = () => ({
      status: 404,
      body: { itemNotFound: { code: 404, message: 'Volume vol-x could not be found.' } },
    });
    const error = await rejectionOf(env.proxy.getVolume('vol-x'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      status: 404,
      method: 'GET',
      details: 'Volume vol-x could not be found.',
      requestId: REQUEST_ID,
    });
    expect((error as Error).message).toMatch(
      /^No Volume found for vol-x: Client Error for GET http:\/\/127\.0\.0\.1:\d+\/v3\/\w+\/volumes\/vol-x, Volume vol-x could not be found\./,
    );
  });

  it.each([
    ['a list', [1, 2], /expected a JSON object, got an array/],
    ['a string under the key', { volume: 'vol-1' }, /"volume" is string, expected an object/],
    ['null', null, /expected a JSON object, got null/],
  ])('a body that is %s is an InvalidResponseError', async (_what, body, message) => {
    env.server.handler = () => ({ body });
    const error = await rejectionOf(env.proxy.getVolume('vol-1'));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toMatch(message);
  });

  it('a child fetched through its parent keeps the parent ID the answer leaves out', async () => {
    // Cinder answers GET /types/{id}/encryption with the bare object.
    env.server.handler = () => ({ body: { encryption_id: 'e-1', provider: 'luks' } });
    const enc = await env.proxy.getTypeEncryption('t-1');
    expect(enc.volumeTypeId).toBe('t-1');
    expect(enc.encryptionId).toBe('e-1');
    expect(enc.isDirty()).toBe(false);
  });
});

describe('create', () => {
  it('an answer without a body returns what was sent, clean', async () => {
    env.server.handler = () => ({ status: 202 });
    const v = await env.proxy.createVolume({ size: 3, name: 'quiet' });
    expect(v.size).toBe(3);
    expect(v.name).toBe('quiet');
    expect(v.isDirty()).toBe(false);
    expect(v.openstackRequestId).toBe(REQUEST_ID);
  });
});

/** Deletes against the fake cloud over a loopback socket: it holds volumes and answers as Cinder. */
describe('delete', () => {
  let fake: FakeCloud;
  let cloud: CloudConnection & { readonly blockStorage: BlockStorageV3 };
  beforeAll(async () => {
    fake = await startFakeCloud();
    cloud = await fake.connect({ statusCodeRetries: 0, connectRetries: 0 });
  });
  afterAll(async () => {
    await cloud.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.faults.clear();
    fake.requests.length = 0;
  });
  const deletes = (): string[] =>
    fake.requests
      .filter((r) => r.method === 'DELETE')
      .map((r) =>
        `${r.status} ${r.path.slice(`/v3/${fake.projectId}`.length)} ${new URLSearchParams(r.query).toString()}`.trim(),
      );
  const volume = (id: string) => fake.state.insert('Volume', { size: 1, status: 'available' }, { id });

  it('a 404 is ignored by default, an error with ignoreMissing: false', async () => {
    await expect(cloud.blockStorage.deleteVolume('vol-404')).resolves.toBeUndefined();
    expect(await rejectionOf(cloud.blockStorage.deleteVolume('vol-404', { ignoreMissing: false }))).toBeInstanceOf(
      NotFoundError,
    );
    expect(deletes()).toEqual(['404 /volumes/vol-404', '404 /volumes/vol-404']);
  });

  it('only a 404 is ignored: 400, 409 and 500 propagate', async () => {
    // Cinder refuses to delete a volume in use with a 400.
    fake.state.setStatus('Volume', volume('vol-busy').id, 'in-use');
    expect(await rejectionOf(cloud.blockStorage.deleteVolume('vol-busy'))).toMatchObject({
      status: 400,
      // Cinder's words for the refused delete (cinder/volume/api.py delete), as the spec declares them.
      details: expect.stringContaining('must not be migrating, attached'),
    });
    fake.faults.inject({ operation: 'Volume.delete', status: 409, times: 1 });
    expect(await rejectionOf(cloud.blockStorage.deleteVolume('vol-busy'))).toBeInstanceOf(ConflictError);
    fake.faults.inject({ operation: 'Volume.delete', status: 500, times: 1 });
    expect(await rejectionOf(cloud.blockStorage.deleteVolume('vol-busy'))).toBeInstanceOf(ServerError);
    expect(fake.state.get('Volume', 'vol-busy')).toBeDefined();
  });

  it('query options go out by wire name; undefined ones are left out', async () => {
    volume('vol-1');
    volume('vol-2');
    await cloud.blockStorage.deleteVolume('vol-1', { cascade: true });
    await cloud.blockStorage.deleteVolume('vol-2');
    expect(deletes()).toEqual(['202 /volumes/vol-1 cascade=true', '202 /volumes/vol-2']);
  });
});

describe('children addressed through their parent', () => {
  it('update by volume type ID: the encryption is looked up first, then updated', async () => {
    env.server.handler = (r) =>
      r.method === 'GET'
        ? { body: { volume_type_id: 't-1', encryption_id: 'e-1', provider: 'luks', key_size: 256 } }
        : { body: { encryption: { key_size: 512 } } };
    const enc = await env.proxy.updateTypeEncryption('t-1', { keySize: 512 });
    expect(calls()).toEqual(['GET /types/t-1/encryption', 'PUT /types/t-1/encryption/e-1']);
    expect(env.requests[1].body).toEqual({ encryption: { key_size: 512 } });
    expect(enc.keySize).toBe(512);
    expect(enc.provider).toBe('luks');
  });

  it('a type without encryption (Cinder answers {}): delete with ignoreMissing is done; otherwise ResourceNotFoundError', async () => {
    env.server.handler = () => ({ body: {} });
    await expect(env.proxy.deleteTypeEncryption('t-1')).resolves.toBeUndefined();
    expect(calls()).toEqual(['GET /types/t-1/encryption']);
    const error = await rejectionOf(env.proxy.deleteTypeEncryption('t-1', { ignoreMissing: false }));
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as Error).message).toBe('No TypeEncryption found for t-1');
    const update = await rejectionOf(env.proxy.updateTypeEncryption('t-1', { keySize: 512 }));
    expect(update).toBeInstanceOf(ResourceNotFoundError);
    // Never a DELETE or PUT to a made-up path.
    expect(env.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('a full instance is addressed directly, without a lookup', async () => {
    env.server.handler = () => ({ status: 202 });
    await env.proxy.deleteTypeEncryption(fromWire(TypeEncryption, { volume_type_id: 't-1', encryption_id: 'e-1' }));
    expect(calls()).toEqual(['DELETE /types/t-1/encryption/e-1']);
  });
});

describe('merging action responses', () => {
  it('what the server sent is merged; a change not saved yet survives', async () => {
    const v = fromWire(Volume, { id: 'vol-1', name: 'one', metadata: { a: '1' } });
    v.name = 'renamed';
    env.server.handler = () => ({ body: { metadata: { a: '1', b: '2' } } });
    const out = await env.proxy.getVolumeMetadata(v);
    expect(out).toBe(v);
    expect(v.metadata).toEqual({ a: '1', b: '2' });
    expect(v.isDirty('metadata')).toBe(false);
    expect(v.isDirty('name')).toBe(true);
    env.server.handler = () => ({ body: { volume: { id: 'vol-1', name: 'renamed' } } });
    await env.proxy.updateVolume(v, {});
    expect(env.requests.at(-1)!.body).toEqual({ volume: { name: 'renamed' } });
  });
});

describe('typed values read out of responses', () => {
  it('a struct under its key is renamed; a missing key or a wrong type is an InvalidResponseError', async () => {
    env.server.handler = () => ({
      status: 202,
      body: {
        'os-volume_upload_image': {
          id: 'vol-1',
          image_id: 'img-9',
          image_name: 'snap',
          disk_format: 'raw',
          size: '10',
        },
      },
    });
    const upload = await env.proxy.uploadVolumeToImage('vol-1', 'snap');
    expect(upload).toEqual({ id: 'vol-1', imageId: 'img-9', imageName: 'snap', diskFormat: 'raw', size: 10 });
    expect(env.requests[0].body).toEqual({ 'os-volume_upload_image': { image_name: 'snap', force: false } });

    env.server.handler = () => ({ status: 202, body: { volume: {} } });
    const missing = await rejectionOf(env.proxy.uploadVolumeToImage('vol-1', 'snap'));
    expect(missing).toBeInstanceOf(InvalidResponseError);
    expect((missing as Error).message).toMatch(/expected a "os-volume_upload_image" key/);

    env.server.handler = () => ({ body: { count: 'many' } });
    const response = await callOperation(env.client, VolumeOperations.get, { path: { volume_id: 'v' } });
    const wrong = (() => {
      try {
        return readValue(response, 'integer', 'count', 'Thing.count');
      } catch (e) {
        return e;
      }
    })();
    expect(wrong).toBeInstanceOf(InvalidResponseError);
    expect((wrong as InvalidResponseError).where).toBe('Thing.count');
  });
});
