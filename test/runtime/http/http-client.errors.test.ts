/** Error mapping: status → class, Cinder/keystone fault bodies, HTML, empty bodies, request ids. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  PayloadTooLargeError,
  ServerError,
  TooManyRequestsError,
  UnauthorizedError,
} from '../../../runtime/errors.js';
import { MAX_DETAILS, faultInfo } from '../../../runtime/http/fault.js';
import { HttpClient } from '../../../runtime/http/http-client.js';
import { NodeTransport } from '../../../runtime/http/node-transport.js';
import { GET_CONTEXT, type TestServer, startServer } from './helpers.js';

interface Reply {
  status: number;
  type?: string;
  body: string;
  headers?: Record<string, string>;
}

const replies: Record<string, Reply> = {
  '/not-found': {
    status: 404,
    type: 'application/json',
    body: JSON.stringify({ itemNotFound: { message: 'Volume vol-1 could not be found.', code: 404 } }),
  },
  '/bad-request': {
    status: 400,
    type: 'application/json',
    body: JSON.stringify({ badRequest: { message: 'Invalid input received: size', code: 400 } }),
  },
  '/compute-fault': {
    status: 500,
    type: 'application/json',
    body: JSON.stringify({ computeFault: { message: 'The server has either erred', code: 500 } }),
  },
  '/over-limit': {
    status: 413,
    type: 'application/json',
    body: JSON.stringify({
      overLimit: {
        message: 'VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded',
        code: 413,
        retryAfter: '0',
      },
    }),
  },
  '/keystone': {
    status: 401,
    type: 'application/json',
    body: JSON.stringify({
      error: { message: 'The request you have made requires authentication.', code: 401, title: 'Unauthorized' },
    }),
  },
  '/forbidden': {
    status: 403,
    type: 'application/json',
    body: JSON.stringify({ forbidden: { message: "Policy doesn't allow volume:delete to be performed.", code: 403 } }),
  },
  '/conflict': {
    status: 409,
    type: 'application/json',
    body: JSON.stringify({ conflictingRequest: { message: 'Volume status must be available', code: 409 } }),
  },
  '/string': {
    status: 400,
    type: 'application/json',
    body: JSON.stringify(JSON.stringify({ badRequest: { message: 'nested message' } })),
  },
  '/faultstring': {
    status: 500,
    type: 'application/json',
    body: JSON.stringify({ fault: { faultstring: 'legacy fault' } }),
  },
  '/html': {
    status: 502,
    type: 'text/html',
    body: '<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>',
  },
  '/empty': { status: 403, body: '' },
  '/text': { status: 418, type: 'text/plain', body: 'short and stout' },
  '/huge': { status: 400, type: 'text/plain', body: 'x'.repeat(100_000) },
  '/compute-id': {
    status: 404,
    type: 'application/json',
    body: '{}',
    headers: { 'x-compute-request-id': 'req-compute' },
  },
  '/rate': { status: 429, type: 'application/json', body: '{}', headers: { 'retry-after': '7' } },
};

let server: TestServer;
let client: HttpClient;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const reply = replies[req.url ?? ''];
    if (!reply) {
      res.writeHead(500).end();
      return;
    }
    const headers: Record<string, string> = { 'x-openstack-request-id': `req-${req.url?.slice(1)}`, ...reply.headers };
    if (reply.type) headers['content-type'] = reply.type;
    res.writeHead(reply.status, headers).end(reply.body);
  });
  client = new HttpClient({ transport: new NodeTransport({ proxy: false }), statusCodeRetries: 0 });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

async function failure(path: string): Promise<HttpError> {
  const error = await client
    .request({ method: 'GET', url: `${server.url}${path}`, headers: {} }, GET_CONTEXT)
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

describe('HttpClient error mapping', () => {
  it.each([
    ['/not-found', NotFoundError, 'Volume vol-1 could not be found.'],
    ['/bad-request', BadRequestError, 'Invalid input received: size'],
    ['/compute-fault', ServerError, 'The server has either erred'],
    ['/over-limit', PayloadTooLargeError, 'VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded'],
    ['/keystone', UnauthorizedError, 'The request you have made requires authentication.'],
    ['/forbidden', ForbiddenError, "Policy doesn't allow volume:delete to be performed."],
    ['/conflict', ConflictError, 'Volume status must be available'],
    ['/string', BadRequestError, 'nested message'],
    ['/faultstring', ServerError, 'legacy fault'],
    ['/html', ServerError, '502 Bad Gateway: nginx'],
    ['/empty', ForbiddenError, 'Forbidden'],
    ['/text', HttpError, 'short and stout'],
  ] as const)('%s maps to its class, with details and request id', async (path, Cls, details) => {
    const error = await failure(path);
    expect(error).toBeInstanceOf(Cls);
    expect(error.details).toBe(details);
    expect(error.requestId).toBe(`req-${path.slice(1)}`);
    expect(error.method).toBe('GET');
    expect(error.url).toBe(`${server.url}${path}`);
    expect(error.source).toBe(error.status >= 500 ? 'Server' : 'Client');
    expect(error.message).toContain(details);
    expect(error.message).toContain(`(request req-${path.slice(1)})`);
  });

  it('truncates huge bodies', async () => {
    const error = await failure('/huge');
    expect(error.details!.length).toBeLessThanOrEqual(MAX_DETAILS);
    expect(error.message.length).toBeLessThan(MAX_DETAILS + 300);
  });

  it('takes the request id from x-compute-request-id when that is all there is', async () => {
    replies['/compute-id'].headers = { 'x-compute-request-id': 'req-compute', 'x-openstack-request-id': '' };
    const error = await failure('/compute-id');
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.requestId).toBe('req-compute');
  });

  it('fills retryAfter on 429 from the header and on 413 overLimit from the body', async () => {
    const rate = await failure('/rate');
    expect(rate).toBeInstanceOf(TooManyRequestsError);
    expect(rate.retryAfter).toBe(7);
    const over = await failure('/over-limit');
    expect(over.retryAfter).toBe(0);
  });

  it('serialises without the request body or headers', async () => {
    const error = await failure('/not-found');
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'NotFoundError',
      message: error.message,
      status: 404,
      method: 'GET',
      url: `${server.url}/not-found`,
      requestId: 'req-not-found',
      details: 'Volume vol-1 could not be found.',
    });
  });
});

describe('faultInfo', () => {
  it('names a Cinder fault whose message is empty instead of echoing the JSON', () => {
    const body = JSON.stringify({ badRequest: { code: 400, message: '' } });
    expect(faultInfo(400, 'application/json', body).details).toBe('badRequest (the server gave no message)');
  });

  it('joins several messages with a newline', () => {
    const body = JSON.stringify({ a: { message: 'one' }, b: { message: 'two' } });
    expect(faultInfo(400, 'application/json', body).details).toBe('one\ntwo');
  });
  it('falls back to the root object and then to the text', () => {
    expect(faultInfo(400, 'application/json', '{"message":"root"}').details).toBe('root');
    expect(faultInfo(400, 'application/json', '{"weird":1}').details).toBe('{"weird":1}');
    expect(faultInfo(400, 'application/json', '{broken').details).toBe('{broken');
  });
  it('reads a JSON string body', () => {
    expect(faultInfo(400, 'application/json', '"plain message"').details).toBe('plain message');
  });
  it('strips tags, scripts and entities and de-duplicates lines', () => {
    const html =
      '<html><head><style>p{}</style><title>Oops</title></head><body><h1>Oops</h1><p>a &amp; b&#33;</p><script>x()</script></body></html>';
    expect(faultInfo(500, 'text/html; charset=UTF-8', html).details).toBe('Oops: a & b!');
  });
  it('uses the reason phrase for an empty body', () => {
    expect(faultInfo(404, null, '  ').details).toBe('Not Found');
    expect(faultInfo(499, null, '', 'Custom Reason').details).toBe('Custom Reason');
    expect(faultInfo(499, null, '').details).toBeUndefined();
  });
});
