/**
 * Tokens that live less than the refresh margin (120 s by default), by their own lifetime or
 * because this machine's clock is ahead of Keystone's, are renewed partway through their life
 * with one warning, instead of once per call. A Keystone-like server on 127.0.0.1 counts the
 * token requests.
 */
import type * as http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../../generated/index.js';
import { captureLogger, json, startServer, type TestServer } from '../http/helpers.js';
import { ISOLATED, PROJECT, startCinder, type Cinder } from './harness.js';

/** What the Keystone-like server says about the tokens it issues. */
interface Issue {
  /** Lifetime in ms. */
  lifetime: number;
  /** How far Keystone's clock is behind this machine's, in ms. */
  behind: number;
  /** Whether the token carries issued_at. */
  issuedAt: boolean;
}

let keystone: TestServer;
let cinder: Cinder;
let tokens = 0;
const issue: Issue = { lifetime: 60_000, behind: 0, issuedAt: true };

function answerAuth(res: http.ServerResponse): void {
  tokens += 1;
  const now = Date.now() - issue.behind;
  json(
    res,
    201,
    {
      token: {
        methods: ['password'],
        expires_at: new Date(now + issue.lifetime).toISOString(),
        ...(issue.issuedAt ? { issued_at: new Date(now).toISOString() } : {}),
        user: { id: 'u-1', name: 'alice', domain: { id: 'default', name: 'Default' } },
        project: { id: PROJECT, name: 'demo', domain: { id: 'default', name: 'Default' } },
        catalog: [
          {
            type: 'block-storage',
            name: 'cinder',
            id: 'svc-1',
            endpoints: [
              { id: 'ep-1', interface: 'public', region: 'RegionOne', region_id: 'RegionOne', url: cinder.endpoint },
            ],
          },
        ],
      },
    },
    { 'x-subject-token': `tok-${tokens}` },
  );
}

beforeAll(async () => {
  cinder = await startCinder();
  cinder.handler = (_req, res) => json(res, 200, { volume: { id: 'vol-1', status: 'available' } });
  keystone = await startServer((_req, res, seen) => {
    if (seen.method === 'POST' && seen.url === '/v3/auth/tokens') return answerAuth(res);
    json(res, 404, { error: { code: 404 } });
  });
});
afterAll(async () => {
  await Promise.all([keystone.close(), cinder.close()]);
});
beforeEach(() => {
  tokens = 0;
});

async function twentyCalls(): Promise<{ tokens: number; warnings: string[] }> {
  const log = captureLogger();
  const conn = await connect({
    ...ISOLATED,
    version: '3',
    logger: log.logger,
    auth: {
      authUrl: `${keystone.url}/v3`,
      username: 'alice',
      password: 'hunter2-secret',
      userDomainName: 'Default',
      projectName: 'demo',
      projectDomainName: 'Default',
    },
  });
  try {
    for (let i = 0; i < 20; i++) await conn.blockStorage.getVolume('vol-1');
  } finally {
    await conn.close();
  }
  return { tokens, warnings: log.lines.filter((line) => line.startsWith('warn')) };
}

describe('token renewal through connect()', () => {
  it('20 calls with tokens living 60 s (margin 120 s) authenticate once, with one warning', async () => {
    Object.assign(issue, { lifetime: 60_000, behind: 0, issuedAt: true });
    const { tokens: count, warnings } = await twentyCalls();
    expect(count).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/refresh margin/);
  });

  it("20 calls with Keystone's clock 2 hours behind (1-hour tokens) authenticate once, with one warning", async () => {
    Object.assign(issue, { lifetime: 3_600_000, behind: 7_200_000, issuedAt: true });
    const { tokens: count, warnings } = await twentyCalls();
    expect(count).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/clock/);
  });

  it('20 calls with 60 s tokens without issued_at authenticate once, with one warning', async () => {
    Object.assign(issue, { lifetime: 60_000, behind: 0, issuedAt: false });
    const { tokens: count, warnings } = await twentyCalls();
    expect(count).toBe(1);
    expect(warnings).toHaveLength(1);
  });

  it('20 calls with 1-hour tokens authenticate once, without warning', async () => {
    Object.assign(issue, { lifetime: 3_600_000, behind: 0, issuedAt: true });
    const { tokens: count, warnings } = await twentyCalls();
    expect(count).toBe(1);
    expect(warnings).toEqual([]);
  });
});
