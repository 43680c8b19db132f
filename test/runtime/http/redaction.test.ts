/**
 * No secret in any log line, error message or serialised error: tokens, passwords, application
 * credential secrets and transfer auth keys, even when the server echoes them back.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../runtime/http/http-client.js';
import { NodeTransport } from '../../../runtime/http/node-transport.js';
import {
  collectSecrets,
  redact,
  redactHeaders,
  redactJsonText,
  redactUrl,
  scrubSecrets,
} from '../../../runtime/http/redact.js';
import { type TestServer, json, startServer } from './helpers.js';

const TOKEN = 'gAAAAABtoken-0123456789-secret';
const SUBJECT_TOKEN = 'gAAAAABsubject-9876543210-secret';
const PASSWORD = 'Sup3r-Secret-Pw!';
const APP_SECRET = 'app-cred-secret-value-42';
const AUTH_KEY = 'a1b2c3d4e5f6transferkey';
const SECRETS = [TOKEN, SUBJECT_TOKEN, PASSWORD, APP_SECRET, AUTH_KEY];

let server: TestServer;
beforeAll(async () => {
  let transferAttempts = 0;
  server = await startServer((req, res, seen) => {
    switch (req.url) {
      case '/v3/auth/tokens':
        // keystone-like: a 401 that echoes the request body (a worst case).
        json(res, 401, { error: { message: `Invalid credentials in ${seen.body}`, code: 401, title: 'Unauthorized' } });
        return;
      case '/v3/auth/tokens/validate':
        json(
          res,
          404,
          { error: { message: `Could not find token: ${TOKEN}`, code: 404 } },
          { 'x-subject-token': SUBJECT_TOKEN },
        );
        return;
      case '/os-volume-transfer/t1/accept':
        transferAttempts++;
        if (transferAttempts <= 2)
          json(res, 503, { computeFault: { message: `busy with key ${AUTH_KEY}` } }, { 'retry-after': '0' });
        else json(res, 400, { badRequest: { message: `Invalid auth key ${AUTH_KEY}` } });
        return;
      case '/os-volume-transfer':
        transferAttempts = 0;
        json(res, 202, { transfer: { id: 't1', auth_key: AUTH_KEY, name: 'x' } });
        return;
      default:
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`unexpected ${String(seen.headers['x-auth-token'])}`);
    }
  });
});
afterAll(() => server.close());

function checkClean(texts: readonly string[]): void {
  for (const text of texts) for (const secret of SECRETS) expect(text, `leaked ${secret}`).not.toContain(secret);
}

describe.each(['message-first', 'object-first'] as const)('redaction with a %s logger', (style) => {
  it('keeps every secret out of logs and errors', async () => {
    const lines: string[] = [];
    const write = (level: string) => (a: unknown, b?: unknown) =>
      lines.push(`${level} ${JSON.stringify(a)} ${JSON.stringify(b)}`);
    const logger = { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
    const client = new HttpClient({
      transport: new NodeTransport({ proxy: false }),
      logger,
      loggerOptions: { style },
      logBodies: true,
      retryBaseDelay: 1,
      // Proxy-style credentials in additional headers must be hidden too.
      additionalHeaders: { Authorization: `Bearer ${TOKEN}` },
    });
    const errors: unknown[] = [];
    const call = (path: string, body?: unknown, method: 'GET' | 'POST' = 'POST') =>
      client
        .request(
          {
            method,
            url: `${server.url}${path}`,
            headers: { 'X-Auth-Token': TOKEN },
            body: body === undefined ? undefined : JSON.stringify(body),
          },
          { serviceType: 'block-storage', idempotent: method === 'GET', retryNonIdempotent: true, template: path },
        )
        .catch((e: unknown) => errors.push(e));

    await call('/v3/auth/tokens', {
      auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: PASSWORD } } } },
    });
    await call('/v3/auth/tokens', {
      auth: {
        identity: { methods: ['application_credential'], application_credential: { id: 'ac1', secret: APP_SECRET } },
      },
    });
    await call('/v3/auth/tokens/validate', undefined, 'GET');
    await call('/os-volume-transfer/t1/accept', { accept: { auth_key: AUTH_KEY } });
    await call('/os-volume-transfer', { transfer: { volume_id: 'v1', name: 'x' } });
    await call('/other', undefined, 'GET');
    await client.close();

    expect(errors).toHaveLength(5);
    expect(lines.length).toBeGreaterThan(5);
    expect(
      lines.some((l) => l.startsWith('warn')),
      lines.join('\n'),
    ).toBe(true);
    // Bodies were logged (redacted), so the check below is meaningful.
    expect(lines.some((l) => l.includes('auth_key') && l.includes('***'))).toBe(true);
    checkClean(lines);
    checkClean(errors.map((e) => (e as Error).message));
    checkClean(errors.map((e) => JSON.stringify(e)));
    checkClean(errors.map((e) => String(e)));
    checkClean(errors.map((e) => inspect(e, { depth: 5 })));
  });
});

describe('redact utilities', () => {
  it('masks credential headers by name', () => {
    expect(
      redactHeaders({
        'X-Auth-Token': TOKEN,
        'x-subject-token': SUBJECT_TOKEN,
        Authorization: 'Basic abc',
        Accept: 'application/json',
      }),
    ).toEqual({ 'X-Auth-Token': '***', 'x-subject-token': '***', Authorization: '***', Accept: 'application/json' });
  });

  it('masks secret-named JSON keys at any depth', () => {
    const body = {
      auth: {
        identity: {
          password: { user: { name: 'admin', password: PASSWORD } },
          application_credential: { id: 'x', secret: APP_SECRET },
        },
      },
      accept: { auth_key: AUTH_KEY },
      connection_info: { data: { auth_password: 'chap-secret', auth_username: 'chap-user', target_iqn: 'iqn' } },
      token: { id: TOKEN, expires_at: 'later' },
      volume: { size: 1, name: 'keep me' },
    };
    const out = JSON.stringify(redact(body));
    checkClean([out]);
    expect(out).not.toContain('chap-secret');
    expect(out).toContain('keep me');
    expect(out).toContain('chap-user');
    expect(out).toContain('iqn');
  });

  it('redacts serialised bodies, JSON or not', () => {
    checkClean([redactJsonText(JSON.stringify({ accept: { auth_key: AUTH_KEY } }))]);
    checkClean([redactJsonText(`password=${PASSWORD}&user=a`)]);
    checkClean([redactJsonText(`{"password": "${PASSWORD}", broken`)]);
  });

  it('redacts secret query parameters and URL passwords', () => {
    expect(redactUrl('https://u:pw@h/x?auth_key=k&limit=1')).toBe('https://u:***@h/x?auth_key=***&limit=1');
    expect(redactUrl('https://h/volumes?limit=1')).toBe('https://h/volumes?limit=1');
  });

  it('collects the values sent and scrubs their echoes', () => {
    const secrets = collectSecrets(
      { 'X-Auth-Token': TOKEN, Authorization: `Basic ${btoa(`admin:${PASSWORD}`)}` },
      JSON.stringify({ a: { auth_key: AUTH_KEY } }),
    );
    expect(scrubSecrets(`token ${TOKEN}, password ${PASSWORD}, key ${AUTH_KEY}`, secrets)).toBe(
      'token ***, password ***, key ***',
    );
  });
});
