/**
 * `defaultTransport()` for Node builds: NodeTransport (undici), loaded on the first request through
 * a literal `import()` that bundlers targeting Node follow (and split into its own chunk), unlike
 * default-transport.ts, which hides the specifier from bundlers so that browser bundles never
 * contain undici. Same signature as default-transport.ts; chosen by the package.json `imports` map
 * (`#default-transport`, conditions node + module).
 */
import { LazyTransport } from './default-transport.js';
import type { DefaultTransportOptions } from './transport-options.js';
import type { Transport } from './types.js';

export type { DefaultTransportOptions } from './transport-options.js';

export function defaultTransport(options: DefaultTransportOptions = {}): Transport {
  return new LazyTransport(() => import('./node-transport.js'), options);
}
