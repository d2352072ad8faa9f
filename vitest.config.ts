import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code; browser tests have their own config in e2e/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.mjs'],
    pool: 'forks',
    // The built main bundle and the Electron stand-in run in Node's own loader (src/main/main-bundle.test.ts).
    server: { deps: { external: [/\/out\/main\//, /electron-stand-in\.mjs/] } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
