/**
 * Block Storage API v2: the `BlockStorageV2` proxy, its resources, and every method as a
 * standalone, tree-shakeable function taking the client first.
 * @module openstack-block-storage/block-storage/v2
 */
export * from '../../generated/block-storage/v2/index.js';
