/**
 * The package as users get it: `npm pack` of the build, installed with `npm install <tarball>`
 * into an empty project. Checks what is in the tarball, that Node imports every subpath and
 * calls a local server through `connect()` and `createClient()`, that TypeScript code type-checks
 * against the shipped .d.ts, and that a browser bundle (esbuild, platform browser) contains no
 * Node built-in and works where there is no `process` at all, and that Deno runs it.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAndInstall, repoRoot, type InstalledPackage } from './install.js';

const PROJECT = '0123456789abcdef0123456789abcdef';
const TOKEN = `admin:${PROJECT}`;

let pkg: InstalledPackage;
let server: Server;
let endpoint = '';
const seen: { method: string; url: string; token: string | undefined; viaFetch: boolean; userAgent: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    // undici (Node's fetch) always sends sec-fetch-mode; node:http does not.
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      token: req.headers['x-auth-token'] as string | undefined,
      viaFetch: req.headers['sec-fetch-mode'] !== undefined,
      userAgent: req.headers['user-agent'] ?? '',
    });
    const url = req.url ?? '';
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-openstack-request-id', 'req-pack-test');
    // Cinder's version document at the root (300), and one volume.
    if (url === '/') {
      res.writeHead(300).end(
        JSON.stringify({
          versions: [{ id: 'v3.0', status: 'CURRENT', version: '3.70', min_version: '3.0', links: [] }],
        }),
      );
    } else if (url.includes('/volumes/detail')) {
      res.end(JSON.stringify({ volumes: [{ id: 'vol-1', name: 'packed', size: 1, status: 'available' }] }));
    } else if (url.endsWith('/volumes/vol-1')) {
      res.end(JSON.stringify({ volume: { id: 'vol-1', name: 'packed', size: 1, status: 'available' } }));
    } else {
      res.writeHead(404).end(JSON.stringify({ itemNotFound: { message: `nothing at ${url}`, code: 404 } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/${PROJECT}`;
  pkg = packAndInstall();
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  pkg?.remove();
});

const installed = (...parts: string[]): string =>
  join(pkg.project, 'node_modules', 'openstack-block-storage', ...parts);

/** Runs a script in the project (asynchronously: the test server lives in this process). */
async function runNode(code: string): Promise<string> {
  const file = join(pkg.project, `run-${seen.length}-${Date.now()}.mjs`);
  writeFileSync(file, code);
  const { stdout } = await promisify(execFile)(process.execPath, [file], {
    cwd: pkg.project,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', ENDPOINT: endpoint, TOKEN },
  });
  return stdout;
}

