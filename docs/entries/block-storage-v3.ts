/**
 * Block Storage API v3 (microversions): the `BlockStorageV3` proxy, its resources, and every
 * method as a standalone, tree-shakeable function taking the client first.
 * @module openstack-block-storage/block-storage/v3
 */
export * from '../../generated/block-storage/v3/index.js';
