/**
 * defaultTransport(): node:http on Node, and browser bundles of the HTTP layer free of Node
 * built-ins (checked with esbuild --platform=browser; esbuild is a devDependency, so the check always runs).
 */
import { fileURLToPath } from 'node:url';
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

  it('has a static Node variant', async () => {
    const transport = nodeDefaultTransport({ proxy: false });
    expect(transport).toBeInstanceOf(NodeTransport);
    await transport.close?.();
  });
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
  });
});
