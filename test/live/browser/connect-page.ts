/**
 * The connect() bundle of the live browser test: the full SDK from the package entry (auth,
 * catalog, version discovery, the v3 proxy, waiters) on the browser's fetch, against the real
 * Keystone and Cinder (CORS). Bundled by esbuild for the browser platform.
 */
import { connect, type ConnectOptions } from '../../../generated/index.js';
import { NotFoundError } from '../../../runtime/errors.js';
import {
  MISSING_ID,
  check,
  type ConnectSummary,
  type NotFoundSummary,
  type PageConfig,
  type PageGlobals,
} from './page-types.js';

function options(config: PageConfig): ConnectOptions {
  const headers = { additionalHeaders: { traceparent: config.traceparent } };
  if (config.mode === 'noauth') {
    return { authType: 'admin_token', auth: { token: config.token, endpoint: config.endpoint }, ...headers };
  }
  const k = config.keystone;
  check(k !== undefined, 'keystone mode needs the login');
  return {
    auth: {
      authUrl: k.authUrl,
      username: k.username,
      password: k.password,
      projectName: k.projectName,
      userDomainName: k.userDomainName,
      projectDomainName: k.projectDomainName,
    },
    regionName: k.regionName,
    interface: k.interface,
    ...headers,
  };
}

async function run(config: PageConfig): Promise<ConnectSummary> {
  const cloud = await connect({ ...options(config), version: '3' });
  try {
    const resolved = await cloud.session('blockStorage').resolve();
    check(resolved.url === config.endpoint, `the catalog/endpoint gives ${config.endpoint}, not ${resolved.url}`);
    check(resolved.microversions?.max === config.maxMicroversion, 'version discovery read the microversion range');
    const bs = cloud.blockStorage;

    const volume = await bs.createVolume({ name: config.volumeName, size: 1 });
    const id = volume.id;
    check(id !== undefined && id.length > 0, 'createVolume returns the new id');
    await bs.waitForStatus(volume, 'available', { interval: 0.5 });
    await bs.extendVolume(volume, 2);
    await bs.waitForStatus(volume, 'available', { interval: 0.5 });
    const extended = await bs.getVolume(id);
    check(extended.size === 2, `the volume was extended to 2 GiB (size ${extended.size})`);
    check(/^req-/.test(extended.openstackRequestId ?? ''), 'X-OpenStack-Request-ID is readable (Cinder exposes it)');
    const found = await bs.findVolume(config.volumeName);
    check(found?.id === id, 'findVolume finds it by name');

    const error = await bs.getVolume(MISSING_ID).then(
      () => undefined,
      (e: unknown) => e,
    );
    check(error instanceof NotFoundError, `a NotFoundError, not ${String(error)}`);
    check(/^req-/.test(error.requestId ?? ''), 'the error carries the request id');
    const notFound: NotFoundSummary = {
      name: error.name,
      status: error.status,
      requestId: error.requestId,
      details: error.details,
    };

    await bs.deleteVolume(volume);
    await bs.waitForDelete(volume, { interval: 0.5 });
    const gone = await bs.getVolume(id).then(
      () => false,
      (e: unknown) => e instanceof NotFoundError,
    );
    check(gone, 'the volume is gone after waitForDelete');

    return {
      resolvedUrl: resolved.url,
      serverMax: resolved.microversions?.max,
      volumeId: id,
      sizeAfterExtend: extended.size ?? undefined,
      foundByName: found?.id,
      requestId: extended.openstackRequestId,
      notFound,
      goneAfterDelete: gone,
    };
  } finally {
    await cloud.close();
  }
}

(globalThis as PageGlobals).osbsConnect = { run };
