import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // The job worker is its own entry: utility processes start it by file.
        input: {
          index: resolve('src/main/index.ts'),
          'job-worker': resolve('src/workers/job-worker.ts'),
          'clip-worker': resolve('src/workers/clip-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload must be CommonJS.
      rollupOptions: { input: { index: resolve('src/preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'src/renderer',
    publicDir: resolve('resources/icons'),
    plugins: [svelte({ configFile: false })],
    build: { rollupOptions: { input: { index: resolve('src/renderer/index.html') } } },
  },
});
