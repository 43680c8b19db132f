/**
 * The token cache against the fake cloud's Keystone on a loopback port: real password
 * authentications, tokens with the lifetime the fake is started with, and its request log to count
 * authentications.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCloud, type FakeCloud } from '../../../fake/index.js';
import { TokenCache } from '../../../runtime/auth/token-cache.js';
import { createAuthPlugin, normalizeAuth } from '../../../runtime/config/auth.js';
import { AbortError, AuthenticationError } from '../../../runtime/errors.js';
import { testHttp } from '../session/fakes.js';

let keystone: FakeCloud;
/** The same cloud with tokens living 100 s. */
let shortLived: FakeCloud;
const http = testHttp();

beforeAll(async () => {
  [keystone, shortLived] = await Promise.all([startFakeCloud(), startFakeCloud({ tokenTtl: 100_000 })]);
});
afterAll(async () => {
  await Promise.all([keystone.close(), shortLived.close()]);
});

/** Password authentications Keystone granted, and every authentication asked for. */
const granted = (cloud: FakeCloud = keystone): number =>
  cloud.requests.filter((r) => r.operation === 'Identity.authenticate' && r.status === 201).length;
const asked = (cloud: FakeCloud = keystone): number =>
  cloud.requests.filter((r) => r.operation === 'Identity.authenticate').length;

function cache(
  options: { now?: () => number; refreshMargin?: number; password?: string; cloud?: FakeCloud } = {},
): TokenCache {
  const cloud = options.cloud ?? keystone;
  const plugin = createAuthPlugin(
    'password',
    normalizeAuth({
      authUrl: cloud.authUrl,
      username: cloud.username,
      userDomainName: 'Default',
      password: options.password ?? cloud.password,
      projectId: cloud.projectId,
    }),
  );
  return new TokenCache({ plugin, http, now: options.now, refreshMargin: options.refreshMargin });
}

describe('TokenCache', () => {
  it('reuses the token and shares one in-flight authentication between concurrent callers', async () => {
    const tokens = cache();
    const before = granted();
    const states = await Promise.all(Array.from({ length: 10 }, () => tokens.get()));
    expect(granted() - before).toBe(1);
    expect(new Set(states).size).toBe(1);
    expect(await tokens.get()).toBe(states[0]);
    expect(granted() - before).toBe(1);
  });

  it('authenticates again shortly before expires_at (configurable margin)', async () => {
    // The fake's clock started at the real time; its tokens live an hour.
    let now = keystone.clock.now();
    const tokens = cache({ now: () => now, refreshMargin: 60_000 });
    const first = await tokens.get();
    now += 3_600_000 - 61_000; // 61 s left: still good
    expect(await tokens.get()).toBe(first);
    now += 2_000; // 59 s left: inside the margin
    const second = await tokens.get();
    expect(second).not.toBe(first);
    expect(second.token?.reveal()).not.toBe(first.token?.reveal());
    expect(tokens.authentications).toBe(2);
  });

  it('with the default 120 s margin, a token living 100 s is reused for half its life, then renewed', async () => {
    const start = shortLived.clock.now();
    let now = start;
    const tokens = cache({ now: () => now, cloud: shortLived });
    const first = await tokens.get();
    now = start + 49_000;
    expect(await tokens.get()).toBe(first);
    now = start + 51_000;
    expect(await tokens.get()).not.toBe(first);
    expect(granted(shortLived)).toBe(2);
  });

  it('invalidate() drops only the token it names', async () => {
    const tokens = cache();
    const first = await tokens.get();
    expect(tokens.invalidate(first)).toBe(true);
    const second = await tokens.get();
    expect(second).not.toBe(first);
    expect(tokens.invalidate(first)).toBe(true); // stale: no effect
    expect(await tokens.get()).toBe(second);
  });

  it('does not cache a failure, and one caller aborting does not fail the others', async () => {
    const bad = cache({ password: 'nope-nope' });
    await expect(bad.get()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(bad.get()).rejects.toBeInstanceOf(AuthenticationError);

    const tokens = cache();
    const controller = new AbortController();
    const aborted = tokens.get(controller.signal);
    const other = tokens.get();
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    await expect(other).resolves.toMatchObject({ projectId: keystone.projectId });

    // An already-aborted caller does not even start an authentication.
    const gone = new AbortController();
    gone.abort();
    const before = asked();
    await expect(bad.get(gone.signal)).rejects.toBeInstanceOf(AbortError);
    expect(asked()).toBe(before);
  });
});
