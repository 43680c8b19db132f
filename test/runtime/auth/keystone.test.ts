import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeystoneAuth, keystoneTokensUrl } from '../../../runtime/auth/keystone.js';
import { Secret } from '../../../runtime/auth/secret.js';
import { StaticTokenAuth } from '../../../runtime/auth/static.js';
import { createAuthPlugin, decideAuthType, normalizeAuth } from '../../../runtime/config/auth.js';
import type { AuthOptions } from '../../../runtime/config/types.js';
import { AuthenticationError, ConfigurationError } from '../../../runtime/errors.js';
import { APP_CRED, PROJECT, USER, catalogEntry, startKeystone, testHttp, type FakeKeystone } from '../session/fakes.js';

let keystone: FakeKeystone;
const http = testHttp();

beforeAll(async () => {
  keystone = await startKeystone();
  keystone.catalog = [catalogEntry('block-storage', 'http://cinder.example:8776/v3/%(project_id)s')];
});
afterAll(async () => {
  await keystone.close();
});

function plugin(auth: AuthOptions, type?: Parameters<typeof decideAuthType>[0]) {
  const resolved = normalizeAuth({ authUrl: `${keystone.url}/v3`, ...auth });
  return createAuthPlugin(decideAuthType(type, resolved), resolved);
}

