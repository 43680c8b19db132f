/**
 * The fake Keystone v3: projects, users with a role on one project each, application credentials
 * and tokens that expire on the fake clock. `POST /v3/auth/tokens` takes password, token and
 * application-credential identities and answers like Keystone (201, X-Subject-Token, a token body
 * with user, project, roles and catalog); errors use Keystone's `{"error": {code, title, message}}`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FakeClock } from './clock.js';
import type { CallerContext } from './cinder.js';

export interface FakeProject {
  readonly id: string;
  readonly name: string;
}

export interface FakeUser {
  readonly id: string;
  readonly name: string;
  readonly password: string;
  readonly project: FakeProject;
  /** `admin` or `member`. */
  readonly role: 'admin' | 'member';
}

export interface FakeApplicationCredential {
  readonly id: string;
  readonly name: string;
  readonly secret: string;
  readonly user: FakeUser;
}

interface TokenInfo {
  readonly user: FakeUser;
  readonly project: FakeProject;
  readonly expiresAt: number;
  readonly issuedAt: number;
  readonly methods: readonly string[];
  readonly auditId: string;
}

export interface KeystoneAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly operation?: string;
}

const DOMAIN = { id: 'default', name: 'Default' };

const hexId = (): string => randomUUID().replace(/-/g, '');

