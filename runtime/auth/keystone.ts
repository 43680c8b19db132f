/**
 * Keystone v3 authentication: `password`, `token` and `application_credential`, each one
 * `POST {auth_url}/auth/tokens`. The token comes back in the `X-Subject-Token` header, the catalog
 * and scope in the body.
 *
 * No identity version discovery: Keystone v2 is long gone, so an auth_url without a version gets
 * `/v3` appended and one ending in `/v2.0` is refused with a clear message.
 */
import { AuthenticationError, ConfigurationError, HttpError, InvalidResponseError } from '../errors.js';
import type { HttpClientLike } from '../http/types.js';
import { parseCatalog } from './catalog.js';
import { scrubSecrets } from '../http/redact.js';
import { Secret } from './secret.js';
import type { AuthPlugin, AuthState, AuthType } from './types.js';

/** A domain by id or by name (ids win when both are known). */
export type DomainRef = { readonly id: string } | { readonly name: string };
/** A user by id, or by name within a domain. */
export type UserRef = { readonly id: string } | { readonly name: string; readonly domain: DomainRef };

export type KeystoneScope =
  | { readonly project: { readonly id: string } | { readonly name: string; readonly domain: DomainRef } }
  | { readonly domain: DomainRef }
  | { readonly system: 'all' };

export type KeystoneIdentity =
  | { readonly method: 'password'; readonly user: UserRef; readonly password: Secret }
  | { readonly method: 'token'; readonly token: Secret }
  | {
      readonly method: 'application_credential';
      readonly secret: Secret;
      /** By id, or by name (then `user` is required: names are unique per user only). */
      readonly id?: string | undefined;
      readonly name?: string | undefined;
      readonly user?: UserRef | undefined;
    };

export interface KeystoneAuthOptions {
  readonly authUrl: string;
  readonly identity: KeystoneIdentity;
  /** Omitted for application credentials (their scope is fixed) and for unscoped tokens. */
  readonly scope?: KeystoneScope | undefined;
}

/** `http://h:5000` / `http://h:5000/v3/` → `http://h:5000/v3/auth/tokens`. */
export function keystoneTokensUrl(authUrl: string): string {
  const base = authUrl.trim().replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(base)) {
    throw new ConfigurationError(`auth_url "${authUrl}" is not an http(s) URL`);
  }
  if (/\/v2\.0$/i.test(base)) {
    throw new ConfigurationError(
      `auth_url "${authUrl}" points at Keystone v2.0, which is not supported; use the /v3 URL`,
    );
  }
  return /\/v3$/i.test(base) ? `${base}/auth/tokens` : `${base}/v3/auth/tokens`;
}

export class KeystoneAuth implements AuthPlugin {
  readonly type: AuthType;
  readonly renewable = true;
  readonly #options: KeystoneAuthOptions;
  readonly #tokensUrl: string;

  constructor(options: KeystoneAuthOptions) {
    const id = options.identity;
    if (id.method === 'application_credential') {
      if (id.id === undefined && (id.name === undefined || id.user === undefined)) {
        throw new ConfigurationError(
          'application credential auth needs application_credential_id, or application_credential_name with a user (user_id, or username and user domain)',
        );
      }
      if (options.scope !== undefined) {
        // Keystone answers 401 to a scoped application-credential request; say why up front.
        throw new ConfigurationError(
          'application credentials carry their own project; do not set a project or domain scope',
        );
      }
    }
    this.#options = options;
    this.#tokensUrl = keystoneTokensUrl(options.authUrl);
    this.type = id.method;
  }

  /** The request body; exported through the class for tests of the wire format. */
  requestBody(): unknown {
    const { identity, scope } = this.#options;
    const auth: Record<string, unknown> = { identity: identityBody(identity) };
    if (scope) auth['scope'] = scopeBody(scope);
    return { auth };
  }

