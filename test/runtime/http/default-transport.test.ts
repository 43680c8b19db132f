/**
 * defaultTransport(): undici on Node, loaded on the first request, and browser bundles of the HTTP
 * layer free of Node built-ins and of undici (checked with esbuild --platform=browser; esbuild is a
 * devDependency, so the check always runs).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTransport, isNode } from '../../../runtime/http/default-transport.js';
import { defaultTransport as nodeDefaultTransport } from '../../../runtime/http/default-transport.node.js';
import { NodeTransport } from '../../../runtime/http/node-transport.js';
import { type TestServer, json, startServer } from './helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer((_req, res) => json(res, 200, { ok: true }));
});
afterAll(() => server.close());

describe('defaultTransport', () => {
  it('loads NodeTransport lazily on Node', async () => {
    expect(isNode()).toBe(true);
    const transport = defaultTransport({ proxy: false });
    const res = await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
    expect(res.status).toBe(200);
    expect((transport as unknown as { transport: unknown }).transport).toBeInstanceOf(NodeTransport);
    await transport.close?.();
  });

  it('has a Node variant for bundlers that also loads NodeTransport on the first request', async () => {
    const transport = nodeDefaultTransport({ proxy: false });
    expect((transport as unknown as { transport: unknown }).transport).toBeUndefined();
    const res = await transport.send({ method: 'GET', url: `${server.url}/v`, headers: {} });
    expect(res.status).toBe(200);
    expect((transport as unknown as { transport: unknown }).transport).toBeInstanceOf(NodeTransport);
    await transport.close?.();
  });

  it('importing the SDK does not load undici; the first request does', async () => {
    // undici is CommonJS: once loaded, its files are in require.cache, whoever imported it.
    const sdk = new URL('../../../runtime/index.ts', import.meta.url).href;
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('/node_modules/undici/'));
      const { defaultTransport } = await import(${JSON.stringify(sdk)});
      const transport = defaultTransport({ proxy: false });
      const before = loaded();
      await transport.send({ method: 'GET', url: '${server.url}/v', headers: {} });
      console.log(JSON.stringify({ before, after: loaded() }));
      await transport.close();
    `;
    const { stdout: out } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(out.trim())).toEqual({ before: false, after: true });
  }, 20_000);
});

describe('browser bundle', () => {
  it('contains no Node built-ins', async () => {
    const root = fileURLToPath(new URL('../../../runtime/', import.meta.url));
    const result = await esbuild.build({
      stdin: {
        contents: [
          "export { HttpClient } from './http/http-client.ts';",
          "export { defaultTransport } from './http/default-transport.ts';",
          "export { FetchTransport } from './http/fetch-transport.ts';",
          "export * from './http/redact.ts';",
          "export * from './logging.ts';",
          "export * from './metrics.ts';",
        ].join('\n'),
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    const text = result.outputFiles?.[0]?.text ?? '';
    expect(text).toMatch(/HttpClient = class|class HttpClient/);
    expect(text).not.toMatch(/from ["'](node:)?(http|https|net|tls|stream|buffer)["']/);
    expect(text).not.toMatch(/require\(["'](node:)?(http|https|net|tls)["']\)/);
    expect(text).not.toContain('node:http');
    // No undici code: its module name in an import, or its HTTP parser (llhttp).
    expect(text).not.toMatch(/["'](node:)?undici["']/);
    expect(text).not.toContain('llhttp');
  });
});
