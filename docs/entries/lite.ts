/**
 * `createClient({ endpoint, token })`: the small fetch client for browsers and small tools.
 * @module openstack-block-storage/lite
 */
export * from '../../runtime/lite.js';
