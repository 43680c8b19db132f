/**
 * When to renew a token. Normally `refreshMargin` before it expires (keystoneauth's rule, so that
 * a long request does not start with a token about to die). A token that lives less than the
 * margin by this machine's clock — a short token lifetime, or a clock ahead of Keystone's — would
 * be stale on arrival, and every call would authenticate again; its renewal time is adapted to
 * its lifetime instead, and the caller warns once.
 */
import type { AuthState } from './types.js';

export interface Renewal {
  /** Epoch milliseconds (this machine's clock) after which the token is no longer handed out. */
  readonly at: number;
  /** Set when the margin did not fit: the token's lifetime in ms as far as it is known. */
  readonly adapted?: { readonly lifetime: number | undefined } | undefined;
}

export function renewalOf(state: AuthState, margin: number, now: number): Renewal {
  const expires = state.expiresAt;
  if (expires === undefined) return { at: Infinity };
  if (expires - now > margin) return { at: expires - margin };
  // Keystone's own issued_at and expires_at give the lifetime whatever the clocks say; without
  // issued_at, what is left by this clock is all that is known.
  const issued = state.issuedAt;
  const lifetime = issued !== undefined && expires > issued ? expires - issued : expires - now;
  if (lifetime <= 0) {
    // Expired on arrival by this clock and nothing says for how long it lives: use it for one
    // margin's time; a 401 still makes the session authenticate again sooner.
    return { at: now + margin, adapted: { lifetime: undefined } };
  }
  // Renew with the margin when the lifetime leaves room for it, else halfway through.
  return { at: now + Math.max(lifetime - margin, lifetime / 2), adapted: { lifetime } };
}
