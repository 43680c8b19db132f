/**
 * createClient() (runtime/lite.ts): the small fetch client behind the smallest browser path. It must
 * send what ServiceSession sends and fail with the same typed errors, retries included.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getVolume, volumes, BlockStorageV2 } from '../../generated/block-storage/v2/index.js';
import {
  AbortError,
  ConfigurationError,
  ConnectionError,
  HTTP_CLIENT_DEFAULTS,
  MicroversionNotSupportedError,
  NotFoundError,
  RequestTimeoutError,
  UnauthorizedError,
  type ServiceVersionDescriptor,
} from '../../runtime/index.js';
import { createClient, discoverServerVersions } from '../../runtime/lite.js';
import { RecordingServer, TEST_TOKEN } from '../../testing/recording-server.js';

const V3: ServiceVersionDescriptor = {
  serviceType: 'block-storage',
  aliases: ['volumev3'],
  version: '3',
  endpointVersions: ['3'],
  microversion: { headerService: 'volume', min: '3.0', max: '3.71' },
};
const VOLUME = { volume: { id: 'vol-1', name: 'data', size: 10, status: 'available' } };
const FAST = { retryBaseDelay: 1, retryMaxDelay: 2 };

let server: RecordingServer;
beforeAll(async () => {
  server = await RecordingServer.start();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('createClient', () => {
  it('gets a volume with the token, JSON headers and no microversion on v2', async () => {
    server.reply({ status: 200, body: VOLUME });
    const client = createClient({ endpoint: `${server.endpoint}/`, token: TEST_TOKEN });
    const volume = await getVolume(client, 'vol-1');
    expect(volume.name).toBe('data');
    expect(volume.size).toBe(10);
    const [req] = server.take();
    expect(req?.method).toBe('GET');
    expect(req?.path).toBe('/volumes/vol-1');
    expect(req?.headers['x-auth-token']).toBe(TEST_TOKEN);
    expect(req?.headers['accept']).toBe('application/json');
    expect(req?.headers['openstack-api-version']).toBeUndefined();
    expect(client.endpoint).toBe(server.endpoint);
  });

  it('lists across pages with the standalone functions', async () => {
    server.reply(
      {
        status: 200,
        body: {
          volumes: [{ id: 'a' }],
          volumes_links: [{ rel: 'next', href: `${server.endpoint}/volumes/detail?marker=a` }],
        },
      },
      { status: 200, body: { volumes: [{ id: 'b' }] } },
    );
    const client = createClient({ endpoint: server.endpoint, token: TEST_TOKEN });
    const ids: (string | undefined)[] = [];
    for await (const v of volumes(client)) ids.push(v.id);
    expect(ids).toEqual(['a', 'b']);
  });

  it('works as the client of the generated proxy class', async () => {
    server.reply({ status: 200, body: VOLUME });
    const bs = new BlockStorageV2(createClient({ endpoint: server.endpoint, token: TEST_TOKEN }));
    expect((await bs.getVolume('vol-1')).status).toBe('available');
  });

  it('raises NotFoundError with Cinder message and request id; the token never shows', async () => {
    server.reply({
      status: 404,
      body: { itemNotFound: { message: `Volume vol-9 could not be found (token ${TEST_TOKEN}).`, code: 404 } },
    });
    const client = createClient({ endpoint: server.endpoint, token: TEST_TOKEN });
    const error = await getVolume(client, 'vol-9').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    const e = error as NotFoundError;
    expect(e.status).toBe(404);
    expect(e.details).toBe('Volume vol-9 could not be found (token ***).');
    expect(e.requestId).toBe('req-00000000-0000-0000-0000-000000000000');
    expect(e.message).toContain('No Volume found for vol-9');
    expect(e.message).not.toContain(TEST_TOKEN);
  });

  it('retries 503 and 429 as HttpClient does, honouring Retry-After', async () => {
    server.reply(
      { status: 503, headers: { 'retry-after': '0' } },
      { status: 429, body: { overLimit: { message: 'slow down' } } },
      { status: 200, body: VOLUME },
    );
    const client = createClient({ endpoint: server.endpoint, token: TEST_TOKEN, ...FAST });
    expect((await getVolume(client, 'vol-1')).id).toBe('vol-1');
    expect(server.take()).toHaveLength(3);
  });

  it('gives up after statusCodeRetries and does not repeat a POST on 503', async () => {
    server.reply({ status: 503 }, { status: 503 });
    const client = createClient({ endpoint: server.endpoint, token: TEST_TOKEN, statusCodeRetries: 1, ...FAST });
    await expect(getVolume(client, 'vol-1')).rejects.toMatchObject({ status: 503, name: 'ServerError' });
    expect(server.take()).toHaveLength(2);
    server.reply({ status: 503 });
    const { createVolume } = await import('../../generated/block-storage/v2/index.js');
    await expect(createVolume(client, { size: 1 })).rejects.toMatchObject({ status: 503 });
    expect(server.take()).toHaveLength(1);
  });

  it('asks a token function again once after a 401; a static token gets the 401', async () => {
    server.reply({ status: 401, body: { error: { message: 'expired' } } }, { status: 200, body: VOLUME });
    let calls = 0;
    const renewing = createClient({ endpoint: server.endpoint, token: () => `tok-${++calls}` });
    await getVolume(renewing, 'vol-1');
    expect(server.take().map((r) => r.headers['x-auth-token'])).toEqual(['tok-1', 'tok-2']);

    server.reply({ status: 401, body: { error: { message: 'expired' } } });
    const fixed = createClient({ endpoint: server.endpoint, token: 'tok' });
    await expect(getVolume(fixed, 'vol-1')).rejects.toBeInstanceOf(UnauthorizedError);
    expect(server.take()).toHaveLength(1);
  });

  it('negotiates microversions against the given server range and honours pins', async () => {
    const op = { id: 'Thing.get', method: 'GET' as const, path: '/things/{id}', minVersion: '3.40' };
    const client = createClient({
      endpoint: server.endpoint,
      service: V3,
      serverVersions: { min: '3.0', max: '3.70' },
    });
    server.reply({ status: 200, body: {} }, { status: 200, body: {} });
    const res = await client.send({ operation: op, pathParams: { id: 'x' } });
    expect(res.microversion).toBe('3.70');
    await client.send({ operation: op, pathParams: { id: 'x' } }, { microversion: '3.45' });
    expect(server.take().map((r) => r.headers['openstack-api-version'])).toEqual(['volume 3.70', 'volume 3.45']);
    await expect(
      client.send({ operation: op, pathParams: { id: 'x' } }, { microversion: '3.1' }),
    ).rejects.toBeInstanceOf(MicroversionNotSupportedError);
    // Without a known range only the base version is assumed: the call fails before any request.
    const base = createClient({ endpoint: server.endpoint, service: V3 });
    await expect(base.send({ operation: op, pathParams: { id: 'x' } })).rejects.toBeInstanceOf(
      MicroversionNotSupportedError,
    );
    expect(server.take()).toHaveLength(0);
  });

  it('reads the server range from the service root', async () => {
    expect(await discoverServerVersions(server.endpoint)).toEqual({ min: '3.0', max: '3.70' });
  });

  it('refuses a microversion on a service without microversions', async () => {
    const client = createClient({ endpoint: server.endpoint, microversion: '3.50' });
    await expect(getVolume(client, 'vol-1')).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('rejects an endpoint that is not a URL', () => {
    expect(() => createClient({ endpoint: 'cinder.example.com/v3' })).toThrow(TypeError);
  });
});

describe('createClient without a response', () => {
  let slow: Server;
  let slowUrl = '';
  beforeAll(async () => {
    slow = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/v3/p`;
  });
  afterAll(async () => {
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  });

  it('times out an attempt with RequestTimeoutError', async () => {
    const client = createClient({ endpoint: slowUrl, timeout: 50, connectRetries: 0 });
    await expect(getVolume(client, 'v')).rejects.toBeInstanceOf(RequestTimeoutError);
  });

  it('ends at once when the caller aborts', async () => {
    const client = createClient({ endpoint: slowUrl });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(getVolume(client, 'v', { signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
  });

  it('retries a refused connection connectRetries times, then raises ConnectionError', async () => {
    const refused = createServer();
    await new Promise<void>((resolve) => refused.listen(0, '127.0.0.1', resolve));
    const port = (refused.address() as AddressInfo).port;
    await new Promise((resolve) => refused.close(resolve));
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const client = createClient({ endpoint: `http://127.0.0.1:${port}/v3/p`, fetch: counting, ...FAST });
    const error = await getVolume(client, 'v').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).sent).toBe(false);
    expect(calls).toBe(1 + HTTP_CLIENT_DEFAULTS.connectRetries);
  });
});

describe('defaults', () => {
  it('are the documented ones, declared once for both presets', () => {
    // pipeline/retry.ts (RETRY_DEFAULTS) and transport.ts hold them; HttpClient re-exports them.
    expect(HTTP_CLIENT_DEFAULTS).toMatchObject({
      connectRetries: 2,
      statusCodeRetries: 3,
      retriableStatusCodes: [503, 429],
      retryBaseDelay: 500,
      retryMaxDelay: 30_000,
      maxRetryAfter: 60_000,
      timeout: 60_000,
    });
  });
});
