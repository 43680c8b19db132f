/**
 * Everything: `connect()`, the proxies of every API version, the resources and the runtime.
 * @module openstack-block-storage
 */
export * from '../../generated/index.js';
