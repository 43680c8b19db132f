/**
 * What the fake cloud does around the API itself, on a real 127.0.0.1 server: the policies the
 * spec declares per operation (a member refused an admin-only rule with Cinder's 403), Keystone's
 * token validation (GET/HEAD /v3/auth/tokens), and CORS for pages on an allowed origin, as
 * Cinder's and Keystone's `[cors]` middleware answers it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError, type BlockStorageV3, type CloudConnection } from 'openstack-block-storage';
import { startFakeCloud, type FakeCloud, type FakeCloudCredentials } from 'openstack-block-storage/testing';
import { loadModel } from '../../fake/load.js';

const PAGE = 'http://127.0.0.1:18999';

let fake: FakeCloud;
let member: FakeCloudCredentials;
let admin: CloudConnection & { readonly blockStorage: BlockStorageV3 };
let demo: CloudConnection & { readonly blockStorage: BlockStorageV3 };

beforeAll(async () => {
  fake = await startFakeCloud({ cors: { allowedOrigins: [PAGE] } });
  member = fake.addProject('demo');
  admin = await fake.connect();
  demo = await member.connect();
});
afterAll(async () => {
  await demo.close();
  await admin.close();
  await fake.close();
});

/** A raw call with a token, the way a test outside the SDK would make it. */
async function call(
  method: string,
  path: string,
  token: string,
  init: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${new URL(fake.url).origin}${path}`, {
    method,
    headers: {
      'X-Auth-Token': token,
      Accept: 'application/json',
      ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

describe('policies declared in the spec', () => {
  it('every admin-only operation the fake serves names its Cinder rule', () => {
    const ops = loadModel().services.flatMap((s) => s.resources.flatMap((r) => r.operations));
    const byId = new Map(ops.map((o) => [o.id, o.policy]));
    expect(byId.get('Service.list')).toEqual({ rule: 'volume_extension:services:index', allows: 'admin' });
    expect(byId.get('Type.create')).toEqual({ rule: 'volume_extension:type_create', allows: 'admin' });
    expect(byId.get('Volume.create')).toEqual({ rule: 'volume:create', allows: 'member' });
    // Cinder's rules each have one default: the same rule never allows two different callers.
    const seen = new Map<string, string>();
    for (const o of ops) {
      if (!o.policy) continue;
      expect(seen.get(o.policy.rule) ?? o.policy.allows, o.id).toBe(o.policy.allows);
      seen.set(o.policy.rule, o.policy.allows);
    }
    expect([...seen.values()].filter((a) => a === 'admin').length).toBeGreaterThan(50);
  });

  it("a member calling an admin-only API gets Cinder's 403 naming the rule; the administrator is served", async () => {
    const refused = await demo.blockStorage
      .services()
      .toArray()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect(refused).toMatchObject({ status: 403 });
    expect((refused as ForbiddenError).message).toContain(
      "Policy doesn't allow volume_extension:services:index to be performed.",
    );
    await expect(demo.blockStorage.createType({ name: 'members-type' })).rejects.toThrow(
      "Policy doesn't allow volume_extension:type_create to be performed.",
    );
    await expect(demo.blockStorage.getQuotaClassSet()).rejects.toThrow(
      "Policy doesn't allow volume_extension:quota_classes:get to be performed.",
    );
    // Nothing was created by the refused call; the administrator's own call goes through.
    expect((await admin.blockStorage.types().toArray()).map((t) => t.name)).not.toContain('members-type');
    expect(await admin.blockStorage.services().toArray()).toEqual([]);
  });

  it("the 403 is in Cinder's fault envelope, and the member's own project calls still work", async () => {
    const r = await call('GET', `/v3/${member.projectId}/os-services`, member.token);
    expect(r.status).toBe(403);
    expect(await r.json()).toEqual({
      forbidden: { code: 403, message: "Policy doesn't allow volume_extension:services:index to be performed." },
    });
    const own = await call('GET', `/v3/${member.projectId}/volumes`, member.token);
    expect(own.status).toBe(200);
    // A member-level rule (volume:create) lets the member in.
    const created = await demo.blockStorage.createVolume({ size: 1, name: 'member-volume' });
    expect(created.name).toBe('member-volume');
  });

  it('where Cinder words the refusal itself (default types), the 403 carries its words', async () => {
    await expect(demo.blockStorage.showDefaultType(member.projectId)).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('You are not authorized to perform this operation.') as unknown,
    });
    await expect(demo.blockStorage.defaultTypes().toArray()).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('a malformed body is still a 400 before the policy check, as Cinder validates the schema first', async () => {
    const r = await call('POST', `/v3/${member.projectId}/types`, member.token, {
      body: { volume_type: { name: 'x', color: 'blue' } },
    });
    expect(r.status).toBe(400);
  });

  it('under noauth every caller is an administrator, as in Cinder: nothing is refused', async () => {
    const open = await startFakeCloud({ noauth: true });
    try {
      const r = await fetch(`${open.url}/os-services`, { headers: { 'X-Auth-Token': 'someone:p1' } });
      expect(r.status).toBe(400); // the URL's project is not the token's: Cinder's "Malformed request url"
      const own = await fetch(`${new URL(open.url).origin}/v3/p1/os-services`, {
        headers: { 'X-Auth-Token': 'someone:p1' },
      });
      expect(own.status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe("Keystone's token validation", () => {
  const tokens = (method: string, token: string, subject?: string, query = ''): Promise<Response> =>
    fetch(`${fake.authUrl}/auth/tokens${query}`, {
      method,
      headers: { 'X-Auth-Token': token, ...(subject !== undefined ? { 'X-Subject-Token': subject } : {}) },
    });

  it('GET answers 200 with the token body and catalog of the subject token, echoing X-Subject-Token', async () => {
    const r = await tokens('GET', fake.token, fake.token);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-subject-token')).toBe(fake.token);
    const { token } = (await r.json()) as {
      token: { project: { id: string }; roles: { name: string }[]; catalog: { type: string }[]; expires_at: string };
    };
    expect(token.project.id).toBe(fake.projectId);
    expect(token.roles.map((x) => x.name)).toContain('admin');
    expect(token.catalog.map((c) => c.type)).toEqual(expect.arrayContaining(['block-storage', 'volumev3']));
    expect(Date.parse(token.expires_at)).toBeGreaterThan(fake.clock.now());
  });

  it('nocatalog leaves the catalog out; HEAD answers the status alone', async () => {
    const r = await tokens('GET', member.token, member.token, '?nocatalog');
    const body = (await r.json()) as { token: Record<string, unknown> };
    expect(body.token['catalog']).toBeUndefined();
    expect((body.token['roles'] as { name: string }[]).map((x) => x.name)).toEqual(['member', 'reader']);
    const head = await tokens('HEAD', fake.token, member.token);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('an unknown or expired subject token is a 404; an invalid caller token a 401; a member may not look at others', async () => {
    expect((await tokens('GET', fake.token, 'fake-not-a-token')).status).toBe(404);
    expect((await tokens('HEAD', fake.token, 'fake-not-a-token')).status).toBe(404);
    expect((await tokens('GET', 'fake-not-a-token', fake.token)).status).toBe(401);
    const forbidden = await tokens('GET', member.token, fake.token);
    expect(forbidden.status).toBe(403);
    const short = await startFakeCloud({ tokenTtl: 1000 });
    try {
      const r = await fetch(`${short.authUrl}/auth/tokens`, {
        headers: { 'X-Auth-Token': short.token, 'X-Subject-Token': short.token },
      });
      expect(r.status).toBe(200);
      // A second token, issued half-way, outlives the first.
      short.clock.advance(600);
      const login = await fetch(`${short.authUrl}/auth/tokens`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          auth: {
            identity: {
              methods: ['password'],
              password: { user: { name: short.username, password: short.password, domain: { name: 'Default' } } },
            },
          },
        }),
      });
      const fresh = login.headers.get('x-subject-token') ?? '';
      short.clock.advance(600);
      const later = await fetch(`${short.authUrl}/auth/tokens`, {
        method: 'HEAD',
        headers: { 'X-Auth-Token': fresh, 'X-Subject-Token': short.token },
      });
      expect(later.status).toBe(404);
      // The caller's own token expired: Keystone refuses the caller first.
      const expiredCaller = await fetch(`${short.authUrl}/auth/tokens`, {
        headers: { 'X-Auth-Token': short.token, 'X-Subject-Token': fresh },
      });
      expect(expiredCaller.status).toBe(401);
    } finally {
      await short.close();
    }
  });

  it('the answer never repeats the token it could not find', async () => {
    const r = await tokens('GET', fake.token, 'fake-secret-looking-token');
    expect(await r.text()).not.toContain('fake-secret-looking-token');
  });
});

describe('CORS for pages on an allowed origin', () => {
  const preflight = (path: string, headers: Record<string, string>): Promise<Response> =>
    fetch(`${new URL(fake.url).origin}${path}`, { method: 'OPTIONS', headers });

  it('a preflight from the allowed origin is answered 200 with the method and headers it asked for', async () => {
    const r = await preflight(`/v3/${fake.projectId}/volumes`, {
      Origin: PAGE,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'x-auth-token,openstack-api-version,content-type',
    });
    expect(r.status).toBe(200);
    const got: Record<string, string> = {};
    r.headers.forEach((value, key) => (got[key] = value));
    expect(got).toMatchObject({
      'access-control-allow-origin': PAGE,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'x-auth-token,openstack-api-version,content-type',
      'access-control-allow-credentials': 'true',
      'access-control-max-age': '3600',
      vary: 'Origin',
    });
    // A preflight is no API call: nothing is recorded as an operation.
    expect(fake.requests.at(-1)).toMatchObject({ method: 'OPTIONS', operation: undefined });
  });

  it('another origin, a header not allowed or a method not allowed get a bare 200 the browser refuses', async () => {
    const path = `/v3/${fake.projectId}/volumes`;
    const refusals: Record<string, string>[] = [
      { Origin: 'http://127.0.0.1:1', 'Access-Control-Request-Method': 'GET' },
      { Origin: PAGE, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-secret' },
      { Origin: PAGE, 'Access-Control-Request-Method': 'TRACE' },
    ];
    for (const headers of refusals) {
      const r = await preflight(path, headers);
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('answers to the page, errors included, carry the allowed origin and the exposed headers', async () => {
    const ok = await call('GET', `/v3/${fake.projectId}/volumes`, fake.token, {
      headers: { Origin: PAGE, 'OpenStack-API-Version': 'volume 3.60' },
    });
    expect(ok.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(ok.headers.get('access-control-expose-headers')).toContain('OpenStack-API-Version');
    expect(ok.headers.get('vary')).toBe('OpenStack-API-Version,Origin');
    const denied = await call('GET', `/v3/${fake.projectId}/volumes`, 'fake-not-a-token', {
      headers: { Origin: PAGE },
    });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe(PAGE);
    const other = await call('GET', `/v3/${fake.projectId}/volumes`, fake.token, {
      headers: { Origin: 'http://127.0.0.1:1' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("Keystone's routes use Keystone's defaults: X-Subject-Token may be sent and read", async () => {
    const r = await preflight('/identity/v3/auth/tokens', {
      Origin: PAGE,
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': 'x-auth-token,x-subject-token',
    });
    expect(r.headers.get('access-control-allow-headers')).toBe('x-auth-token,x-subject-token');
    const cinder = await preflight(`/v3/${fake.projectId}/volumes`, {
      Origin: PAGE,
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': 'x-subject-token',
    });
    expect(cinder.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('without the option no origin is allowed, and a malformed origin is refused at start', async () => {
    const closed = await startFakeCloud();
    try {
      const r = await fetch(`${new URL(closed.url).origin}/v3/`, {
        method: 'OPTIONS',
        headers: { Origin: PAGE, 'Access-Control-Request-Method': 'GET' },
      });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await closed.close();
    }
    await expect(startFakeCloud({ cors: { allowedOrigins: ['http://127.0.0.1:8080/'] } })).rejects.toThrow(
      /cors\.allowedOrigins: "http:\/\/127\.0\.0\.1:8080\/" is not an origin/,
    );
  });
});

describe("Cinder's wording of its errors, as the spec declares it", () => {
  it("an unknown ID gets the resource's own 404 message (Volume type …, No such QoS spec …)", async () => {
    await expect(admin.blockStorage.getType('t-missing')).rejects.toMatchObject({
      status: 404,
      details: 'Volume type t-missing could not be found.',
    });
    await expect(admin.blockStorage.getQosSpec('q-missing')).rejects.toMatchObject({
      details: 'No such QoS spec q-missing.',
    });
    // Without a declaration, the engine's wording: the resource's name.
    await expect(admin.blockStorage.getVolume('v-missing')).rejects.toMatchObject({
      details: 'Volume v-missing could not be found.',
    });
  });

  it("a refused delete answers Cinder's whole sentence, not the engine's", async () => {
    const volume = await admin.blockStorage.createVolume({ size: 1 });
    fake.faults.stick('Volume', volume.id, 'creating');
    try {
      await expect(admin.blockStorage.deleteVolume(volume)).rejects.toMatchObject({
        status: 400,
        details: expect.stringMatching(
          /^Invalid volume: Volume status must be available or error or error_restoring .* after volume transfer\.$/,
        ) as unknown,
      });
    } finally {
      fake.faults.clear();
    }
  });
});

describe("the links Cinder's view builders write", () => {
  it('a transfer read at /volume-transfers (3.55) links to /os-volume-transfer, as Cinder names its collection', async () => {
    const volume = await admin.blockStorage.createVolume({ size: 1 });
    const headers = { 'OpenStack-API-Version': 'volume 3.55' };
    const created = await call('POST', `/v3/${fake.projectId}/volume-transfers`, fake.token, {
      body: { transfer: { volume_id: volume.id, name: 'offer' } },
      headers,
    });
    expect(created.status).toBe(202);
    const { transfer } = (await created.json()) as { transfer: { id: string } };
    const got = await call('GET', `/v3/${fake.projectId}/volume-transfers/${transfer.id}`, fake.token, { headers });
    const body = (await got.json()) as { transfer: { links: { href: string }[] } };
    expect(body.transfer.links[0].href).toBe(`${fake.url}/os-volume-transfer/${transfer.id}`);
  });
});
