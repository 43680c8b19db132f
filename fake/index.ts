/**
 * `openstack-block-storage/testing`: a stateful fake Keystone and Cinder for the tests of code that
 * uses the SDK, generated from the same spec (see docs/guide.md, "Testing code that uses the SDK").
 * Node only (it listens on a loopback port). Importing the package itself never loads it.
 */
export { startFakeCloud } from './server.js';
export type { FakeCloud, FakeCloudCredentials, FakeCloudOptions, RecordedRequest } from './server.js';
export { FakeClock } from './clock.js';
export type { FakeFaults, FaultRule, InjectedFault } from './faults.js';
export type { FakeState, FakeRecord, InsertOptions } from './state.js';
export type { FakeCorsOptions } from './cors.js';
