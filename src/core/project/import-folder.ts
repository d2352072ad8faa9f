import { resolve } from 'node:path';
import type { ImportReport } from '../../api';
import { ProjectError } from '../errors';
import type { ProjectStore } from './project-store';
import { scanVideoFolder } from './scan-videos';

/**
 * Records the clips of a video folder in the project (probing comes after, as a job). A project
 * has one video root; importing it again picks up new, changed and removed files.
 */
export async function importVideoFolder(store: ProjectStore, videoRoot: string): Promise<ImportReport> {
  const root = resolve(videoRoot);
  const current = store.info().videoRoot;
  if (current && current !== root && store.listClips({ limit: 1 }).total > 0) {
    throw new ProjectError(`This project's clips come from ${current}; create another project for ${root}`);
  }
  const scan = await scanVideoFolder(root);
  store.setVideoRoot(root);
  const counts = store.syncClips(scan.clips);
  return { videoRoot: root, classes: scan.classes, ...counts, skipped: scan.skipped };
}
