/** Public surface of authentication: plugins, the token cache, catalog and endpoint selection. */
export { Secret, toSecret } from './secret.js';
export type { AuthPlugin, AuthState, AuthType } from './types.js';
export {
  KeystoneAuth,
  keystoneTokensUrl,
  type DomainRef,
  type KeystoneAuthOptions,
  type KeystoneIdentity,
  type KeystoneScope,
  type UserRef,
} from './keystone.js';
export { NoAuth, StaticTokenAuth, type NoAuthOptions, type StaticTokenOptions } from './static.js';
export { DEFAULT_REFRESH_MARGIN_MS, TokenCache, type TokenCacheOptions } from './token-cache.js';
export {
  fillProjectId,
  normalizeInterface,
  parseCatalog,
  selectEndpoint,
  type CatalogEndpoint,
  type CatalogService,
  type EndpointCriteria,
  type SelectedEndpoint,
  type ServiceCatalog,
} from './catalog.js';
export { endpointFor, type EndpointRequest, type ServiceEndpoint } from './endpoint.js';
