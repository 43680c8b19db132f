/**
 * `auth`: the token of each request (`X-Auth-Token`, set last), and one more try with a new token
 * when the service answers 401 and a new token may help. The single flight — twenty calls failing
 * with one expired token start one re-authentication — is the token source's (`TokenCache`).
 */
import { UnauthorizedError } from '../errors.js';
import { checkToken } from '../http/header-values.js';
import type { SdkLogger } from '../logging.js';
import type { HttpResponse } from '../http/types.js';
import { isThenable, type PipelineRequest, type Policy } from './types.js';

/** Where tokens come from: `TokenCache` for `connect()`, a string or function for `createClient()`. */
export interface TokenProvider<C> {
  /** The credential for the next try (the cached one when still valid). */
  get(signal: AbortSignal | undefined): C | Promise<C>;
  /** Its token text; undefined sends none. */
  token(credential: C): string | undefined;
  /** Called after a 401 with that credential: forget it, and say whether asking again may help. */
  rejected(credential: C): boolean;
}

export function authPolicy<C>(provider: TokenProvider<C>, logger: SdkLogger | undefined): Policy {
  const withToken = (request: PipelineRequest, credential: C): PipelineRequest => {
    const token = provider.token(credential);
    checkToken(token);
    if (token === undefined || token === '') return request;
    // Object.assign, not a spread: header names are not identifiers, and V8 copies them this way
    // several times faster (a spread here cost ~1 µs per call).
    const headers: Record<string, string> = Object.assign({}, request.headers);
    headers['x-auth-token'] = token;
    return { ...request, headers };
  };
  return {
    name: 'auth',
    sendRequest(request, next) {
      const attempt = (first: C): Promise<HttpResponse> =>
        next(withToken(request, first)).catch(async (error: unknown) => {
          if (!(error instanceof UnauthorizedError) || !provider.rejected(first)) throw error;
          logger?.log('info', 'token rejected (401); authenticating again', {
            serviceType: request.context.serviceType,
          });
          return next(withToken(request, await provider.get(request.signal)));
        });
      // A valid token at hand (the usual case): no extra async hop.
      const credential = provider.get(request.signal);
      return isThenable(credential) ? Promise.resolve(credential).then(attempt) : attempt(credential);
    },
  };
}
