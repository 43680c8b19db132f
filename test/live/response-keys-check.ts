/**
 * Checks the keys of the responses a live run recorded (test/live/response-keys.ts) against
 * test/live/response-keys.json, the keys the real Cinder answered in a real run.
 *
 *   npx tsx test/live/response-keys-check.ts <keys.jsonl> --target real|fake [--write] [--partial]
 *
 * - real: fails (exit 1) when the run saw a key, an operation or a microversion the file lacks:
 *   the file is out of date. `--write` (run.sh: LIVE_RECORD_KEYS=1) merges the run into it instead.
 * - fake: fails when, for an operation and microversion exercised on both, the fake answered
 *   without a key the real Cinder answered. `--partial` (a run of some files only) reports the
 *   comparison without failing: a partial run may not make the calls that show a key.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { keyGapOf, type KeyGap } from './fake-tags.js';
import { commonPairs, missingKeys, tableOf, type KeyRecord, type KeyTable } from './response-keys.js';

const FIXTURE = new URL('./response-keys.json', import.meta.url);

interface Fixture {
  readonly $comment: string;
  readonly operations: KeyTable;
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--target');
const target = args[args.indexOf('--target') + 1];
const write = args.includes('--write');
const partial = args.includes('--partial');
if (!file || (target !== 'real' && target !== 'fake') || !args.includes('--target')) {
  console.error('usage: response-keys-check <keys.jsonl> --target real|fake [--write] [--partial]');
  process.exit(2);
}

let lines: string[] = [];
try {
  lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
} catch {
  // No SDK call recorded anything (a run of bare-fetch tests only).
}
const run = tableOf(lines.map((l) => JSON.parse(l) as KeyRecord));
let fixture: Fixture;
try {
  const read = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture;
  // Normalised again on reading, so that a change of the rule applies to a recorded file too.
  const records = Object.entries(read.operations).flatMap(([operation, versions]) =>
    Object.entries(versions).map(([microversion, keys]) => ({ operation, microversion, keys })),
  );
  fixture = { $comment: read.$comment, operations: tableOf(records) };
} catch {
  fixture = { $comment: '', operations: {} };
}
const count = (t: KeyTable) => Object.values(t).reduce((n, v) => n + Object.keys(v).length, 0);

console.log(`\n== response keys (${target}): ${count(run)} operation/microversion pairs answered in this run`);
if (target === 'real') {
  // New keys in this run: the fixture misses what the real Cinder answers.
  const stale = missingKeys(run, fixture.operations);
  const unknownPairs = count(run) - commonPairs(run, fixture.operations);
  const merged = tableOf(
    Object.entries(run).flatMap(([operation, versions]) =>
      Object.entries(versions).map(([microversion, keys]) => ({ operation, microversion, keys })),
    ),
    structuredClone(fixture.operations),
  );
  const sorted = Object.fromEntries(
    Object.keys(merged)
      .sort()
      .map((op) => [
        op,
        Object.fromEntries(
          Object.keys(merged[op])
            .sort()
            .map((mv) => [mv, merged[op][mv]]),
        ),
      ]),
  );
  const out: Fixture = {
    $comment:
      'Keys (top level and one level down) of the real Cinder answers, per operation and microversion, recorded by ' +
      '`LIVE_RECORD_KEYS=1 npm run test:live` (test/live/response-keys-check.ts). The fake run fails on a key listed ' +
      'here that the fake did not answer. Do not edit by hand.',
    operations: sorted,
  };
  // Written as `npm run lint` wants it.
  const path = fileURLToPath(FIXTURE);
  const text = await format(JSON.stringify(out, null, 2), { ...(await resolveConfig(path)), filepath: path });
  if (write) {
    writeFileSync(FIXTURE, text);
    console.log(
      `   wrote ${FIXTURE.pathname}: ${count(sorted)} pairs (${unknownPairs} new, ${stale.length} with new keys)`,
    );
    process.exit(0);
  }
  if (stale.length > 0 || unknownPairs > 0) {
    console.log(
      `   test/live/response-keys.json is out of date: ${unknownPairs} pairs it lacks, ${stale.length} with new keys`,
    );
    for (const [operation, versions] of Object.entries(run))
      for (const microversion of Object.keys(versions))
        if (!fixture.operations[operation]?.[microversion]) console.log(`     - new: ${operation} @ ${microversion}`);
    for (const s of stale) console.log(`     - ${s.where}: ${s.keys.join(', ')}`);
    // The file as this run would write it, so that nobody needs a second run to update it.
    const proposal = join(tmpdir(), `osbs-response-keys-${process.pid}.json`);
    writeFileSync(proposal, text);
    console.log(`   this run's version: cp ${proposal} test/live/response-keys.json (review, commit);`);
    console.log('   or record with LIVE_RECORD_KEYS=1 npm run test:live');
    process.exit(1);
  }
  console.log('   all of them are in test/live/response-keys.json');
  process.exit(0);
}

const listed = new Map<KeyGap, string[]>();
const missing: { where: string; keys: string[] }[] = [];
for (const m of missingKeys(fixture.operations, run)) {
  const operation = m.where.split(' @ ')[0];
  const unlisted = m.keys.filter((k) => {
    const gap = keyGapOf(operation, k);
    if (gap) listed.set(gap, [...(listed.get(gap) ?? []), `${m.where}: ${k}`]);
    return !gap;
  });
  if (unlisted.length > 0) missing.push({ where: m.where, keys: unlisted });
}
const pairs = commonPairs(fixture.operations, run);
const keys = Object.entries(fixture.operations).reduce(
  (n, [op, versions]) => n + Object.entries(versions).reduce((m, [mv, ks]) => m + (run[op]?.[mv] ? ks.length : 0), 0),
  0,
);
const lacking = missing.reduce((n, m) => n + m.keys.length, 0) + [...listed.values()].reduce((n, l) => n + l.length, 0);
console.log(
  `   ${pairs} pairs exercised on both the real Cinder (test/live/response-keys.json) and the fake; ` +
    `${keys - lacking}/${keys} real keys answered by the fake`,
);
for (const [gap, where] of listed)
  console.log(`     - ${where.length} keys listed in test/live/fake-tags.ts (${gap.kind}): ${gap.reason}`);
for (const m of missing) console.log(`     - MISSING ${m.where}: ${m.keys.join(', ')}`);
if (missing.length > 0 && !partial) {
  console.log('   the fake must answer these keys (fix fake/ or the spec), or list them in KEY_GAPS with the reason');
  process.exit(1);
}
if (missing.length > 0) console.log('   (a partial run: not failing)');
