/**
 * Real HTTP servers on 127.0.0.1 (port 0) standing in for Keystone and Cinder. Tests talk to them
 * through the real HttpClient and node:http transport, so headers, status codes and bodies cross
 * an actual socket.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '../../../runtime/http/http-client.js';
import { NodeTransport } from '../../../runtime/http/node-transport.js';
import type { Operation, ServiceClient } from '../../../runtime/client.js';
import type { ServiceFamily, ServiceVersionDescriptor } from '../../../runtime/service.js';

export interface Recorded {
  readonly method: string;
  /** Path with query, as sent. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

type Handler = (req: Recorded, res: ServerResponse) => unknown;

export interface TestServer {
  readonly url: string;
  readonly requests: Recorded[];
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: Recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(rec);
      Promise.resolve(handler(rec, res)).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A real HttpClient without retries, so tests see each status once. */
export function testHttp(): HttpClient {
  return new HttpClient({ transport: new NodeTransport({ proxy: false }), connectRetries: 0, statusCodeRetries: 0 });
}

// ------------------------------------------------------------------------------------------------
// Keystone

export interface FakeUser {
  readonly id: string;
  readonly name: string;
  readonly domainId: string;
  readonly domainName: string;
  readonly password: string;
}

export interface FakeProject {
  readonly id: string;
  readonly name: string;
  readonly domainId: string;
  readonly domainName: string;
}

export interface FakeAppCred {
  readonly id: string;
  readonly name: string;
  readonly userId: string;
  readonly secret: string;
  readonly projectId: string;
}

export const USER: FakeUser = {
  id: 'u-1',
  name: 'alice',
  domainId: 'default',
  domainName: 'Default',
  password: 'hunter2-secret',
};
export const PROJECT: FakeProject = {
  id: '9c1b1e6b4f3a4d6e8f2a1b3c4d5e6f70',
  name: 'demo',
  domainId: 'default',
  domainName: 'Default',
};
export const APP_CRED: FakeAppCred = {
  id: 'ac-1',
  name: 'ci',
  userId: 'u-1',
  secret: 'app-cred-secret-xyz',
  projectId: PROJECT.id,
};

export interface FakeKeystone extends TestServer {
  /** Number of successful authentications. */
  readonly calls: () => number;
  /** Parsed request bodies of POST /v3/auth/tokens. */
  readonly bodies: unknown[];
  /** Tokens issued so far (`tok-1`, `tok-2`, …). */
  readonly issued: string[];
  /** Catalog returned with scoped tokens; replace it to change what the cloud offers. */
  catalog: unknown[];
  /** Lifetime of issued tokens in ms. */
  lifetime: number;
}

export async function startKeystone(): Promise<FakeKeystone> {
  const issued: string[] = [];
  const bodies: unknown[] = [];
  let calls = 0;
  const state = { catalog: [] as unknown[], lifetime: 3_600_000 };
  const server = await startServer((req, res) => {
    if (req.method !== 'POST' || req.path !== '/v3/auth/tokens') return json(res, 404, { error: { code: 404 } });
    const body = JSON.parse(req.body) as AuthBody;
    bodies.push(body);
    const who = authenticate(body, issued);
    if (!who) {
      return json(res, 401, {
        error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
      });
    }
    calls += 1;
    const token = `tok-${issued.length + 1}`;
    issued.push(token);
    const project = who.projectId
      ? { id: who.projectId, name: PROJECT.name, domain: { id: PROJECT.domainId, name: PROJECT.domainName } }
      : undefined;
    json(
      res,
      201,
      {
        token: {
          methods: body.auth.identity.methods,
          expires_at: new Date(Date.now() + state.lifetime).toISOString(),
          user: { id: USER.id, name: USER.name, domain: { id: USER.domainId, name: USER.domainName } },
          ...(project ? { project, catalog: state.catalog } : {}),
          ...(who.domain ? { domain: who.domain, catalog: state.catalog } : {}),
        },
      },
      { 'X-Subject-Token': token },
    );
  });
  return {
    ...server,
    calls: () => calls,
    bodies,
    issued,
    get catalog() {
      return state.catalog;
    },
    set catalog(value: unknown[]) {
      state.catalog = value;
    },
    get lifetime() {
      return state.lifetime;
    },
    set lifetime(value: number) {
      state.lifetime = value;
    },
  };
}

