import type { ClipKeypoints, ExtractionSettings } from '../../api';
import { readStoredClipFrames } from '../dataset/sequence-file-reader';
import { compactRecords } from '../keypoints/compact-records';
import { recordedSequenceMode, sequenceIndices } from '../keypoints/sequence';

/**
 * A clip's per-frame records and the frames its stored sequence was made of. The window follows the
 * file, not the project's current settings: those may have changed since the file was written, and
 * the model saw what the file holds. The project's settings fill in only what an older file lacks.
 */
export async function clipKeypoints(file: string, key: string, current: Pick<ExtractionSettings, 'frames' | 'sequenceMode'>): Promise<ClipKeypoints> {
  const stored = await readStoredClipFrames(file, key);
  if (!stored.frames) return { frames: null, window: [] };
  const frames = compactRecords(stored.frames);
  const recordedFrames = stored.extraction?.numFrames;
  const length = stored.seqLen ?? (typeof recordedFrames === 'number' && recordedFrames > 0 ? recordedFrames : current.frames);
  const mode = recordedSequenceMode(stored.extraction?.resampling) ?? current.sequenceMode;
  return { frames, window: sequenceIndices(frames.length, length, mode), ...(stored.regions ? { regions: stored.regions } : {}) };
}
