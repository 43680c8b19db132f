/**
 * The fake Keystone (password, token and application-credential auth, expiry on the fake clock,
 * the catalog) and per-project state: members see their own project's resources, administrators
 * every project's with all_tenants.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, NotFoundError, UnauthorizedError } from 'openstack-block-storage';
import { startFakeCloud, type FakeCloud } from 'openstack-block-storage/testing';

let fake: FakeCloud;
beforeAll(async () => {
  fake = await startFakeCloud({ v2: true, tokenTtl: 60_000 });
});
afterAll(() => fake.close());

const tokens = (body: unknown) =>
  fetch(`${fake.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('Keystone', () => {
  it('answers a password request with a token, the project and a catalog with block-storage v3 and v2', async () => {
    const response = await tokens({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: fake.username, domain: { name: 'Default' }, password: fake.password } },
        },
        scope: { project: { name: fake.projectName, domain: { name: 'Default' } } },
      },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-subject-token')).toMatch(/^fake-/);
    const { token } = (await response.json()) as {
      token: { project: { id: string }; catalog: { type: string; endpoints: { url: string }[] }[] };
    };
    expect(token.project.id).toBe(fake.projectId);
    const urls = Object.fromEntries(token.catalog.map((s) => [s.type, s.endpoints[0].url]));
    expect(urls['block-storage']).toBe(fake.url);
    expect(urls['volumev2']).toBe(fake.url.replace('/v3/', '/v2/'));
  });

  it('refuses a wrong password with 401 and Keystone’s error body', async () => {
    const response = await tokens({
      auth: { identity: { methods: ['password'], password: { user: { name: fake.username, password: 'wrong' } } } },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 401, title: 'Unauthorized' } });
  });

  it('connects with an application credential and with an existing token', async () => {
    const byCredential = await connect({
      env: false,
      authType: 'application_credential',
      auth: {
        authUrl: fake.authUrl,
        applicationCredentialId: fake.applicationCredential.id,
        applicationCredentialSecret: fake.applicationCredential.secret,
      },
      version: '3',
    });
    const byToken = await connect({
      env: false,
      authType: 'token',
      auth: { authUrl: fake.authUrl, token: fake.token, projectId: fake.projectId },
      version: '3',
    });
    try {
      await byCredential.blockStorage.createVolume({ size: 1, name: 'by-credential' });
      const names = (await byToken.blockStorage.volumes().toArray()).map((v) => v.name);
      expect(names).toContain('by-credential');
    } finally {
      await byCredential.close();
      await byToken.close();
    }
  });

  it('expires tokens on the fake clock: Cinder answers 401 after the lifetime', async () => {
    const short = await startFakeCloud({ tokenTtl: 1000 });
    try {
      const get = () => fetch(`${short.url}/volumes`, { headers: { 'X-Auth-Token': short.token } });
      expect((await get()).status).toBe(200);
      short.clock.advance(1000);
      const expired = await get();
      expect(expired.status).toBe(401);
      expect(expired.headers.get('www-authenticate')).toContain('/identity');
      // The SDK authenticates again and carries on.
      const c = await short.connect();
      await expect(c.blockStorage.getVolume('nope')).rejects.toBeInstanceOf(NotFoundError);
      await c.close();
    } finally {
      await short.close();
    }
  });

  it('answers 401 to a request without a token', async () => {
    const response = await fetch(`${fake.url}/volumes`);
    expect(response.status).toBe(401);
  });

  it('serves Block Storage v2 where asked, without microversions', async () => {
    const v2 = await fake.connect({ version: '2' });
    try {
      const volume = await v2.blockStorage.createVolume({ size: 1, name: 'v2-volume' });
      expect((await v2.blockStorage.getVolume(volume.id)).name).toBe('v2-volume');
      // The v2 proxy found the block-storage entry (v3) first and speaks base v3 to it; the v2 URL
      // itself serves the v2 API, without microversions.
      const v2Url = fake.url.replace('/v3/', '/v2/');
      expect((await v2.session('blockStorage').resolve()).url).toBe(v2Url);
      expect(fake.requests.at(-1)).toMatchObject({
        path: `/v2/${fake.projectId}/volumes/${volume.id}`,
        microversion: undefined,
      });
      const listed = await fetch(`${v2Url}/volumes/detail`, { headers: { 'X-Auth-Token': fake.token } });
      expect(listed.headers.get('openstack-api-version')).toBeNull();
      expect(((await listed.json()) as { volumes: { id: string }[] }).volumes.map((v) => v.id)).toContain(volume.id);
      expect(fake.requests.at(-1)).toMatchObject({ operation: 'Volume.list', microversion: undefined });
    } finally {
      await v2.close();
    }
  });
});

describe('projects', () => {
  it('keeps each project’s volumes to itself; an administrator sees all with allProjects', async () => {
    const other = fake.addProject('other');
    const admin = await fake.connect();
    const member = await other.connect();
    try {
      const mine = await admin.blockStorage.createVolume({ size: 1, name: 'admin-volume' });
      const theirs = await member.blockStorage.createVolume({ size: 1, name: 'member-volume' });
      const memberSees = (await member.blockStorage.volumes().toArray()).map((v) => v.name);
      expect(memberSees).toEqual(['member-volume']);
      await expect(member.blockStorage.getVolume(mine.id)).rejects.toBeInstanceOf(NotFoundError);

      const adminOwn = (await admin.blockStorage.volumes().toArray()).map((v) => v.id);
      expect(adminOwn).not.toContain(theirs.id);
      const adminAll = (await admin.blockStorage.volumes({ allProjects: true }).toArray()).map((v) => v.id);
      expect(adminAll).toEqual(expect.arrayContaining([mine.id, theirs.id]));
      // all_tenants from a member is ignored, as Cinder does for non-administrators.
      const memberAll = (await member.blockStorage.volumes({ allProjects: true }).toArray()).map((v) => v.id);
      expect(memberAll).toEqual([theirs.id]);
    } finally {
      await admin.close();
      await member.close();
    }
  });

  it('refuses a URL naming another project than the token’s', async () => {
    const other = fake.addProject('third');
    const response = await fetch(`${fake.url}/volumes`, { headers: { 'X-Auth-Token': other.token } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ badRequest: { code: 400, message: 'Malformed request url' } });
  });

  it('noauth accepts any <user>:<project> token as an administrator of that project', async () => {
    const open = await startFakeCloud({ noauth: true });
    try {
      const response = await fetch(open.url.replace(open.projectId, 'p-any') + '/volumes', {
        method: 'POST',
        headers: { 'X-Auth-Token': 'someone:p-any', 'Content-Type': 'application/json' },
        body: JSON.stringify({ volume: { size: 1 } }),
      });
      expect(response.status).toBe(202);
      const c = await open.connect();
      const listed = await c.blockStorage.volumes({ allProjects: true }).toArray();
      expect(listed).toHaveLength(1);
      await c.close();
      expect((await fetch(`${open.url}/volumes`)).status).toBe(401);
    } finally {
      await open.close();
    }
  });

  it('a token of the fake’s own is rejected by UnauthorizedError when it is unknown', async () => {
    const c = await connect({
      env: false,
      authType: 'admin_token',
      auth: { token: 'forged', endpoint: fake.url },
      version: '3',
    });
    try {
      await expect(c.blockStorage.getVolume('x')).rejects.toBeInstanceOf(UnauthorizedError);
    } finally {
      await c.close();
    }
  });
});
