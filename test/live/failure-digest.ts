/**
 * What failed in a live run, in a few lines: each failed test (file, title, the first lines of its
 * error) and each file that failed outside a test (a hook, an import), read from vitest's JSON
 * report. run.sh appends it to one digest per run and prints the digest last, so the reason of a
 * failure is at the end of a long CI log (.ci/run prints it again after the Node matrix's output)
 * instead of minutes of output above it.
 *
 *   npx tsx test/live/failure-digest.ts <report.json> <label>
 *
 * Messages are cut to a few hundred characters, colour codes dropped, and anything that looks like
 * a token or password masked: a digest is for logs that others read.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface AssertionResult {
  readonly fullName?: string;
  readonly title?: string;
  readonly status?: string;
  readonly failureMessages?: readonly string[];
}
interface FileResult {
  readonly name?: string;
  readonly status?: string;
  readonly message?: string;
  readonly assertionResults?: readonly AssertionResult[];
}

const [reportFile, label = 'live'] = process.argv.slice(2);
if (!reportFile) {
  console.error('usage: failure-digest <report.json> <label>');
  process.exit(2);
}

// eslint-disable-next-line no-control-regex -- ANSI colour sequences are control characters by definition
const ANSI = /\u001b\[[0-9;]*m/g;
const SECRET = /((?:x-auth-token|x-subject-token|token|password|secret|auth_key)["']?\s*[:=]\s*["']?)([^\s"',}]+)/gi;

/** One line: no colours, no secrets, at most `max` characters. */
function clean(text: string, max = 300): string {
  const line = text
    .replace(ANSI, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('at '))
    .slice(0, 3)
    .join(' | ')
    .replace(SECRET, '$1***');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

let report: { testResults?: readonly FileResult[] };
try {
  report = JSON.parse(readFileSync(reportFile, 'utf8')) as typeof report;
} catch (e) {
  console.log(`${label}: no test report (${e instanceof Error ? e.message : String(e)}): vitest did not finish`);
  process.exit(0);
}
const root = process.cwd();
let lines = 0;
for (const file of report.testResults ?? []) {
  const name = path.relative(root, file.name ?? '?');
  const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
  for (const a of failed) {
    console.log(`${label}: FAILED ${name} > ${a.fullName ?? a.title ?? '?'}`);
    console.log(`    ${clean(a.failureMessages?.[0] ?? '(no message)')}`);
    lines++;
  }
  if (failed.length === 0 && file.status === 'failed') {
    console.log(`${label}: FAILED ${name} (outside any test): ${clean(file.message ?? '(no message)')}`);
    lines++;
  }
}
if (lines === 0) console.log(`${label}: no test failed (the failure is in the checks after the tests, printed above)`);
