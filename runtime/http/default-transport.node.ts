/**
 * `defaultTransport()` for Node builds: NodeTransport, imported statically. Same signature as
 * default-transport.ts, for bundles targeting Node and for a package.json `imports` map with a
 * `node` condition (see default-transport.ts).
 */
import { NodeTransport, type NodeTransportOptions } from './node-transport.js';
import type { Transport } from './types.js';

export type DefaultTransportOptions = NodeTransportOptions;

export function defaultTransport(options: DefaultTransportOptions = {}): Transport {
  return new NodeTransport(options);
}
