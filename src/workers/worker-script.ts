import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The job worker entry as a file to start: the TypeScript source when running from the
 * repository (through tsx), the bundled file next to the caller in a built app.
 */
export function jobWorkerScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, 'job-worker.ts'), join(here, 'job-worker.js')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`The job worker entry was not found next to ${here}`);
}
