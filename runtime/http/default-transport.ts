/**
 * `defaultTransport()`: NodeTransport (undici) on Node, FetchTransport everywhere else — without this
 * file ever naming node-transport.ts or undici, so a browser bundle of the SDK contains neither, and
 * without importing undici before the first request, so importing the SDK does not pay for it.
 *
 * How: on Node the node transport module is loaded lazily through `import()` of a specifier held
 * in a variable. Bundlers (esbuild, webpack, rollup, vite) only follow string-literal imports, so
 * a `--platform=browser` bundle never sees node-transport.ts; Node itself (plain, tsx, vitest)
 * resolves the relative specifier at run time. The first call waits for that import; later calls
 * go straight to the loaded transport.
 *
 * A single-file Node bundle has the same blind spot in the other direction: the file is not in the
 * bundle, the import fails, and the lazy transport falls back to fetch (correct, and TLS/proxy
 * options then go through `FetchTransport`'s `init`). Node bundles import
 * `default-transport.node.ts` instead, which names node-transport.ts in a literal `import()` the
 * bundler follows; with a package.json `imports` map (`"#default-transport": {"node": {"module":
 * "./runtime/http/default-transport.node.js"}, "default": "./runtime/http/default-transport.js"}`)
 * that choice is automatic.
 *
 * Types: the options come from transport-options.ts, not node-transport.ts, so a browser project's
 * type check never reaches Node or undici declarations through this file.
 */
import { FetchTransport } from './fetch-transport.js';
import type { DefaultTransportOptions } from './transport-options.js';
import type { HttpRequest, HttpResponse, Transport } from './types.js';

export type { DefaultTransportOptions } from './transport-options.js';

/** What the node transport module exports. */
export interface NodeTransportModule {
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

/** Kept in a variable so that bundlers do not follow it into undici and Node built-ins. */
const NODE_TRANSPORT_MODULE = './node-transport.js';

/** The best transport for the current runtime. */
export function defaultTransport(options: DefaultTransportOptions = {}): Transport {
  if (!isNode()) return new FetchTransport({ timeout: options.timeout });
  return new LazyTransport(
    () => import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_TRANSPORT_MODULE) as Promise<NodeTransportModule>,
    options,
  );
}

/**
 * Loads NodeTransport on the first request; falls back to fetch when the module cannot be loaded.
 * Also used by default-transport.node.ts, with a loader bundlers can follow.
 */
export class LazyTransport implements Transport {
  private transport: Transport | undefined;
  private loading: Promise<Transport> | undefined;

  constructor(
    private readonly load_: () => Promise<NodeTransportModule>,
    private readonly options: DefaultTransportOptions,
  ) {}

  send(request: HttpRequest): Promise<HttpResponse> {
    if (this.transport) return this.transport.send(request);
    return this.load().then((transport) => transport.send(request));
  }

  async close(): Promise<void> {
    const transport = this.transport ?? (this.loading ? await this.loading : undefined);
    await transport?.close?.();
  }

  private load(): Promise<Transport> {
    this.loading ??= this.load_()
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
