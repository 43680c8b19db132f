/**
 * `npm run openapi [-- --out <dir>] [--format yaml|json]`: one OpenAPI 3.1 document per version of
 * the spec, written to build/openapi/<service>/v<version>.yaml (a build folder ignored by git; see
 * the README for why the documents are not part of generated/).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { SpecError } from '../load/diagnostics.js';
import { buildModel } from '../model/build.js';
import { exportOpenApi } from './export.js';
import { projectRoot as root } from '../paths.js';

const USAGE = 'usage: npm run openapi [-- --out <dir>] [--format yaml|json]';

async function main(args: readonly string[]): Promise<number> {
  let out = path.join(root, 'build/openapi');
  let format: 'yaml' | 'json' = 'yaml';
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out' && args[i + 1]) out = path.resolve(args[++i]);
    else if (args[i] === '--format' && (args[i + 1] === 'yaml' || args[i + 1] === 'json'))
      format = args[++i] as 'yaml' | 'json';
    else {
      process.stderr.write(`unknown argument ${args[i]}\n${USAGE}\n`);
      return 2;
    }
  }
  let model;
  try {
    model = await buildModel({ root });
  } catch (error) {
    if (error instanceof SpecError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  for (const service of model.services) {
    const doc = exportOpenApi(service);
    const file = path.join(out, service.serviceType, `v${service.version}.${format}`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(
      file,
      format === 'json'
        ? `${JSON.stringify(doc, null, 2)}\n`
        : stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }),
    );
    const ops = Object.values(doc.paths ?? {}).reduce((n, item) => n + Object.keys(item ?? {}).length, 0);
    process.stdout.write(
      `${path.relative(process.cwd(), file)}: ${Object.keys(doc.paths ?? {}).length} paths, ${ops} operations\n`,
    );
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
