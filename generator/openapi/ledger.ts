/**
 * The cross-check ledger (spec/crosscheck-ledger/*.yaml): the differences between our spec and
 * openstack/codegenerator's Cinder document that are kept on purpose, each with the line of Cinder's
 * source that settles it. Every *.yaml file of the folder is read, so that several people can add
 * entries without touching one file. The cross-check explains a difference with the entry that names
 * it, reports the rest in full, and an entry that no difference matches (stale) as an error.
 * The format is described in spec/crosscheck-ledger/README.md and checked by
 * spec/crosscheck-ledger.schema.json.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { projectRoot } from '../paths.js';
import { Diagnostics, formatDiagnostic, type Diagnostic, type Position } from '../load/diagnostics.js';
import { parseSource, readSpecText } from '../load/source.js';
import { validateDocument } from '../load/validate.js';
import type { Category, CrosscheckReport, Finding } from './crosscheck.js';

/** The ledger folder, relative to the project root. */
export const LEDGER_DIR = 'spec/crosscheck-ledger';
/** Its schema: the generator's own, whichever project's ledger is read. */
const LEDGER_SCHEMA = path.join(projectRoot, 'spec/crosscheck-ledger.schema.json');

export type LedgerKind =
  'operation' | 'action' | 'body-field' | 'query-parameter' | 'response-field' | 'bounds' | 'impossible-range';

/** The ledger kind of each cross-check category (impossible ranges are not findings). */
export const KIND_OF: Readonly<Record<Category, LedgerKind>> = {
  operation: 'operation',
  action: 'action',
  'body field': 'body-field',
  'query parameter': 'query-parameter',
  'response field': 'response-field',
  'microversion bounds': 'bounds',
};

export interface LedgerEntry {
  /** Spec versions it is written for, e.g. `block-storage/v3`. */
  readonly services: readonly string[];
  readonly kind: LedgerKind;
  readonly subject: string;
  /** bounds only: the ranges it was settled for, with the cross-check's dash (`3.0–3.71`). */
  readonly theirs?: string | undefined;
  readonly ours?: string | undefined;
  readonly verdict: string;
  readonly settledBy: { readonly release: string; readonly file: string; readonly line: number };
  /** Where the entry is written. */
  readonly at: Position;
}

/** A malformed ledger: every problem, each with its file, line and column. */
export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(`${diagnostics.length} cross-check ledger error(s):\n${diagnostics.map(formatDiagnostic).join('\n')}`);
    this.diagnostics = diagnostics;
  }
}

interface RawEntry {
  service: string | string[];
  kind: LedgerKind;
  subject: string;
  theirs?: string;
  ours?: string;
  verdict: string;
  'settled-by': { release: string; file: string; line: number };
}

/** `3.0-3.71` and `3.0 – 3.71` are read as the cross-check prints them: `3.0–3.71`. */
const normRange = (r: string | undefined): string | undefined => r?.replace(/\s*[–-]\s*/, '–');

/**
 * Reads every *.yaml of the ledger folder (none, or no folder, is an empty ledger). Throws a
 * LedgerError naming file and line for YAML that does not parse, an entry the schema refuses,
 * `theirs`/`ours` on an entry that is not about bounds, and the same difference written twice.
 */
export async function loadLedger(root: string, dir = path.join(root, LEDGER_DIR)): Promise<LedgerEntry[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
  const validate = ajv.compile(JSON.parse(await readFile(LEDGER_SCHEMA, 'utf8')) as object);
  const diagnostics = new Diagnostics();
  const entries: LedgerEntry[] = [];
  const seen = new Map<string, Position>();
  for (const name of files) {
    const { file, text } = await readSpecText(path.join(dir, name), root, diagnostics);
    if (text === undefined) continue;
    const doc = parseSource(file, text, diagnostics);
    // An empty file is an empty list: a new file can be started with a comment.
    if (!doc || doc.data === null || doc.data === undefined || !validateDocument(doc, validate, diagnostics)) continue;
    (doc.data as RawEntry[]).forEach((raw, i) => {
      const at = doc.locate([i]);
      const services = typeof raw.service === 'string' ? [raw.service] : raw.service;
      if (raw.kind !== 'bounds' && (raw.theirs !== undefined || raw.ours !== undefined)) {
        const key = raw.theirs !== undefined ? 'theirs' : 'ours';
        diagnostics.add(doc.locate([i, key]), `${i}.${key}`, `"${key}" is for kind bounds only, not ${raw.kind}`);
        return;
      }
      for (const service of services) {
        const key = JSON.stringify([service, raw.kind, raw.subject]);
        const first = seen.get(key);
        if (first) {
          diagnostics.add(
            at,
            `${i}`,
            `${raw.kind} "${raw.subject}" of ${service} is already in the ledger at ${first.file}:${first.line}`,
          );
          return;
        }
        seen.set(key, at);
      }
      entries.push({
        services,
        kind: raw.kind,
        subject: raw.subject,
        theirs: normRange(raw.theirs),
        ours: normRange(raw.ours),
        verdict: raw.verdict,
        settledBy: raw['settled-by'],
        at,
      });
    });
  }
  if (diagnostics.hasErrors) throw new LedgerError(diagnostics.items);
  return entries;
}

