/**
 * Setup file of the live suite (test/live/vitest.config.ts). Against the real Cinder it does
 * nothing. Against the fake cloud (LIVE_TARGET=fake, set by `npm run test:live -- --target fake`)
 * it skips the tests test/live/fake-tags.ts tags, before any hook of theirs runs, prints why, and
 * leaves the tag in the test's `meta` for the JSON report that test/live/fidelity-table.ts reads.
 */
import { basename } from 'node:path';
import { beforeAll, type RunnerTask } from 'vitest';
import { tagOf, type FakeTag, type TargetMode } from './fake-tags.js';

declare module 'vitest' {
  interface TaskMeta {
    /** Set on the fake target for a test test/live/fake-tags.ts tags. */
    fakeTag?: FakeTag;
  }
}

const onFake = process.env['LIVE_TARGET'] === 'fake';
const runDivergent = process.env['LIVE_FAKE_RUN_DIVERGENT'] === '1';
const mode: TargetMode = process.env['RC_AUTH'] === 'keystone' ? 'keystone' : 'noauth';

function tests(task: RunnerTask): RunnerTask[] {
  return task.type === 'suite' ? task.tasks.flatMap(tests) : [task];
}

if (onFake) {
  // A root hook runs before every describe's own beforeAll, so a skipped describe never sets up.
  // eslint-disable-next-line no-empty-pattern -- vitest passes the suite second and wants a pattern first
  beforeAll(({}, suite) => {
    const file = basename(suite.file.name);
    for (const test of suite.file.tasks.flatMap(tests)) {
      const tag = tagOf(file, test.name, mode);
      if (!tag) continue;
      test.meta.fakeTag = tag;
      if (tag.kind === 'diverges' && runDivergent) continue;
      test.mode = 'skip';
      console.log(`skipped on the fake (${tag.kind}): ${test.name} — ${tag.reason}`);
    }
  });
}
