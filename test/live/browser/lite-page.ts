/**
 * The lite bundle of the live browser test: `createClient()` with the standalone v3 functions, on
 * the browser's fetch, against the real Cinder (CORS). Bundled by esbuild for the browser platform.
 */
import { createClient, discoverServerVersions } from '../../../runtime/lite.js';
import { ConnectionError, NotFoundError } from '../../../runtime/errors.js';
import {
  BlockStorageV3,
  createVolume,
  deleteVolume,
  getVolume,
  volumes,
  type Volume,
} from '../../../generated/block-storage/v3/index.js';
import {
  MISSING_ID,
  check,
  type LiteSummary,
  type NotFoundSummary,
  type PageConfig,
  type PageGlobals,
} from './page-types.js';

/** Keystone password auth with the page's own fetch: the token is only readable if X-Subject-Token is exposed. */
async function keystoneToken(config: PageConfig): Promise<string> {
  const k = config.keystone;
  check(k !== undefined, 'keystone mode needs the login');
  const response = await fetch(`${k.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: k.username, password: k.password, domain: { name: k.userDomainName } } },
        },
        scope: { project: { name: k.projectName, domain: { name: k.projectDomainName } } },
      },
    }),
  });
  check(response.status === 201, `Keystone answered ${response.status} to the password login`);
  const token = response.headers.get('x-subject-token');
  check(token !== null && token.length > 20, 'X-Subject-Token is readable (Keystone exposes it to this origin)');
  return token;
}

async function waitFor(what: string, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!(await done())) {
    check(Date.now() < deadline, `${what} within 90 s`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function run(config: PageConfig): Promise<LiteSummary> {
  const token = config.mode === 'keystone' ? await keystoneToken(config) : config.token;
  check(token !== undefined, 'a token');
  const serverVersions = await discoverServerVersions(config.endpoint);
  check(serverVersions?.max === config.maxMicroversion, `the version document says ${config.maxMicroversion}`);
  const client = createClient({
    endpoint: config.endpoint,
    token,
    service: BlockStorageV3.service,
    serverVersions,
    headers: { traceparent: config.traceparent },
  });

  const created = await createVolume(client, { name: config.volumeName, size: 1 });
  const id = created.id;
  check(id !== undefined && id.length > 0, 'createVolume returns the new id');
  let current: Volume = created;
  await waitFor('the volume becomes available', async () => {
    current = await getVolume(client, id);
    check(current.status !== 'error', 'the volume did not fail');
    return current.status === 'available';
  });
  // consumes_quota exists from 3.65 on: present only if the negotiated microversion went out.
  check(current.consumesQuota === true, 'getVolume at the negotiated microversion shows consumesQuota');
  check(/^req-/.test(current.openstackRequestId ?? ''), 'X-OpenStack-Request-ID is readable (Cinder exposes it)');

  const listed: string[] = [];
  for await (const v of volumes(client, { name: config.volumeName })) listed.push(v.id ?? '');
  check(listed.includes(id), 'the listing by name finds the volume');

  const notFound = await missing(() => getVolume(client, MISSING_ID));

  // A header the cloud's CORS settings do not allow: Chromium refuses the preflight and the call
  // ends in a ConnectionError (what a user sees when allow_headers lacks, say, traceparent).
  const refused = await getVolume(
    createClient({
      endpoint: config.endpoint,
      token,
      service: BlockStorageV3.service,
      serverVersions,
      headers: { 'x-not-in-allow-headers': '1' },
      connectRetries: 0,
    }),
    id,
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  check(refused instanceof ConnectionError, `a header CORS does not allow fails the call (${String(refused)})`);

  await deleteVolume(client, id);
  let gone = false;
  await waitFor('the volume is deleted', async () => {
    gone = await getVolume(client, id).then(
      () => false,
      (e: unknown) => e instanceof NotFoundError,
    );
    return gone;
  });

  return {
    serverMax: serverVersions?.max,
    tokenFromSubjectHeader: config.mode === 'keystone',
    volumeId: id,
    statusAfterWait: current.status ?? undefined,
    consumesQuota: current.consumesQuota,
    requestId: current.openstackRequestId,
    listedByName: listed,
    notFound,
    refusedHeader: refused.name,
    goneAfterDelete: gone,
  };
}

/** The typed error of a call that must fail with 404. */
export async function missing(call: () => Promise<unknown>): Promise<NotFoundSummary> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  check(error instanceof NotFoundError, `a NotFoundError, not ${String(error)}`);
  check(/^req-/.test(error.requestId ?? ''), 'the error carries the request id');
  return { name: error.name, status: error.status, requestId: error.requestId, details: error.details };
}

(globalThis as PageGlobals).osbsLite = { run };
