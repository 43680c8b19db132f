#!/usr/bin/env node
/**
 * `npm run generate [-- --check | --validate | --no-cache | --root <dir>]`: runs generator/cli.ts.
 *
 * The generator is bundled by esbuild first (about 30 ms) and the bundle is run by plain Node,
 * instead of running the TypeScript sources through tsx: tsx's CLI starts a second process and
 * transforms every module on load, which cost 0.6 s of a 2.9 s regeneration. Packages stay
 * external (loaded from node_modules as usual), and code splitting keeps the ts-morph emitters in
 * their own chunk, so the TypeScript compiler loads only after the test files are out to the
 * formatter. The bundle is written under node_modules/.cache (so that packages resolve from it)
 * and removed when the run ends. Tests and the other scripts run the same sources through tsx.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = path.join(root, 'node_modules/.cache/openstack-block-storage');
mkdirSync(cacheDir, { recursive: true });
const outdir = mkdtempSync(path.join(cacheDir, 'generator-'));
try {
  await build({
    entryPoints: [path.join(root, 'generator/cli.ts')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // Every module finds the project through generator/paths.ts; in the bundle, its URL is the
    // source file's, not the bundle's.
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(path.join(root, 'generator/paths.ts')).href) },
    logLevel: 'error',
  });
  await import(pathToFileURL(path.join(outdir, 'cli.js')).href);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
