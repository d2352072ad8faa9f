import type { FrameRecord, Handedness } from '../keypoints/frame-record';

export interface TrueHand {
  handedness: Handedness;
  landmarks: [number, number, number][];
}

export interface ClipComparison {
  /** Per frame, the hands in the picture (the generator's truth). */
  truth: TrueHand[][];
  /** Per frame, what the pipeline found. */
  found: FrameRecord[];
  width: number;
  height: number;
}

export interface LandmarkAccuracy {
  frames: number;
  /** Frames with at least one hand in the picture. */
  framesWithHands: number;
  /** Of those, frames in which every hand in the picture was found. */
  framesAllFound: number;
  trueHands: number;
  /** True hands matched by a found hand (its landmarks within a palm length on average). */
  foundHands: number;
  /** True hands not found, by side. */
  missed: Record<Handedness, number>;
  /** Found hands that match no true hand. */
  spuriousHands: number;
  /** Matched hands whose handedness agrees with the truth. */
  handednessAgrees: number;
  /** Mean distance between found and true landmarks (x, y normalised to the frame), over matched hands. */
  meanError: number;
  /** The same in palm lengths (wrist to middle-finger base of the true hand). */
  meanErrorPalms: number;
}

/** Mean distance of the 21 landmarks in pixels. */
function meanPixelDistance(a: [number, number, number][], b: [number, number, number][], w: number, h: number): number {
  let s = 0;
  for (let i = 0; i < 21; i++) s += Math.hypot((a[i][0] - b[i][0]) * w, (a[i][1] - b[i][1]) * h);
  return s / 21;
}

/**
 * Compares the landmarks the pipeline found with the true ones, hand by hand: each true hand is
 * matched with the nearest found hand not matched yet (nearest first), if that one is within a
 * palm length on average. The error is in the frame's normalised coordinates (the unit of the
 * keypoint files), and in palm lengths.
 */
export function compareWithTruth(clips: readonly ClipComparison[]): LandmarkAccuracy {
  const r: LandmarkAccuracy = { frames: 0, framesWithHands: 0, framesAllFound: 0, trueHands: 0, foundHands: 0, spuriousHands: 0, missed: { Right: 0, Left: 0 }, handednessAgrees: 0, meanError: 0, meanErrorPalms: 0 };
  let errSum = 0;
  let palmSum = 0;
  for (const clip of clips) {
    const { width: w, height: h } = clip;
    clip.truth.forEach((truth, i) => {
      r.frames++;
      const found = clip.found[i]?.hands ?? [];
      const pairs: { t: number; f: number; px: number }[] = [];
      truth.forEach((t, ti) => found.forEach((f, fi) => pairs.push({ t: ti, f: fi, px: meanPixelDistance(t.landmarks, f.landmarks, w, h) })));
      pairs.sort((a, b) => a.px - b.px);
      const usedT = new Set<number>();
      const usedF = new Set<number>();
      for (const p of pairs) {
        if (usedT.has(p.t) || usedF.has(p.f)) continue;
        const t = truth[p.t].landmarks;
        const palm = Math.hypot((t[9][0] - t[0][0]) * w, (t[9][1] - t[0][1]) * h) || 1;
        if (p.px > palm) continue;
        usedT.add(p.t);
        usedF.add(p.f);
        r.foundHands++;
        if (found[p.f].handedness === truth[p.t].handedness) r.handednessAgrees++;
        // Normalised units: pixels over the frame's size along each axis, as the landmarks are stored.
        let e = 0;
        for (let k = 0; k < 21; k++) e += Math.hypot(t[k][0] - found[p.f].landmarks[k][0], t[k][1] - found[p.f].landmarks[k][1]);
        errSum += e / 21;
        palmSum += p.px / palm;
      }
      r.trueHands += truth.length;
      truth.forEach((t, ti) => {
        if (!usedT.has(ti)) r.missed[t.handedness]++;
      });
      r.spuriousHands += found.length - usedF.size;
      if (truth.length > 0) {
        r.framesWithHands++;
        if (usedT.size === truth.length) r.framesAllFound++;
      }
    });
  }
  r.meanError = r.foundHands ? errSum / r.foundHands : NaN;
  r.meanErrorPalms = r.foundHands ? palmSum / r.foundHands : NaN;
  return r;
}
