/**
 * `defaultTransport()` for Node builds: NodeTransport, imported statically. Same signature as
 * default-transport.ts, for bundles targeting Node and for a package.json `imports` map with a
 * `node` condition (see default-transport.ts).
 */
import { NodeTransport } from './node-transport.js';
import type { DefaultTransportOptions, Transport } from './types.js';

// The neutral options of default-transport.ts (passing them on below checks that NodeTransport accepts them).
export type { DefaultTransportOptions };

export function defaultTransport(options: DefaultTransportOptions = {}): Transport {
  return new NodeTransport(options);
}
