import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'generated/**/*.test.ts', 'examples/**/*.test.ts'],
    exclude: ['test/live/**', 'node_modules/**'],
    testTimeout: 20_000,
    pool: 'threads',
  },
});
