/**
 * The pipeline's order and `use()`: where your own policies run, what they see, and a clear error
 * for a position that does not exist.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../../generated/index.js';
import { getVolume } from '../../../generated/block-storage/v2/index.js';
import { HttpClient } from '../../../runtime/http/http-client.js';
import { InvalidArgumentError, ServerError, type HttpResponse, type Policy } from '../../../runtime/index.js';
import { createClient } from '../../../runtime/lite.js';
import { RecordingServer, TEST_TOKEN } from '../../../testing/recording-server.js';

const VOLUME = { volume: { id: 'vol-1', name: 'data' } };
const FAST = { retryBaseDelay: 1, retryMaxDelay: 2 };

let server: RecordingServer;
beforeAll(async () => {
  server = await RecordingServer.start();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('the request pipeline', () => {
  it('runs the steps of presets.ts in their documented order', async () => {
    // Names are what use({ before/after }) refers to; docs/guide.md lists them too.
    const connection = await connect({
      env: {},
      cwd: '/nonexistent',
      homeDir: '/nonexistent',
      systemConfigDirs: [],
      version: '3',
      authType: 'admin_token',
      auth: { token: TEST_TOKEN, endpoint: server.endpoint },
    });
    await connection.close();
    expect(connection.session('blockStorage').pipeline.names).toEqual([
      'endpoint',
      'microversion',
      'route',
      'headers',
      'auth',
      'logging',
      'errors',
      'retry',
      'redirect',
      'limits',
      'metrics',
      'transport',
    ]);
    expect(createClient({ endpoint: server.endpoint }).pipeline.names).toEqual([
      'endpoint',
      'microversion',
      'route',
      'headers',
      'auth',
      'errors',
      'retry',
      'transport',
    ]);
    expect(new HttpClient().pipeline.names).toEqual([
      'headers',
      'logging',
      'errors',
      'retry',
      'redirect',
      'limits',
      'metrics',
      'transport',
    ]);
  });

  it('adds a header to every request with a call-phase interceptor', async () => {
    server.reply({ status: 200, body: VOLUME });
    const client = createClient({ endpoint: server.endpoint, token: TEST_TOKEN }).use((request, next) =>
      next({ ...request, headers: { ...request.headers, 'x-tenant-hint': 'blue' } }),
    );
    await getVolume(client, 'vol-1');
    expect(server.take()[0]?.headers['x-tenant-hint']).toBe('blue');
  });

  it('calls a call-phase policy once per call, with the final typed error; an attempt-phase one per attempt', async () => {
    server.reply({ status: 503 }, { status: 503 });
    const calls: string[] = [];
    const attempts: number[] = [];
    const timing: Policy = {
      name: 'timing',
      async sendRequest(request, next) {
        try {
          return await next(request);
        } catch (error) {
          calls.push((error as Error).name);
          throw error;
        }
      },
    };
    const statuses: Policy = {
      name: 'statuses',
      async sendRequest(request, next): Promise<HttpResponse> {
        const response = await next(request);
        attempts.push(response.status);
        return response;
      },
    };
    const client = createClient({ endpoint: server.endpoint, statusCodeRetries: 1, ...FAST })
      .use(timing)
      .use(statuses, { phase: 'attempt' });
    await expect(getVolume(client, 'vol-1')).rejects.toBeInstanceOf(ServerError);
    expect(calls).toEqual(['ServerError']);
    expect(attempts).toEqual([503, 503]);
  });

  it('can answer without calling the rest (a cache)', async () => {
    const client = createClient({ endpoint: server.endpoint }).use({
      name: 'cache',
      sendRequest: () =>
        Promise.resolve({ status: 200, headers: new Headers(), body: JSON.stringify(VOLUME), url: '' }),
    });
    expect((await getVolume(client, 'vol-1')).name).toBe('data');
    expect(server.take()).toHaveLength(0);
  });

  it('places a policy before or after a named step, and refuses a name that is not there', () => {
    const http = new HttpClient();
    const noop: Policy = { name: 'mine', sendRequest: (r, next) => next(r) };
    http.use(noop, { after: 'retry' }).use({ ...noop, name: 'first' }, { before: 'headers' });
    expect(http.pipeline.names.slice(0, 6)).toEqual(['first', 'headers', 'logging', 'errors', 'retry', 'mine']);
    expect(() => http.use(noop, { after: 'retries' })).toThrow(InvalidArgumentError);
    expect(() => http.use(noop, { after: 'retries' })).toThrow(/no policy named "retries" \(there are: first, headers/);
  });

  it('runs the guide’s example: a header on every request, and the timing of each call', async () => {
    server.reply({ status: 200, body: VOLUME });
    const lines: string[] = [];
    const log = (line: string): number => lines.push(line);
    // docs/guide.md, "Your own policies: use()", with console.log → log.
    const timings: Policy = {
      name: 'timings',
      async sendRequest(request, next) {
        const started = performance.now();
        try {
          return await next(request);
        } finally {
          const ms = (performance.now() - started).toFixed(1);
          log(`${request.context.operation ?? request.method} took ${ms} ms in ${request.state.attempt} attempt(s)`);
        }
      },
    };
    const client = createClient({ endpoint: server.endpoint, token: TEST_TOKEN })
      .use((request, next) => next({ ...request, headers: { ...request.headers, 'x-team': 'storage' } }))
      .use(timings);
    await getVolume(client, 'vol-1');
    expect(server.take()[0]?.headers['x-team']).toBe('storage');
    expect(lines).toEqual([expect.stringMatching(/^Volume\.get took [\d.]+ ms in 1 attempt\(s\)$/)]);
  });
});
