import type { SeededRandom } from './seeded-random';

/**
 * Random changes of a keypoint sequence (seqLen × numFeatures, features = (x, y) pairs), for
 * training only and off by default. A point at exactly (0, 0) is a missing hand (the reference pads
 * with zeros) and stays (0, 0); a frame of zeros is padding and stays padding.
 */
export interface AugmentationOptions {
  /** Max rotation in degrees, about the centre of the sequence's points. */
  rotationDeg: number;
  /** Scale drawn from [1 - scale, 1 + scale]. */
  scale: number;
  /** Shift of x and y drawn from [-shift, shift] (in normalised frame units). */
  shift: number;
  /** Speed drawn from [1 - timeStretch, 1 + timeStretch]; the non-padded frames are resampled. */
  timeStretch: number;
  /** Probability of dropping each frame (the rest move up, zeros pad the end). */
  frameDrop: number;
  /**
   * Probability of a horizontal mirror, which also swaps the left and right hand slots. Opt-in
   * (default 0): a mirror turns direction-bearing signs into each other (swipe_left <-> swipe_right).
   */
  mirror: number;
  /** Coordinates per hand slot (2 × 21 = 42 in the reference layout) for the mirror's slot swap. */
  slotSize: number;
}

export const DEFAULT_AUGMENTATION: AugmentationOptions = {
  rotationDeg: 10,
  scale: 0.1,
  shift: 0.05,
  timeStretch: 0.1,
  frameDrop: 0.05,
  mirror: 0, // opt-in: see `mirror` above
  slotSize: 42,
};

function isZeroPoint(seq: Float32Array, i: number): boolean {
  return seq[i] === 0 && seq[i + 1] === 0;
}

function frameIsZero(seq: Float32Array, t: number, f: number): boolean {
  for (let k = 0; k < f; k++) if (seq[t * f + k] !== 0) return false;
  return true;
}

/** Number of frames before the zero padding at the end. */
export function validLength(seq: Float32Array, seqLen: number, numFeatures: number): number {
  let n = seqLen;
  while (n > 0 && frameIsZero(seq, n - 1, numFeatures)) n--;
  return n;
}

export function augmentSequence(seq: Float32Array, seqLen: number, numFeatures: number, rng: SeededRandom, o: AugmentationOptions = DEFAULT_AUGMENTATION): void {
  if (numFeatures % 2 !== 0) return; // Not (x, y) pairs: nothing geometric to do.
  const f = numFeatures;
  // Time: stretch, then frame drop, over the valid (non-padded) frames.
  const n = validLength(seq, seqLen, f);
  if (n > 1 && (o.timeStretch > 0 || o.frameDrop > 0)) {
    const src = seq.slice(0, n * f);
    const speed = o.timeStretch > 0 ? rng.uniform(1 - o.timeStretch, 1 + o.timeStretch) : 1;
    const stretchedLen = Math.max(1, Math.min(seqLen, Math.round(n / speed)));
    const frames: Float32Array[] = [];
    for (let t = 0; t < stretchedLen; t++) {
      // Nearest frame, not interpolation: a missing hand in one frame must not become a half hand.
      const s = Math.min(n - 1, Math.round((t * (n - 1)) / Math.max(1, stretchedLen - 1)));
      if (o.frameDrop > 0 && rng.next() < o.frameDrop && stretchedLen > 2) continue;
      frames.push(src.subarray(s * f, (s + 1) * f));
    }
    seq.fill(0);
    frames.slice(0, seqLen).forEach((fr, t) => seq.set(fr, t * f));
  }
  // Space: mirror, rotate, scale, shift about the centre of the non-missing points.
  let cx = 0;
  let cy = 0;
  let count = 0;
  for (let i = 0; i < seq.length; i += 2) {
    if (isZeroPoint(seq, i)) continue;
    cx += seq[i];
    cy += seq[i + 1];
    count++;
  }
  if (count === 0) return;
  cx /= count;
  cy /= count;
  const mirror = o.mirror > 0 && rng.next() < o.mirror;
  const angle = (rng.uniform(-o.rotationDeg, o.rotationDeg) * Math.PI) / 180;
  const scale = rng.uniform(1 - o.scale, 1 + o.scale);
  const dx = rng.uniform(-o.shift, o.shift);
  const dy = rng.uniform(-o.shift, o.shift);
  const cos = Math.cos(angle) * scale;
  const sin = Math.sin(angle) * scale;
  for (let i = 0; i < seq.length; i += 2) {
    if (isZeroPoint(seq, i)) continue;
    let x = seq[i] - cx;
    const y = seq[i + 1] - cy;
    if (mirror) x = -x;
    const nx = cx + cos * x - sin * y + dx;
    const ny = cy + sin * x + cos * y + dy;
    // Keep a moved point from landing exactly on the "missing" marker.
    seq[i] = nx === 0 && ny === 0 ? 1e-6 : nx;
    seq[i + 1] = ny;
  }
  // The person's left hand becomes their right one in a mirror: swap the two slots of every frame.
  if (mirror && f === 2 * o.slotSize) {
    for (let t = 0; t < seqLen; t++) {
      const a = seq.slice(t * f, t * f + o.slotSize);
      seq.copyWithin(t * f, t * f + o.slotSize, (t + 1) * f);
      seq.set(a, t * f + o.slotSize);
    }
  }
}
