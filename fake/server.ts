/**
 * `startFakeCloud()`: a stateful fake Keystone v3 and Cinder v3 (and v2 where asked) on a loopback
 * port, answering from the prebuilt model of the spec (fake/model.ts). Keystone lives under
 * `/identity`, Cinder at the root (`/`, `/v3/`, `/v3/<project>/…`), as in a devstack.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Transport } from '../runtime/http/types.js';
import type { BlockStorageV2, BlockStorageV3, CloudConnection, ConnectOptions } from '../generated/index.js';
import { fault, FakeCinder, type CallerContext, type CinderAnswer, type CinderRequest } from './cinder.js';
import { FakeClock } from './clock.js';
import { FakeCors, type FakeCorsOptions } from './cors.js';
import { FakeFaults } from './faults.js';
import { IN_PROCESS_ORIGIN, InProcessTransport, type WireAnswer, type WireRequest } from './in-process.js';
import { FakeKeystone, type FakeProject, type FakeUser } from './keystone.js';
import { loadModel } from './load.js';
import type { FakeModel } from './model.js';
import { FakeState } from './state.js';
import { compareVersions, parseVersion } from './values.js';

export interface FakeCloudOptions {
  /** Port on 127.0.0.1 (default 0: any free port). */
  readonly port?: number | undefined;
  /** A loopback address to listen on (default 127.0.0.1). */
  readonly host?: '127.0.0.1' | '::1' | 'localhost' | undefined;
  /** The microversion range Cinder v3 offers (default: the spec's, 3.0–3.71). */
  readonly minMicroversion?: string | undefined;
  readonly maxMicroversion?: string | undefined;
  /** Also serve Block Storage v2 (and list it in the catalog as volumev2). Default false. */
  readonly v2?: boolean | undefined;
  /** Accept any `X-Auth-Token` as `<user>:<project>`, every caller an administrator (Cinder's noauth). */
  readonly noauth?: boolean | undefined;
  /** Token lifetime on the fake clock, in ms (default one hour). */
  readonly tokenTtl?: number | undefined;
  /**
   * Fake-clock milliseconds a transition takes, by operation id (`{'Volume.create': 5000}`), over
   * the spec's declared `delay`; default 0: the next read sees it done.
   */
  readonly delays?: Readonly<Record<string, number>> | undefined;
  /**
   * The quota limits every project starts with as its own (`{ volumes: 2, gigabytes: 10 }`, keys as
   * Cinder names them); the rest follow the default quota class, whose stock values the spec
   * declares (10 volumes, snapshots, backups and groups; 1000 gigabytes and backup_gigabytes).
   * updateQuotaSet, revertQuotaSet and updateQuotaClassSet change them as on Cinder.
   */
  readonly quotas?: Readonly<Record<string, number>> | undefined;
  /**
   * Deployment settings, named as Cinder's options, for the values Cinder fills in:
   * `default_volume_type` (default `__DEFAULT__`, also the name of the seeded type),
   * `storage_availability_zone` (default `nova`), `volume_host` (a volume's `host@backend#pool`)
   * and `volume_service_uuid` (the cinder-volume service holding it), both unset by default.
   */
  readonly settings?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** The clock's start, in ms since the epoch (default: now). */
  readonly startTime?: number | undefined;
  /** The main project's and user's names (default `admin`, an administrator). */
  readonly projectName?: string | undefined;
  readonly username?: string | undefined;
  /**
   * No socket: the fake answers through `fake.transport`, which `fake.connect()` uses, calling its
   * handler directly (same answers, faults and recording as over HTTP). `port` and `host` do not
   * apply; URLs point at `http://127.0.0.1:0`, where nothing listens.
   */
  readonly inProcess?: boolean | undefined;
  /** A prebuilt model other than the spec's (tests of the fake itself). */
  readonly model?: FakeModel | undefined;
  /**
   * Let pages on these origins call the fake from a browser, as Cinder's and Keystone's `[cors]`
   * settings do (preflights answered, CORS headers on every answer). Default: no origin, so a
   * browser refuses cross-origin calls, as a stock Cinder does.
   */
  readonly cors?: FakeCorsOptions | undefined;
}

/** One request as the fake saw it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body, if any. */
  readonly body: unknown;
  /** The spec operation that answered (`Volume.create`, `Identity.authenticate`), if one matched. */
  readonly operation: string | undefined;
  /** The status answered; 0 for a connection reset. */
  readonly status: number;
  readonly microversion: string | undefined;
  /** The fake clock when it arrived. */
  readonly at: number;
}