describe('Keystone v3 authentication', () => {
  it.each<[string, AuthOptions]>([
    [
      'user name + user domain name, project name + project domain id',
      {
        username: USER.name,
        password: USER.password,
        userDomainName: 'Default',
        projectName: PROJECT.name,
        projectDomainId: 'default',
      },
    ],
    ['user id, project id', { userId: USER.id, password: USER.password, projectId: PROJECT.id }],
    [
      'domain_name as the shorthand for both domains',
      { username: USER.name, password: USER.password, domainName: 'Default', projectName: PROJECT.name },
    ],
    [
      'no domain at all: Keystone default domain',
      { username: USER.name, password: USER.password, projectName: PROJECT.name },
    ],
  ])('password: %s', async (_label, auth) => {
    const state = await plugin(auth).authenticate(http);
    expect(state.token?.reveal()).toBe(keystone.issued.at(-1));
    expect(state.projectId).toBe(PROJECT.id);
    expect(state.userId).toBe(USER.id);
    expect(state.catalog?.[0]).toMatchObject({
      type: 'block-storage',
      endpoints: expect.arrayContaining([
        { interface: 'public', region: 'RegionOne', url: 'http://cinder.example:8776/v3/%(project_id)s' },
      ]),
    });
    expect(state.expiresAt).toBeGreaterThan(Date.now());
  });

  it('sends the documented request body', async () => {
    await plugin({
      username: USER.name,
      password: USER.password,
      userDomainId: 'default',
      projectName: PROJECT.name,
      projectDomainName: 'Default',
    }).authenticate(http);
    expect(keystone.bodies.at(-1)).toEqual({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: USER.name, domain: { id: 'default' }, password: USER.password } },
        },
        scope: { project: { name: PROJECT.name, domain: { name: 'Default' } } },
      },
    });
  });

  it('domain scope: domain_* without a project', async () => {
    await plugin({
      username: USER.name,
      password: USER.password,
      userDomainId: 'default',
      domainId: 'default',
    }).authenticate(http);
    expect((keystone.bodies.at(-1) as { auth: { scope: unknown } }).auth.scope).toEqual({ domain: { id: 'default' } });
  });

  it('token: exchanges an existing token for a scoped one', async () => {
    const first = await plugin({ userId: USER.id, password: USER.password, projectId: PROJECT.id }).authenticate(http);
    const p = plugin({ token: first.token, projectId: PROJECT.id });
    expect(p.type).toBe('token');
    const state = await p.authenticate(http);
    expect(state.token?.reveal()).not.toBe(first.token?.reveal());
    expect(keystone.bodies.at(-1)).toEqual({
      auth: {
        identity: { methods: ['token'], token: { id: first.token?.reveal() } },
        scope: { project: { id: PROJECT.id } },
      },
    });
  });

  it('application credential by id, and by name with its user; project options are ignored', async () => {
    const byId = plugin({
      applicationCredentialId: APP_CRED.id,
      applicationCredentialSecret: APP_CRED.secret,
      projectName: 'ignored',
    });
    expect(byId.type).toBe('application_credential');
    expect((await byId.authenticate(http)).projectId).toBe(APP_CRED.projectId);
    expect(keystone.bodies.at(-1)).toEqual({
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: { id: APP_CRED.id, secret: APP_CRED.secret },
        },
      },
    });
    const byName = plugin({
      applicationCredentialName: APP_CRED.name,
      applicationCredentialSecret: APP_CRED.secret,
      username: USER.name,
      userDomainName: 'Default',
    });
    expect((await byName.authenticate(http)).projectId).toBe(APP_CRED.projectId);
    expect(() =>
      plugin({ applicationCredentialName: APP_CRED.name, applicationCredentialSecret: APP_CRED.secret }),
    ).toThrow(/username or user_id/);
  });

  it('a refused password becomes an AuthenticationError that does not contain the password', async () => {
    const err = await plugin({ username: USER.name, password: 'wrong-password-123', projectName: PROJECT.name })
      .authenticate(http)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    const text = `${String(err)} ${JSON.stringify(err)} ${inspect(err)}`;
    expect(text).toContain('HTTP 401');
    expect(text).toContain(`${USER.name}@default`);
    expect(text).not.toContain('wrong-password-123');
  });

  it('says which key is missing', () => {
    expect(() => plugin({ username: USER.name })).toThrow(/password auth needs password: .*OS_PASSWORD/);
    expect(() => createAuthPlugin('password', normalizeAuth({ username: 'a', password: 'b' }))).toThrow(
      /auth_url.*OS_AUTH_URL/,
    );
    expect(() => createAuthPlugin('admin_token', normalizeAuth({ token: 't' }))).toThrow(ConfigurationError);
  });

  it('normalises auth_url and refuses Keystone v2.0', () => {
    expect(keystoneTokensUrl('http://k:5000')).toBe('http://k:5000/v3/auth/tokens');
    expect(keystoneTokensUrl('http://k:5000/identity/v3/')).toBe('http://k:5000/identity/v3/auth/tokens');
    expect(() => keystoneTokensUrl('http://k:5000/v2.0')).toThrow(/v2\.0/);
    expect(() => keystoneTokensUrl('k:5000')).toThrow(ConfigurationError);
  });

  it('infers the auth type from the credentials present', () => {
    expect(decideAuthType(undefined, normalizeAuth({ token: 't', endpoint: 'http://x' }))).toBe('admin_token');
    expect(decideAuthType(undefined, normalizeAuth({ token: 't' }))).toBe('token');
    expect(decideAuthType(undefined, normalizeAuth({ applicationCredentialId: 'a' }))).toBe('application_credential');
    expect(decideAuthType(undefined, normalizeAuth({ username: 'u' }))).toBe('password');
    expect(decideAuthType('v3token', normalizeAuth({}))).toBe('token');
    expect(decideAuthType('token_endpoint', normalizeAuth({}))).toBe('admin_token');
    expect(decideAuthType('noauth', normalizeAuth({}))).toBe('none');
  });
});

describe('static token', () => {
  it('takes the project from a Cinder noauth token and never renews', async () => {
    const p = new StaticTokenAuth({
      token: new Secret(`admin:${PROJECT.id}`),
      endpoint: 'http://127.0.0.1:8776/v3/%(project_id)s',
    });
    const state = await p.authenticate(http);
    expect(state).toMatchObject({
      projectId: PROJECT.id,
      endpoint: 'http://127.0.0.1:8776/v3/%(project_id)s',
      catalog: undefined,
      expiresAt: undefined,
    });
    expect(p.renewable).toBe(false);
    expect(`${JSON.stringify(p)} ${JSON.stringify(state)} ${inspect(p)} ${inspect(state)}`).not.toContain('admin:');
    expect(() => new StaticTokenAuth({ token: new Secret(''), endpoint: 'http://x' })).toThrow(ConfigurationError);
  });

  it('KeystoneAuth refuses a scope with application credentials', () => {
    expect(
      () =>
        new KeystoneAuth({
          authUrl: 'http://k/v3',
          identity: { method: 'application_credential', id: 'a', secret: new Secret('s') },
          scope: { project: { id: 'p' } },
        }),
    ).toThrow(/carry their own project/);
  });
});
