/**
 * The runtime: sessions, auth, configuration, HTTP client, errors, pagination, waiters,
 * logging and metrics.
 * @module openstack-block-storage/runtime
 */
export * from '../../runtime/index.js';