interface Ref {
  id?: string;
  name?: string;
  domain?: { id?: string; name?: string };
}

interface AuthBody {
  auth: {
    identity: {
      methods: string[];
      password?: { user: Ref & { password: string } };
      token?: { id: string };
      application_credential?: Ref & { secret: string; user?: Ref };
    };
    scope?: { project?: Ref; domain?: { id?: string; name?: string }; system?: unknown };
  };
}

function domainMatches(d: { id?: string; name?: string } | undefined, id: string, name: string): boolean {
  return d !== undefined && (d.id === id || d.name === name);
}

function userMatches(u: Ref): boolean {
  return u.id === USER.id || (u.name === USER.name && domainMatches(u.domain, USER.domainId, USER.domainName));
}

function authenticate(body: AuthBody, issued: readonly string[]): { projectId?: string; domain?: unknown } | undefined {
  const id = body.auth.identity;
  const method = id.methods[0];
  if (method === 'password') {
    if (!id.password || !userMatches(id.password.user) || id.password.user.password !== USER.password) return undefined;
  } else if (method === 'token') {
    if (!id.token || !issued.includes(id.token.id)) return undefined;
  } else if (method === 'application_credential') {
    const c = id.application_credential;
    if (!c || c.secret !== APP_CRED.secret) return undefined;
    if (c.id !== APP_CRED.id && !(c.name === APP_CRED.name && c.user && userMatches(c.user))) return undefined;
    if (body.auth.scope) return undefined;
    return { projectId: APP_CRED.projectId };
  } else return undefined;
  const scope = body.auth.scope;
  if (scope?.project) {
    const p = scope.project;
    if (
      p.id === PROJECT.id ||
      (p.name === PROJECT.name && domainMatches(p.domain, PROJECT.domainId, PROJECT.domainName))
    ) {
      return { projectId: PROJECT.id };
    }
    return undefined;
  }
  if (scope?.domain)
    return domainMatches(scope.domain, 'default', 'Default')
      ? { domain: { id: 'default', name: 'Default' } }
      : undefined;
  return {};
}

/** A catalog entry in Keystone v3 form, with `%(project_id)s` left for the client to fill. */
export function catalogEntry(
  type: string,
  url: string,
  options: { name?: string; interfaces?: string[]; region?: string } = {},
): unknown {
  return {
    type,
    name: options.name ?? type,
    id: `svc-${type}`,
    endpoints: (options.interfaces ?? ['public', 'internal', 'admin']).map((iface) => ({
      id: `ep-${type}-${iface}`,
      interface: iface,
      region: options.region ?? 'RegionOne',
      region_id: options.region ?? 'RegionOne',
      url,
    })),
  };
}

// ------------------------------------------------------------------------------------------------
// Cinder

export interface FakeCinderOptions {
  /** Microversion range in the version document; `null` for none (empty strings). */
  readonly range?: { min: string; max: string } | null;
  /** `fail` answers 500 to discovery requests. */
  readonly discovery?: 'ok' | 'fail';
  /** Decides whether a token is accepted (default: any non-empty token). */
  readonly accept?: (token: string | undefined) => boolean;
  /**
   * Which API versions the version document lists: `both` adds v2.0 (DEPRECATED, as Cinder before
   * Xena), `v2-only` lists only v2.0 (default: only v3).
   */
  readonly versions?: 'v3' | 'both' | 'v2-only';
}

export interface FakeCinder extends TestServer {
  accept: (token: string | undefined) => boolean;
  /** Requests other than discovery (GET / and GET /v3/). */
  readonly calls: () => Recorded[];
  /** Delays answers until this many API requests are waiting (401 storms), then answers all. */
  holdUntil: number;
}

