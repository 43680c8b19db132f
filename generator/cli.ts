/**
 * `npm run generate [-- --check | --validate]`
 *
 *   (no flag)   spec/ → generated/, replaced only when the whole run succeeded
 *   --check     regenerate in memory; exit 1 naming every file that differs from generated/
 *   --validate  load and check the spec only
 */
import path from 'node:path';
import { SpecError } from './load/diagnostics.js';
import { buildModel } from './model/build.js';
import { projectRoot } from './paths.js';

const USAGE = 'usage: generate [--check | --validate] [--no-cache] [--root <project dir>]';

async function main(args: readonly string[]): Promise<number> {
  let root = projectRoot;
  const argv: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--root') {
      const value = args[++i];
      if (!value) {
        process.stderr.write(`--root needs a directory\n${USAGE}\n`);
        return 2;
      }
      root = path.resolve(value);
    } else argv.push(args[i]);
  }
  const unknown = argv.filter((a) => !['--check', '--validate', '--no-cache'].includes(a));
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument(s): ${unknown.join(' ')}\n${USAGE}\n`);
    return 2;
  }
  const started = performance.now();
  // Formatting workers start now: they load prettier while this thread reads the spec and emits.
  // Formatted files are cached by content under node_modules/.cache (--no-cache: format all).
  const cacheDir = argv.includes('--no-cache')
    ? undefined
    : path.join(root, 'node_modules/.cache/openstack-block-storage/prettier');
  const pool = argv.includes('--validate')
    ? undefined
    : new (await import('./emit/format.js')).FormatPool({ cacheDir });
  try {
    const model = await buildModel({ root });
    if (argv.includes('--validate')) {
      const counts = model.services.map(
        (s) =>
          `${s.specDir}: ${s.resources.length} resources, ${s.resources.reduce((n, r) => n + r.methods.length, 0) + s.helpers.length} proxy methods`,
      );
      process.stdout.write(`spec OK\n${counts.join('\n')}\n`);
      return 0;
    }
    const { runGenerate } = await import('./pipeline.js');
    return await runGenerate(root, model, { check: argv.includes('--check'), started, pool });
  } catch (error) {
    if (error instanceof SpecError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await pool?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
