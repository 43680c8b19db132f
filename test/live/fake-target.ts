/**
 * The fake cloud as a live-suite target (`npm run test:live -- --target fake`): starts
 * `startFakeCloud()` on a free loopback port in the given auth mode, shaped like the real stack of
 * test/live/stack/start.sh (microversions up to 3.70 as Cinder 21, raised quotas, a second project;
 * in keystone mode a `demo` project whose user is a member), writes the same STATE/env variables
 * the suite reads to ENV_FILE, prints one line when ready and serves until SIGTERM or SIGINT.
 *
 *   npx tsx test/live/fake-target.ts noauth|keystone ENV_FILE
 *
 * It needs no root, no packages and no other process: run.sh starts it per mode.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { startFakeCloud } from '../../fake/index.js';

/** The real stack's second noauth project (start.sh), so tests see the same IDs' shape. */
const SECOND_PROJECT = 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5';

const [mode, envFile] = process.argv.slice(2);
if ((mode !== 'noauth' && mode !== 'keystone') || !envFile) {
  process.stderr.write('usage: fake-target.ts noauth|keystone ENV_FILE\n');
  process.exit(2);
}

/** A free loopback port for browser.test.ts's page (the real stack's default 18776 may be taken). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('fake-target: no free port for the page');
  return address.port;
}

// browser.test.ts serves its page there; start.sh puts the same origin in Cinder's and Keystone's [cors].
const browserOrigin = process.env['RC_BROWSER_ORIGIN'] ?? `http://127.0.0.1:${await freePort()}`;

const fake = await startFakeCloud({
  noauth: mode === 'noauth',
  // Cinder 21 (the real stack) tops out at 3.70; the suite's assertions name it.
  maxMicroversion: '3.70',
  // start.sh raises the quotas of both projects the same way.
  quotas: { volumes: 200, snapshots: 200, backups: 200, gigabytes: 1000, groups: 50 },
  // start.sh's CORS_ALLOW_HEADERS (Keystone's also takes its own token and scope headers; one list
  // serves both here) and CORS_EXPOSE_HEADERS.
  cors: {
    allowedOrigins: [browserOrigin],
    allowHeaders: [
      'X-Auth-Token',
      'OpenStack-API-Version',
      'X-OpenStack-Request-ID',
      'traceparent',
      'tracestate',
      'X-Subject-Token',
      'X-Project-Id',
      'X-Domain-Id',
    ],
    exposeHeaders: ['X-OpenStack-Request-ID', 'OpenStack-API-Version', 'X-Subject-Token', 'Retry-After'],
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  },
  // The real stack's deployment (start.sh, cinder.conf): the stock default type and zone, and the
  // first back end's pool, where its scheduler puts a volume of the default type.
  settings: { volume_host: 'rc-host@fake#fake', volume_service_uuid: '6d7a3c1e-2f4b-4c8a-9e5d-0b1f2a3c4d5e' },
});
const origin = new URL(fake.url).origin;
const quote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;
const lines = [
  '# written by test/live/fake-target.ts: the fake cloud as the live suite target',
  `export LIVE_TARGET=fake RC_AUTH=${mode} RC_BACKUP=1 RC_BACKUP_DRIVER=fake`,
  `export CINDER_URL=${origin}`,
  `export CINDER_PROJECT_ID=${fake.projectId}`,
  'export CINDER_MAX_MICROVERSION=3.70',
  // The real stack's two back ends, so the tests that need them run and are tagged real-only.
  "export RC_BACKENDS='fake fake2' RC_POOLS='rc-host@fake#fake rc-host@fake2#fake2'",
  `export RC_BROWSER_ORIGIN=${browserOrigin}`,
];
if (mode === 'noauth') {
  lines.push(
    `export CINDER_SECOND_PROJECT_ID=${SECOND_PROJECT}`,
    `export CINDER_NOAUTH_TOKEN=${quote(`admin:${fake.projectId}`)}`,
    `export CINDER_SECOND_NOAUTH_TOKEN=${quote(`admin:${SECOND_PROJECT}`)}`,
  );
} else {
  const demo = fake.addProject('demo');
  lines.push(
    `export CINDER_SECOND_PROJECT_ID=${demo.projectId}`,
    `export OS_AUTH_URL=${fake.authUrl} OS_USERNAME=${quote(fake.username)} OS_PASSWORD=${quote(fake.password)}`,
    `export OS_PROJECT_NAME=${quote(fake.projectName)} OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default`,
    'export OS_REGION_NAME=RegionOne OS_IDENTITY_API_VERSION=3 OS_INTERFACE=public',
    `export RC_DEMO_USERNAME=${quote(demo.username)} RC_DEMO_PASSWORD=${quote(demo.password)}`,
    `export RC_DEMO_PROJECT_NAME=${quote(demo.projectName)} RC_DEMO_PROJECT_ID=${demo.projectId}`,
  );
}
writeFileSync(envFile, `${lines.join('\n')}\n`, { mode: 0o600 });

const stopped = new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
process.stdout.write(`fake cloud (${mode}) ready at ${origin}\n`);
await stopped;
await fake.close();