export async function startCinder(options: FakeCinderOptions = {}): Promise<FakeCinder> {
  const range = options.range === undefined ? { min: '3.0', max: '3.70' } : options.range;
  const state = {
    accept: options.accept ?? ((token: string | undefined) => token !== undefined && token !== ''),
    holdUntil: 0,
  };
  let waiting: (() => void)[] = [];
  const flaky = new Set<string>();
  let base = '';
  const versionEntry = (): unknown => ({
    id: 'v3.0',
    status: 'CURRENT',
    version: range?.max ?? '',
    min_version: range?.min ?? '',
    updated: '2022-08-31T00:00:00Z',
    links: [
      { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
      { rel: 'self', href: `${base}/v3/` },
    ],
  });
  const server = await startServer(async (req, res) => {
    const token = req.headers['x-auth-token'] as string | undefined;
    if (req.method === 'GET' && req.path === '/') {
      if (options.discovery === 'fail') return json(res, 500, { computeFault: { code: 500, message: 'boom' } });
      const v2 = {
        id: 'v2.0',
        status: 'DEPRECATED',
        version: '',
        min_version: '',
        updated: '2017-02-25T12:00:00Z',
        links: [{ rel: 'self', href: `${base}/v2/` }],
      };
      const listed =
        options.versions === 'both' ? [v2, versionEntry()] : options.versions === 'v2-only' ? [v2] : [versionEntry()];
      return json(res, 300, { versions: listed }, { 'OpenStack-API-Version': 'volume 3.0' });
    }
    if (req.method === 'GET' && req.path === '/v3/') {
      if (options.discovery === 'fail') return json(res, 500, { computeFault: { code: 500, message: 'boom' } });
      if (!state.accept(token)) return json(res, 401, { error: { code: 401, title: 'Unauthorized' } });
      return json(res, 200, { version: versionEntry() });
    }
    if (state.holdUntil > 0) {
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length >= state.holdUntil) {
          const all = waiting;
          waiting = [];
          state.holdUntil = 0;
          for (const w of all) w();
        }
      });
    }
    if (!state.accept(token)) {
      return json(res, 401, {
        error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
      });
    }
    if (req.path.endsWith('/flaky') && !flaky.has(req.path)) {
      // Fails once per path: a transient 503 for the retry settings to absorb.
      flaky.add(req.path);
      return json(res, 503, { computeFault: { code: 503, message: 'try again' } });
    }
    if (req.path.endsWith('/empty')) {
      res.writeHead(202, { 'X-OpenStack-Request-Id': 'req-empty' });
      return res.end();
    }
    if (req.path.endsWith('/text')) {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return res.end('<html>proxy error page</html>');
    }
    json(
      res,
      200,
      {
        method: req.method,
        path: req.path,
        headers: req.headers,
        body: req.body === '' ? null : (JSON.parse(req.body) as unknown),
      },
      { 'X-OpenStack-Request-Id': `req-${req.method.toLowerCase()}-1` },
    );
  });
  base = server.url;
  const isDiscovery = (r: Recorded): boolean => r.method === 'GET' && (r.path === '/' || r.path === '/v3/');
  return {
    ...server,
    calls: () => server.requests.filter((r) => !isDiscovery(r)),
    get accept() {
      return state.accept;
    },
    set accept(fn) {
      state.accept = fn;
    },
    get holdUntil() {
      return state.holdUntil;
    },
    set holdUntil(n: number) {
      state.holdUntil = n;
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Dummy proxies (the generated ones do not exist yet)

export const GET_VOLUME: Operation = { id: 'Volume.get', method: 'GET', path: '/volumes/{volume_id}' };

export class DummyV3 {
  static readonly service: ServiceVersionDescriptor = {
    serviceType: 'block-storage',
    aliases: ['volumev3', 'volumev2', 'volume'],
    version: '3',
    endpointVersions: ['3'],
    microversion: { headerService: 'volume', min: '3.0', max: '3.71' },
  };
  readonly kind = 'v3' as const;
  constructor(readonly client: ServiceClient) {}
  getVolume(id: string): ReturnType<ServiceClient['send']> {
    return this.client.send({ operation: GET_VOLUME, pathParams: { volume_id: id } });
  }
}

export class DummyV2 {
  static readonly service: ServiceVersionDescriptor = {
    serviceType: 'block-storage',
    aliases: ['volumev2', 'volumev3', 'volume'],
    version: '2',
    endpointVersions: ['2', '3'],
  };
  readonly kind = 'v2' as const;
  constructor(readonly client: ServiceClient) {}
  getVolume(id: string): ReturnType<ServiceClient['send']> {
    return this.client.send({ operation: GET_VOLUME, pathParams: { volume_id: id } });
  }
}

export const BLOCK_STORAGE = {
  attribute: 'blockStorage',
  serviceType: 'block-storage',
  versions: [DummyV3, DummyV2],
} as const satisfies ServiceFamily;
