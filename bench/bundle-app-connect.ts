/**
 * The same app through `connect()` (bench/bundle-size.ts): configuration resolution, token cache,
 * version discovery, HttpClient with limits, logging and metrics, and the BlockStorageV2 proxy with
 * every method. For comparison with the lite path.
 */
import { connect, NotFoundError } from 'openstack-block-storage';

const cloud = await connect({
  authType: 'admin_token',
  auth: { token: 'gAAAAAB-token', endpoint: 'https://cinder.example.com:8776/v3/0123456789abcdef' },
});
try {
  const volume = await cloud.blockStorage.getVolume('vol-1');
  console.log(volume.name, volume.status, volume.size);
} catch (error) {
  console.log(error instanceof NotFoundError ? 'no such volume' : error);
}
