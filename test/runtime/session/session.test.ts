import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../runtime/auth/secret.js';
import { StaticTokenAuth } from '../../../runtime/auth/static.js';
import { TokenCache } from '../../../runtime/auth/token-cache.js';
import { createAuthPlugin, normalizeAuth } from '../../../runtime/config/auth.js';
import type { Operation } from '../../../runtime/client.js';
import {
  ConfigurationError,
  EndpointNotFoundError,
  InvalidArgumentError,
  InvalidResponseError,
  MicroversionNotSupportedError,
  UnauthorizedError,
} from '../../../runtime/errors.js';
import { ServiceSession, type ServiceSessionOptions } from '../../../runtime/session.js';
import {
  DummyV2,
  DummyV3,
  GET_VOLUME,
  PROJECT,
  USER,
  catalogEntry,
  startCinder,
  startKeystone,
  testHttp,
  type FakeCinder,
  type FakeKeystone,
} from './fakes.js';

const NOAUTH_TOKEN = `admin:${PROJECT.id}`;

interface Echo {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: unknown;
}

let cinder: FakeCinder;
const opened: ServiceSession[] = [];

beforeAll(async () => {
  cinder = await startCinder();
});
afterAll(async () => {
  await cinder.close();
});
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  cinder.accept = (t) => t !== undefined && t !== '';
  cinder.requests.length = 0;
});

/** A session with a static noauth token on the fake Cinder's v3 endpoint. */
function staticSession(extra: Partial<ServiceSessionOptions> = {}): ServiceSession {
  const http = testHttp();
  const auth = new TokenCache({
    plugin: new StaticTokenAuth({ token: new Secret(NOAUTH_TOKEN), endpoint: `${cinder.url}/v3/%(project_id)s` }),
    http,
  });
  const session = new ServiceSession({ service: DummyV3.service, auth, http, ...extra });
  opened.push(session);
  return session;
}

