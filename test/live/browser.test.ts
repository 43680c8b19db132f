/**
 * The SDK in a real browser: headless Chromium (Debian's `chromium`, driven by playwright-core; no
 * browser is downloaded) opens a page served from 127.0.0.1 that loads two esbuild bundles built
 * for the browser platform — the lite client (`createClient()` + standalone v3 functions) and the
 * full SDK (`connect()`) — and calls the real Cinder (and Keystone) cross-origin, through the
 * `[cors]` middleware that test/live/stack/start.sh configures for this page's origin
 * (RC_BROWSER_ORIGIN). The pages check every result themselves (test/live/browser/); the test
 * checks their summaries and what Chromium put on the wire.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLiveEnv, volumeEndpoint } from './env.js';
import type { ConnectSummary, LiteSummary, PageConfig, PageGlobals } from './browser/page-types.js';

const env = loadLiveEnv();
const origin = env.browserOrigin;
const chromiumPath = process.env['RC_CHROMIUM'] ?? '/usr/bin/chromium';
const here = dirname(fileURLToPath(import.meta.url));

/** Chromium as the brief of this suite wants it: headless, no sandbox (root), nothing phoning home. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>openstack-block-storage in a browser</title></head>
<body>
<script type="module" src="/lite.js"></script>
<script type="module" src="/connect.js"></script>
</body></html>
`;

interface Bundle {
  readonly code: string;
  readonly inputs: string[];
}

async function bundle(entry: string): Promise<Bundle> {
  const result = await build({
    entryPoints: [join(here, 'browser', entry)],
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0]?.text ?? '', inputs: Object.keys(result.metafile.inputs) };
}

let lite: Bundle;
let full: Bundle;
let server: Server | undefined;
let context: BrowserContext | undefined;
let page: Page;
let profile = '';
/** Every request Chromium sent to Cinder or Keystone (not the page's own origin). */
const sent: { method: string; url: string; headers: Record<string, string> }[] = [];
/** Header reads still under way (Chromium reports them asynchronously). */
const reading: Promise<void>[] = [];
/** Console errors, page errors and failed requests: printed with a failure. */
const trouble: string[] = [];

const skip = origin === undefined ? 'the stack has no page origin in its CORS settings (RC_BROWSER_ORIGIN unset)' : '';

