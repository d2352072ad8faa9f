import { SeededRandom } from './seeded-random';
import { writeSequenceFile, type ClipInput } from './sequence-file-writer';

/**
 * A learnable synthetic keypoint set in the reference layout, for tests and benchmarks: class k's
 * sequences are sinusoids around a level that depends on k, with a k-dependent frequency and seeded noise.
 */
export interface SyntheticOptions {
  path: string;
  classes: number;
  /** Clips per class (a number for all, or one per class). */
  perClass: number | number[];
  seqLen: number;
  features: number;
  seed?: number;
  noise?: number;
}

export async function writeSyntheticSequences(o: SyntheticOptions): Promise<string[]> {
  const rng = new SeededRandom(o.seed ?? 1);
  const clips: ClipInput[] = [];
  for (let k = 0; k < o.classes; k++) {
    const count = Array.isArray(o.perClass) ? o.perClass[k] : o.perClass;
    for (let i = 0; i < count; i++) {
      const seq = new Float32Array(o.seqLen * o.features);
      const phase = rng.uniform(0, 0.5);
      for (let t = 0; t < o.seqLen; t++) {
        for (let f = 0; f < o.features; f++) {
          const base = 0.3 + (0.4 * k) / Math.max(1, o.classes - 1) + 0.1 * Math.sin(((k + 1) * (t + 1)) / o.seqLen * 3 + f * 0.3 + phase + k);
          seq[t * o.features + f] = base + (o.noise ?? 0.05) * rng.normal();
        }
      }
      clips.push({ relativePath: `class_${k}/clip_${i}.mp4`, className: `class_${k}`, sequence: seq, shape: [o.seqLen, o.features] });
    }
  }
  return writeSequenceFile(o.path, clips, { extraction: { numFrames: o.seqLen, numFeatures: o.features, resampling: 'synthetic' } });
}