/** A difference the cross-check must see explained: one its ledger can name. */
export interface Difference {
  readonly service: string;
  readonly kind: LedgerKind;
  readonly subject: string;
  /** The finding (undefined for an impossible range, which is its own subject). */
  readonly finding?: Finding | undefined;
}

/**
 * The differences of a report that need a ledger entry: what their document has and ours lacks,
 * what differs (method, microversion bounds), and their impossible ranges. What only ours has is
 * not one: their document is not a complete description of Cinder (it lacks most list filters).
 */
export function differencesOf(report: CrosscheckReport): Difference[] {
  return [
    ...report.findings
      .filter((f) => f.kind !== 'extra')
      .map((f) => ({ service: report.version, kind: KIND_OF[f.category], subject: f.subject, finding: f })),
    ...report.impossibleBounds.map((b) => ({ service: report.version, kind: 'impossible-range' as const, subject: b })),
  ];
}

export interface LedgerResult {
  readonly explained: readonly { readonly difference: Difference; readonly entry: LedgerEntry }[];
  readonly unexplained: readonly Difference[];
  /** Entries no difference matches, with the service(s) they were looked for in. */
  readonly stale: readonly { readonly entry: LedgerEntry; readonly services: readonly string[] }[];
}

const matches = (entry: LedgerEntry, d: Difference): boolean =>
  entry.kind === d.kind &&
  entry.subject === d.subject &&
  entry.services.includes(d.service) &&
  (entry.theirs === undefined || entry.theirs === d.finding?.theirs) &&
  (entry.ours === undefined || entry.ours === d.finding?.ours);

/**
 * Explains the reports' differences with the ledger. An entry is stale for a service it names when
 * no difference of that service matches it; services not among the reports (`--version v2`) are not
 * looked at, unless `allServices` says the reports are every service there is.
 */
export function applyLedger(
  reports: readonly CrosscheckReport[],
  ledger: readonly LedgerEntry[],
  allServices = true,
): LedgerResult {
  const checked = new Set(reports.map((r) => r.version));
  const explained: { difference: Difference; entry: LedgerEntry }[] = [];
  const unexplained: Difference[] = [];
  const used = new Map<LedgerEntry, Set<string>>();
  for (const d of reports.flatMap(differencesOf)) {
    const entry = ledger.find((e) => matches(e, d));
    if (!entry) {
      unexplained.push(d);
      continue;
    }
    explained.push({ difference: d, entry });
    used.set(entry, (used.get(entry) ?? new Set()).add(d.service));
  }
  const stale: { entry: LedgerEntry; services: string[] }[] = [];
  for (const entry of ledger) {
    const looked = entry.services.filter((s) => allServices || checked.has(s));
    const missing = looked.filter((s) => !used.get(entry)?.has(s));
    if (missing.length > 0) stale.push({ entry, services: missing });
  }
  return { explained, unexplained, stale };
}

const where = (e: LedgerEntry): string => `${e.settledBy.file}:${e.settledBy.line} (Cinder ${e.settledBy.release})`;

/** One line per explained difference: `bounds \`GET /x\` — verdict (file:line, release)`. */
export function explainedLine(x: LedgerResult['explained'][number]): string {
  return `- ${x.difference.kind} \`${x.difference.subject}\` — ${x.entry.verdict} — ${where(x.entry)}`;
}

export function staleLine(x: LedgerResult['stale'][number]): string {
  const e = x.entry;
  const ranges = e.theirs || e.ours ? ` (theirs ${e.theirs ?? 'any'}, ours ${e.ours ?? 'any'})` : '';
  return `${e.at.file}:${e.at.line}:${e.at.col}: stale ledger entry: no ${e.kind} difference \`${e.subject}\`${ranges} in ${x.services.join(', ')}`;
}
