/**
 * The `User-Agent` this SDK sends, shaped like keystoneauth's
 * (`[app/version] openstacksdk/x keystoneauth1/y python-requests/z CPython/w`): the application
 * first, then this SDK, then the runtime, so operators can tell callers apart in API logs.
 *
 * Name and version are constants rather than an import of package.json, which would pull the
 * whole manifest into browser bundles; a test keeps them equal to package.json.
 */
export const SDK_NAME = 'openstack-block-storage';
export const SDK_VERSION = '0.1.0';

export interface UserAgentOptions {
  /** Application name, e.g. `my-portal`. */
  readonly appName?: string | undefined;
  readonly appVersion?: string | undefined;
  /** Extra products appended after the SDK (keystoneauth's `additional_user_agent`). */
  readonly additional?: readonly string[] | undefined;
}

/** Builds the User-Agent value. */
export function buildUserAgent(options: UserAgentOptions = {}): string {
  const parts: string[] = [];
  if (options.appName) parts.push(options.appVersion ? `${options.appName}/${options.appVersion}` : options.appName);
  parts.push(`${SDK_NAME}/${SDK_VERSION}`);
  if (options.additional) parts.push(...options.additional);
  const runtime = runtimeProduct();
  if (runtime) parts.push(runtime);
  return parts.join(' ');
}

interface RuntimeGlobals {
  readonly process?: { readonly versions?: { readonly node?: string; readonly bun?: string } };
  readonly Deno?: { readonly version?: { readonly deno?: string } };
}

function runtimeProduct(): string | undefined {
  const g = globalThis as RuntimeGlobals;
  if (g.Deno?.version?.deno) return `Deno/${g.Deno.version.deno}`;
  if (g.process?.versions?.bun) return `Bun/${g.process.versions.bun}`;
  if (g.process?.versions?.node) return `Node.js/${g.process.versions.node}`;
  return undefined;
}
