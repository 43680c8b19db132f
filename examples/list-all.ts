/**
 * List every volume, snapshot and backup of the project, page by page. Listings are lazy: each
 * page is fetched when the loop reaches it, with Cinder's `limit` as the page size, following the
 * `next` links until the last page.
 *
 *   OS_CLOUD=mycloud npx tsx examples/list-all.ts [page size, default 50]
 */
import { BlockStorageV3, connect, type CloudConnection } from 'openstack-block-storage';

const pageSize = Number(process.argv[2] ?? 50);
const cloud = await connect();
const bs = v3(cloud.blockStorage);
try {
  // Item by item: pages are fetched as the loop goes.
  let volumes = 0;
  let gib = 0;
  for await (const volume of bs.volumes({ limit: pageSize })) {
    volumes++;
    gib += volume.size ?? 0;
  }
  console.log(`volumes: ${volumes} (${gib} GiB)`);

  // Page by page, with each page's request id (for a support ticket).
  let pages = 0;
  let snapshots = 0;
  for await (const page of bs.snapshots({ limit: pageSize }).pages()) {
    pages++;
    snapshots += page.items.length;
  }
  console.log(`snapshots: ${snapshots} in ${pages} page(s)`);

  // At most a few: maxItems stops the listing early (and is the page size when none is given).
  const newest = await bs.backups({ sortKey: 'created_at', sortDir: 'desc', maxItems: 5 }).toArray();
  console.log(`newest backups: ${newest.map((b) => b.name ?? b.id).join(', ') || 'none'}`);
} finally {
  await cloud.close();
}

/** connect() picks the newest API version the cloud serves; narrow the union type to it. */
function v3(bs: CloudConnection['blockStorage']): BlockStorageV3 {
  if (!(bs instanceof BlockStorageV3)) throw new Error('this example needs the Block Storage v3 API');
  return bs;
}
