import { existsSync } from 'node:fs';
import { listClipNames, readLabelMap } from '../dataset/sequence-file-reader';
import { syncClasses } from '../dataset/relabel';
import { labelMapFor } from '../extraction/extraction-settings';
import type { ProjectStore } from '../project';
import { projectFiles } from '../project/paths';

/**
 * Carries relabels and class changes made in the studio into the keypoints file (each clip's
 * class_name and label, and a label map of exactly the project's classes) without extracting again.
 * Runs before training, an audit and an extraction, so that each sees the labels the researcher
 * sees. The file is rewritten only when something differs.
 */
export async function syncLabelsToKeypoints(store: ProjectStore): Promise<number> {
  const file = projectFiles(store.dir).keypoints;
  if (!existsSync(file)) return 0;
  const inFile = new Set(await listClipNames(file));
  const dirty = store.labelDirtyClips().filter((c) => inFile.has(c.h5Key));
  const classes = store.classNames();
  const wanted = JSON.stringify(labelMapFor(classes));
  if (dirty.length === 0 && JSON.stringify(await readLabelMap(file)) === wanted) return 0;
  await syncClasses(file, Object.fromEntries(dirty.map((c) => [c.h5Key, c.className])), classes);
  store.clearLabelDirty(dirty.map((c) => c.id));
  return dirty.length;
}
