/**
 * Public surface of configuration. `files.ts` (Node-only) is deliberately not re-exported: it is
 * loaded on demand by `resolveConfig`.
 */
export type {
  AuthOptions,
  AuthTypeName,
  CloudSettings,
  ConfigSourceOptions,
  ResolvedAuthOptions,
  ResolvedConfig,
  ResolvedTls,
  SecretInput,
  ServiceSettings,
} from './types.js';
export { resolveConfig, type ResolveOptions } from './resolve.js';
export { createAuthPlugin, decideAuthType, normalizeAuth } from './auth.js';
export { settingsFor } from './merge.js';
export { metricSinks, type HttpPassThroughOptions, type InfluxdbConfig } from './http-options.js';
