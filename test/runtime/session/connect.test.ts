import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createConnection, type ConnectOptions } from '../../../runtime/connect.js';
import { ApiVersionNotOfferedError, ConfigurationError, EndpointNotFoundError } from '../../../runtime/errors.js';
import {
  APP_CRED,
  BLOCK_STORAGE,
  DummyV2,
  DummyV3,
  PROJECT,
  USER,
  catalogEntry,
  startCinder,
  startKeystone,
  type FakeCinder,
  type FakeKeystone,
} from './fakes.js';

let keystone: FakeKeystone;
let cinder: FakeCinder;

beforeAll(async () => {
  [keystone, cinder] = await Promise.all([startKeystone(), startCinder()]);
  keystone.catalog = [
    catalogEntry('block-storage', `${cinder.url}/v3/%(project_id)s`),
    catalogEntry('volumev3', `${cinder.url}/v3/%(project_id)s`),
  ];
});
afterAll(async () => {
  await Promise.all([keystone.close(), cinder.close()]);
});

/** No environment and no files: only what the test passes. */
const isolated = {
  env: {},
  cwd: '/nonexistent',
  homeDir: '/nonexistent',
  systemConfigDirs: [],
} satisfies Partial<ConnectOptions>;

const password = (extra: Partial<ConnectOptions> = {}): ConnectOptions => ({
  ...isolated,
  auth: {
    authUrl: `${keystone.url}/v3`,
    username: USER.name,
    password: USER.password,
    userDomainName: 'Default',
    projectName: PROJECT.name,
    projectDomainName: 'Default',
  },
  ...extra,
});

