import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../runtime/auth/secret.js';
import { VersionDiscovery, parseVersionDocument, splitVersionedUrl } from '../../../runtime/discovery.js';
import { InvalidResponseError } from '../../../runtime/errors.js';
import type { LogFields, LogLevel, SdkLogger } from '../../../runtime/logging.js';
import { json, startCinder, startServer, testHttp, type FakeCinder, type TestServer } from './fakes.js';

function recordingLogger(): SdkLogger & { lines: { level: LogLevel; message: string; fields?: LogFields }[] } {
  const lines: { level: LogLevel; message: string; fields?: LogFields }[] = [];
  return { lines, enabled: () => true, log: (level, message, fields) => lines.push({ level, message, fields }) };
}

describe('splitVersionedUrl', () => {
  it('strips the version segment and what follows', () => {
    expect(splitVersionedUrl('http://h:8776/v3/abc')).toEqual({ root: 'http://h:8776/', major: 3 });
    expect(splitVersionedUrl('https://cloud/volume/v3/abc/')).toEqual({ root: 'https://cloud/volume/', major: 3 });
    expect(splitVersionedUrl('http://h:8776/v2.1')).toEqual({ root: 'http://h:8776/', major: 2 });
    expect(splitVersionedUrl('http://h:8776')).toEqual({ root: 'http://h:8776/', major: undefined });
  });
});

describe('parseVersionDocument', () => {
  it('reads versions, microversion ranges (empty strings = none) and links', () => {
    const versions = parseVersionDocument(
      {
        versions: [
          {
            id: 'v3.0',
            status: 'CURRENT',
            version: '3.70',
            min_version: '3.0',
            links: [{ rel: 'self', href: 'http://h/v3/' }],
          },
          { id: 'v2.0', status: 'deprecated', version: '', min_version: '', links: [] },
        ],
      },
      'GET http://h/',
    );
    expect(versions).toEqual([
      {
        id: 'v3.0',
        major: 3,
        minor: 0,
        status: 'CURRENT',
        microversions: { min: '3.0', max: '3.70' },
        links: [{ rel: 'self', href: 'http://h/v3/', type: undefined }],
      },
      { id: 'v2.0', major: 2, minor: 0, status: 'DEPRECATED', microversions: undefined, links: [] },
    ]);
    expect(
      parseVersionDocument({ version: { id: 'v3.0', version: '3.27', min_version: '3.0' } }, 'x')[0]?.microversions,
    ).toEqual({ min: '3.0', max: '3.27' });
    expect(parseVersionDocument({ versions: { values: [{ id: 'v3.14', status: 'stable' }] } }, 'x')[0]).toMatchObject({
      major: 3,
      minor: 14,
      status: 'STABLE',
    });
    expect(() => parseVersionDocument({ nothing: true }, 'GET http://h/')).toThrow(InvalidResponseError);
  });
});

describe('VersionDiscovery against a server', () => {
  let cinder: FakeCinder;
  let broken: FakeCinder;
  let rootless: TestServer;
  beforeAll(async () => {
    cinder = await startCinder({ range: { min: '3.0', max: '3.27' } });
    broken = await startCinder({ discovery: 'fail' });
    // A proxy that hides the service root but serves the versioned URL (with a token).
    rootless = await startServer((req, res) => {
      if (req.path === '/v3/' && req.headers['x-auth-token'] === 'tok') {
        return json(res, 200, { version: { id: 'v3.0', status: 'CURRENT', version: '3.50', min_version: '3.0' } });
      }
      json(res, 404, { itemNotFound: { code: 404, message: 'no' } });
    });
  });
  afterAll(async () => {
    await Promise.all([cinder.close(), broken.close(), rootless.close()]);
  });

  it('reads the 300 version document at the root and caches it per root', async () => {
    const discovery = new VersionDiscovery({ http: testHttp() });
    const found = await discovery.discover(`${cinder.url}/v3/p1`, { serviceType: 'block-storage' });
    expect(found).toMatchObject({
      url: `${cinder.url}/v3/p1`,
      major: 3,
      discovered: true,
      version: { id: 'v3.0', microversions: { min: '3.0', max: '3.27' } },
    });
    await discovery.discover(`${cinder.url}/v3/p2`, { serviceType: 'block-storage' });
    await Promise.all([1, 2, 3].map(() => discovery.discover(`${cinder.url}/v3/p3`, { serviceType: 'block-storage' })));
    expect(cinder.requests.filter((r) => r.path === '/')).toHaveLength(1);
  });

  it('completes an unversioned endpoint from the self link of the newest version', async () => {
    const found = await new VersionDiscovery({ http: testHttp() }).discover(`${cinder.url}/`, {
      serviceType: 'block-storage',
    });
    expect(found).toMatchObject({ url: `${cinder.url}/v3`, major: 3 });
  });

  it('falls back to the versioned URL with the token when the root is not reachable', async () => {
    const found = await new VersionDiscovery({ http: testHttp() }).discover(`${rootless.url}/v3/p1`, {
      serviceType: 'block-storage',
      token: new Secret('tok'),
    });
    expect(found.version?.microversions).toEqual({ min: '3.0', max: '3.50' });
  });

  it('tolerates a failing discovery: base version, no microversions, a warning, retried after the TTL', async () => {
    const logger = recordingLogger();
    let now = 0;
    const discovery = new VersionDiscovery({ http: testHttp(), logger, now: () => now, failureTtl: 1000 });
    const found = await discovery.discover(`${broken.url}/v3/p1`, {
      serviceType: 'block-storage',
      token: new Secret('secret-token-value'),
    });
    expect(found).toEqual({
      url: `${broken.url}/v3/p1`,
      major: 3,
      version: undefined,
      versions: [],
      discovered: false,
    });
    const warning = logger.lines.find((l) => l.level === 'warn');
    expect(warning?.message).toMatch(/version discovery failed/);
    expect(JSON.stringify(warning)).toContain('HTTP 500');
    expect(JSON.stringify(logger.lines)).not.toContain('secret-token-value');
    const attempts = (): number => broken.requests.length;
    const before = attempts();
    await discovery.discover(`${broken.url}/v3/p1`, { serviceType: 'block-storage' });
    expect(attempts()).toBe(before);
    now += 1001;
    await discovery.discover(`${broken.url}/v3/p1`, { serviceType: 'block-storage' });
    expect(attempts()).toBeGreaterThan(before);
  });
});