/** Credentials of one project of the fake. */
export interface FakeCloudCredentials {
  readonly projectId: string;
  readonly projectName: string;
  readonly username: string;
  readonly password: string;
  /** A token valid for `tokenTtl` from start on the fake clock. */
  readonly token: string;
  /** The Cinder v3 endpoint of the project, `http://127.0.0.1:<port>/v3/<project>`. */
  readonly url: string;
  /** A connection as this user: Keystone password auth (admin_token with `noauth`). */
  connect(
    options?: ConnectOptions & { readonly version?: '3' },
  ): Promise<CloudConnection & { readonly blockStorage: BlockStorageV3 }>;
  connect(
    options: ConnectOptions & { readonly version: '2' },
  ): Promise<CloudConnection & { readonly blockStorage: BlockStorageV2 }>;
}

export interface FakeCloud extends FakeCloudCredentials {
  /** Keystone's v3 URL, `http://127.0.0.1:<port>/identity/v3`. */
  readonly authUrl: string;
  /** A clouds.yaml with the cloud `fake` (and `fake-admin-token` for token-only auth). */
  readonly cloudsYaml: string;
  /** An application credential of the main user. */
  readonly applicationCredential: { readonly id: string; readonly secret: string };
  readonly faults: FakeFaults;
  /** Every request, oldest first (clear with `requests.length = 0`). */
  readonly requests: RecordedRequest[];
  readonly state: FakeState;
  readonly clock: FakeClock;
  /**
   * With `inProcess`: the transport that calls the fake directly (`connect({ transport })` for
   * connections you build yourself); undefined for the loopback server.
   */
  readonly transport: Transport | undefined;
  /** Adds a project with a member user (or an administrator). */
  addProject(name: string, options?: { readonly admin?: boolean }): FakeCloudCredentials;
  close(): Promise<void>;
}

