/**
 * Give a volume to another project: the owner creates a transfer, the recipient accepts it with
 * the transfer id and its auth key (Cinder shows the key once, in the create response).
 *
 *   OS_CLOUD=owner RECEIVER_CLOUD=recipient npx tsx examples/transfer-volume.ts
 *
 * The recipient is another clouds.yaml entry (another project). The volume ends up deleted.
 */
import { BlockStorageV3, connect, type CloudConnection } from 'openstack-block-storage';

const receiverCloud = process.env['RECEIVER_CLOUD'];
if (!receiverCloud) {
  console.error('set RECEIVER_CLOUD to the clouds.yaml entry of the receiving project');
  process.exit(2);
}
const owner = await connect();
const recipient = await connect({ cloud: receiverCloud });
const ownerBs = v3(owner.blockStorage);
const recipientBs = v3(recipient.blockStorage);
try {
  const volume = await ownerBs.waitForStatus(
    await ownerBs.createVolume({ name: `example-transfer-${Date.now()}`, size: 1 }),
    'available',
    { interval: 1, wait: 300 },
  );
  console.log(`volume ${volume.id} is available in the owner's project`);

  const transfer = await ownerBs.createTransfer({ volumeId: volume.id, name: 'example transfer' });
  console.log(`transfer ${transfer.id} created (auth key received: ${transfer.authKey ? 'yes' : 'no'})`);

  try {
    const accepted = await recipientBs.acceptTransfer(transfer.id, transfer.authKey!);
    console.log(`transfer accepted: volume ${accepted.volumeId} now belongs to the recipient`);
  } catch (error) {
    await ownerBs.deleteTransfer(transfer); // give the volume back before cleaning up
    await ownerBs.deleteVolume(volume);
    throw error;
  }

  // The volume is the recipient's now: it lists it, and deletes it.
  const mine = await recipientBs.getVolume(volume.id);
  const listed = await recipientBs.volumes({ name: mine.name }).toArray();
  console.log(`the recipient lists it: ${listed.some((v) => v.id === mine.id)}`);
  await recipientBs.deleteVolume(mine);
  await recipientBs.waitForDelete(mine, { interval: 1 });
  console.log(`recipient deleted volume ${mine.id}`);
} finally {
  await owner.close();
  await recipient.close();
}

/** connect() picks the newest API version the cloud serves; narrow the union type to it. */
function v3(bs: CloudConnection['blockStorage']): BlockStorageV3 {
  if (!(bs instanceof BlockStorageV3)) throw new Error('this example needs the Block Storage v3 API');
  return bs;
}
