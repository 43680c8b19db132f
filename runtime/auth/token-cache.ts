/**
 * Keeps the current token and decides when to authenticate again.
 *
 * - A token is reused until `refreshMargin` before its `expires_at` (keystoneauth uses 120 s, so a
 *   long request does not start with a token that dies halfway). A token living less than that
 *   by this machine's clock is renewed partway through its life instead, with one warning
 *   (renewal.ts): otherwise every call would authenticate again.
 * - Concurrent callers share one in-flight authentication.
 * - `invalidate(state)` after a 401 only drops *that* token: when twenty requests fail with the same
 *   token, the first drop triggers one re-authentication and the other nineteen find the new token
 *   (or the one being fetched) instead of starting their own.
 * - A failed authentication is not cached; the next caller tries again.
 */
import { checkToken } from '../http/header-values.js';
import type { HttpClientLike } from '../http/types.js';
import type { SdkLogger } from '../logging.js';
import { abortable, abortedError } from './abortable.js';
import { renewalOf } from './renewal.js';
import type { AuthPlugin, AuthState } from './types.js';

export interface TokenCacheOptions {
  readonly plugin: AuthPlugin;
  /** Used for the identity requests (Keystone). */
  readonly http: HttpClientLike;
  /** Milliseconds before `expires_at` at which a cached token is no longer handed out. Default 120 000. */
  readonly refreshMargin?: number | undefined;
  /** Clock in epoch milliseconds; injectable so expiry can be tested without waiting. */
  readonly now?: (() => number) | undefined;
  readonly logger?: SdkLogger | undefined;
}

export const DEFAULT_REFRESH_MARGIN_MS = 120_000;

export class TokenCache {
  readonly plugin: AuthPlugin;
  readonly #http: HttpClientLike;
  readonly #margin: number;
  readonly #now: () => number;
  readonly #logger: SdkLogger | undefined;
  #state: AuthState | undefined;
  /** When #state stops being handed out (see renewal.ts). */
  #renewAt = 0;
  #warnedMargin = false;
  #pending: Promise<AuthState> | undefined;
  #count = 0;

  constructor(options: TokenCacheOptions) {
    this.plugin = options.plugin;
    this.#http = options.http;
    this.#margin = options.refreshMargin ?? DEFAULT_REFRESH_MARGIN_MS;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger;
  }

  /** The last state obtained, fresh or not (for catalogs and diagnostics; never for requests). */
  get current(): AuthState | undefined {
    return this.#state;
  }

  /** How many authentications have completed; lets tests and metrics see re-auth storms. */
  get authentications(): number {
    return this.#count;
  }

  /** The current token when it is usable now, without waiting (the hot path of every request). */
  usable(): AuthState | undefined {
    const state = this.#state;
    return state && !this.#pending && this.#fresh(state) ? state : undefined;
  }

  /** A usable token, authenticating when there is none or it is about to expire. */
  get(signal?: AbortSignal): Promise<AuthState> {
    const state = this.#state;
    if (state && !this.#pending && this.#fresh(state)) return Promise.resolve(state);
    // A caller that already gave up must not start an authentication for nobody.
    if (signal?.aborted) return Promise.reject(abortedError(signal));
    return abortable(this.#pending ?? this.#start(), signal);
  }

  /**
   * Forgets `state` after the service rejected its token. Returns whether a retry with a new token
   * can help (false for static tokens, which authenticating again would not change).
   */
  invalidate(state: AuthState): boolean {
    if (!this.plugin.renewable) return false;
    if (this.#state === state) this.#state = undefined;
    return true;
  }

  toJSON(): Record<string, unknown> {
    return { auth: this.plugin.describe(), expiresAt: this.#state?.expiresAt, projectId: this.#state?.projectId };
  }

  #fresh(state: AuthState): boolean {
    return state.expiresAt === undefined || (state === this.#state && this.#now() < this.#renewAt);
  }

  /** Keeps a new token and decides when to renew it; warns once when the margin does not fit. */
  #keep(state: AuthState): void {
    const renewal = renewalOf(state, this.#margin, this.#now());
    this.#state = state;
    this.#renewAt = renewal.at;
    if (!renewal.adapted || this.#warnedMargin) return;
    this.#warnedMargin = true;
    const lifetime = renewal.adapted.lifetime;
    this.#logger?.log(
      'warn',
      `the token lives ${lifetime === undefined ? 'an unknown time' : `${Math.round(lifetime / 1000)} s`}, ` +
        `not more than the refresh margin of ${Math.round(this.#margin / 1000)} s (short-lived tokens, or this ` +
        `machine's clock is ahead of Keystone's): renewing it after ${Math.round((renewal.at - this.#now()) / 1000)} s instead`,
      { auth: this.plugin.describe(), refreshMarginMs: this.#margin, lifetimeMs: lifetime },
    );
  }

  #start(): Promise<AuthState> {
    // Deliberately without a caller's signal: the result is shared, one caller giving up must not
    // fail the others (each waits through `abortable`).
    const pending = this.plugin
      .authenticate(this.#http)
      .then((state) => {
        checkToken(state.token?.reveal());
        return state;
      })
      .then(
        (state) => {
          if (this.#pending === pending) {
            this.#keep(state);
            this.#pending = undefined;
          }
          this.#count += 1;
          this.#logger?.log('debug', 'authenticated', {
            auth: this.plugin.describe(),
            expiresAt: state.expiresAt === undefined ? undefined : new Date(state.expiresAt).toISOString(),
            projectId: state.projectId,
          });
          return state;
        },
        (err: unknown) => {
          if (this.#pending === pending) this.#pending = undefined;
          throw err;
        },
      );
    // Callers that gave up (aborted) no longer listen; the failure must not become unhandled.
    pending.catch(() => undefined);
    this.#pending = pending;
    return pending;
  }
}
