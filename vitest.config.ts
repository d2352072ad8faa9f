import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code; browser tests have their own config in e2e/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.mjs'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
