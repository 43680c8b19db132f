import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFor } from '../../../runtime/config/merge.js';
import { resolveConfig, type ResolveOptions } from '../../../runtime/config/resolve.js';
import { ConfigurationError } from '../../../runtime/errors.js';

const BS_TYPES = ['block-storage', 'volumev3', 'volumev2', 'volume'];

let root: string;
let cwd: string;
let home: string;
let etc: string;

const CLOUDS = `
clouds:
  prod:
    auth:
      auth_url: https://keystone.prod:5000/v3
      username: file-user
      project_name: file-project
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: internal
    block_storage_api_version: 3.50
    volume_api_version: "2"
    block_storage_endpoint_override: https://cinder.prod/v3/%(project_id)s
    volume_service_name: cinder-ssd
    api_timeout: 12.5
    connect_retries: 4
    status_code_retry_delay: 0.25
    rate_limit:
      block-storage: 5
    concurrency: 3
    verify: false
  lab:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://keystone.lab:5000
      application_credential_id: ac-lab
    regions:
      - name: LabRegion
    cacert: CACERT_PATH
`;

const SECURE = `
clouds:
  prod:
    auth:
      password: file-secret-password
  lab:
    auth:
      application_credential_secret: lab-app-secret
`;

function isolated(extra: Partial<ResolveOptions> = {}): ResolveOptions {
  return { env: {}, cwd, homeDir: home, systemConfigDirs: [etc], ...extra };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bs-config-'));
  cwd = join(root, 'cwd');
  home = join(root, 'home');
  etc = join(root, 'etc');
  await Promise.all([cwd, join(home, '.config', 'openstack'), etc].map((d) => mkdir(d, { recursive: true })));
  await writeFile(join(root, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n');
  await writeFile(
    join(home, '.config', 'openstack', 'clouds.yaml'),
    CLOUDS.replace('CACERT_PATH', join(root, 'ca.pem')),
  );
  await writeFile(join(home, '.config', 'openstack', 'secure.yaml'), SECURE);
  // A lower-priority file that must never be read while the home one exists.
  await writeFile(join(etc, 'clouds.yaml'), 'clouds:\n  prod:\n    auth:\n      username: etc-user\n');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('clouds.yaml + secure.yaml', () => {
  it('reads the named cloud, secure.yaml merged in, every key in its camelCase place', async () => {
    const config = await resolveConfig(isolated({ cloud: 'prod' }));
    expect(config.cloud).toBe('prod');
    expect(config.sources).toEqual([
      'options',
      'environment',
      join(home, '.config', 'openstack', 'clouds.yaml'),
      join(home, '.config', 'openstack', 'secure.yaml'),
    ]);
    expect(config.authType).toBe('password');
    expect(config.auth).toMatchObject({
      authUrl: 'https://keystone.prod:5000/v3',
      username: 'file-user',
      projectName: 'file-project',
      userDomainName: 'Default',
    });
    expect(config.auth.password?.reveal()).toBe('file-secret-password');
    expect(config.tls.insecure).toBe(true);
    expect(config.settings).toMatchObject({
      regionName: 'RegionOne',
      interface: 'internal',
      timeout: 12_500,
      connectRetries: 4,
      concurrency: 3,
    });
    // block_storage_* beats volume_*; 3.50 keeps its trailing zero.
    expect(settingsFor(config.settings, BS_TYPES)).toMatchObject({
      version: '3.50',
      endpointOverride: 'https://cinder.prod/v3/%(project_id)s',
      serviceName: 'cinder-ssd',
      rateLimit: 5,
      statusCodeRetryDelay: 250,
    });
  });

  it('application credential cloud: auth_type, regions list, cacert read from disk', async () => {
    const config = await resolveConfig(isolated({ cloud: 'lab' }));
    expect(config.authType).toBe('application_credential');
    expect(config.auth.applicationCredentialSecret?.reveal()).toBe('lab-app-secret');
    expect(config.settings.regionName).toBe('LabRegion');
    expect(config.tls.ca).toContain('BEGIN CERTIFICATE');
  });

  it('precedence: explicit options over OS_* over files', async () => {
    const env = {
      OS_CLOUD: 'prod',
      OS_USERNAME: 'env-user',
      OS_USER_ID: 'env-uid',
      OS_REGION_NAME: 'EnvRegion',
      OS_INTERFACE: 'admin',
      OS_VOLUME_API_VERSION: '3',
    };
    const fromEnv = await resolveConfig(isolated({ env }));
    expect(fromEnv.cloud).toBe('prod');
    expect(fromEnv.auth.username).toBe('env-user');
    expect(fromEnv.auth.userId).toBe('env-uid');
    expect(fromEnv.auth.projectName).toBe('file-project');
    expect(fromEnv.settings.regionName).toBe('EnvRegion');
    expect(fromEnv.settings.interface).toBe('admin');
    // The environment's volume_api_version beats the file's volume_* key, the file's block_storage_* still wins overall.
    expect(fromEnv.settings.services?.['volume']?.version).toBe('3');
    expect(settingsFor(fromEnv.settings, BS_TYPES).version).toBe('3.50');

    const explicit = await resolveConfig(
      isolated({ env, cloud: 'prod', regionName: 'OptRegion', auth: { username: 'opt-user' } }),
    );
    expect(explicit.settings.regionName).toBe('OptRegion');
    expect(explicit.auth.username).toBe('opt-user');
    // Explicit auth is complete by itself: the environment's OS_USER_ID does not leak in…
    expect(explicit.auth.userId).toBeUndefined();
    // …but a named cloud still contributes the rest.
    expect(explicit.auth.projectName).toBe('file-project');
  });

  it('explicit auth without a cloud name reads no file (and needs no fs)', async () => {
    const config = await resolveConfig(
      isolated({
        cwd: '/nonexistent',
        homeDir: '/nonexistent',
        systemConfigDirs: ['/nonexistent'],
        env: { OS_CLOUD: 'prod', OS_PASSWORD: 'env-pw', OS_REGION_NAME: 'EnvRegion' },
        auth: { authUrl: 'http://k/v3', username: 'u', password: 'p' },
      }),
    );
    expect(config.sources).toEqual(['options', 'environment']);
    expect(config.auth.password?.reveal()).toBe('p');
    expect(config.settings.regionName).toBe('EnvRegion');
  });

  it('OS_* alone: every variable the brief lists', async () => {
    const config = await resolveConfig(
      isolated({
        env: {
          OS_AUTH_URL: 'http://k:5000/v3',
          OS_USER_ID: 'uid',
          OS_PASSWORD: 'pw-from-env',
          OS_TENANT_NAME: 'tenant',
          OS_TENANT_ID: 'tid',
          OS_USER_DOMAIN_ID: 'udid',
          OS_PROJECT_DOMAIN_NAME: 'pdn',
          OS_ENDPOINT_TYPE: 'internalURL',
          OS_CACERT: join(root, 'ca.pem'),
          OS_INSECURE: 'false',
          OS_BLOCK_STORAGE_API_VERSION: '3',
          OS_VOLUME_API_VERSION: '2',
          OS_DOMAIN_NAME: 'ignored-with-project',
          OS_IRRELEVANT_THING: 'x',
        },
      }),
    );
    expect(config.sources).toEqual(['options', 'environment']);
    expect(config.auth).toMatchObject({
      authUrl: 'http://k:5000/v3',
      userId: 'uid',
      projectName: 'tenant',
      projectId: 'tid',
      userDomainId: 'udid',
      projectDomainName: 'pdn',
      domainName: undefined,
    });
    expect(config.settings.interface).toBe('internalURL');
    expect(config.tls).toMatchObject({ insecure: false, ca: expect.stringContaining('TEST') });
    expect(settingsFor(config.settings, BS_TYPES).version).toBe('3');

    const token = await resolveConfig(
      isolated({
        env: {
          OS_TOKEN: 'admin:abc',
          OS_URL: 'http://c:8776/v3/abc',
          OS_INTERFACE: 'public',
          OS_ENDPOINT_TYPE: 'adminURL',
        },
      }),
    );
    expect(token.authType).toBe('admin_token');
    expect(token.auth.endpoint).toBe('http://c:8776/v3/abc');
    expect(token.settings.interface).toBe('public');
    const appcred = await resolveConfig(
      isolated({
        env: {
          OS_AUTH_TYPE: 'v3applicationcredential',
          OS_AUTH_URL: 'http://k',
          OS_APPLICATION_CREDENTIAL_NAME: 'n',
          OS_APPLICATION_CREDENTIAL_SECRET: 's',
          OS_USERNAME: 'u',
          OS_DOMAIN_ID: 'd',
        },
      }),
    );
    expect(appcred.authType).toBe('application_credential');
    expect(appcred.auth.domainId).toBe('d'); // no project: a domain, as openstacksdk reads it
  });

  it('one cloud needs no name; OS_CLIENT_CONFIG_FILE points anywhere', async () => {
    const file = join(root, 'only.yaml');
    await writeFile(
      file,
      'clouds:\n  solo:\n    auth_type: admin_token\n    auth:\n      token: "admin:abc"\n      endpoint: http://c/v3/abc\n',
    );
    const config = await resolveConfig(isolated({ env: { OS_CLIENT_CONFIG_FILE: file } }));
    expect(config.cloud).toBe('solo');
    expect(config.authType).toBe('admin_token');
    await expect(
      resolveConfig(isolated({ env: { OS_CLIENT_CONFIG_FILE: join(root, 'missing.yaml') } })),
    ).rejects.toThrow(/OS_CLIENT_CONFIG_FILE names .*missing\.yaml, which does not exist/);
    await expect(resolveConfig(isolated())).rejects.toThrow(/has several clouds \(prod, lab\); choose one/);
  });
});

describe('configuration errors', () => {
  it('unknown cloud: names the file, its clouds and every path searched', async () => {
    const err = await resolveConfig(isolated({ cloud: 'nope' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    const message = (err as Error).message;
    expect(message).toContain(
      `Cloud "nope" not found: ${join(home, '.config', 'openstack', 'clouds.yaml')} has prod, lab`,
    );
    for (const p of [
      join(cwd, 'clouds.yaml'),
      join(home, '.config', 'openstack', 'clouds.yml'),
      join(etc, 'clouds.json'),
    ])
      expect(message).toContain(p);

    const empty = await resolveConfig({
      env: {},
      cloud: 'x',
      cwd: join(root, 'none'),
      homeDir: join(root, 'none'),
      systemConfigDirs: [],
    }).catch((e: unknown) => e);
    expect((empty as Error).message).toMatch(
      /Cloud "x" not found: no clouds\.yaml was found \(searched .*none\/clouds\.yaml/,
    );
  });

  it('invalid YAML: file, line and column', async () => {
    const dir = join(root, 'bad-yaml');
    await mkdir(dir);
    await writeFile(join(dir, 'clouds.yaml'), 'clouds:\n  a:\n    auth: {\n      username: x\n  b: [\n');
    const err = await resolveConfig({ env: {}, cwd: dir, homeDir: dir, systemConfigDirs: [], cloud: 'a' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toMatch(
      new RegExp(`^${join(dir, 'clouds.yaml')}: invalid YAML at line \\d+, column \\d+: `),
    );
  });

  it('wrong types: file and key path, without the value', async () => {
    const dir = join(root, 'bad-types');
    await mkdir(dir);
    await writeFile(join(dir, 'clouds.yaml'), 'clouds:\n  a:\n    auth:\n      password: [not, a, string]\n');
    await writeFile(join(dir, 'secure.yaml'), 'clouds:\n  b:\n    connect_retries: many\n    auth: {password: p}\n');
    const base = { env: {}, cwd: dir, homeDir: dir, systemConfigDirs: [] };
    await expect(resolveConfig({ ...base, cloud: 'a' })).rejects.toThrow(
      `${join(dir, 'clouds.yaml')}: clouds.a.auth.password must be a string, got a list`,
    );
    await expect(resolveConfig({ ...base, cloud: 'b' })).rejects.toThrow(
      `${join(dir, 'clouds.yaml')} + ${join(dir, 'secure.yaml')}: clouds.b.connect_retries must be a whole number`,
    );
    await expect(resolveConfig({ env: { OS_INSECURE: 'maybe', OS_AUTH_URL: 'http://k' } })).rejects.toThrow(
      'environment variable OS_INSECURE must be true or false, got a string',
    );
    await expect(resolveConfig({ env: { OS_AUTH_TYPE: 'v2password', OS_AUTH_URL: 'http://k' } })).rejects.toThrow(
      /Keystone v2 is not supported/,
    );
  });

  it('a missing PEM file names the key and the path', async () => {
    await expect(
      resolveConfig(isolated({ auth: { token: 't', endpoint: 'http://c' }, cacert: join(root, 'nope.pem') })),
    ).rejects.toThrow(/cannot read cacert file .*nope\.pem: ENOENT/);
  });
});

describe('redaction', () => {
  it('resolved config prints no secret through JSON.stringify, inspect or templates', async () => {
    const config = await resolveConfig(isolated({ cloud: 'prod', tls: { key: '-----BEGIN PRIVATE KEY-----XYZ' } }));
    const lab = await resolveConfig(isolated({ cloud: 'lab', auth: { token: 'tok-secret-1' } }));
    const shown = [
      JSON.stringify(config),
      inspect(config, { depth: 10 }),
      `${String(config.auth.password)}`,
      JSON.stringify(lab),
      inspect(lab, { depth: 10 }),
    ].join(' ');
    for (const secret of ['file-secret-password', 'lab-app-secret', 'PRIVATE KEY', 'tok-secret-1'])
      expect(shown).not.toContain(secret);
    expect(JSON.stringify(config.auth)).toContain('"password":"***"');
  });
});
