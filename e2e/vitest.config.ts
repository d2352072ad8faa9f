import { defineConfig } from 'vitest/config';

// Browser tests: real Chromium driving the built renderer through web mode (`gstudio serve`).
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
