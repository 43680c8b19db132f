/**
 * Snapshot a volume and back it up, then restore the backup to a new volume. Everything it
 * creates is deleted at the end, also when a step fails.
 *
 *   OS_CLOUD=mycloud npx tsx examples/snapshot-and-backup.ts
 */
import { BlockStorageV3, connect, type CloudConnection, type Resource } from 'openstack-block-storage';

const cloud = await connect();
const bs = v3(cloud.blockStorage);
const name = `example-${Date.now()}`;
const wait = { interval: 1, wait: 600 };
const cleanup: (() => Promise<unknown>)[] = [];

try {
  const volume = await bs.waitForStatus(await bs.createVolume({ name, size: 1 }), 'available', wait);
  cleanup.push(() => deleted(volume, () => bs.deleteVolume(volume)));
  console.log(`volume ${volume.id} is available`);

  const snapshot = await bs.waitForStatus(
    await bs.createSnapshot({ volumeId: volume.id, name: `${name}-snap` }),
    'available',
    wait,
  );
  cleanup.push(() => deleted(snapshot, () => bs.deleteSnapshot(snapshot)));
  console.log(`snapshot ${snapshot.id} is available (${snapshot.size} GiB)`);

  const backup = await bs.waitForStatus(
    await bs.createBackup({ volumeId: volume.id, name: `${name}-backup` }),
    'available',
    wait,
  );
  cleanup.push(() => deleted(backup, () => bs.deleteBackup(backup)));
  console.log(`backup ${backup.id} is available (${backup.size} GiB)`);

  // Restore into a new volume: Cinder answers with the new volume's id at once, then works.
  const restore = await bs.restoreBackup(backup, { name: `${name}-restored` });
  const restored = await bs.waitForStatus(await bs.getVolume(restore.volumeId!), 'available', wait);
  cleanup.push(() => deleted(restored, () => bs.deleteVolume(restored)));
  // The restore holds the backup until it is done: wait for it to be available again before deleting.
  await bs.waitForStatus(await bs.getBackup(backup.id), 'available', wait);
  console.log(`restored backup ${backup.id} to volume ${restored.id}`);
} finally {
  // Newest first: the restored volume, the backup, the snapshot, then the volume they came from.
  for (const step of cleanup.reverse())
    await step().catch((error: unknown) => console.error(`cleanup: ${String(error)}`));
  await cloud.close();
}

async function deleted(resource: Resource, remove: () => Promise<void>): Promise<void> {
  await remove();
  await bs.waitForDelete(resource, { interval: 1, wait: 600 });
  console.log(`deleted ${resource.schema.name.toLowerCase()} ${resource.resourceId}`);
}

/** connect() picks the newest API version the cloud serves; narrow the union type to it. */
function v3(bs: CloudConnection['blockStorage']): BlockStorageV3 {
  if (!(bs instanceof BlockStorageV3)) throw new Error('this example needs the Block Storage v3 API');
  return bs;
}
