import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenCache } from '../../../runtime/auth/token-cache.js';
import { createAuthPlugin, normalizeAuth } from '../../../runtime/config/auth.js';
import { AbortError, AuthenticationError } from '../../../runtime/errors.js';
import { PROJECT, USER, startKeystone, testHttp, type FakeKeystone } from '../session/fakes.js';

let keystone: FakeKeystone;
const http = testHttp();

beforeAll(async () => {
  keystone = await startKeystone();
});
afterAll(async () => {
  await keystone.close();
});

function cache(options: { now?: () => number; refreshMargin?: number; password?: string } = {}): TokenCache {
  const plugin = createAuthPlugin(
    'password',
    normalizeAuth({
      authUrl: keystone.url,
      userId: USER.id,
      password: options.password ?? USER.password,
      projectId: PROJECT.id,
    }),
  );
  return new TokenCache({ plugin, http, now: options.now, refreshMargin: options.refreshMargin });
}

describe('TokenCache', () => {
  it('reuses the token and shares one in-flight authentication between concurrent callers', async () => {
    const tokens = cache();
    const before = keystone.calls();
    const states = await Promise.all(Array.from({ length: 10 }, () => tokens.get()));
    expect(keystone.calls() - before).toBe(1);
    expect(new Set(states).size).toBe(1);
    expect(await tokens.get()).toBe(states[0]);
    expect(keystone.calls() - before).toBe(1);
  });

  it('authenticates again shortly before expires_at (configurable margin)', async () => {
    keystone.lifetime = 3_600_000;
    let now = Date.now();
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
    keystone.lifetime = 100_000;
    try {
      const start = Date.now();
      let now = start;
      const tokens = cache({ now: () => now });
      const first = await tokens.get();
      now = start + 49_000;
      expect(await tokens.get()).toBe(first);
      now = start + 51_000;
      expect(await tokens.get()).not.toBe(first);
    } finally {
      keystone.lifetime = 3_600_000;
    }
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
    await expect(other).resolves.toMatchObject({ projectId: PROJECT.id });

    // An already-aborted caller does not even start an authentication.
    const gone = new AbortController();
    gone.abort();
    const before = keystone.bodies.length;
    await expect(bad.get(gone.signal)).rejects.toBeInstanceOf(AbortError);
    expect(keystone.bodies.length).toBe(before);
  });
});
