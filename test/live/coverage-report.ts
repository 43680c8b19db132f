/**
 * Prints which proxy methods the live suite called against the real server, from the calls
 * test/live/sdk.ts recorded: openstacksdk's v2 reference methods through the v2 proxy, and every
 * method of the generated v3 proxy (read from the class, so a new method counts at once) through
 * the v3 proxy. Fails (exit 1) when a method of either was never called.
 *
 *   npx tsx test/live/coverage-report.ts <coverage.jsonl> [mode] [real|fake]
 *
 * With `fake` (a `--target fake` run) the lines say "the fake cloud" and never claim the real
 * server, and methods never called do not fail the run: the tests test/live/fake-tags.ts tags are
 * skipped there.
 */
import { readFileSync } from 'node:fs';
import { BlockStorageV3 } from '../../generated/block-storage/v3/index.js';
import { V2_REFERENCE_METHODS } from '../support/v2-reference-methods.js';
import { NOT_RUNNABLE } from './not-runnable.js';
import { NOT_RUNNABLE_V3 } from './not-runnable.v3.js';

const [file, mode = '', target = 'real'] = process.argv.slice(2);
if (!file || (target !== 'real' && target !== 'fake')) {
  console.error('usage: coverage-report <coverage.jsonl> [mode] [real|fake]');
  process.exit(2);
}
let lines: string[];
try {
  lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
} catch {
  lines = [];
}
const outcomes = new Map<string, Set<string>>();
const v3Outcomes = new Map<string, Set<string>>();
for (const line of lines) {
  // Lines without a version were written before the v3 proxy was recorded: v2.
  const { method, outcome, version = '2' } = JSON.parse(line) as { method: string; outcome: string; version?: string };
  const map = version === '3' ? v3Outcomes : outcomes;
  const set = map.get(method) ?? new Set<string>();
  set.add(outcome);
  map.set(method, set);
}
const succeeded = V2_REFERENCE_METHODS.filter((m) => outcomes.get(m)?.has('ok'));
const expectedError = V2_REFERENCE_METHODS.filter(
  (m) => !outcomes.get(m)?.has('ok') && outcomes.has(m) && m in NOT_RUNNABLE,
);
const onlyErrors = V2_REFERENCE_METHODS.filter(
  (m) => !outcomes.get(m)?.has('ok') && outcomes.has(m) && !(m in NOT_RUNNABLE),
);
const never = V2_REFERENCE_METHODS.filter((m) => !outcomes.has(m));
const total = V2_REFERENCE_METHODS.length;
const onFake = target === 'fake';
const label = [mode, onFake ? 'TARGET: THE FAKE CLOUD, not Cinder' : ''].filter(Boolean).join(', ');
const server = onFake ? 'the fake cloud (fake/, not the real Cinder)' : 'the real server';
console.log(
  `\n== live coverage${label ? ` (${label})` : ''}: ${succeeded.length + expectedError.length + onlyErrors.length}/${total} v2 proxy methods called against ${server}`,
);
console.log(
  `   ${succeeded.length} succeeded; ${expectedError.length} asserted Cinder's documented refusal on this backend (README: "What cannot run here")`,
);
for (const m of expectedError) console.log(`     - ${m}: ${NOT_RUNNABLE[m]} [${[...outcomes.get(m)!].join(', ')}]`);
if (onlyErrors.length > 0) {
  console.log(`   ${onlyErrors.length} only ever raised errors (each asserted by its test):`);
  for (const m of onlyErrors) console.log(`     - ${m} [${[...outcomes.get(m)!].join(', ')}]`);
}
if (never.length > 0) console.log(`   NOT CALLED (${never.length}): ${never.join(', ')}`);

// The v3 proxy: every method of the generated class (waitForStatus/waitForDelete included).
const v3Methods = Object.getOwnPropertyNames(BlockStorageV3.prototype).filter(
  (m) =>
    m !== 'constructor' && typeof Object.getOwnPropertyDescriptor(BlockStorageV3.prototype, m)?.value === 'function',
);
const v3Called = v3Methods.filter((m) => v3Outcomes.has(m));
const v3Succeeded = v3Called.filter((m) => v3Outcomes.get(m)!.has('ok'));
const v3Refused = v3Called.filter((m) => !v3Outcomes.get(m)!.has('ok') && m in NOT_RUNNABLE_V3);
const v3OnlyErrors = v3Called.filter((m) => !v3Outcomes.get(m)!.has('ok') && !(m in NOT_RUNNABLE_V3));
const v3Never = v3Methods.filter((m) => !v3Outcomes.has(m));
const modeNote = label ? `, ${label}` : '';
console.log(
  `\n== live coverage (v3): ${v3Called.length}/${v3Methods.length} v3 proxy methods called against ${server}${modeNote}`,
);
console.log(
  `   ${v3Succeeded.length} succeeded; ${v3Refused.length} asserted Cinder's answer on this backend (README: "v3 live coverage")`,
);
for (const m of v3Refused) console.log(`     - ${m}: ${NOT_RUNNABLE_V3[m]} [${[...v3Outcomes.get(m)!].join(', ')}]`);
if (v3OnlyErrors.length > 0) {
  console.log(`   ${v3OnlyErrors.length} only ever raised errors (each asserted by its test):`);
  for (const m of v3OnlyErrors) console.log(`     - ${m} [${[...v3Outcomes.get(m)!].join(', ')}]`);
}
if (v3Never.length > 0) console.log(`   NOT CALLED (${v3Never.length}): ${v3Never.join(', ')}`);

if (!onFake && (never.length > 0 || v3Never.length > 0)) process.exit(1);
