/**
 * `defaultTransport()`: NodeTransport on Node, FetchTransport everywhere else — without this file
 * ever importing `node:http`, so a browser bundle of the SDK contains no Node built-ins.
 *
 * How: on Node the node transport module is loaded lazily through `import()` of a specifier held
 * in a variable. Bundlers (esbuild, webpack, rollup, vite) only follow string-literal imports, so
 * a `--platform=browser` bundle never sees node-transport.ts; Node itself (plain, tsx, vitest)
 * resolves the relative specifier at run time. The first call waits for that import; later calls
 * go straight to the loaded transport.
 *
 * A single-file Node bundle has the same blind spot in the other direction: the file is not in the
 * bundle, the import fails, and the lazy transport falls back to fetch (correct, only slower, and
 * TLS/proxy options then need undici via `FetchTransport`'s `init`). Node bundles that want the
 * fast path import `default-transport.node.ts` (which imports NodeTransport statically) instead;
 * with a package.json `imports` map (`"#default-transport": {"node": "./runtime/http/default-
 * transport.node.ts", "default": "./runtime/http/default-transport.ts"}`) that choice is automatic.
 */
import { FetchTransport } from './fetch-transport.js';
// Not NodeTransportOptions from './node-transport.js': that import would put node-transport.d.ts
// (and with it node:https types) into every public entry's declarations (see DefaultTransportOptions).
import type { DefaultTransportOptions, HttpRequest, HttpResponse, Transport } from './types.js';

export type { DefaultTransportOptions };

interface NodeModule {
  readonly NodeTransport: new (options?: DefaultTransportOptions) => Transport;
}

interface ProcessLike {
  readonly versions?: { readonly node?: string; readonly bun?: string };
  readonly release?: { readonly name?: string };
}

/** True on Node proper (not Deno, Bun or a browser shim of `process`). */
export function isNode(): boolean {
  const g = globalThis as { process?: ProcessLike; Deno?: unknown; Bun?: unknown };
  return (
    g.Deno === undefined &&
    g.Bun === undefined &&
    typeof g.process?.versions?.node === 'string' &&
    g.process.release?.name === 'node'
  );
}

/** Kept in a variable so that bundlers do not follow it into node:http. */
const NODE_TRANSPORT_MODULE = './node-transport.js';

/** The best transport for the current runtime. */
export function defaultTransport(options: DefaultTransportOptions = {}): Transport {
  if (!isNode()) return new FetchTransport({ timeout: options.timeout });
  return new LazyNodeTransport(options);
}

/** Loads NodeTransport on first use; falls back to fetch when the module cannot be loaded. */
class LazyNodeTransport implements Transport {
  private transport: Transport | undefined;
  private loading: Promise<Transport> | undefined;

  constructor(private readonly options: DefaultTransportOptions) {}

  send(request: HttpRequest): Promise<HttpResponse> {
    if (this.transport) return this.transport.send(request);
    return this.load().then((transport) => transport.send(request));
  }

  async close(): Promise<void> {
    const transport = this.transport ?? (this.loading ? await this.loading : undefined);
    await transport?.close?.();
  }

  private load(): Promise<Transport> {
    this.loading ??= (import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_TRANSPORT_MODULE) as Promise<NodeModule>)
      .then(
        (module): Transport => new module.NodeTransport(this.options),
        (): Transport => new FetchTransport({ timeout: this.options.timeout }),
      )
      .then((transport) => {
        this.transport = transport;
        return transport;
      });
    return this.loading;
  }
}
