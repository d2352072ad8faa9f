import { recoverJournal } from '../dataset/sequence-file-writer';
import { INPUT_SIZE } from '../keypoints/frame-record';
import { projectFiles, type ProjectStore } from '../project';
import { ExtractionSettings, labelMapFor, recordedSettings } from './extraction-settings';

/**
 * After an extraction crashed, the clips it finished are marked extracted in the project but sit in
 * the HDF5 file's journal: merge them before anything reads the file (opening a project, training).
 * The journal says how its extraction wrote; the project's classes and settings are the fallback
 * for a journal from before that was recorded.
 */
export async function recoverProjectKeypoints(store: ProjectStore): Promise<number> {
  const saved = ExtractionSettings.safeParse(store.setting('extraction') ?? {});
  const settings = saved.success ? saved.data : ExtractionSettings.parse({});
  return recoverJournal(projectFiles(store.dir).keypoints, { labelMap: labelMapFor(store.classNames()), extraction: recordedSettings(settings, INPUT_SIZE) });
}
