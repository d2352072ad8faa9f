#!/usr/bin/env node
// Runs the TypeScript CLI straight from the sources (tsx), so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv);
if (code !== 0) process.exitCode = code;
if (!process.argv.includes('serve')) setImmediate(() => process.exit(process.exitCode ?? 0));
