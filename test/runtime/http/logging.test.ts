/** The logger adapter: console-style and pino-style loggers, levels, and a logger that throws. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../runtime/http/http-client.js';
import { NodeTransport } from '../../../runtime/http/node-transport.js';
import { adaptLogger, isObjectFirst } from '../../../runtime/logging.js';
import { type TestServer, json, startServer } from './helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer((_req, res, _seen, index) => {
    if (index === 0) json(res, 503, {}, { 'retry-after': '0' });
    else json(res, 200, {}, { 'x-openstack-request-id': 'req-42' });
  });
});
afterAll(() => server.close());

/** A pino look-alike: object first, `levels.values`, `isLevelEnabled`. */
function fakePino(level: 'debug' | 'info') {
  const calls: Array<[string, unknown, unknown]> = [];
  const values: Record<string, number> = { debug: 20, info: 30, warn: 40, error: 50 };
  const at = (name: string) => (obj: unknown, msg?: unknown) => calls.push([name, obj, msg]);
  return {
    calls,
    logger: {
      levels: { values },
      isLevelEnabled: (l: string) => (values[l] ?? 0) >= (values[level] ?? 0),
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
    },
  };
}

describe('adaptLogger', () => {
  it('detects pino and bunyan as object-first, console as message-first', () => {
    expect(isObjectFirst(fakePino('info').logger)).toBe(true);
    expect(isObjectFirst({ addStream: () => undefined, info: () => undefined })).toBe(true);
    expect(isObjectFirst(console)).toBe(false);
    expect(isObjectFirst({ levels: { error: 0, warn: 1 }, info: () => undefined })).toBe(false); // winston
  });

  it('logs a retry at warn and success at debug with method, URL, status, duration and request id', async () => {
    const pino = fakePino('debug');
    const client = new HttpClient({
      transport: new NodeTransport({ proxy: false }),
      logger: pino.logger,
      retryBaseDelay: 1,
    });
    await client.request(
      { method: 'GET', url: `${server.url}/volumes/v1`, headers: {} },
      { serviceType: 'block-storage', idempotent: true, operation: 'Volume.get' },
    );
    await client.close();
    expect(pino.calls.map((c) => c[0])).toEqual(['warn', 'debug']);
    const [, fields, message] = pino.calls[1];
    expect(message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/volumes\/v1 200 [\d.]+ms$/);
    expect(fields).toMatchObject({
      method: 'GET',
      status: 200,
      requestId: 'req-42',
      operation: 'Volume.get',
      serviceType: 'block-storage',
      attempt: 2,
    });
    expect(typeof (fields as { durationMs: unknown }).durationMs).toBe('number');
    expect(pino.calls[0][2]).toContain('retrying in');
  });

  it('skips debug work when the logger says debug is off', () => {
    const pino = fakePino('info');
    const log = adaptLogger(pino.logger);
    expect(log.enabled('debug')).toBe(false);
    expect(log.enabled('warn')).toBe(true);
  });

  it('calls message-first loggers with the message first, honours a minimum level, survives throws', () => {
    const calls: unknown[][] = [];
    const log = adaptLogger(
      {
        debug: (...a: unknown[]) => calls.push(['debug', ...a]),
        warn: (...a: unknown[]) => calls.push(['warn', ...a]),
        error: () => {
          throw new Error('broken');
        },
      },
      { level: 'warn' },
    );
    log.log('debug', 'hidden', {});
    log.log('info', 'no info method');
    log.log('warn', 'shown', { a: 1 });
    expect(() => log.log('error', 'throws')).not.toThrow();
    expect(calls).toEqual([['warn', 'shown', { a: 1 }]]);
    expect(log.enabled('debug')).toBe(false);
  });
});
