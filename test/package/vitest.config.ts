import { defineConfig } from 'vitest/config';

/**
 * `npm run test:package`: the packed tarball, installed in a temp project (slow: build, pack,
 * install), and the bundle size check. Not part of `npm test`; .ci/run runs it.
 */
export default defineConfig({
  test: {
    include: ['test/package/**/*.check.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
