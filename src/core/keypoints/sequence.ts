import { INPUT_SIZE } from './frame-record';

/**
 * How a clip of n frames becomes exactly N:
 * - 'middle' (the reference, PIPELINE.md §3): longer clips keep frames [start, start + N) with
 *   start = floor((n - N) / 2); shorter clips are padded with zero frames at the end.
 * - 'resample' (a studio option): N frames spread evenly over the whole clip (nearest frame),
 *   so a long sign is seen whole and a short one is stretched instead of padded.
 */
export type SequenceMode = 'middle' | 'resample';

/**
 * The mode a keypoint file recorded: the dataset layer calls 'resample' 'uniform' (see the
 * extraction's recordedSettings). Null when it names neither, as in files from other writers.
 */
export function recordedSequenceMode(resampling: unknown): SequenceMode | null {
  if (resampling === 'uniform' || resampling === 'resample') return 'resample';
  if (resampling === 'middle') return 'middle';
  return null;
}

/** Indices of the source frames that fill the N output frames; -1 = a zero (padding) frame. */
export function sequenceIndices(n: number, N: number, mode: SequenceMode = 'middle'): number[] {
  if (N <= 0) return [];
  if (n <= 0) return new Array<number>(N).fill(-1);
  if (mode === 'resample') {
    if (N === 1) return [Math.floor((n - 1) / 2)];
    return Array.from({ length: N }, (_, i) => Math.round((i * (n - 1)) / (N - 1)));
  }
  if (n >= N) {
    const start = Math.floor((n - N) / 2);
    return Array.from({ length: N }, (_, i) => start + i);
  }
  return Array.from({ length: N }, (_, i) => (i < n ? i : -1));
}

/** Shapes per-frame feature vectors (each `width` floats) to a flat Float32Array of N × width. */
export function shapeSequence(frames: readonly ArrayLike<number>[], N: number, mode: SequenceMode = 'middle', width = INPUT_SIZE): Float32Array {
  const out = new Float32Array(N * width);
  sequenceIndices(frames.length, N, mode).forEach((src, i) => {
    if (src < 0) return;
    const f = frames[src];
    if (f.length !== width) throw new Error(`frame ${src} has ${f.length} features, expected ${width}`);
    for (let j = 0; j < width; j++) out[i * width + j] = f[j];
  });
  return out;
}
