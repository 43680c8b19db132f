/**
 * Where a service lives, given an authentication: the caller's `endpointOverride` wins, then a fixed
 * endpoint of the auth method (admin_token / none), then the catalog. The project id of the token
 * fills `%(project_id)s` in any of them.
 */
import { ConfigurationError } from '../errors.js';
import { fillProjectId, selectEndpoint, type EndpointCriteria } from './catalog.js';
import type { AuthState } from './types.js';

export interface EndpointRequest extends EndpointCriteria {
  readonly endpointOverride?: string | undefined;
}

export interface ServiceEndpoint {
  /** Absolute URL without a trailing slash, placeholders filled. */
  readonly url: string;
  readonly source: 'override' | 'fixed' | 'catalog';
  /** The catalog type it was found under (catalog source only). */
  readonly serviceType: string | undefined;
  readonly interface: string | undefined;
  readonly region: string | undefined;
}

export function endpointFor(state: AuthState, request: EndpointRequest): ServiceEndpoint {
  if (request.endpointOverride !== undefined) {
    return plain(fill(request.endpointOverride, state, 'endpoint_override'), 'override');
  }
  if (state.endpoint !== undefined) return plain(fill(state.endpoint, state, 'endpoint'), 'fixed');
  if (state.catalog === undefined) {
    throw new ConfigurationError('the auth method gave neither a catalog nor an endpoint; set an endpoint override');
  }
  const picked = selectEndpoint(state.catalog, request);
  return {
    url: trim(fill(picked.url, state, `catalog entry ${picked.serviceType}`)),
    source: 'catalog',
    serviceType: picked.serviceType,
    interface: picked.interface,
    region: picked.region,
  };
}

function plain(url: string, source: 'override' | 'fixed'): ServiceEndpoint {
  return { url: trim(url), source, serviceType: undefined, interface: undefined, region: undefined };
}

function fill(url: string, state: AuthState, what: string): string {
  const filled = fillProjectId(url, state.projectId);
  if (filled === undefined) {
    throw new ConfigurationError(
      `${what} "${url}" needs a project id, but the authentication is not scoped to a project (set project_id)`,
    );
  }
  return filled;
}

function trim(url: string): string {
  return url.replace(/\/+$/, '');
}