  async authenticate(http: HttpClientLike, signal?: AbortSignal): Promise<AuthState> {
    const method = 'POST';
    const url = this.#tokensUrl;
    let response;
    try {
      response = await http.request(
        {
          method,
          url,
          headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
          body: JSON.stringify(this.requestBody()),
          signal,
        },
        // Creating a token has no side effect worth protecting, so it may be retried like a GET.
        { serviceType: 'identity', operation: 'Identity.authenticate', template: '/auth/tokens', idempotent: true },
      );
    } catch (err) {
      if (err instanceof HttpError) throw this.#failure(err);
      throw err;
    }
    const where = `${method} ${url}`;
    const token = response.headers.get('x-subject-token');
    if (!token) throw new InvalidResponseError(where, 'Keystone answered without an X-Subject-Token header');
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch (cause) {
      throw new InvalidResponseError(where, 'Keystone token response is not JSON', { cause });
    }
    const t = isRecord(body) && isRecord(body['token']) ? body['token'] : undefined;
    if (!t) throw new InvalidResponseError(where, 'Keystone token response has no "token" object');
    const expires = typeof t['expires_at'] === 'string' ? Date.parse(t['expires_at']) : NaN;
    const issued = typeof t['issued_at'] === 'string' ? Date.parse(t['issued_at']) : NaN;
    return {
      token: new Secret(token),
      expiresAt: Number.isNaN(expires) ? undefined : expires,
      issuedAt: Number.isNaN(issued) ? undefined : issued,
      catalog: parseCatalog(t['catalog'], where),
      endpoint: undefined,
      projectId: idOf(t['project']),
      userId: idOf(t['user']),
    };
  }

  describe(): string {
    const { identity, scope } = this.#options;
    const who =
      identity.method === 'password'
        ? ` as ${userText(identity.user)}`
        : identity.method === 'application_credential'
          ? ` with application credential ${identity.id ?? `${identity.name ?? ''} of ${identity.user ? userText(identity.user) : '?'}`}`
          : '';
    return `Keystone ${identity.method} auth${who}${scope ? `, scope ${scopeText(scope)}` : ''} at ${this.#tokensUrl}`;
  }

  toJSON(): Record<string, unknown> {
    return { type: this.type, description: this.describe() };
  }

  #failure(err: HttpError): AuthenticationError {
    const secrets = secretsOf(this.#options.identity);
    // The HttpClient scrubs what it sent already; this also covers secrets it cannot recognise by key.
    const details = err.details
      ? `: ${scrubSecrets(
          err.details,
          secrets.map((s) => s.reveal()),
        )}`
      : '';
    const rid = err.requestId ? `, request ${err.requestId}` : '';
    return new AuthenticationError(`Keystone refused ${this.describe()} (HTTP ${err.status}${rid})${details}`);
  }
}

function identityBody(identity: KeystoneIdentity): Record<string, unknown> {
  switch (identity.method) {
    case 'password':
      return {
        methods: ['password'],
        password: { user: { ...userBody(identity.user), password: identity.password.reveal() } },
      };
    case 'token':
      return { methods: ['token'], token: { id: identity.token.reveal() } };
    case 'application_credential': {
      const cred: Record<string, unknown> = { secret: identity.secret.reveal() };
      if (identity.id !== undefined) cred['id'] = identity.id;
      else {
        cred['name'] = identity.name;
        if (identity.user) cred['user'] = userBody(identity.user);
      }
      return { methods: ['application_credential'], application_credential: cred };
    }
  }
}

function userBody(user: UserRef): Record<string, unknown> {
  return 'id' in user ? { id: user.id } : { name: user.name, domain: domainBody(user.domain) };
}

function domainBody(domain: DomainRef): Record<string, string> {
  return 'id' in domain ? { id: domain.id } : { name: domain.name };
}

function scopeBody(scope: KeystoneScope): Record<string, unknown> {
  if ('project' in scope) {
    const p = scope.project;
    return { project: 'id' in p ? { id: p.id } : { name: p.name, domain: domainBody(p.domain) } };
  }
  if ('domain' in scope) return { domain: domainBody(scope.domain) };
  return { system: { all: true } };
}

function userText(user: UserRef): string {
  return 'id' in user ? `user id ${user.id}` : `${user.name}@${domainText(user.domain)}`;
}

function domainText(domain: DomainRef): string {
  return 'id' in domain ? domain.id : domain.name;
}

function scopeText(scope: KeystoneScope): string {
  if ('project' in scope) {
    const p = scope.project;
    return 'id' in p ? `project id ${p.id}` : `project ${p.name}@${domainText(p.domain)}`;
  }
  if ('domain' in scope) return `domain ${domainText(scope.domain)}`;
  return 'system';
}

function secretsOf(identity: KeystoneIdentity): Secret[] {
  switch (identity.method) {
    case 'password':
      return [identity.password];
    case 'token':
      return [identity.token];
    case 'application_credential':
      return [identity.secret];
  }
}

function idOf(v: unknown): string | undefined {
  return isRecord(v) && typeof v['id'] === 'string' ? v['id'] : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
