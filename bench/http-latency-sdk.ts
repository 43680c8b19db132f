/** What bench/http-latency.bench.ts measures, in one entry for esbuild to bundle. */
export { connect } from '../generated/index.js';
export { FetchTransport } from '../runtime/http/fetch-transport.js';
export { HttpClient } from '../runtime/http/http-client.js';
export { NodeTransport } from '../runtime/http/node-transport.js';