describe('ServiceSession request building', () => {
  it('sends a GET with the standard headers, the negotiated microversion and no Content-Type', async () => {
    const session = staticSession({ userAgent: 'my-app/1.2', globalRequestId: 'req-global' });
    const response = await session.send({ operation: GET_VOLUME, pathParams: { volume_id: 'vol 1/x' } });
    const echo = response.body as Echo;
    expect(echo.method).toBe('GET');
    // `%(project_id)s` filled from the noauth token; the id is percent-encoded.
    expect(echo.path).toBe(`/v3/${PROJECT.id}/volumes/vol%201%2Fx`);
    expect(echo.headers['accept']).toBe('application/json');
    expect(echo.headers['content-type']).toBeUndefined();
    expect(echo.headers['x-auth-token']).toBe(NOAUTH_TOKEN);
    expect(echo.headers['openstack-api-version']).toBe('volume 3.70');
    expect(echo.headers['user-agent']).toMatch(/^my-app\/1\.2 openstack-block-storage\/\S+ Node\.js\//);
    expect(echo.headers['x-openstack-request-id']).toBe('req-global');
    expect(response.microversion).toBe('3.70');
    expect(response.requestId).toBe('req-get-1');
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${cinder.url}/v3/${PROJECT.id}/volumes/vol%201%2Fx`);
  });

  it('encodes the query (arrays repeat, booleans as words, undefined omitted) and serialises the body', async () => {
    const session = staticSession({ additionalHeaders: { 'X-Extra': 'a', accept: 'application/json;q=1' } });
    const op: Operation = { id: 'Volume.list', method: 'POST', path: 'volumes/detail' };
    const response = await session.send(
      {
        operation: op,
        query: { all_tenants: true, limit: 5, sort: ['name:asc', 'id'], marker: undefined, 'na me': 'a&b' },
        body: { volume: { size: 1 } },
      },
      { headers: { 'X-Call': 'c' }, globalRequestId: 'req-call' },
    );
    const echo = response.body as Echo;
    expect(echo.path).toBe(
      `/v3/${PROJECT.id}/volumes/detail?all_tenants=true&limit=5&sort=name%3Aasc&sort=id&na%20me=a%26b`,
    );
    expect(echo.headers['content-type']).toBe('application/json');
    expect(echo.body).toEqual({ volume: { size: 1 } });
    expect(echo.headers['x-extra']).toBe('a');
    expect(echo.headers['accept']).toBe('application/json;q=1');
    expect(echo.headers['x-call']).toBe('c');
    expect(echo.headers['x-openstack-request-id']).toBe('req-call');
  });

  it('returns undefined for an empty body and rejects a non-JSON 2xx body with method and URL', async () => {
    const session = staticSession();
    const empty = await session.send({ operation: { id: 'Volume.empty', method: 'POST', path: '/empty' }, body: {} });
    expect(empty.body).toBeUndefined();
    expect(empty.status).toBe(202);
    expect(empty.requestId).toBe('req-empty');
    const err = await session
      .send({ operation: { id: 'Volume.text', method: 'GET', path: '/text' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidResponseError);
    expect((err as Error).message).toContain(`GET ${cinder.url}/v3/${PROJECT.id}/text`);
    expect((err as Error).message).not.toContain('proxy error page');
  });

  it('refuses a missing or empty path parameter before sending', async () => {
    const session = staticSession();
    await expect(session.send({ operation: GET_VOLUME, pathParams: { volume_id: '' } })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(session.send({ operation: GET_VOLUME })).rejects.toThrow(/volume_id: is required by Volume\.get/);
    expect(cinder.calls()).toHaveLength(0);
  });
});

describe('ServiceSession pass-through options (its own HttpClient)', () => {
  it('applies retry settings and reports to statsd and Prometheus hooks', async () => {
    const statsd: string[] = [];
    const prom: Record<string, string>[] = [];
    const session = new ServiceSession({
      service: DummyV3.service,
      auth: new TokenCache({
        plugin: new StaticTokenAuth({ token: new Secret(NOAUTH_TOKEN), endpoint: `${cinder.url}/v3/%(project_id)s` }),
        http: testHttp(),
      }),
      statusCodeRetries: 1,
      statusCodeRetryDelay: 1,
      rateLimit: 1000,
      concurrency: 4,
      statsdClient: { increment: (key) => void statsd.push(key) },
      statsdPrefix: 'test.api',
      prometheusCounter: { inc: (labels) => void prom.push(labels) },
    });
    opened.push(session);
    const op: Operation = { id: 'Volume.flaky', method: 'GET', path: '/volumes/{volume_id}/flaky' };
    const response = await session.send({ operation: op, pathParams: { volume_id: 'v1' } });
    expect(response.status).toBe(200);
    expect(cinder.calls().map((r) => r.path)).toEqual([
      `/v3/${PROJECT.id}/volumes/v1/flaky`,
      `/v3/${PROJECT.id}/volumes/v1/flaky`,
    ]);
    expect(statsd).toContain('test.api.block-storage.GET.volume_flaky.503');
    expect(statsd).toContain('test.api.block-storage.GET.volume_flaky.200');
    expect(prom).toContainEqual({
      method: 'GET',
      endpoint: '/volumes/{volume_id}/flaky',
      service_type: 'block-storage',
      status_code: '200',
    });
  });
});

describe('ServiceSession microversions', () => {
  it('negotiates per operation: operation maximum, client maximum, per-call and pinned versions', async () => {
    const session = staticSession();
    expect(await session.negotiate({ ...GET_VOLUME, maxVersion: '3.59' })).toBe('3.59');
    expect(await session.negotiate(GET_VOLUME, undefined, { microversion: '3.10' })).toBe('3.10');
    expect(await staticSession({ maxVersion: '3.40' }).negotiate(GET_VOLUME)).toBe('3.40');
    expect(await staticSession({ maxVersion: '3.latest' }).negotiate(GET_VOLUME)).toBe('3.70');
    expect(await staticSession({ defaultMicroversion: '3.50' }).negotiate(GET_VOLUME)).toBe('3.50');
    const sent = await staticSession({ defaultMicroversion: '3.50' }).send({
      operation: GET_VOLUME,
      pathParams: { volume_id: 'v' },
    });
    expect((sent.body as Echo).headers['openstack-api-version']).toBe('volume 3.50');
  });

  it('fails before any request when the call needs more than the server offers, naming both versions', async () => {
    const session = staticSession();
    await session.resolve();
    cinder.requests.length = 0;
    const op: Operation = {
      id: 'Volume.reimage',
      method: 'POST',
      path: '/volumes/{volume_id}/action',
      minVersion: '3.68',
    };
    const tooNew: Operation = { ...op, minVersion: '3.71' };
    const err = await session
      .send({ operation: tooNew, pathParams: { volume_id: 'v' }, body: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MicroversionNotSupportedError);
    expect((err as Error).message).toMatch(/Volume\.reimage needs microversion 3\.71, but 3\.0–3\.70 is available/);
    // A per-call version outside the server range, and a `requires` above it, fail the same way.
    await expect(
      session.send({ operation: op, pathParams: { volume_id: 'v' } }, { microversion: '3.80' }),
    ).rejects.toThrow(/3\.80.*3\.0–3\.70/);
    await expect(
      session.send({ operation: op, pathParams: { volume_id: 'v' }, requires: '3.75' }),
    ).rejects.toBeInstanceOf(MicroversionNotSupportedError);
    // minVersion: the client refuses to go below it.
    await expect(
      staticSession({ minVersion: '3.75' }).send({ operation: GET_VOLUME, pathParams: { volume_id: 'v' } }),
    ).rejects.toBeInstanceOf(MicroversionNotSupportedError);
    expect(cinder.requests.filter((r) => r.path !== '/')).toHaveLength(0);
  });

  it('picks the route that fits the negotiated microversion', async () => {
    const op: Operation = {
      id: 'Transfer.list',
      method: 'GET',
      path: '/os-volume-transfer',
      routes: [
        { method: 'GET', path: '/os-volume-transfer', maxVersion: '3.54' },
        { method: 'GET', path: '/volume-transfers', minVersion: '3.55' },
      ],
    };
    const latest = await staticSession().send({ operation: op });
    expect((latest.body as Echo).path).toBe(`/v3/${PROJECT.id}/volume-transfers`);
    const old = await staticSession().send({ operation: op }, { microversion: '3.40' });
    expect((old.body as Echo).path).toBe(`/v3/${PROJECT.id}/os-volume-transfer`);
  });

  it('a v2 proxy on a v3 endpoint sends no microversion header', async () => {
    const http = testHttp();
    const auth = new TokenCache({
      plugin: new StaticTokenAuth({ token: new Secret(NOAUTH_TOKEN), endpoint: `${cinder.url}/v3/${PROJECT.id}` }),
      http,
    });
    const session = new ServiceSession({ service: DummyV2.service, auth, http });
    opened.push(session);
    const proxy = new DummyV2(session);
    const response = await proxy.getVolume('v1');
    expect((response.body as Echo).headers['openstack-api-version']).toBeUndefined();
    expect(response.microversion).toBeUndefined();
    // Pinning a microversion on a client without microversions is a configuration mistake.
    const pinned = new ServiceSession({ service: DummyV2.service, auth, http, defaultMicroversion: '3.0' });
    await expect(pinned.send({ operation: GET_VOLUME, pathParams: { volume_id: 'v' } })).rejects.toBeInstanceOf(
      ConfigurationError,
    );
  });

  it('a v3 session refuses an endpoint of another major version', async () => {
    const http = testHttp();
    const auth = new TokenCache({
      plugin: new StaticTokenAuth({ token: new Secret(NOAUTH_TOKEN), endpoint: `${cinder.url}/v2/${PROJECT.id}` }),
      http,
    });
    const session = new ServiceSession({ service: DummyV3.service, auth, http });
    opened.push(session);
    await expect(session.send({ operation: GET_VOLUME, pathParams: { volume_id: 'v' } })).rejects.toBeInstanceOf(
      EndpointNotFoundError,
    );
  });
});

describe('ServiceSession with Keystone: endpoint selection and 401 handling', () => {
  let keystone: FakeKeystone;
  beforeAll(async () => {
    keystone = await startKeystone();
  });
  afterAll(async () => {
    await keystone.close();
  });

  function keystoneSession(extra: Partial<ServiceSessionOptions> = {}): { session: ServiceSession; auth: TokenCache } {
    const http = testHttp();
    const plugin = createAuthPlugin(
      'password',
      normalizeAuth({
        authUrl: `${keystone.url}/v3`,
        username: USER.name,
        password: USER.password,
        userDomainName: 'Default',
        projectName: PROJECT.name,
        projectDomainId: 'default',
      }),
    );
    const auth = new TokenCache({ plugin, http });
    const session = new ServiceSession({ service: DummyV3.service, auth, http, ...extra });
    opened.push(session);
    return { session, auth };
  }

  it('chooses the catalog endpoint by type alias, interface, region and service name', async () => {
    keystone.catalog = [
      catalogEntry('compute', `${cinder.url}/nova/v2.1`),
      catalogEntry('volumev2', `${cinder.url}/v2/%(project_id)s`),
      catalogEntry('volumev3', `${cinder.url}/v3/$(project_id)s`, { interfaces: ['public'], region: 'RegionOne' }),
      catalogEntry('volumev3', `${cinder.url}/internal/v3/%(project_id)s`, {
        interfaces: ['internal'],
        region: 'RegionTwo',
        name: 'cinder-internal',
      }),
    ];
    const { session } = keystoneSession();
    const resolved = await session.resolve();
    // `volumev3` wins over the `volumev2` entry listed first, because aliases are tried in order.
    expect(resolved).toMatchObject({
      url: `${cinder.url}/v3/${PROJECT.id}`,
      serviceType: 'volumev3',
      major: 3,
      microversions: { min: '3.0', max: '3.70' },
    });

    const internal = await keystoneSession({
      interface: 'internalURL',
      regionName: 'RegionTwo',
      serviceName: 'cinder-internal',
    }).session.resolve();
    expect(internal.url).toBe(`${cinder.url}/internal/v3/${PROJECT.id}`);

    const err = await keystoneSession({ regionName: 'RegionNine' })
      .session.resolve()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndpointNotFoundError);
    expect((err as Error).message).toMatch(
      /service type block-storage \/ volumev3 \/ volumev2 \/ volume.*region RegionNine/,
    );
    expect((err as Error).message).toContain('volumev3 (volumev3): public@RegionOne');

    const override = await keystoneSession({ endpointOverride: `${cinder.url}/v3/%(project_id)s/` }).session.resolve();
    expect(override.url).toBe(`${cinder.url}/v3/${PROJECT.id}`);
  });

  it('a 401 storm causes exactly one re-authentication, and every request succeeds on its retry', async () => {
    keystone.catalog = [catalogEntry('block-storage', `${cinder.url}/v3/%(project_id)s`)];
    const { session, auth } = keystoneSession();
    await session.resolve();
    const before = keystone.calls();
    const revoked = keystone.issued.at(-1);
    cinder.accept = (t) => t !== undefined && t !== revoked && keystone.issued.includes(t);
    cinder.holdUntil = 20; // all 20 requests are in flight with the old token before any 401 comes back
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => session.send({ operation: GET_VOLUME, pathParams: { volume_id: `v${i}` } })),
    );
    expect(keystone.calls() - before).toBe(1);
    expect(auth.authentications).toBe(2);
    const fresh = keystone.issued.at(-1);
    for (const r of results) expect((r.body as Echo).headers['x-auth-token']).toBe(fresh);
    expect(cinder.calls().filter((r) => r.headers['x-auth-token'] === revoked)).toHaveLength(20);
  });

  it('a second 401 surfaces as UnauthorizedError; a static token is not retried', async () => {
    keystone.catalog = [catalogEntry('block-storage', `${cinder.url}/v3/%(project_id)s`)];
    const { session } = keystoneSession();
    await session.resolve();
    const before = keystone.calls();
    cinder.accept = () => false;
    const err = await session.send({ operation: GET_VOLUME, pathParams: { volume_id: 'v' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(keystone.calls() - before).toBe(1);
    expect(cinder.calls()).toHaveLength(2);

    cinder.requests.length = 0;
    const stat = staticSession();
    await expect(stat.send({ operation: GET_VOLUME, pathParams: { volume_id: 'v' } })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    expect(cinder.calls()).toHaveLength(1);
  });
});
