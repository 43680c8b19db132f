/** Pure helpers: Retry-After parsing, backoff bounds, NO_PROXY matching, User-Agent. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bypassesProxy, proxyFor, proxyFromEnv } from '../../../runtime/http/proxy.js';
import { backoffDelay, parseRetryAfter } from '../../../runtime/http/retry.js';
import { SDK_NAME, SDK_VERSION, buildUserAgent } from '../../../runtime/http/user-agent.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-27T10:00:00Z');
  it.each([
    ['120', 120],
    [' 3 ', 3],
    ['0', 0],
    ['Fri, 27 Nov 2026 10:00:30 GMT', 30],
    ['Fri, 27 Nov 2026 09:00:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
    [null, undefined],
  ] as const)('%j → %j', (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });
});

describe('backoffDelay', () => {
  it('draws from [0, min(cap, base·2^n)]', () => {
    expect(backoffDelay(0, 500, 30_000, () => 0.999)).toBe(499);
    expect(backoffDelay(3, 500, 30_000, () => 0.5)).toBe(2000);
    expect(backoffDelay(20, 500, 30_000, () => 0.999)).toBe(29_970);
    expect(backoffDelay(5, 500, 30_000, () => 0)).toBe(0);
  });
});

describe('NO_PROXY', () => {
  it.each([
    ['example.com', 443, 'example.com', true],
    ['api.example.com', 443, 'example.com', true],
    ['api.example.com', 443, '.example.com', true],
    ['api.example.com', 443, '*.example.com', true],
    ['notexample.com', 443, 'example.com', false],
    ['anything.org', 80, '*', true],
    ['cloud.local', 5000, 'cloud.local:5000', true],
    ['cloud.local', 8776, 'cloud.local:5000', false],
    ['10.1.2.3', 80, '10.0.0.0/8', true],
    ['11.1.2.3', 80, '10.0.0.0/8', false],
    ['192.168.1.5', 80, '192.168.1.5', true],
    ['[::1]', 80, '::1', true],
    ['[::1]', 80, '[::1]:80', true],
    ['[fd00::5]', 80, 'fd00::/8', true],
    ['localhost', 80, 'example.com', false],
    ['127.0.0.1', 80, 'example.com, other.org', false],
    ['127.0.0.1', 80, 'example.com, 127.0.0.1', true],
    ['EXAMPLE.COM.', 443, 'example.com', true],
  ] as const)('%s:%d with %j → %s', (host, port, list, expected) => {
    expect(bypassesProxy(host, port, list)).toBe(expected);
  });

  it('reads lower-case variables first and proxies loopback unless listed', () => {
    const config = proxyFromEnv({
      http_proxy: 'http://lower:1',
      HTTP_PROXY: 'http://upper:2',
      HTTPS_PROXY: 'proxy:3',
      NO_PROXY: 'skip.me',
    });
    expect(config).toEqual({ http: 'http://lower:1', https: 'proxy:3', noProxy: 'skip.me' });
    expect(proxyFor(new URL('https://127.0.0.1/'), config)?.href).toBe('http://proxy:3/');
    expect(proxyFor(new URL('http://skip.me/'), config)).toBeUndefined();
    expect(proxyFromEnv({ ALL_PROXY: 'http://all:9' }).https).toBe('http://all:9');
  });
});

describe('User-Agent', () => {
  it('matches package.json and puts the application first', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      name: string;
      version: string;
    };
    expect(SDK_NAME).toBe(pkg.name);
    expect(SDK_VERSION).toBe(pkg.version);
    expect(buildUserAgent({ appName: 'app', appVersion: '1' })).toMatch(
      /^app\/1 openstack-block-storage\/\S+ Node\.js\/\S+$/,
    );
  });
});