class Unauthorized extends Error {}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function startFakeCloud(options: FakeCloudOptions = {}): Promise<FakeCloud> {
  if (options.inProcess && (options.port !== undefined || options.host !== undefined))
    throw new Error('fake cloud: port and host mean a socket; leave them out with inProcess');
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`fake cloud: host must be a loopback address, got ${String(host)}`);
  const model = options.model ?? loadModel();
  const v3 = model.services.find((s) => s.major === 3);
  const specRange = v3?.microversion;
  const minMicroversion = options.minMicroversion ?? specRange?.min ?? '3.0';
  const maxMicroversion = options.maxMicroversion ?? specRange?.max ?? '3.0';
  for (const [name, value] of [
    ['minMicroversion', minMicroversion],
    ['maxMicroversion', maxMicroversion],
  ] as const) {
    if (!parseVersion(value)) throw new Error(`fake cloud: ${name} must look like 3.71, got ${JSON.stringify(value)}`);
  }
  if (compareVersions(minMicroversion, maxMicroversion) > 0)
    throw new Error(`fake cloud: minMicroversion ${minMicroversion} is above maxMicroversion ${maxMicroversion}`);
  const tokenTtl = options.tokenTtl ?? 3_600_000;
  const cors = new FakeCors(options.cors);

  const clock = new FakeClock(options.startTime);
  const keystone = new FakeKeystone(clock, tokenTtl);
  const mainProject = keystone.addProject(options.projectName ?? 'admin');
  const mainUser = keystone.addUser(options.username ?? 'admin', mainProject, 'admin');
  const appCred = keystone.addApplicationCredential(mainUser, 'fake-cloud');
  // The state needs the engine's status fields and the engine needs the state: tie them late.
  const late: { cinder?: FakeCinder } = {};
  const state = new FakeState(clock, mainProject.id, {
    statusField: (r) => late.cinder?.statusField(r),
    defaults: (r, project) => late.cinder?.recordDefaults(r, project) ?? {},
  });
  const engine = new FakeCinder({
    services: model.services,
    state,
    clock,
    minMicroversion,
    maxMicroversion,
    delays: options.delays ?? {},
    quotas: { ...options.quotas },
    settings: { ...options.settings },
    majors: options.v2 ? [2, 3] : [3],
  });
  late.cinder = engine;
  engine.seed(mainProject.id);
  const faults = new FakeFaults(state);
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let origin = '';

  const catalog = (project: FakeProject): unknown[] => {
    const entry = (type: string, name: string, url: string) => ({
      type,
      name,
      id: randomUUID().replace(/-/g, ''),
      endpoints: ['public', 'internal', 'admin'].map((iface) => ({
        id: randomUUID().replace(/-/g, ''),
        interface: iface,
        region: 'RegionOne',
        region_id: 'RegionOne',
        url,
      })),
    });
    return [
      entry('identity', 'keystone', `${origin}/identity`),
      entry('block-storage', 'cinder', `${origin}/v3/${project.id}`),
      entry('volumev3', 'cinderv3', `${origin}/v3/${project.id}`),
      ...(options.v2 ? [entry('volumev2', 'cinderv2', `${origin}/v2/${project.id}`)] : []),
    ];
  };

  const callerOf = (token: string | undefined): CallerContext | undefined => {
    if (!options.noauth) return keystone.caller(token);
    // Cinder's noauth: `<user>:<project>`, or the token itself as both.
    if (!token) return undefined;
    const [user, project] = token.includes(':') ? token.split(':', 2) : [token, token];
    return { userId: user, projectId: project || user, admin: true };
  };

  /**
   * One request, whichever way it came (the loopback server or the in-process transport): the
   * status, headers and body text to answer, or `reset` to drop the connection.
   */
  async function answer(wire: WireRequest): Promise<WireAnswer> {
    const at = clock.now();
    const raw = wire.body;
    const url = new URL(wire.target, origin);
    const method = wire.method.toUpperCase();
    const headers = wire.headers;
    let body: unknown;
    let malformed = false;
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        malformed = true;
        body = raw;
      }
    }
    const record = (status: number, operation: string | undefined, microversion?: string) =>
      requests.push({
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        body,
        operation,
        status,
        microversion,
        at,
      });
    const segments = url.pathname.split('/').filter((s) => s !== '');
    const identity = segments[0] === 'identity';
    const send = (reply: CinderAnswer, operation?: string): WireAnswer => {
      // The CORS middleware is the outermost filter: errors, 401s and faults carry its headers too.
      const out: Record<string, string> = cors.decorate(identity ? 'keystone' : 'cinder', headers, {
        'x-openstack-request-id': `req-${randomUUID()}`,
        ...reply.headers,
      });
      const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
      if (payload !== '') out['Content-Type'] = 'application/json';
      out['Content-Length'] = String(Buffer.byteLength(payload));
      record(reply.status, operation ?? reply.operation, reply.microversion);
      return { status: reply.status, headers: out, body: payload };
    };

    if (method === 'OPTIONS') {
      // A preflight never reaches the API (nor a fault rule): oslo.middleware answers it 200.
      const allow = cors.preflight(identity ? 'keystone' : 'cinder', headers);
      record(200, undefined);
      return {
        status: 200,
        headers: { 'x-openstack-request-id': `req-${randomUUID()}`, ...allow, 'Content-Length': '0' },
        body: '',
      };
    }
    const token = headers['x-auth-token'];
    const caller = callerOf(token);
    const cinderRequest: CinderRequest = { method, segments, query: url.searchParams, headers, body, origin };
    const callerOrThrow = (): CallerContext => {
      if (!caller) throw new Unauthorized();
      return caller;
    };
    const operation = identity
      ? segments.slice(1).join('/') === 'v3/auth/tokens'
        ? method === 'GET' || method === 'HEAD'
          ? 'Identity.validateToken'
          : 'Identity.authenticate'
        : undefined
      : (() => {
          try {
            return engine.operationOf(cinderRequest, callerOrThrow);
          } catch {
            return undefined;
          }
        })();

    const rule = faults.take(method, url.pathname, operation);
    if (rule?.delay) await sleep(rule.delay);
    if (rule?.reset) {
      record(0, operation);
      return 'reset';
    }
    if (rule && (rule.status !== undefined || rule.delay === undefined)) {
      const status = rule.status ?? 500;
      const retry = rule.retryAfter ?? (status === 429 || status === 503 ? 1 : undefined);
      const defaultBody = fault(
        status,
        status === 429 ? 'Too many requests.' : status === 503 ? 'Service unavailable.' : 'Injected fault.',
        status === 413 || status === 429 ? { retryAfter: String(retry ?? 0) } : {},
      ).body;
      return send(
        {
          status,
          body: rule.body === undefined ? defaultBody : rule.body,
          headers: { ...(retry !== undefined ? { 'Retry-After': String(retry) } : {}), ...rule.headers },
        },
        operation,
      );
    }

    if (malformed) return send(fault(400, 'Malformed request body'), operation);
    if (identity) {
      const reply = keystone.handle(method, segments.slice(1), body, origin, catalog, headers, url.searchParams);
      return send(reply, reply.operation);
    }
    try {
      return send(engine.handle(cinderRequest, callerOrThrow));
    } catch (error) {
      if (!(error instanceof Unauthorized)) throw error;
      return send({
        status: 401,
        body: {
          error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
        },
        headers: { 'WWW-Authenticate': `Keystone uri="${origin}/identity"` },
      });
    }
  }

  /** A bug in the fake: answer 500 with the reason rather than hang the client. */
  const fakeBug = (error: unknown): Exclude<WireAnswer, 'reset'> => {
    const message = error instanceof Error ? error.message : String(error);
    return {
      status: 500,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ computeFault: { code: 500, message: `fake cloud: ${message}` } }),
    };
  };

  let server: Server | undefined;
  let transport: InProcessTransport | undefined;
  if (options.inProcess) {
    // No socket: a made-up loopback origin that nothing listens on, so a URL taken out of the
    // fake (catalog, cloudsYaml) and used with another transport fails to connect, never leaves.
    origin = IN_PROCESS_ORIGIN;
    transport = new InProcessTransport(origin, (wire) => answer(wire).catch(fakeBug));
  } else {
    const listening = createServer((req, res) => {
      serve(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          const reply = fakeBug(error);
          res.writeHead(reply.status, reply.headers);
          res.end(reply.body);
        } else res.destroy();
      });
    });
    listening.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(options.port ?? 0, host, () => {
        listening.off('error', reject);
        resolve();
      });
    });
    server = listening;
    const address = listening.address() as AddressInfo;
    const hostText = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    origin = `http://${hostText}:${address.port}`;
  }

  /** The loopback server's side: read the request, answer it, or drop the socket. */
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const reply = await answer({
      method: req.method ?? 'GET',
      target: req.url ?? '/',
      headers,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    if (reply === 'reset') {
      req.socket.destroy();
      return;
    }
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  }

  const authUrl = `${origin}/identity/v3`;

  const credentialsOf = (user: FakeUser): FakeCloudCredentials => {
    const token = options.noauth ? `${user.name}:${user.project.id}` : keystone.issue(user);
    const url = `${origin}/v3/${user.project.id}`;
    const connect = async (extra: ConnectOptions = {}): Promise<CloudConnection> => {
      const sdk = await import('../generated/index.js');
      const auth = options.noauth
        ? {
            authType: 'admin_token' as const,
            auth: { token, endpoint: extra.version === '2' ? url.replace('/v3/', '/v2/') : url },
          }
        : {
            authType: 'password' as const,
            auth: {
              authUrl,
              username: user.name,
              password: user.password,
              projectName: user.project.name,
              userDomainName: 'Default',
              projectDomainName: 'Default',
            },
          };
      // The fake's clock drives the SDK's waiters and backoff: long waits take no real time.
      return sdk.connect({ env: false, version: '3', clock, transport, ...auth, ...extra });
    };
    return {
      projectId: user.project.id,
      projectName: user.project.name,
      username: user.name,
      password: user.password,
      token,
      url,
      connect: connect,
    };
  };

  const main = credentialsOf(mainUser);
  const cloudsYaml = [
    'clouds:',
    '  fake:',
    options.noauth ? '    auth_type: admin_token' : '    auth_type: password',
    '    auth:',
    ...(options.noauth
      ? [`      token: "${main.token}"`, `      endpoint: "${main.url}"`]
      : [
          `      auth_url: "${authUrl}"`,
          `      username: "${mainUser.name}"`,
          `      password: "${mainUser.password}"`,
          `      project_name: "${mainProject.name}"`,
          '      user_domain_name: Default',
          '      project_domain_name: Default',
        ]),
    '    region_name: RegionOne',
    '',
  ].join('\n');

  return {
    ...main,
    authUrl,
    cloudsYaml,
    applicationCredential: { id: appCred.id, secret: appCred.secret },
    faults,
    requests,
    state,
    clock,
    addProject(name, opts = {}) {
      const project = keystone.addProject(name);
      return credentialsOf(keystone.addUser(`${name}-user`, project, opts.admin ? 'admin' : 'member'));
    },
    transport,
    async close() {
      transport?.close();
      const listening = server;
      if (!listening) return;
      await new Promise<void>((resolve) => {
        listening.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