describe('createConnection', () => {
  it('authenticates, finds block storage and gives the default (first, newest) proxy, typed as such', async () => {
    const conn = await createConnection(password(), [BLOCK_STORAGE]);
    try {
      expect(conn.hasService('blockStorage')).toBe(true);
      const proxy = conn.blockStorage;
      expectTypeOf(proxy).toEqualTypeOf<DummyV3>();
      expect(proxy).toBeInstanceOf(DummyV3);
      const response = await proxy.getVolume('v1');
      expect(response.url).toBe(`${cinder.url}/v3/${PROJECT.id}/volumes/v1`);
      expect(response.microversion).toBe('3.70');
      expect(await conn.session('blockStorage').resolve()).toMatchObject({
        serviceType: 'block-storage',
        microversions: { min: '3.0', max: '3.70' },
      });
    } finally {
      await conn.close();
    }
  });

  it('a requested version pins the proxy: v2 on the v3 endpoint, no microversion header', async () => {
    const conn = await createConnection(password({ version: '2' }), [BLOCK_STORAGE]);
    try {
      const proxy = conn.blockStorage;
      expect(proxy).toBeInstanceOf(DummyV2);
      // createConnection() types the default; the generated connect() has the overload for v2.
      const response = await (proxy as unknown as DummyV2).getVolume('v1');
      expect(response.url).toBe(`${cinder.url}/v3/${PROJECT.id}/volumes/v1`);
      expect((response.body as { headers: Record<string, string> }).headers['openstack-api-version']).toBeUndefined();
    } finally {
      await conn.close();
    }
    await expect(createConnection(password({ version: '4' }), [BLOCK_STORAGE])).rejects.toThrow(
      /version 4 was requested; this SDK has version 3, 2/,
    );
  });

  it('an api version with a minor pins that microversion; a conflicting default is an error', async () => {
    const conn = await createConnection(password({ services: { volume: { version: '3.50' } } }), [BLOCK_STORAGE]);
    try {
      expect((await conn.blockStorage.getVolume('v')).microversion).toBe('3.50');
    } finally {
      await conn.close();
    }
    await expect(
      createConnection(password({ version: '3.50', defaultMicroversion: '3.40' }), [BLOCK_STORAGE]),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('a cloud without block storage: connect works, hasService is false, the getter throws EndpointNotFoundError', async () => {
    const saved = keystone.catalog;
    keystone.catalog = [catalogEntry('compute', `${cinder.url}/compute/v2.1`)];
    try {
      const conn = await createConnection(password(), [BLOCK_STORAGE]);
      expect(conn.hasService('blockStorage')).toBe(false);
      expect(() => conn.blockStorage).toThrow(EndpointNotFoundError);
      expect(() => conn.blockStorage).toThrow(
        /block-storage \/ volumev3 \/ volumev2 \/ volume.*The catalog has: compute/,
      );
      await conn.close();
    } finally {
      keystone.catalog = saved;
    }
  });

  it('a stale volumev2 entry pointing at /v2 is redirected to the v3 API the server offers', async () => {
    const saved = keystone.catalog;
    keystone.catalog = [catalogEntry('volumev2', `${cinder.url}/v2/%(project_id)s`)];
    try {
      const v2only = { attribute: 'blockStorage', serviceType: 'block-storage', versions: [DummyV2] } as const;
      const conn = await createConnection(password(), [v2only]);
      expect(conn.blockStorage).toBeInstanceOf(DummyV2);
      expect((await conn.blockStorage.getVolume('v1')).url).toBe(`${cinder.url}/v3/${PROJECT.id}/volumes/v1`);
      await conn.close();
      const both = await createConnection(password(), [BLOCK_STORAGE]);
      expect(both.blockStorage).toBeInstanceOf(DummyV3);
      await both.close();
    } finally {
      keystone.catalog = saved;
    }
  });

  describe('API versions', () => {
    /** A Cinder of its own with this version document, and the catalog pointing at it. */
    async function cloudWith(
      versions: 'v3' | 'both' | 'v2-only',
      catalog: (url: string) => ReturnType<typeof catalogEntry>[],
    ): Promise<{ cinder: FakeCinder; [Symbol.asyncDispose](): Promise<void> }> {
      const own = await startCinder({ versions });
      const saved = keystone.catalog;
      keystone.catalog = catalog(own.url);
      return {
        cinder: own,
        async [Symbol.asyncDispose]() {
          keystone.catalog = saved;
          await own.close();
        },
      };
    }

    it("version '2' uses /v2 where the version document lists it beside the catalog's /v3", async () => {
      await using cloud = await cloudWith('both', (url) => [catalogEntry('block-storage', `${url}/v3/%(project_id)s`)]);
      const conn = await createConnection(password({ version: '2' }), [BLOCK_STORAGE]);
      try {
        expect(conn.blockStorage).toBeInstanceOf(DummyV2);
        const response = await (conn.blockStorage as unknown as DummyV2).getVolume('v1');
        expect(response.url).toBe(`${cloud.cinder.url}/v2/${PROJECT.id}/volumes/v1`);
        expect((response.body as { headers: Record<string, string> }).headers['openstack-api-version']).toBeUndefined();
        expect(await conn.session('blockStorage').resolve()).toMatchObject({ major: 2, microversions: undefined });
      } finally {
        await conn.close();
      }
    });

    it("version '2' prefers the catalog's volumev2 entry over block-storage", async () => {
      await using cloud = await cloudWith('both', (url) => [
        catalogEntry('block-storage', `${url}/v3/%(project_id)s`),
        catalogEntry('volumev2', `${url}/v2/%(project_id)s`),
      ]);
      const conn = await createConnection(password({ version: '2' }), [BLOCK_STORAGE]);
      try {
        const response = await (conn.blockStorage as unknown as DummyV2).getVolume('v1');
        expect(response.url).toBe(`${cloud.cinder.url}/v2/${PROJECT.id}/volumes/v1`);
        expect(await conn.session('blockStorage').resolve()).toMatchObject({ serviceType: 'volumev2' });
      } finally {
        await conn.close();
      }
    });

    it('without version, a cloud serving only v2 is an ApiVersionNotOfferedError that names version: "2"', async () => {
      await using cloud = await cloudWith('v2-only', (url) => [catalogEntry('volumev2', `${url}/v2/%(project_id)s`)]);
      const conn = await createConnection(password(), [BLOCK_STORAGE]);
      try {
        expect(conn.hasService('blockStorage')).toBe(false);
        expect(() => conn.blockStorage).toThrow(ApiVersionNotOfferedError);
        expect(() => conn.blockStorage).toThrow(
          "block-storage v3 is not offered by this cloud (it serves v2); pass version: '2' to connect() to use it",
        );
        // The error is an EndpointNotFoundError: code that handles a missing service handles this too.
        expect(() => conn.blockStorage).toThrow(EndpointNotFoundError);
      } finally {
        await conn.close();
      }
      const v2 = await createConnection(password({ version: '2' }), [BLOCK_STORAGE]);
      try {
        const response = await (v2.blockStorage as unknown as DummyV2).getVolume('v1');
        expect(response.url).toBe(`${cloud.cinder.url}/v2/${PROJECT.id}/volumes/v1`);
      } finally {
        await v2.close();
      }
    });

    it('a version 2 set only by configuration must also be passed to connect(), where the type is chosen', async () => {
      await expect(
        createConnection(password({ services: { volume: { version: '2' } } }), [BLOCK_STORAGE]),
      ).rejects.toThrow(
        new ConfigurationError(
          "block-storage API version 2 is set by the configuration (clouds.yaml or OS_* variables), but connect() was called without version, so its blockStorage is typed as v3: pass version: '2' to connect() for the v2 proxy, or remove the setting",
        ),
      );
      const pinned = await createConnection(password({ version: '2', services: { volume: { version: '2' } } }), [
        BLOCK_STORAGE,
      ]);
      expect(pinned.blockStorage).toBeInstanceOf(DummyV2);
      await pinned.close();
    });
  });

  it('application credentials and a static noauth token', async () => {
    const app = await createConnection(
      {
        ...isolated,
        auth: {
          authUrl: keystone.url,
          applicationCredentialId: APP_CRED.id,
          applicationCredentialSecret: APP_CRED.secret,
        },
      },
      [BLOCK_STORAGE],
    );
    expect(app.config.authType).toBe('application_credential');
    expect((await app.blockStorage.getVolume('x')).url).toContain(`/v3/${APP_CRED.projectId}/volumes/x`);
    await app.close();

    const before = keystone.calls();
    const noauth = await createConnection(
      {
        ...isolated,
        authType: 'admin_token',
        auth: { token: `admin:${PROJECT.id}`, endpoint: `${cinder.url}/v3/%(project_id)s` },
      },
      [BLOCK_STORAGE],
    );
    const response = await noauth.blockStorage.getVolume('x');
    expect((response.body as { headers: Record<string, string> }).headers['x-auth-token']).toBe(`admin:${PROJECT.id}`);
    expect(response.url).toBe(`${cinder.url}/v3/${PROJECT.id}/volumes/x`);
    expect(keystone.calls()).toBe(before);
    await noauth.close();
  });

  it('keeps secrets out of every log line, even at debug level with bodies logged', async () => {
    const lines: string[] = [];
    const record = (level: string) => (message: string, fields?: unknown) =>
      void lines.push(`${level} ${message} ${JSON.stringify(fields)}`);
    const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
    const conn = await createConnection(password({ logger, logBodies: true }), [BLOCK_STORAGE]);
    const revoked = keystone.issued.at(-1);
    cinder.accept = (t) => t !== undefined && t !== revoked;
    try {
      await conn.blockStorage.getVolume('v1');
    } finally {
      cinder.accept = (t) => t !== undefined && t !== '';
      await conn.close();
    }
    await expect(
      createConnection(
        password({
          logger,
          logBodies: true,
          auth: { authUrl: keystone.url, userId: USER.id, password: 'wrong-horse-battery' },
        }),
        [BLOCK_STORAGE],
      ),
    ).rejects.toThrow();
    const text = lines.join('\n');
    expect(text).toContain('authenticated');
    expect(text).toContain('token rejected (401)');
    // Bodies are logged as JSON text inside the fields, hence the escaped quotes.
    expect(text).toContain('\\"password\\":\\"***\\"');
    expect(text).not.toContain(USER.password);
    expect(text).not.toContain('wrong-horse-battery');
    expect(text).not.toMatch(/tok-\d/);
  });

  it('keeps secrets out of JSON and inspect of the connection and its config', async () => {
    const conn = await createConnection(password({ globalRequestId: 'req-1' }), [BLOCK_STORAGE]);
    const shown = `${JSON.stringify(conn)} ${JSON.stringify(conn.config)} ${inspect(conn, { depth: 10 })} ${inspect(conn.config, { depth: 10 })} ${inspect(conn.auth, { depth: 10 })} ${JSON.stringify(conn.auth)}`;
    expect(shown).not.toContain(USER.password);
    expect(keystone.issued.length).toBeGreaterThan(0);
    expect(shown).not.toMatch(/tok-\d/);
    expect(JSON.stringify(conn.config.auth)).toContain('"password":"***"');
    await conn.close();
  });
});
