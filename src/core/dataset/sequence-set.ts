import type { SequenceClip } from './sequence-file-reader';

/** Clips packed for training: one contiguous float32 buffer (N × T × F) and their labels. */
export interface SequenceSet {
  keys: string[];
  x: Float32Array;
  y: Int32Array;
  seqLen: number;
  numFeatures: number;
}

export function packSequences(clips: SequenceClip[], keys: string[], seqLen: number, numFeatures: number): SequenceSet {
  const byKey = new Map(clips.map((c) => [c.key, c]));
  const size = seqLen * numFeatures;
  const x = new Float32Array(keys.length * size);
  const y = new Int32Array(keys.length);
  keys.forEach((key, i) => {
    const clip = byKey.get(key);
    if (!clip) throw new RangeError(`no clip "${key}"`);
    x.set(clip.data, i * size);
    y[i] = clip.label;
  });
  return { keys, x, y, seqLen, numFeatures };
}
