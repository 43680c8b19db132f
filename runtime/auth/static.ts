/**
 * Auth without Keystone: a fixed token sent to a fixed endpoint (keystoneauth's `admin_token` /
 * `token_endpoint`), or no token at all (`none`). This is how a Cinder running with
 * `auth_strategy = noauth` is reached: its middleware takes `X-Auth-Token: <user>:<project>` on trust.
 */
import { ConfigurationError } from '../errors.js';
import type { HttpClientLike } from '../http/types.js';
import type { Secret } from './secret.js';
import type { AuthPlugin, AuthState, AuthType } from './types.js';

export interface StaticTokenOptions {
  readonly token: Secret;
  /** The service endpoint, e.g. `http://127.0.0.1:8776/v3/<project>`; may hold `%(project_id)s`. */
  readonly endpoint: string;
  /**
   * Project id for `%(project_id)s` templating. When absent and the token has Cinder's noauth form
   * `<user>:<project>`, the part after the colon is used, since that is the project Cinder will act in.
   */
  readonly projectId?: string | undefined;
}

export class StaticTokenAuth implements AuthPlugin {
  readonly type: AuthType = 'admin_token';
  readonly renewable = false;
  readonly #state: AuthState;

  constructor(options: StaticTokenOptions) {
    checkEndpoint(options.endpoint, 'admin_token');
    if (options.token.empty) throw new ConfigurationError('admin_token auth needs a non-empty token');
    const noauth = /^[^:\s]+:([^:\s]+)$/.exec(options.token.reveal());
    this.#state = {
      token: options.token,
      expiresAt: undefined,
      catalog: undefined,
      endpoint: options.endpoint,
      projectId: options.projectId ?? noauth?.[1],
      userId: undefined,
    };
  }

  authenticate(_http: HttpClientLike): Promise<AuthState> {
    return Promise.resolve(this.#state);
  }

  describe(): string {
    return `static token for ${this.#state.endpoint ?? ''}`;
  }

  toJSON(): Record<string, unknown> {
    return { type: this.type, description: this.describe() };
  }
}

export interface NoAuthOptions {
  readonly endpoint: string;
  readonly projectId?: string | undefined;
}

/** Sends no token. Cinder's noauth middleware then answers 204 to everything: use admin_token there. */
export class NoAuth implements AuthPlugin {
  readonly type: AuthType = 'none';
  readonly renewable = false;
  readonly #state: AuthState;

  constructor(options: NoAuthOptions) {
    checkEndpoint(options.endpoint, 'none');
    this.#state = {
      token: undefined,
      expiresAt: undefined,
      catalog: undefined,
      endpoint: options.endpoint,
      projectId: options.projectId,
      userId: undefined,
    };
  }

  authenticate(_http: HttpClientLike): Promise<AuthState> {
    return Promise.resolve(this.#state);
  }

  describe(): string {
    return `no auth, endpoint ${this.#state.endpoint ?? ''}`;
  }

  toJSON(): Record<string, unknown> {
    return { type: this.type, description: this.describe() };
  }
}

function checkEndpoint(endpoint: string, type: string): void {
  if (!/^https?:\/\//i.test(endpoint.trim())) {
    throw new ConfigurationError(`${type} auth needs an http(s) endpoint, got "${endpoint}"`);
  }
}