beforeAll(async () => {
  [lite, full] = await Promise.all([bundle('lite-page.ts'), bundle('connect-page.ts')]);
  if (skip) return;
  const { hostname, port } = new URL(origin ?? '');
  server = createServer((req, res) => {
    const body =
      req.url === '/' ? PAGE : req.url === '/lite.js' ? lite.code : req.url === '/connect.js' ? full.code : undefined;
    if (body === undefined) return res.writeHead(404).end();
    res.writeHead(200, {
      'content-type': req.url === '/' ? 'text/html' : 'text/javascript',
      'cache-control': 'no-store',
    });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server?.once('error', reject);
    server?.listen(Number(port), hostname, resolve);
  });
  profile = mkdtempSync(join(tmpdir(), 'osbs-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') trouble.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => trouble.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => trouble.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(`${origin}/`)) {
      reading.push(
        r.allHeaders().then((headers) => {
          sent.push({ method: r.method(), url: r.url(), headers });
        }),
      );
    }
  });
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => {
    const g = globalThis as PageGlobals;
    return g.osbsLite !== undefined && g.osbsConnect !== undefined;
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

function config(kind: string): PageConfig {
  const hex = (n: number): string =>
    Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const common = {
    mode: env.mode,
    endpoint: volumeEndpoint(env),
    volumeName: `browser-${kind}-${env.mode}-${hex(6)}`,
    maxMicroversion: env.maxMicroversion,
    traceparent: `00-${hex(32)}-${hex(16)}-01`,
  };
  if (env.mode === 'noauth') return { ...common, token: env.noauthToken };
  return { ...common, keystone: { ...env.admin, regionName: env.regionName, interface: env.interface } };
}

/** Runs a bundle's checks in the page; a failure carries what the browser complained about. */
async function inPage<T>(run: (c: PageConfig) => Promise<T>, c: PageConfig): Promise<T> {
  trouble.length = 0;
  try {
    return await page.evaluate(run, c);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${trouble.join('\n')}`, { cause: error });
  }
}

/** What Chromium sent to Cinder with this run's traceparent (none if the SDK dropped the header). */
async function cinderRequests(c: PageConfig): Promise<typeof sent> {
  await Promise.all(reading);
  return sent.filter(
    (r) => r.url.startsWith(env.cinderUrl) && r.method !== 'OPTIONS' && r.headers['traceparent'] === c.traceparent,
  );
}

describe(`the SDK in headless Chromium (${env.mode})`, () => {
  it('the lite and connect() bundles for the browser hold no Node built-in, Node transport or clouds.yaml reader', () => {
    for (const b of [lite, full]) {
      expect(
        b.inputs.filter((i) => i.startsWith('node:') || /node-transport|http1|tunnel|config\/files/.test(i)),
      ).toEqual([]);
      expect(b.code.length).toBeGreaterThan(1000);
    }
    expect(lite.inputs.some((i) => i.endsWith('runtime/lite.ts'))).toBe(true);
    expect(full.inputs.some((i) => i.endsWith('runtime/connect.ts'))).toBe(true);
  });

  it.skipIf(skip !== '')(
    `the lite client creates, reads, lists and deletes a volume on the real Cinder from the page ${skip}`,
    async () => {
      const c = config('lite');
      const result: LiteSummary = await inPage((cfg) => (globalThis as PageGlobals).osbsLite!.run(cfg), c);
      expect(result).toMatchObject({
        serverMax: env.maxMicroversion,
        tokenFromSubjectHeader: env.mode === 'keystone',
        statusAfterWait: 'available',
        consumesQuota: true,
        listedByName: [result.volumeId],
        notFound: { name: 'NotFoundError', status: 404 },
        refusedHeader: 'ConnectionError',
        goneAfterDelete: true,
      });
      expect(result.requestId).toMatch(/^req-/);
      expect(result.notFound.details).toMatch(/could not be found/);
      const requests = await cinderRequests(c);
      expect(requests.map((r) => r.method)).toEqual(expect.arrayContaining(['POST', 'GET', 'DELETE']));
      for (const r of requests) {
        expect(r.headers['origin']).toBe(origin);
        expect(r.headers['openstack-api-version']).toBe(`volume ${env.maxMicroversion}`);
      }
    },
  );

  it.skipIf(skip !== '')(
    `connect() authenticates, discovers, creates, extends, finds and deletes a volume on the real Cinder from the page ${skip}`,
    async () => {
      const c = config('connect');
      const result: ConnectSummary = await inPage((cfg) => (globalThis as PageGlobals).osbsConnect!.run(cfg), c);
      expect(result).toMatchObject({
        resolvedUrl: volumeEndpoint(env),
        serverMax: env.maxMicroversion,
        sizeAfterExtend: 2,
        foundByName: result.volumeId,
        notFound: { name: 'NotFoundError', status: 404 },
        goneAfterDelete: true,
      });
      expect(result.requestId).toMatch(/^req-/);
      const requests = await cinderRequests(c);
      expect(requests.filter((r) => r.url.endsWith('/action') && r.method === 'POST').length).toBe(1);
      // Cinder's unversioned root (the version document connect() asks first) answers the preflight
      // of a request carrying additional headers without CORS headers here, so Chromium never sends
      // that GET (Playwright still lists it, without Origin) and discovery goes on at the versioned
      // endpoint; every request that was sent carried the page's Origin.
      const root = new URL('/', env.cinderUrl).href;
      for (const r of requests.filter((q) => q.url !== root)) expect(r.headers['origin']).toBe(origin);
      if (env.mode === 'keystone') {
        // The password login went to Keystone cross-origin too (additionalHeaders are for the
        // service's requests, so no traceparent there).
        const logins = sent.filter((r) => r.url.endsWith('/auth/tokens') && r.method === 'POST');
        expect(logins.length).toBeGreaterThanOrEqual(2);
        for (const r of logins) expect(r.headers['origin']).toBe(origin);
      }
    },
  );
});
