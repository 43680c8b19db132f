/**
 * Live scenarios of the methods issue 14 added for what Cinder serves at 3.0, shared by the v2
 * proxy (test/live/v2-extras.test.ts) and the v3 proxy (test/live/v3-extras.test.ts), which has
 * them by inheritance: single metadata keys of volumes and snapshots, type extra specs and
 * encryption keys, volume encryption metadata, image metadata through os-show_image_metadata, the
 * Nova-facing volume actions, os-update_snapshot_status, and createImage (no Glance here).
 * Calls go through the recording proxy, so they count for the coverage lines.
 */
import { expect, it } from 'vitest';

import type { BlockStorageV2 } from '../../generated/block-storage/v2/index.js';
import type { BlockStorageV3 } from '../../generated/block-storage/v3/index.js';
import { BadRequestError, NotFoundError } from '../../generated/index.js';
import { expectRejects } from './data-helpers.js';
import { uniqueName } from './sdk.js';

/** Either proxy: every method used here exists on both with the same signature. */
export type ExtrasProxy = BlockStorageV2 | BlockStorageV3;

/** What the scenarios need from the file that runs them. */
export interface ExtrasContext {
  readonly bs: () => ExtrasProxy;
  /** A fresh available 1 GiB volume (with these metadata), cleaned up by the file. */
  readonly volume: (metadata?: Record<string, string>) => Promise<{ readonly id: string }>;
  /** A fresh available snapshot of a fresh volume, cleaned up by the file. */
  readonly snapshot: (metadata?: Record<string, string>) => Promise<{ readonly id: string }>;
  /** A fresh volume type, deleted by the file. */
  readonly type: (extraSpecs: Record<string, string>) => Promise<{ readonly id: string }>;
  /** A volume's status on a fresh read, once it has this value (or the wait fails). */
  readonly status: (id: string, status: string) => Promise<unknown>;
}

const POLL = { interval: 0.25, maxInterval: 0.5, wait: 90 } as const;

