/**
 * `npm run spec:crosscheck -- [<openapi.yaml>] [--version v2] [--format text|json] [--summary] [--root <dir>]`:
 * compares our spec with an OpenAPI document of Cinder (openstack/codegenerator's), version by
 * version, and explains the differences with the ledger (spec/crosscheck-ledger/).
 *
 * Exit status: 0 when every difference is explained and no ledger entry is stale; 1 when a
 * difference is unexplained or an entry stale; 2 when the document, the spec or the ledger cannot
 * be read. Without a document argument, the document is looked for where CI keeps it
 * (findCinderOpenapi).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { SpecError } from '../load/diagnostics.js';
import { buildModel } from '../model/build.js';
import { crosscheck, counts, toText } from './crosscheck.js';
import { applyLedger, LedgerError, loadLedger, staleLine } from './ledger.js';
import { projectRoot } from '../paths.js';

const USAGE =
  'usage: npm run spec:crosscheck -- [<openapi.yaml|json>] [--version v2] [--format text|json] [--summary] [--root <dir>]';

/**
 * Where codegenerator's Cinder document is: $CINDER_OPENAPI, else the shared reference folder
 * beside the clone (../shared/reference/openapi/cinder-v3.yaml), else the machine's shared
 * reference folder (/work/shared/…, where a worktree's `..` is not the clone's). The paths looked at
 * are returned too, for the error when there is none.
 */
export function findCinderOpenapi(
  root: string = projectRoot,
  env: NodeJS.ProcessEnv = process.env,
  machine: readonly string[] = [MACHINE_COPY],
): { found: string | undefined; tried: string[] } {
  const candidates = [
    ...(env['CINDER_OPENAPI'] ? [path.resolve(env['CINDER_OPENAPI'])] : []),
    path.resolve(root, '../shared/reference/openapi/cinder-v3.yaml'),
    ...machine,
  ];
  return { found: candidates.find((c) => existsSync(c)), tried: candidates };
}

const MACHINE_COPY = '/work/shared/reference/openapi/cinder-v3.yaml';

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export async function runCrosscheck(args: readonly string[], io: Output): Promise<number> {
  let file: string | undefined;
  let only: string | undefined;
  let format: 'text' | 'json' = 'text';
  let summary = false;
  let root = projectRoot;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--version' && args[i + 1]) only = args[++i].replace(/^v?/, 'v');
    else if (a === '--format' && (args[i + 1] === 'text' || args[i + 1] === 'json'))
      format = args[++i] as 'text' | 'json';
    else if (a === '--summary') summary = true;
    else if (a === '--root' && args[i + 1]) root = path.resolve(args[++i]);
    else if (!a.startsWith('-') && !file) file = a;
    else {
      io.err(`unknown argument ${a}\n${USAGE}\n`);
      return 2;
    }
  }
  if (!file) {
    const { found, tried } = findCinderOpenapi(root);
    if (!found) {
      io.err(`Cinder's OpenAPI document not found; looked at:\n${tried.map((t) => `  ${t}`).join('\n')}\n${USAGE}\n`);
      return 2;
    }
    file = found;
    io.err(`cross-check document: ${found}\n`);
  }
  let document: unknown;
  try {
    // The document is read where it is, never copied into the project.
    document = parse(await readFile(file, 'utf8'), { maxAliasCount: -1 });
  } catch (error) {
    io.err(`cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  let model;
  let ledger;
  try {
    model = await buildModel({ root });
    ledger = await loadLedger(root);
  } catch (error) {
    if (error instanceof SpecError || error instanceof LedgerError) {
      io.err(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const services = model.services.filter((s) => !only || s.specDir.endsWith(`/${only}`));
  const reports = services.map((s) => crosscheck(s, document));
  const result = applyLedger(reports, ledger, !only);
  const source = path.basename(file);
  if (format === 'json')
    io.out(
      `${JSON.stringify(
        {
          reports: reports.map((r) => ({ ...r, counts: counts(r) })),
          explained: result.explained.map((x) => ({
            ...x.difference,
            verdict: x.entry.verdict,
            settledBy: x.entry.settledBy,
          })),
          unexplained: result.unexplained,
          stale: result.stale.map((s) => ({ ...s.entry, services: s.services })),
        },
        null,
        2,
      )}\n`,
    );
  else {
    io.out(reports.map((r) => toText(r, source, summary, result)).join('\n'));
    const n = result.unexplained.length;
    io.out(`\n${n} unexplained difference${n === 1 ? '' : 's'}\n`);
  }
  if (result.stale.length > 0)
    io.err(
      `${result.stale.length} stale ledger entr${result.stale.length === 1 ? 'y' : 'ies'} (no difference matches; remove or correct them):\n${result.stale.map(staleLine).join('\n')}\n`,
    );
  return result.unexplained.length > 0 || result.stale.length > 0 ? 1 : 0;
}
