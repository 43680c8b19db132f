/**
 * The budget app (bench/bundle-size.ts): a browser app that connects with a static token and
 * gets one volume, with auth, retries, typed errors and microversion negotiation in the bundle.
 */
import { createClient } from 'openstack-block-storage/lite';
import { getVolume } from 'openstack-block-storage/block-storage/v2';
import { NotFoundError } from 'openstack-block-storage/runtime';

const client = createClient({
  endpoint: 'https://cinder.example.com:8776/v3/0123456789abcdef',
  token: 'gAAAAAB-token',
});
try {
  const volume = await getVolume(client, 'vol-1');
  console.log(volume.name, volume.status, volume.size);
} catch (error) {
  console.log(error instanceof NotFoundError ? 'no such volume' : error);
}
