#!/usr/bin/env node
// Runs the TypeScript CLI straight from the sources (tsx), so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv);
if (code !== 0) process.exitCode = code;
// Model runtimes and worker pools keep handles open, so a finished command exits explicitly, but only
// once stdout and stderr have drained: into a slow pipe a write is queued, and exiting at once cut
// `--json` output short (seen at 219 KB of `landmarks --json` on a loaded machine).
const flushed = (stream) => new Promise((resolve) => (stream.writableLength ? stream.write('', resolve) : resolve()));
if (!process.argv.includes('serve')) {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  setImmediate(() => process.exit(process.exitCode ?? 0));
}