/** Registers the shared scenarios as `it` blocks of the calling describe. */
export function sharedExtras(ctx: ExtrasContext): void {
  it('getVolumeMetadataItem and setVolumeMetadataItem read and replace one key, leaving the others; a missing key is a NotFoundError', async () => {
    const bs = ctx.bs();
    const v = await ctx.volume({ keep: 'me', k: 'v1' });
    expect(await bs.getVolumeMetadataItem(v.id, 'k')).toBe('v1');
    expect(await bs.setVolumeMetadataItem(v.id, 'k', 'v2')).toBe('v2');
    expect(await bs.setVolumeMetadataItem(v.id, 'new', 'n')).toBe('n');
    expect((await bs.getVolume(v.id)).metadata).toEqual({ keep: 'me', k: 'v2', new: 'n' });
    await expectRejects(
      bs.getVolumeMetadataItem(v.id, 'osbs-nokey'),
      NotFoundError,
      404,
      `Volume ${v.id} has no metadata with key osbs-nokey.`,
    );
  });

  it('getSnapshotMetadataItem and setSnapshotMetadataItem read and replace one key of a snapshot', async () => {
    const bs = ctx.bs();
    const s = await ctx.snapshot({ keep: 'me', k: 'v1' });
    expect(await bs.getSnapshotMetadataItem(s.id, 'k')).toBe('v1');
    expect(await bs.setSnapshotMetadataItem(s.id, 'k', 'v2')).toBe('v2');
    expect((await bs.getSnapshot(s.id)).metadata).toEqual({ keep: 'me', k: 'v2' });
    await expectRejects(bs.getSnapshotMetadataItem(s.id, 'osbs-nokey'), NotFoundError, 404, 'osbs-nokey');
  });

  it('fetchTypeExtraSpecs, getTypeExtraSpecsProperty and updateTypeExtraSpecsProperty read and set the extra specs of an unused type', async () => {
    const bs = ctx.bs();
    const t = await ctx.type({ 'osbs:a': 'one', 'osbs:b': 'two' });
    expect((await bs.fetchTypeExtraSpecs(t.id)).extraSpecs).toEqual({ 'osbs:a': 'one', 'osbs:b': 'two' });
    expect(await bs.getTypeExtraSpecsProperty(t.id, 'osbs:a')).toBe('one');
    expect(await bs.updateTypeExtraSpecsProperty(t.id, 'osbs:a', 'uno')).toBe('uno');
    expect((await bs.getType(t.id)).extraSpecs).toEqual({ 'osbs:a': 'uno', 'osbs:b': 'two' });
    await expectRejects(
      bs.getTypeExtraSpecsProperty(t.id, 'osbs:none'),
      NotFoundError,
      404,
      `Volume Type ${t.id} has no extra specs with key osbs:none.`,
    );
  });

  it('getTypeEncryptionProperty reads one key of a type encryption: provider as a string, key_size as a number', async () => {
    const bs = ctx.bs();
    const t = await ctx.type({});
    await bs.createTypeEncryption(t.id, {
      provider: 'luks',
      controlLocation: 'front-end',
      cipher: 'aes-xts-plain64',
      keySize: 256,
    });
    try {
      expect(await bs.getTypeEncryptionProperty(t.id, 'provider')).toBe('luks');
      expect(await bs.getTypeEncryptionProperty(t.id, 'key_size')).toBe(256);
      expect(await bs.getTypeEncryptionProperty(t.id, 'control_location')).toBe('front-end');
      await expectRejects(bs.getTypeEncryptionProperty(t.id, 'osbs_none'), NotFoundError, 404);
    } finally {
      // A type cannot be deleted while it has an encryption specification.
      const encryption = await bs.getTypeEncryption(t.id);
      await bs.deleteTypeEncryption(encryption);
    }
  });

  it('getVolumeEncryptionMetadata of an unencrypted volume has only its null key ID', async () => {
    const bs = ctx.bs();
    const v = await ctx.volume();
    const meta = await bs.getVolumeEncryptionMetadata(v.id);
    expect(meta.encryptionKeyId ?? null).toBeNull();
    expect(meta.provider).toBeUndefined();
    expect(meta.cipher).toBeUndefined();
  });

  it('getVolumeImageMetadata (os-show_image_metadata) returns the keys set with setVolumeImageMetadata; without any Cinder answers 404', async () => {
    const bs = ctx.bs();
    const v = await ctx.volume();
    await expectRejects(
      bs.getVolumeImageMetadata(v.id),
      NotFoundError,
      404,
      `Glance metadata for volume/snapshot ${v.id} cannot be found.`,
    );
    await bs.setVolumeImageMetadata(v.id, { os_distro: 'debian', osbs_key: 'x' });
    expect(await bs.getVolumeImageMetadata(v.id)).toMatchObject({ os_distro: 'debian', osbs_key: 'x' });
  });

  it('reserveVolume/unreserveVolume and attach (mode rw) → beginVolumeDetaching → abortVolumeDetaching walk the volume through attaching, in-use and detaching', async () => {
    const bs = ctx.bs();
    const v = await ctx.volume();
    await bs.reserveVolume(v.id);
    await ctx.status(v.id, 'attaching');
    await bs.unreserveVolume(v.id);
    await ctx.status(v.id, 'available');

    await bs.attachVolume(v.id, '/dev/vdb', { hostName: 'osbs-live-extras', mode: 'rw' });
    await ctx.status(v.id, 'in-use');
    await bs.beginVolumeDetaching(v.id);
    await ctx.status(v.id, 'detaching');
    await bs.abortVolumeDetaching(v.id);
    await ctx.status(v.id, 'in-use');
    const attached = await bs.getVolume(v.id);
    await bs.detachVolume(v.id, attached.attachments![0].attachmentId!);
    await ctx.status(v.id, 'available');
  });

  it('initVolumeAttachment returns the fake driver connection info; terminateVolumeAttachment is accepted', async () => {
    const bs = ctx.bs();
    const v = await ctx.volume();
    const connector = { host: 'osbs-live-extras', initiator: 'iqn.1994-05.com.example:osbs-extras' };
    const info = await bs.initVolumeAttachment(v.id, connector);
    expect(info).toMatchObject({ driver_volume_type: 'local', data: { access_mode: 'rw', encrypted: false } });
    await bs.terminateVolumeAttachment(v.id, connector);
    await ctx.status(v.id, 'available');
  });

  it('setSnapshotStatus (os-update_snapshot_status) moves a creating snapshot to available with its progress; from available Cinder answers 400', async () => {
    const bs = ctx.bs();
    const s = await ctx.snapshot();
    await expectRejects(
      bs.setSnapshotStatus(s.id, 'error'),
      BadRequestError,
      400,
      'Snapshot status available not allowed for update_snapshot_status',
    );
    await bs.resetSnapshotStatus(s.id, 'creating');
    await bs.setSnapshotStatus(s.id, 'available', { progress: '100%' });
    const after = await bs.waitForStatus(await bs.getSnapshot(s.id), 'available', POLL);
    expect(after.progress).toBe('100%');
  });

  it('createImage: without Glance Cinder answers 400 with an empty fault message; the volume stays available', async () => {
    const bs = ctx.bs();
    const v = await ctx.volume();
    await expectRejects(
      bs.createImage(v.id, uniqueName('image')),
      BadRequestError,
      400,
      'badRequest (the server gave no message)',
    );
    await ctx.status(v.id, 'available');
  });
}
