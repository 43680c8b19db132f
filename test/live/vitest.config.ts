import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Live suite: real Cinder (and Keystone) processes, see test/live/README.md.
// Run through `npm run test:live` (test/live/run.sh), which starts the stack and
// exports its STATE/env. The root vitest.config.ts excludes test/live/**.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/live/**/*.test.ts'],
    // On the fake cloud (--target fake): skips the tests test/live/fake-tags.ts tags, with the reason.
    setupFiles: ['test/live/fake-target-setup.ts'],
    // Files share one server, its quotas and its backends: one file at a time. The fake cloud too:
    // files count what the project holds (with_count), which another file's volumes would change.
    fileParallelism: false,
    pool: 'forks',
    // Real state machines: a volume takes ~0.6 s, a 1 GiB backup ~9 s.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    retry: 0,
  },
});
