/**
 * What an authentication yields and what every auth method implements. The session only sees
 * `AuthState`; how it was obtained (Keystone, a static token) stays behind `AuthPlugin`.
 */
import type { HttpClientLike } from '../http/types.js';
import type { ServiceCatalog } from './catalog.js';
import type { Secret } from './secret.js';

/** The result of one authentication. Immutable; a re-authentication makes a new object. */
export interface AuthState {
  /** The token to send as `X-Auth-Token`; undefined for `none` (send no token). */
  readonly token: Secret | undefined;
  /** Epoch milliseconds; undefined means the token does not expire on its own. */
  readonly expiresAt: number | undefined;
  /** Epoch milliseconds by the issuer's clock (Keystone's `issued_at`), when known. */
  readonly issuedAt?: number | undefined;
  /** The service catalog; undefined when the method has a fixed endpoint instead. */
  readonly catalog: ServiceCatalog | undefined;
  /** A fixed endpoint used for every service (admin_token / token_endpoint / none). */
  readonly endpoint: string | undefined;
  /** Project the token is scoped to, used to fill `%(project_id)s`. */
  readonly projectId: string | undefined;
  readonly userId: string | undefined;
}

/** One way to authenticate. */
export interface AuthPlugin {
  /** Normalised method name, for logs and errors. */
  readonly type: AuthType;
  /**
   * True when authenticating again can produce a new token (Keystone). A 401 with a static token
   * cannot be cured by re-authenticating, so the session surfaces it at once.
   */
  readonly renewable: boolean;
  authenticate(http: HttpClientLike, signal?: AbortSignal): Promise<AuthState>;
  /** A one-line description without secrets, e.g. `password as admin@Default on http://…/v3`. */
  describe(): string;
}

export type AuthType = 'password' | 'token' | 'application_credential' | 'admin_token' | 'none';
