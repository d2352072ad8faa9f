import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkSpawner } from '../core/jobs';
import { StudioService } from '../core/service';
import { jobWorkerScript } from '../workers/worker-script';
import { staleRendererSource } from './renderer-freshness';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function studioVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Where `electron-vite build` puts the renderer that web mode serves. */
export const builtRendererDir = join(repoRoot, 'out', 'renderer');

/** A renderer or API source file newer than the built renderer (in a source checkout), or null. */
export function builtRendererOutdatedBy(): string | null {
  return staleRendererSource(repoRoot, builtRendererDir);
}

/** The back end in plain Node: jobs in forked processes, no native dialogs. */
export function createNodeService(projectDir?: string): StudioService {
  return new StudioService({ mode: 'web', version: studioVersion(), spawner: forkSpawner(jobWorkerScript()) }, { projectDir });
}
