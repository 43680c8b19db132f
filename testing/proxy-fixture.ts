/**
 * What every generated test file uses: recording servers on 127.0.0.1, a proxy connected to each
 * through the real runtime (createConnection with a static noauth-style token), and an assertion
 * helper that checks the exact requests plus the headers every request must carry.
 *
 * One server per advertised maximum microversion, made on first use: `await fixture.at()` is the
 * default (the service's maximum, capped at Cinder 21's 3.70), `await fixture.at('3.54')` a server
 * that stops at 3.54 (v3 routes and fields that depend on the version).
 */
import { afterAll, beforeEach, expect } from 'vitest';
import { createConnection } from '../runtime/connect.js';
import { compareMicroversions, parseMicroversion } from '../runtime/microversion.js';
import type { ProxyClass } from '../runtime/service.js';
import { RecordingServer, TEST_TOKEN, type RecordedRequest } from './recording-server.js';

export interface ExpectedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  /** Extra headers to check; `null` means the header must be absent. */
  readonly headers?: Readonly<Record<string, string | null>>;
  readonly body: unknown;
}

export interface Station<P> {
  readonly server: RecordingServer;
  readonly proxy: P;
  /** Asserts the requests sent since the last call, in order, then forgets them. */
  expectRequests(expected: readonly ExpectedRequest[]): RecordedRequest[];
}

export interface ProxyFixture<P> {
  /** The station whose server advertises `maxVersion` (default: the service's, at most 3.70). */
  at(maxVersion?: string): Promise<Station<P>>;
}

/** Cinder 21 (the live tests' server) stops at 3.70. */
const DEFAULT_SERVER_MAX = '3.70';

export function proxyFixture<P>(Proxy: ProxyClass<P>): ProxyFixture<P> {
  const microversion = Proxy.service.microversion;
  const stations = new Map<string, Promise<Station<P> & { close(): Promise<void> }>>();

  const open = async (max: string): Promise<Station<P> & { close(): Promise<void> }> => {
    const server = await RecordingServer.start();
    // What Cinder answers at its root: a v3.0 entry with the microversion range.
    server.versions = { versions: [{ id: 'v3.0', status: 'CURRENT', version: max, min_version: '3.0', links: [] }] };
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
    const proxy = connection.service;
    return {
      server,
      proxy,
      expectRequests: (expected) => check(server, expected),
      close: async () => {
        await connection.close();
        await server.close();
      },
    };
  };

  const check = (server: RecordingServer, expected: readonly ExpectedRequest[]): RecordedRequest[] => {
    const actual = server.take();
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
      if (microversion) {
        expect(h['openstack-api-version'], 'OpenStack-API-Version').toMatch(
          new RegExp(`^${microversion.headerService} \\d+\\.\\d+$`),
        );
      } else {
        expect(h['openstack-api-version'], 'no microversion header on a version without microversions').toBeUndefined();
      }
      for (const [name, value] of Object.entries(expected[i]?.headers ?? {})) {
        expect(h[name.toLowerCase()], name).toBe(value === null ? undefined : value);
      }
    });
    expect(server.pending, 'every queued response was used').toBe(0);
    return actual;
  };

  beforeEach(async () => {
    for (const station of stations.values()) (await station).server.reset();
  });

  afterAll(async () => {
    for (const station of stations.values()) await (await station).close();
  });

  return {
    at(maxVersion?: string): Promise<Station<P>> {
      const max =
        maxVersion ??
        (microversion &&
        compareMicroversions(parseMicroversion(microversion.max), parseMicroversion(DEFAULT_SERVER_MAX)) < 0
          ? microversion.max
          : DEFAULT_SERVER_MAX);
      let station = stations.get(max);
      if (!station) {
        station = open(max);
        stations.set(max, station);
      }
      return station;
    },
  };
}
