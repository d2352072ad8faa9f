import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A worker entry as a file to start: the TypeScript source when running from the repository
 * (through tsx), the bundled file in a built app (next to the bundle, or one folder up from a chunk).
 */
export function workerScript(name: 'job-worker' | 'clip-worker' | 'render-worker'): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, `${name}.ts`), join(here, `${name}.js`), join(here, '..', `${name}.js`), join(here, '..', 'workers', `${name}.ts`)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`The worker entry ${name} was not found near ${here}`);
  return found;
}

export const jobWorkerScript = () => workerScript('job-worker');