function keystoneError(status: number, message: string): KeystoneAnswer {
  const title =
    status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Bad Request';
  return { status, body: { error: { code: status, title, message } } };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class FakeKeystone {
  readonly projects: FakeProject[] = [];
  readonly users: FakeUser[] = [];
  readonly applicationCredentials: FakeApplicationCredential[] = [];
  readonly #tokens = new Map<string, TokenInfo>();
  readonly #clock: FakeClock;
  readonly #ttl: number;

  constructor(clock: FakeClock, tokenTtl: number) {
    this.#clock = clock;
    this.#ttl = tokenTtl;
  }

  addProject(name: string): FakeProject {
    if (this.projects.some((p) => p.name === name)) throw new Error(`fake cloud: project "${name}" exists already`);
    const project = { id: hexId(), name };
    this.projects.push(project);
    return project;
  }

  addUser(name: string, project: FakeProject, role: 'admin' | 'member'): FakeUser {
    if (this.users.some((u) => u.name === name)) throw new Error(`fake cloud: user "${name}" exists already`);
    const user = { id: hexId(), name, password: randomBytes(12).toString('base64url'), project, role };
    this.users.push(user);
    return user;
  }

  addApplicationCredential(user: FakeUser, name: string): FakeApplicationCredential {
    const credential = { id: hexId(), name, secret: randomBytes(18).toString('base64url'), user };
    this.applicationCredentials.push(credential);
    return credential;
  }

  /** Issues a token for a user, scoped to the user's project. */
  issue(user: FakeUser, methods: readonly string[] = ['password']): string {
    const token = `fake-${randomBytes(16).toString('hex')}`;
    const now = this.#clock.now();
    this.#tokens.set(token, {
      user,
      project: user.project,
      issuedAt: now,
      expiresAt: now + this.#ttl,
      methods,
      auditId: randomBytes(8).toString('base64url'),
    });
    return token;
  }

  /** The caller of a token; undefined when unknown or expired on the fake clock. */
  caller(token: string | undefined): CallerContext | undefined {
    const info = token === undefined ? undefined : this.#tokens.get(token);
    if (!info || info.expiresAt <= this.#clock.now()) return undefined;
    return { userId: info.user.id, projectId: info.project.id, admin: info.user.role === 'admin' };
  }

  /**
   * Requests below the identity root (`/identity`): version documents, `POST /v3/auth/tokens`
   * (authenticate) and `GET`/`HEAD /v3/auth/tokens` (validate the `X-Subject-Token`).
   */
  handle(
    method: string,
    segments: readonly string[],
    body: unknown,
    origin: string,
    catalog: (project: FakeProject) => unknown[],
    headers: Readonly<Record<string, string | undefined>> = {},
    query: URLSearchParams = new URLSearchParams(),
  ): KeystoneAnswer {
    const root = `${origin}/identity`;
    const version = {
      id: 'v3.14',
      status: 'stable',
      updated: '2020-04-07T00:00:00Z',
      links: [{ rel: 'self', href: `${root}/v3/` }],
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
    };
    if (method === 'GET' && segments.length === 0) return { status: 300, body: { versions: { values: [version] } } };
    if (method === 'GET' && segments.length === 1 && segments[0] === 'v3') return { status: 200, body: { version } };
    if (segments.join('/') !== 'v3/auth/tokens') return keystoneError(404, 'The resource could not be found.');
    if (method === 'GET' || method === 'HEAD')
      return { ...this.#validate(method, headers, query, catalog), operation: 'Identity.validateToken' };
    if (method !== 'POST')
      return {
        status: 405,
        body: { error: { code: 405, title: 'Method Not Allowed', message: `${method} is not allowed.` } },
      };
    return { ...this.#authenticate(body, catalog), operation: 'Identity.authenticate' };
  }

  /**
   * Keystone's token validation (keystone/api/auth.py AuthTokenResource): the caller's own
   * `X-Auth-Token` must be valid (else 401), and the `X-Subject-Token` it asks about is answered
   * with its body (`?nocatalog` leaves the catalog out) or 404 when unknown or expired. A token may
   * always validate itself; an administrator may validate any. HEAD answers the status only.
   */
  #validate(
    method: string,
    headers: Readonly<Record<string, string | undefined>>,
    query: URLSearchParams,
    catalog: (project: FakeProject) => unknown[],
  ): KeystoneAnswer {
    const caller = this.caller(headers['x-auth-token']);
    if (!caller) return keystoneError(401, 'The request you have made requires authentication.');
    const subject = headers['x-subject-token'];
    if (subject === undefined || subject === '') return keystoneError(404, 'Could not find token.');
    const info = this.caller(subject) ? this.#tokens.get(subject) : undefined;
    // Keystone does not say whether the token ever existed, and never echoes it in the message.
    if (!info) return keystoneError(404, 'Failed to validate token');
    if (!caller.admin && info.user.id !== caller.userId)
      return keystoneError(403, 'You are not authorized to perform the requested action: identity:validate_token.');
    const answer = { status: 200, headers: { 'X-Subject-Token': subject } };
    if (method === 'HEAD') return answer;
    return { ...answer, body: this.#tokenBody(info, query.has('nocatalog') ? undefined : catalog) };
  }

  /** The `{"token": …}` body Keystone answers on authentication and validation. */
  #tokenBody(info: TokenInfo, catalog: ((project: FakeProject) => unknown[]) | undefined): unknown {
    const { user, project } = info;
    return {
      token: {
        methods: info.methods,
        user: { id: user.id, name: user.name, domain: DOMAIN, password_expires_at: null },
        project: { id: project.id, name: project.name, domain: DOMAIN },
        roles:
          user.role === 'admin'
            ? [
                { id: 'r-admin', name: 'admin' },
                { id: 'r-member', name: 'member' },
                { id: 'r-reader', name: 'reader' },
              ]
            : [
                { id: 'r-member', name: 'member' },
                { id: 'r-reader', name: 'reader' },
              ],
        ...(catalog ? { catalog: catalog(project) } : {}),
        issued_at: new Date(info.issuedAt).toISOString(),
        expires_at: new Date(info.expiresAt).toISOString(),
        audit_ids: [info.auditId],
      },
    };
  }

  #authenticate(body: unknown, catalog: (project: FakeProject) => unknown[]): KeystoneAnswer {
    const auth = isObject(body) && isObject(body['auth']) ? body['auth'] : undefined;
    const identity = auth && isObject(auth['identity']) ? auth['identity'] : undefined;
    const methods = identity && Array.isArray(identity['methods']) ? (identity['methods'] as unknown[]) : [];
    if (!identity || methods.length === 0)
      return keystoneError(400, 'Invalid input for field identity: methods is a required property');
    const denied = keystoneError(401, 'The request you have made requires authentication.');
    let user: FakeUser | undefined;
    const method = String(methods[0]);
    if (method === 'password') {
      const u =
        isObject(identity['password']) && isObject(identity['password']['user']) ? identity['password']['user'] : {};
      user = this.users.find((x) => (u['id'] !== undefined ? x.id === u['id'] : x.name === u['name']));
      if (!user || user.password !== u['password']) return denied;
    } else if (method === 'token') {
      const t = isObject(identity['token']) ? identity['token']['id'] : undefined;
      const caller = this.caller(typeof t === 'string' ? t : undefined);
      user = caller && this.users.find((x) => x.id === caller.userId);
      if (!user) return keystoneError(404, 'Could not find token.');
    } else if (method === 'application_credential') {
      const c = isObject(identity['application_credential']) ? identity['application_credential'] : {};
      const cred = this.applicationCredentials.find((x) =>
        c['id'] !== undefined ? x.id === c['id'] : x.name === c['name'],
      );
      if (!cred || cred.secret !== c['secret']) return denied;
      user = cred.user;
      if (auth?.['scope'] !== undefined) return denied;
    } else {
      return keystoneError(401, `Attempted to authenticate with an unsupported method: ${method}.`);
    }
    // A scope names the user's project by id or by name; the fake gives each user one project, so
    // the token is always scoped to it (an application credential's too).
    const scope =
      auth && isObject(auth['scope']) && isObject(auth['scope']['project']) ? auth['scope']['project'] : undefined;
    if (scope) {
      const project = this.projects.find((p) =>
        scope['id'] !== undefined ? p.id === scope['id'] : p.name === scope['name'],
      );
      if (!project || project.id !== user.project.id) return denied;
    }
    const token = this.issue(user, [method]);
    const info = this.#tokens.get(token)!;
    return { status: 201, headers: { 'X-Subject-Token': token }, body: this.#tokenBody(info, catalog) };
  }
}
