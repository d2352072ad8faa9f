import { existsSync } from 'node:fs';
import { relabelClips } from '../dataset/relabel';
import type { ProjectStore } from '../project';
import { projectFiles } from '../project/paths';

/**
 * Carries relabels made in the studio into the keypoints file (class_name, label, label map)
 * without extracting again. Runs before training, so a run always sees the current labels.
 */
export async function syncLabelsToKeypoints(store: ProjectStore): Promise<number> {
  const dirty = store.labelDirtyClips();
  const file = projectFiles(store.dir).keypoints;
  if (dirty.length === 0 || !existsSync(file)) return 0;
  await relabelClips(file, Object.fromEntries(dirty.map((c) => [c.h5Key, c.className])));
  store.clearLabelDirty(dirty.map((c) => c.id));
  return dirty.length;
}
