/**
 * `npm run spec:crosscheck -- <openapi.yaml> [--version v2] [--format text|json] [--summary]`:
 * compares our spec with an OpenAPI document of Cinder (openstack/codegenerator's), version by
 * version. Informational: exit 0 whatever it finds; 2 when the document cannot be read.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { SpecError } from '../load/diagnostics.js';
import { buildModel } from '../model/build.js';
import { crosscheck, counts, toText } from './crosscheck.js';
import { projectRoot as root } from '../paths.js';

const USAGE = 'usage: npm run spec:crosscheck -- <openapi.yaml|json> [--version v2] [--format text|json] [--summary]';

async function main(args: readonly string[]): Promise<number> {
  let file: string | undefined;
  let only: string | undefined;
  let format: 'text' | 'json' = 'text';
  let summary = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--version' && args[i + 1]) only = args[++i].replace(/^v?/, 'v');
    else if (a === '--format' && (args[i + 1] === 'text' || args[i + 1] === 'json'))
      format = args[++i] as 'text' | 'json';
    else if (a === '--summary') summary = true;
    else if (!a.startsWith('-') && !file) file = a;
    else {
      process.stderr.write(`unknown argument ${a}\n${USAGE}\n`);
      return 2;
    }
  }
  if (!file) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let document: unknown;
  try {
    // The document is read where it is, never copied into the project.
    document = parse(await readFile(file, 'utf8'), { maxAliasCount: -1 });
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  let model;
  try {
    model = await buildModel({ root });
  } catch (error) {
    if (error instanceof SpecError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const services = model.services.filter((s) => !only || s.specDir.endsWith(`/${only}`));
  const reports = services.map((s) => crosscheck(s, document));
  const source = path.basename(file);
  if (format === 'json')
    process.stdout.write(
      `${JSON.stringify(
        reports.map((r) => ({ ...r, counts: counts(r) })),
        null,
        2,
      )}\n`,
    );
  else process.stdout.write(reports.map((r) => toText(r, source, summary)).join('\n'));
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
