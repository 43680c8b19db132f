/**
 * The reference surface: every public method of openstacksdk's block_storage.v2 Proxy, camelCased
 * (the list in ../shared/seed/v2-proxy-methods.txt when this was written), exists on the generated
 * BlockStorageV2 and has at least one generated test.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockStorageV2 } from '../../generated/block-storage/v2/index.js';
import { REPO } from './fixture.js';

export const V2_REFERENCE_METHODS = [
  'acceptTransfer',
  'addTypeAccess',
  'associateQosSpec',
  'attachVolume',
  'backendPools',
  'backups',
  'completeVolumeMigration',
  'consistencyGroupSnapshots',
  'consistencyGroups',
  'createBackup',
  'createConsistencyGroup',
  'createConsistencyGroupFromSource',
  'createConsistencyGroupSnapshot',
  'createQosSpec',
  'createSnapshot',
  'createTransfer',
  'createType',
  'createTypeEncryption',
  'createVolume',
  'deleteBackup',
  'deleteConsistencyGroup',
  'deleteConsistencyGroupSnapshot',
  'deleteQosSpec',
  'deleteQosSpecMetadata',
  'deleteSnapshot',
  'deleteSnapshotMetadata',
  'deleteTransfer',
  'deleteType',
  'deleteTypeEncryption',
  'deleteTypeExtraSpecs',
  'deleteVolume',
  'deleteVolumeImageMetadata',
  'deleteVolumeMetadata',
  'detachVolume',
  'disableService',
  'disassociateAllQosSpec',
  'disassociateQosSpec',
  'enableService',
  'exportBackup',
  'extendVolume',
  'extensions',
  'failoverService',
  'fetchSnapshotMetadata',
  'fetchVolumeMetadata',
  'findBackup',
  'findConsistencyGroup',
  'findConsistencyGroupSnapshot',
  'findQosSpec',
  'findService',
  'findSnapshot',
  'findTransfer',
  'findType',
  'findVolume',
  'freezeService',
  'getBackup',
  'getCapabilities',
  'getConsistencyGroup',
  'getConsistencyGroupSnapshot',
  'getLimits',
  'getQosSpec',
  'getQuotaClassSet',
  'getQuotaSet',
  'getQuotaSetDefaults',
  'getSnapshot',
  'getSnapshotMetadata',
  'getTransfer',
  'getType',
  'getTypeAccess',
  'getTypeEncryption',
  'getVolume',
  'getVolumeMetadata',
  'importBackup',
  'manageSnapshot',
  'migrateVolume',
  'qosSpecAssociations',
  'qosSpecs',
  'removeTypeAccess',
  'resetBackupStatus',
  'resetSnapshotStatus',
  'resetVolumeStatus',
  'restoreBackup',
  'retypeVolume',
  'revertQuotaSet',
  'services',
  'setSnapshotMetadata',
  'setVolumeBootableStatus',
  'setVolumeImageMetadata',
  'setVolumeMetadata',
  'setVolumeReadonly',
  'snapshots',
  'thawService',
  'transfers',
  'types',
  'unmanageSnapshot',
  'unmanageVolume',
  'updateConsistencyGroup',
  'updateQosSpec',
  'updateQuotaClassSet',
  'updateQuotaSet',
  'updateSnapshot',
  'updateType',
  'updateTypeEncryption',
  'updateTypeExtraSpecs',
  'updateVolume',
  'uploadVolumeToImage',
  'volumes',
  'waitForDelete',
  'waitForStatus',
] as const;

describe('v2 reference coverage', () => {
  it('lists 108 methods', () => {
    expect(new Set(V2_REFERENCE_METHODS).size).toBe(108);
  });

  it('every reference method exists on BlockStorageV2', () => {
    const missing = V2_REFERENCE_METHODS.filter((name) => typeof (BlockStorageV2.prototype as unknown as Record<string, unknown>)[name] !== 'function');
    expect(missing).toEqual([]);
  });

  it('every reference method has a generated test', async () => {
    const dir = path.join(REPO, 'generated/block-storage/v2/tests');
    const texts = await Promise.all((await readdir(dir)).map((f) => readFile(path.join(dir, f), 'utf8')));
    const tested = new Set(texts.flatMap((t) => [...t.matchAll(/describe\('([A-Za-z]+)'/g)].map((m) => m[1]!)));
    const untested = V2_REFERENCE_METHODS.filter((name) => !tested.has(name));
    expect(untested).toEqual([]);
  });
});