describe('the tarball', () => {
  it('carries the README, the LICENSE, the CHANGELOG and the guide', () => {
    const listing = execFileSync('tar', ['-tzf', pkg.tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const files = listing.map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'CHANGELOG.md', 'docs/guide.md']));
    expect(readFileSync(installed('LICENSE'), 'utf8')).toContain(
      'Apache License\n                           Version 2.0',
    );
    expect(readFileSync(installed('CHANGELOG.md'), 'utf8')).toMatch(/^## \[0\.1\.0\]/m);
  });

  it('holds the built package and nothing of the generator or the tests', () => {
    const listing = execFileSync('tar', ['-tzf', pkg.tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const files = listing.map((f) => f.replace(/^package\//, ''));
    for (const f of [
      'package.json',
      'README.md',
      'generated/index.js',
      'generated/index.d.ts',
      'runtime/lite.js',
      'runtime/lite.js.map',
    ]) {
      expect(files).toContain(f);
    }
    expect(
      files.filter((f) => /^(generator|templates|spec|test|bench)\/|\.ts$(?<!\.d\.ts$)|\/tests\//.test(f)),
    ).toEqual([]);
    const manifest = JSON.parse(readFileSync(installed('package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest['sideEffects']).toBe(false);
    expect(manifest['type']).toBe('module');
    expect(Object.keys(manifest['dependencies'] as object)).toEqual(['undici', 'yaml']);
    expect(manifest['devDependencies']).toBeUndefined();
    expect(manifest['private']).toBeUndefined();
    expect(manifest['bin']).toEqual({ 'openstack-block-storage': './node/fake/cli.js' });
    expect(files).toContain('generated/fake-model.json');
    expect(Object.keys(manifest['exports'] as object)).toEqual(
      expect.arrayContaining(['.', './block-storage/v2', './runtime', './lite', './testing']),
    );
    // Only the two runtime dependencies came along: no generator tool at run time.
    const modules = execFileSync('ls', [join(pkg.project, 'node_modules')], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    expect(modules.sort()).toEqual(['openstack-block-storage', 'undici', 'yaml']);
  });
});

describe('in Node', () => {
  it('imports every subpath', async () => {
    const out = await runNode(`
      const root = await import('openstack-block-storage');
      const v2 = await import('openstack-block-storage/block-storage/v2');
      const runtime = await import('openstack-block-storage/runtime');
      const lite = await import('openstack-block-storage/lite');
      console.log(JSON.stringify([typeof root.connect, typeof v2.getVolume, typeof v2.BlockStorageV2, typeof runtime.ServiceSession, typeof lite.createClient]));
    `);
    expect(JSON.parse(out)).toEqual(['function', 'function', 'function', 'function', 'function']);
  });

  it('connects with a static token and gets a volume; errors are typed', async () => {
    const out = await runNode(`
      import { connect, NotFoundError } from 'openstack-block-storage';
      const cloud = await connect({
        authType: 'admin_token',
        auth: { token: process.env.TOKEN, endpoint: process.env.ENDPOINT },
        env: false, cwd: '/nonexistent', homeDir: '/nonexistent', systemConfigDirs: [],
      });
      const volume = await cloud.blockStorage.getVolume('vol-1');
      const missing = await cloud.blockStorage.getVolume('vol-2').catch((e) => e);
      console.log(JSON.stringify({ name: volume.name, notFound: missing instanceof NotFoundError, details: missing.details }));
      await cloud.close();
    `);
    expect(JSON.parse(out)).toEqual({ name: 'packed', notFound: true, details: expect.stringContaining('nothing at') });
    expect(seen.some((r) => r.url.endsWith('/volumes/vol-1') && r.token === TOKEN)).toBe(true);
  });

  it('loads the bundled node tree, clouds.yaml through #config-files and undici through #node-transport', async () => {
    write(
      'clouds.yaml',
      `clouds:\n  packed:\n    auth_type: admin_token\n    auth: {token: "${TOKEN}", endpoint: "${endpoint}"}\n`,
    );
    const before = seen.length;
    const out = await runNode(`
      import { connect } from 'openstack-block-storage';
      const cloud = await connect({ cloud: 'packed', env: { OS_CLIENT_CONFIG_FILE: 'clouds.yaml' } });
      console.log(JSON.stringify({ resolved: import.meta.resolve('openstack-block-storage'), name: (await cloud.blockStorage.getVolume('vol-1')).name }));
      await cloud.close();
    `);
    const result = JSON.parse(out) as { resolved: string; name: string };
    expect(result.resolved).toMatch(/\/node_modules\/openstack-block-storage\/node\/generated\/index\.js$/);
    expect(result.name).toBe('packed');
    const calls = seen.slice(before).filter((r) => r.url.endsWith('/volumes/vol-1'));
    expect(calls.length).toBe(1);
    expect(calls[0]?.viaFetch).toBe(false);
  });

  it('runs the fake cloud from openstack-block-storage/testing, in the bundled and the per-file tree', async () => {
    const out = await runNode(`
      import { startFakeCloud } from 'openstack-block-storage/testing';
      const perFile = await import('./node_modules/openstack-block-storage/fake/index.js');
      const results = [];
      for (const start of [startFakeCloud, perFile.startFakeCloud]) {
        const fake = await start();
        const cloud = await fake.connect();
        const volume = await cloud.blockStorage.createVolume({ size: 1, name: 'packed-fake' });
        const ready = await cloud.blockStorage.waitForStatus(volume, 'available', { interval: 0.01 });
        results.push([ready.name, ready.status, fake.requests.at(-1).operation]);
        await cloud.close();
        await fake.close();
      }
      console.log(JSON.stringify({ resolved: import.meta.resolve('openstack-block-storage/testing'), results }));
    `);
    const result = JSON.parse(out) as { resolved: string; results: unknown[] };
    expect(result.resolved).toMatch(/\/node_modules\/openstack-block-storage\/node\/fake\/index\.js$/);
    expect(result.results).toEqual([
      ['packed-fake', 'available', 'Volume.get'],
      ['packed-fake', 'available', 'Volume.get'],
    ]);
  });

  it('installs the fake-cloud command, which prints its ready line and stops on SIGTERM', async () => {
    const bin = join(pkg.project, 'node_modules', '.bin', 'openstack-block-storage');
    const child = spawn(bin, ['fake-cloud', '--max-microversion', '3.60'], { cwd: pkg.project });
    let stdout = '';
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')));
      });
      child.once('close', (code) => reject(new Error(`exited ${code} before its ready line`)));
    });
    const ready = JSON.parse(line) as { url: string; token: string };
    const answer = await fetch(`${ready.url}/volumes`, { headers: { 'X-Auth-Token': ready.token } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('openstack-api-version')).toBe('volume 3.0');
    const code = await new Promise<number | null>((resolve) => {
      child.once('close', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('calls through createClient() and a standalone function', async () => {
    const out = await runNode(`
      import { createClient } from 'openstack-block-storage/lite';
      import { getVolume } from 'openstack-block-storage/block-storage/v2';
      const client = createClient({ endpoint: process.env.ENDPOINT, token: process.env.TOKEN });
      console.log((await getVolume(client, 'vol-1')).status);
    `);
    expect(out.trim()).toBe('available');
  });

  it('type-checks user code against the shipped declarations', () => {
    write(
      'app.ts',
      `import { connect, type CloudConnection, HttpError } from 'openstack-block-storage';
       import { getVolume, type Volume } from 'openstack-block-storage/block-storage/v2';
       export async function main(): Promise<number | undefined> {
         const cloud: CloudConnection = await connect({ cloud: 'x' });
         const v: Volume = await getVolume(cloud.session('blockStorage'), 'id');
         const e: unknown = undefined;
         if (e instanceof HttpError) return e.status;
         await cloud.blockStorage.waitForStatus(v, 'available');
         return v.size;
       }\n`,
    );
    expect(typecheck('app.ts', COMPILERS[0].bin, NODE_PROJECT)).toBe('');
  });

  it('type-checks the examples against the installed package', () => {
    // Test files need vitest, which the bare project lacks; the repository's typecheck covers them.
    const names = readdirSync(join(repoRoot, 'examples')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(names.length).toBeGreaterThanOrEqual(4);
    for (const name of names) write(name, readFileSync(join(repoRoot, 'examples', name), 'utf8'));
    expect(typecheck(names, COMPILERS[0].bin, NODE_PROJECT)).toBe('');
  });
});

/** The TypeScript versions users have: the repository's 5.9, and 7 (devDependency `typescript-7`). */
const COMPILERS = [
  { name: 'TypeScript 5.9', bin: join(repoRoot, 'node_modules', 'typescript', 'bin') },
  { name: 'TypeScript 7', bin: join(repoRoot, 'node_modules', 'typescript-7', 'bin') },
] as const;

describe('in a browser project', () => {
  it.each(COMPILERS)(
    'type-checks code using lite, block-storage/v2, block-storage/v3 and runtime with only the DOM library, no @types/node and no skipLibCheck ($name)',
    ({ name, bin }) => {
      expect(tscVersion(bin)).toMatch(name === 'TypeScript 7' ? /^Version 7\./ : /^Version 5\.9\./);
      write(
        'browser-app.ts',
        `import { createClient, discoverServerVersions } from 'openstack-block-storage/lite';
         import { getVolume, volumes, type Volume } from 'openstack-block-storage/block-storage/v2';
         import { BlockStorageV3, extendVolume, type Volume as VolumeV3 } from 'openstack-block-storage/block-storage/v3';
         import { NotFoundError, FetchTransport, defaultTransport, type Transport } from 'openstack-block-storage/runtime';
         export async function main(endpoint: string): Promise<string[]> {
           const client = createClient({ endpoint, token: () => 't', headers: { traceparent: '00-x-y-01' } });
           const v: Volume = await getVolume(client, 'id').catch((e: unknown) => { if (e instanceof NotFoundError) throw e; throw e; });
           const names: string[] = [v.name ?? ''];
           for await (const x of volumes(client, { limit: 10 })) names.push(x.id ?? '');
           const v3 = createClient({ endpoint, token: 't', service: BlockStorageV3.service, serverVersions: await discoverServerVersions(endpoint) });
           await extendVolume(v3, 'id', 2);
           const w: VolumeV3 | undefined = undefined;
           const transport: Transport = Math.random() > 0.5 ? new FetchTransport({ timeout: 1000 }) : defaultTransport({ timeout: 1000 });
           await transport.close?.();
           return [...names, w === undefined ? '' : 'x'];
         }\n`,
      );
      // What a browser project has: the DOM library, no Node types at all, every .d.ts checked.
      const out = typecheck('browser-app.ts', bin, {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        lib: ['ES2022', 'DOM'],
        types: [],
        skipLibCheck: false,
      });
      expect(out).toBe('');
      // Neither NodeTransport's nor undici's declarations (which need @types/node) are reachable.
      expect(
        tracedDeclarations('browser-app.ts', bin).filter((f) =>
          /node_modules\/undici\/|node-transport\.d\.ts$/.test(f),
        ),
      ).toEqual([]);
    },
  );
});

/** The declaration files a type check of `file` (without @types/node) loads. */
function tracedDeclarations(file: string, bin: string): string[] {
  const out = execFileSync(
    process.execPath,
    [join(bin, 'tsc'), '-p', join(pkg.project, `tsconfig.${file}.json`), '--listFiles'],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter((f) => f.endsWith('.d.ts'));
}

function write(name: string, text: string): void {
  writeFileSync(join(pkg.project, name), text);
}

/** A strict Node project: NodeNext, Node's types from the repository. */
const NODE_PROJECT = {
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  lib: ['ES2022', 'DOM', 'DOM.Iterable'],
  typeRoots: [join(repoRoot, 'node_modules', '@types')],
  types: ['node'],
  skipLibCheck: false,
};

/** `tsc --noEmit` (from the directory `bin`) on files of the project, strict; '' when it passes. */
function typecheck(files: string | string[], bin: string, options: Record<string, unknown>): string {
  const list = typeof files === 'string' ? [files] : files;
  const config = `tsconfig.${list[0]}.json`;
  write(config, JSON.stringify({ compilerOptions: { strict: true, noEmit: true, ...options }, files: list }));
  try {
    return execFileSync(process.execPath, [join(bin, 'tsc'), '-p', join(pkg.project, config)], { encoding: 'utf8' });
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

function tscVersion(bin: string): string {
  return execFileSync(process.execPath, [join(bin, 'tsc'), '--version'], { encoding: 'utf8' }).trim();
}

describe('in a browser bundle', () => {
  it('bundles with esbuild for the browser without any Node built-in, and runs without process', async () => {
    const entry = join(pkg.project, 'browser.js');
    writeFileSync(
      entry,
      `import { createClient } from 'openstack-block-storage/lite';
       import { getVolume } from 'openstack-block-storage/block-storage/v2';
       import { connect } from 'openstack-block-storage';
       globalThis.run = async (endpoint, token) => {
         const viaLite = await getVolume(createClient({ endpoint, token }), 'vol-1');
         const cloud = await connect({ authType: 'admin_token', auth: { token, endpoint } });
         const viaConnect = await cloud.blockStorage.getVolume('vol-1');
         await cloud.close();
         return [viaLite.name, viaConnect.name];
       };\n`,
    );
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: pkg.project,
      bundle: true,
      minify: true,
      platform: 'browser',
      format: 'iife',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => i.startsWith('node:') || /(^|\/)(http|https|net|tls|fs|os|path)$/.test(i))).toEqual([]);
    expect(inputs.some((i) => i.includes('node-transport'))).toBe(false);
    expect(inputs.some((i) => i.includes('config/files'))).toBe(false);
    // No undici: neither its files nor its HTTP parser.
    expect(inputs.filter((i) => i.includes('undici'))).toEqual([]);
    const code = result.outputFiles[0].text;
    expect(code).not.toContain('llhttp');
    // A browser-like global scope: fetch and friends, no process, no require.
    const sandbox: Record<string, unknown> = {
      fetch,
      Headers,
      Request,
      Response,
      URL,
      URLSearchParams,
      AbortController,
      AbortSignal,
      TextEncoder,
      TextDecoder,
      setTimeout,
      clearTimeout,
      console,
      performance,
      queueMicrotask,
      structuredClone,
      Event,
      EventTarget,
      DOMException,
    };
    sandbox['globalThis'] = sandbox;
    runInNewContext(code, sandbox);
    const run = sandbox['run'] as (endpoint: string, token: string) => Promise<string[]>;
    expect(await run(endpoint, TOKEN)).toEqual(['packed', 'packed']);
  });
});

describe('in Deno', () => {
  it('connects, gets a volume through fetch and raises typed errors; the lite client too', async () => {
    write(
      'deno-app.ts',
      `import { connect, NotFoundError } from 'openstack-block-storage';
       import { createClient } from 'openstack-block-storage/lite';
       import { getVolume } from 'openstack-block-storage/block-storage/v2';
       const endpoint = Deno.env.get('ENDPOINT')!;
       const token = Deno.env.get('TOKEN')!;
       const cloud = await connect({ authType: 'admin_token', auth: { token, endpoint } });
       const volume = await cloud.blockStorage.getVolume('vol-1');
       const missing = await cloud.blockStorage.getVolume('vol-2').catch((e) => e);
       await cloud.close();
       const lite = await getVolume(createClient({ endpoint, token }), 'vol-1');
       console.log(JSON.stringify([volume.name, missing instanceof NotFoundError, lite.name]));\n`,
    );
    const before = seen.length;
    const { stdout } = await promisify(execFile)(
      join(repoRoot, 'node_modules', '.bin', 'deno'),
      ['run', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', 'deno-app.ts'],
      {
        cwd: pkg.project,
        encoding: 'utf8',
        env: {
          PATH: process.env['PATH'] ?? '',
          ENDPOINT: endpoint,
          TOKEN,
          DENO_DIR: join(pkg.dir, 'deno'),
          DENO_NO_UPDATE_CHECK: '1',
          NO_COLOR: '1',
        },
      },
    );
    expect(JSON.parse(stdout)).toEqual(['packed', true, 'packed']);
    // The SDK saw Deno, not Node (so its default transport is fetch, not node:http).
    expect(
      seen.slice(before).some((r) => r.userAgent.includes('openstack-block-storage/') && r.userAgent.includes('Deno/')),
    ).toBe(true);
  });
});

describe('bundle size from the tarball', () => {
  it('keeps the createClient + getVolume app within 10% of bench/bundle-baseline.json', async () => {
    write('bundle-app-lite.ts', readFileSync(join(repoRoot, 'bench', 'bundle-app-lite.ts'), 'utf8'));
    const result = await build({
      entryPoints: [join(pkg.project, 'bundle-app-lite.ts')],
      absWorkingDir: pkg.project,
      bundle: true,
      minify: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const gzip = gzipSync(result.outputFiles[0].contents, { level: 9 }).length;
    const baseline = (
      JSON.parse(readFileSync(join(repoRoot, 'bench', 'bundle-baseline.json'), 'utf8')) as { lite: number }
    ).lite;
    expect(gzip).toBeLessThanOrEqual(Math.floor(baseline * 1.1));
  });
});

describe('in a Node bundle', () => {
  it('gets the undici transport through #default-transport (conditions node + module)', async () => {
    const entry = join(pkg.project, 'node-app.js');
    writeFileSync(
      entry,
      `import { connect } from 'openstack-block-storage';
       const cloud = await connect({ authType: 'admin_token', auth: { token: process.env.TOKEN, endpoint: process.env.ENDPOINT }, env: false });
       console.log((await cloud.blockStorage.getVolume('vol-1')).name);
       await cloud.close();\n`,
    );
    const outfile = join(pkg.project, 'node-bundle.mjs');
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: pkg.project,
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile,
      metafile: true,
      logLevel: 'silent',
      // yaml stays a package import; the bundle runs from the project, where it is installed.
      external: ['yaml'],
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.endsWith('runtime/http/default-transport.node.js'))).toBe(true);
    // NodeTransport came along, with undici bundled in.
    expect(inputs.some((i) => i.endsWith('runtime/http/node-transport.js'))).toBe(true);
    expect(inputs.some((i) => i.includes('node_modules/undici/'))).toBe(true);
    const { stdout } = await promisify(execFile)(process.execPath, [outfile], {
      cwd: pkg.project,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', ENDPOINT: endpoint, TOKEN },
    });
    expect(stdout.trim()).toBe('packed');
  });
});

/** The code blocks of a document's "Getting started" section, by the file name written above each. */
function gettingStarted(document: string): Record<string, string> {
  const text = readFileSync(join(repoRoot, document), 'utf8');
  const start = text.indexOf('\n## Getting started\n');
  if (start < 0) throw new Error(`${document} has no "## Getting started" section`);
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  const blocks: Record<string, string> = {};
  for (const m of section.matchAll(/^`([\w.]+)`[^\n]*\n\n```\w+\n([\s\S]*?)^```$/gm)) {
    blocks[m[1] ?? ''] = m[2] ?? '';
  }
  return blocks;
}

describe('getting started, as README and the guide show it', () => {
  it('the guide shows the same package.json, tsconfig.json and index.ts as the README', () => {
    const readme = gettingStarted('README.md');
    expect(Object.keys(readme).sort()).toEqual(['index.ts', 'package.json', 'tsconfig.json']);
    expect(gettingStarted('docs/guide.md')).toEqual(readme);
  });

  it('a new project with exactly those files installs the tarball, type-checks on TypeScript 5.9 and 7, and lists volumes', async () => {
    const files = gettingStarted('README.md');
    const app = join(pkg.dir, 'getting-started');
    mkdirSync(app);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(app, name), text);
    const manifest = JSON.parse(files['package.json'] ?? '{}') as { type?: string; scripts?: Record<string, string> };
    expect(manifest.type).toBe('module');
    execFileSync('npm', ['install', pkg.tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: app,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const run = promisify(execFile);
    // `tsc` (what `npx tsc` runs) and `npm start` as documented; tsc and tsx come from the
    // repository (the project's own node_modules/.bin comes first on npm's PATH, and it has none).
    const env = (bin: string): NodeJS.ProcessEnv => ({
      PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      HOME: pkg.dir,
      npm_config_update_notifier: 'false',
    });
    for (const { name, bin } of COMPILERS) {
      expect(tscVersion(bin), name).toMatch(name === 'TypeScript 7' ? /^Version 7\./ : /^Version 5\.9\./);
      const checked = await run('tsc', [], {
        cwd: app,
        env: env(bin),
        encoding: 'utf8',
      }).then(
        (r) => r.stdout,
        (e: Error & { stdout?: string }) => `failed: ${e.stdout || e.message}`,
      );
      expect(checked, name).toBe('');
    }
    const before = seen.length;
    const { stdout } = await run('npm', ['run', '--silent', 'start'], {
      cwd: app,
      env: {
        ...env(join(repoRoot, 'node_modules', '.bin')),
        OS_AUTH_TYPE: 'admin_token',
        OS_TOKEN: TOKEN,
        OS_ENDPOINT: endpoint,
      },
      encoding: 'utf8',
    });
    expect(stdout.trim()).toBe('vol-1 packed available 1 GiB');
    expect(seen.slice(before).some((r) => r.url.includes('/volumes/detail?limit=50') && r.token === TOKEN)).toBe(true);
  });
});
