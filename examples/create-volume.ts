/**
 * Create a volume, wait until it is available, extend it, then delete it and wait until it is gone.
 *
 *   OS_CLOUD=mycloud npx tsx examples/create-volume.ts     # a cloud from clouds.yaml
 *   source openrc.sh && npx tsx examples/create-volume.ts   # or OS_* variables
 */
import { BlockStorageV3, connect, type CloudConnection } from 'openstack-block-storage';

const cloud = await connect(); // options → OS_* variables → clouds.yaml (OS_CLOUD)
const bs = v3(cloud.blockStorage);
try {
  const volume = await bs.createVolume({
    name: `example-${Date.now()}`,
    size: 1,
    description: 'created by examples/create-volume.ts',
  });
  console.log(`created volume ${volume.id} (${volume.status})`);
  try {
    // Polls with backoff; fails fast on error states (error, error_extending, …) instead of timing out.
    const ready = await bs.waitForStatus(volume, 'available', { interval: 1, wait: 300 });
    console.log(`volume ${ready.id} is ${ready.status}: ${ready.size} GiB`);

    await bs.extendVolume(ready, 2);
    const extended = await bs.waitForStatus(await bs.getVolume(ready.id), 'available', { interval: 1, wait: 300 });
    console.log(`extended to ${extended.size} GiB`);
  } finally {
    await bs.deleteVolume(volume);
    await bs.waitForDelete(volume, { interval: 1 });
    console.log(`deleted volume ${volume.id}`);
  }
} finally {
  await cloud.close();
}

/** connect() picks the newest API version the cloud serves; narrow the union type to it. */
function v3(bs: CloudConnection['blockStorage']): BlockStorageV3 {
  if (!(bs instanceof BlockStorageV3)) throw new Error('this example needs the Block Storage v3 API');
  return bs;
}
