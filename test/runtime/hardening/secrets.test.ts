/**
 * Secrets never reach an error or a log line, whatever form a server echoes them in: raw,
 * JSON-escaped (`\"`, `\\`, `\uXXXX`, and escaped again inside a JSON body), percent-encoded.
 * Values from response headers (the request id) lose the token and control characters.
 */
import * as net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../../generated/index.js';
import { AuthenticationError, HttpError, NotFoundError } from '../../../runtime/errors.js';
import { captureLogger, json, listen, startServer, type TestServer } from '../http/helpers.js';
import { CONNECT, FLAVOURS, ISOLATED, TOKEN, rejection, startCinder, type Cinder } from './harness.js';

/** A password with every character JSON, Python and URLs escape. */
const PASSWORD = 'pa"ss\\wörd/✓ 1%';

/** Python's json.dumps (ensure_ascii): non-ASCII as \uXXXX. */
const pythonJson = (value: string): string =>
  JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Every form of `secret` that must not show. */
function forms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [
    secret,
    json,
    JSON.stringify(json).slice(1, -1),
    pythonJson(secret).slice(1, -1),
    encodeURIComponent(secret),
    new URLSearchParams({ p: secret }).toString().slice(2),
  ];
}

function expectNoSecret(texts: readonly string[], secret: string): void {
  for (const text of texts) for (const form of forms(secret)) expect(text).not.toContain(form);
}

// eslint-disable-next-line no-control-regex -- control characters are what the test looks for
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('Keystone echoing the password in a 401 through connect()', () => {
  let keystone: TestServer;
  beforeAll(async () => {
    keystone = await startServer((_req, res, seen) => {
      // Everything a careless identity service might say about the request it refused.
      const message =
        `Could not authenticate ${seen.body} (python: ${pythonJson(PASSWORD)}, ` +
        `query: password=${encodeURIComponent(PASSWORD)}, form: ${new URLSearchParams({ p: PASSWORD }).toString()})`;
      json(res, 401, { error: { code: 401, title: 'Unauthorized', message } });
    });
  });
  afterAll(() => keystone.close());

  it('AuthenticationError and the log show none of the forms of a password with " \\ and non-ASCII', async () => {
    const log = captureLogger();
    const error = await rejection(
      connect({
        ...ISOLATED,
        logger: log.logger,
        logBodies: true,
        statusCodeRetries: 0,
        auth: {
          authUrl: `${keystone.url}/v3`,
          username: 'alice',
          password: PASSWORD,
          userDomainName: 'Default',
          projectName: 'demo',
          projectDomainName: 'Default',
        },
      }),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain('Could not authenticate');
    expect(log.lines.join('\n')).toContain('Could not authenticate');
    expectNoSecret([error.message, JSON.stringify(error), ...log.lines], PASSWORD);
  });
});

describe.each(FLAVOURS)('response headers through $name', (flavour) => {
  let cinder: Cinder;
  beforeAll(async () => {
    cinder = await startCinder();
  });
  afterAll(() => cinder.close());
  beforeEach(() => {
    cinder.requests.length = 0;
  });

  it('a token echoed in the request id header is not in the error or the log', async () => {
    cinder.handler = (_req, res, seen) =>
      json(
        res,
        404,
        { itemNotFound: { code: 404, message: 'Volume vol-1 could not be found.' } },
        { 'x-openstack-request-id': `req-${String(seen.headers['x-auth-token'])}` },
      );
    const log = captureLogger();
    const opened = await flavour.open(cinder, { connect: { logger: log.logger } });
    try {
      const error = await rejection(opened.bs.getVolume('vol-1'));
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as HttpError).requestId).toMatch(/^req-/);
      expectNoSecret([error.message, JSON.stringify(error), ...log.lines], TOKEN);
      if (flavour === CONNECT) expect(log.lines.some((line) => line.includes('req-'))).toBe(true);
    } finally {
      await opened.close();
    }
  });

  it('control characters in the request id header are not in the error or the log', async () => {
    cinder.handler = (_req, res) =>
      json(
        res,
        404,
        { itemNotFound: { code: 404, message: 'Volume vol-1 could not be found.' } },
        // C1 controls (CSI) pass every HTTP parser as obs-text, and some terminals obey them.
        { 'x-openstack-request-id': 'req-1\u009b2J\u0085x' },
      );
    const log = captureLogger();
    const opened = await flavour.open(cinder, { connect: { logger: log.logger } });
    try {
      const error = await rejection(opened.bs.getVolume('vol-1'));
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as HttpError).requestId).toMatch(/^req-1/);
      for (const text of [error.message, JSON.stringify(error), ...log.lines]) expect(text).not.toMatch(CONTROL);
    } finally {
      await opened.close();
    }
  });
});

describe.each(FLAVOURS)('a raw server writing ESC and BEL in a header through $name', (flavour) => {
  let server: net.Server;
  let endpoint = '';
  beforeAll(async () => {
    server = net.createServer((socket) => {
      socket.once('data', () => {
        const body = JSON.stringify({ itemNotFound: { code: 404, message: 'gone' } });
        socket.end(
          'HTTP/1.1 404 Not Found\r\n' +
            'x-openstack-request-id: req-2\u001b[2J\u0007\r\n' +
            'content-type: application/json\r\n' +
            `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
        );
      });
    });
    const port = await listen(server);
    endpoint = `http://127.0.0.1:${port}/v3/0123456789abcdef0123456789abcdef`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('whatever error the call ends with, no control character reaches it or the log', async () => {
    const log = captureLogger();
    const error = await rejection(
      (async () => {
        const opened = await flavour.open({ endpoint } as Cinder, {
          connect: { logger: log.logger, auth: { token: TOKEN, endpoint }, connectRetries: 0 },
          lite: { endpoint, connectRetries: 0 },
        });
        try {
          await opened.bs.getVolume('vol-1');
        } finally {
          await opened.close();
        }
      })(),
    );
    for (const text of [error.message, JSON.stringify(error), ...log.lines]) expect(text).not.toMatch(CONTROL);
  });
});
