/**
 * From resolved auth options to an auth plugin: picks the method (explicit `auth_type`, else
 * inferred from which credentials are present), applies openstacksdk's domain shorthands, and says
 * exactly which key is missing when the options are incomplete.
 */
import { KeystoneAuth, type DomainRef, type KeystoneScope, type UserRef } from '../auth/keystone.js';
import { toSecret } from '../auth/secret.js';
import { NoAuth, StaticTokenAuth } from '../auth/static.js';
import type { AuthPlugin, AuthType } from '../auth/types.js';
import { ConfigurationError } from '../errors.js';
import type { AuthOptions, AuthTypeName, ResolvedAuthOptions } from './types.js';

const TYPES: Readonly<Record<AuthTypeName, AuthType>> = {
  password: 'password',
  v3password: 'password',
  token: 'token',
  v3token: 'token',
  application_credential: 'application_credential',
  v3applicationcredential: 'application_credential',
  admin_token: 'admin_token',
  token_endpoint: 'admin_token',
  none: 'none',
  noauth: 'none',
};

/**
 * Wraps secrets and applies the domain shorthand: with a project, `domain_*` is the default for
 * both user and project domain; without one it is a domain scope (openstacksdk `_handle_domain_id`).
 */
export function normalizeAuth(auth: AuthOptions): ResolvedAuthOptions {
  const scoped = auth.projectId !== undefined || auth.projectName !== undefined;
  return {
    ...auth,
    password: auth.password === undefined ? undefined : toSecret(auth.password),
    token: auth.token === undefined ? undefined : toSecret(auth.token),
    applicationCredentialSecret:
      auth.applicationCredentialSecret === undefined ? undefined : toSecret(auth.applicationCredentialSecret),
    userDomainId: auth.userDomainId ?? (scoped ? auth.domainId : undefined),
    userDomainName: auth.userDomainName ?? (scoped ? auth.domainName : undefined),
    projectDomainId: auth.projectDomainId ?? (scoped ? auth.domainId : undefined),
    projectDomainName: auth.projectDomainName ?? (scoped ? auth.domainName : undefined),
    domainId: scoped ? undefined : auth.domainId,
    domainName: scoped ? undefined : auth.domainName,
  };
}

export function decideAuthType(name: AuthTypeName | undefined, auth: ResolvedAuthOptions): AuthType {
  if (name !== undefined) return TYPES[name];
  if (auth.applicationCredentialSecret !== undefined || auth.applicationCredentialId !== undefined) {
    return 'application_credential';
  }
  if (auth.token !== undefined) return auth.endpoint !== undefined ? 'admin_token' : 'token';
  return 'password';
}

/** `where` tells the user how to set a key in each source, e.g. `auth_url (OS_AUTH_URL)`. */
export function createAuthPlugin(type: AuthType, auth: ResolvedAuthOptions): AuthPlugin {
  switch (type) {
    case 'password': {
      const password = need(auth.password, 'password', 'OS_PASSWORD', type);
      return new KeystoneAuth({
        authUrl: need(auth.authUrl, 'auth_url', 'OS_AUTH_URL', type),
        identity: { method: 'password', user: userRef(auth, type), password },
        scope: scopeOf(auth),
      });
    }
    case 'token':
      return new KeystoneAuth({
        authUrl: need(auth.authUrl, 'auth_url', 'OS_AUTH_URL', type),
        identity: { method: 'token', token: need(auth.token, 'token', 'OS_TOKEN', type) },
        scope: scopeOf(auth),
      });
    case 'application_credential': {
      const secret = need(
        auth.applicationCredentialSecret,
        'application_credential_secret',
        'OS_APPLICATION_CREDENTIAL_SECRET',
        type,
      );
      const byName = auth.applicationCredentialId === undefined;
      if (byName && auth.applicationCredentialName === undefined) {
        throw missing('application_credential_id or application_credential_name', 'OS_APPLICATION_CREDENTIAL_ID', type);
      }
      // The credential fixes its own project; project or domain options are ignored, as keystoneauth does.
      return new KeystoneAuth({
        authUrl: need(auth.authUrl, 'auth_url', 'OS_AUTH_URL', type),
        identity: {
          method: 'application_credential',
          secret,
          id: auth.applicationCredentialId,
          name: auth.applicationCredentialName,
          user: byName ? userRef(auth, type) : undefined,
        },
      });
    }
    case 'admin_token':
      return new StaticTokenAuth({
        token: need(auth.token, 'token', 'OS_TOKEN', type),
        endpoint: need(auth.endpoint, 'endpoint', 'OS_ENDPOINT', type),
        projectId: auth.projectId,
      });
    case 'none':
      return new NoAuth({ endpoint: need(auth.endpoint, 'endpoint', 'OS_ENDPOINT', type), projectId: auth.projectId });
  }
}

function userRef(auth: ResolvedAuthOptions, type: AuthType): UserRef {
  if (auth.userId !== undefined) return { id: auth.userId };
  if (auth.username === undefined) throw missing('username or user_id', 'OS_USERNAME', type);
  return { name: auth.username, domain: domainRef(auth.userDomainId, auth.userDomainName, auth) };
}

function scopeOf(auth: ResolvedAuthOptions): KeystoneScope | undefined {
  if (auth.projectId !== undefined) return { project: { id: auth.projectId } };
  if (auth.projectName !== undefined) {
    return {
      project: { name: auth.projectName, domain: domainRef(auth.projectDomainId, auth.projectDomainName, auth) },
    };
  }
  if (auth.domainId !== undefined) return { domain: { id: auth.domainId } };
  if (auth.domainName !== undefined) return { domain: { name: auth.domainName } };
  if (auth.systemScope !== undefined) return { system: 'all' };
  return undefined;
}

/** A name needs a domain: the given one, else the default domain, else Keystone's `default`. */
function domainRef(id: string | undefined, name: string | undefined, auth: ResolvedAuthOptions): DomainRef {
  if (id !== undefined) return { id };
  if (name !== undefined) return { name };
  if (auth.defaultDomainId !== undefined) return { id: auth.defaultDomainId };
  if (auth.defaultDomainName !== undefined) return { name: auth.defaultDomainName };
  return { id: 'default' };
}

function need<T>(value: T | undefined, key: string, variable: string, type: AuthType): T {
  if (value === undefined) throw missing(key, variable, type);
  return value;
}

function missing(key: string, variable: string, type: AuthType): ConfigurationError {
  return new ConfigurationError(
    `${type} auth needs ${key}: set it in options.auth, as ${variable}, or under auth: in clouds.yaml`,
  );
}
