import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Runs the real `gstudio` command, as a researcher would, and returns what it printed. */
export function gstudio(...args: string[]): string {
  return execFileSync(process.execPath, [resolve('bin/gstudio.mjs'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
