import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real test data lives beside the repository at `../shared/data` (never copied into git).
 * GSTUDIO_SHARED_DATA overrides the location.
 */
const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');

export function sharedDataDir(): string | null {
  const candidates = [process.env.GSTUDIO_SHARED_DATA, join(repoRoot, '..', 'shared', 'data')];
  for (const c of candidates) if (c && existsSync(join(c, 'README.md'))) return resolve(c);
  return null;
}

/** Absolute path of a file under shared/data; throws with a clear message when the folder is absent. */
export function sharedData(...parts: string[]): string {
  const dir = sharedDataDir();
  if (!dir) throw new Error('../shared/data is missing: clone the project with shared/ beside it or set GSTUDIO_SHARED_DATA');
  return join(dir, ...parts);
}

/** For `describe.skipIf(!hasSharedData)` where the data folder is truly absent. */
export const hasSharedData = sharedDataDir() !== null;
