/**
 * What every generated test file uses: one recording server per file, a proxy connected to it
 * through the real runtime (createConnection with a static noauth-style token), and an assertion
 * helper that checks the exact requests plus the headers every request must carry.
 */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { createConnection } from '../../runtime/connect.js';
import type { ProxyClass } from '../../runtime/service.js';
import { RecordingServer, TEST_TOKEN, type RecordedRequest } from './recording-server.js';

export interface ExpectedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  /** Extra headers to check; `null` means the header must be absent. */
  readonly headers?: Readonly<Record<string, string | null>>;
  readonly body: unknown;
}

export interface ProxyFixture<P> {
  readonly server: RecordingServer;
  readonly proxy: P;
  /** Asserts the requests sent since the last call, in order, then forgets them. */
  expectRequests(expected: readonly ExpectedRequest[]): RecordedRequest[];
}

export function proxyFixture<P>(Proxy: ProxyClass<P>): ProxyFixture<P> {
  let server: RecordingServer | undefined;
  let proxy: P | undefined;
  let close: (() => Promise<void>) | undefined;
  const microversion = Proxy.service.microversion;

  beforeAll(async () => {
    server = await RecordingServer.start();
    const family = { attribute: 'service', serviceType: Proxy.service.serviceType, versions: [Proxy] } as const;
    const connection = await createConnection(
      {
        authType: 'admin_token',
        auth: { token: TEST_TOKEN, endpoint: server.endpoint },
        version: Proxy.service.version,
        env: false,
        cwd: '/nonexistent',
        homeDir: '/nonexistent',
        systemConfigDirs: [],
        // Tests assert single requests: no retry may hide or repeat one.
        statusCodeRetries: 0,
        connectRetries: 0,
      },
      [family],
    );
    proxy = connection.service as P;
    close = () => connection.close();
  });

  beforeEach(() => {
    server?.reset();
  });

  afterAll(async () => {
    await close?.();
    await server?.close();
  });

  return {
    get server(): RecordingServer {
      if (!server) throw new Error('proxyFixture: used outside a test');
      return server;
    },
    get proxy(): P {
      if (!proxy) throw new Error('proxyFixture: used outside a test');
      return proxy;
    },
    expectRequests(expected: readonly ExpectedRequest[]): RecordedRequest[] {
      const actual = server!.take();
      expect(
        actual.map((r) => ({ method: r.method, path: r.path, query: r.query, body: r.body })),
        'requests sent (method, path, query, body)',
      ).toEqual(expected.map((e) => ({ method: e.method, path: e.path, query: e.query, body: e.body })));
      actual.forEach((request, i) => {
        const h = request.headers;
        expect(h['x-auth-token'], 'X-Auth-Token').toBe(TEST_TOKEN);
        expect(h['accept'], 'Accept').toBe('application/json');
        expect(h['content-type'], 'Content-Type').toBe(request.rawBody === '' ? undefined : 'application/json');
        expect(h['user-agent'] ?? '', 'User-Agent').toMatch(/openstack-block-storage\//);
        if (!microversion) expect(h['openstack-api-version'], 'no microversion header on a version without microversions').toBeUndefined();
        for (const [name, value] of Object.entries(expected[i]?.headers ?? {})) {
          expect(h[name.toLowerCase()], name).toBe(value === null ? undefined : value);
        }
      });
      expect(server!.pending, 'every queued response was used').toBe(0);
      return actual;
    },
  };
}
