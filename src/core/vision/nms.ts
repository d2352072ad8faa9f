/** Non-maximum suppression: MediaPipe's weighted variant (palms) and the classic one (YOLO). */
export interface Box {
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

export interface ScoredBox extends Box {
  score: number;
  /** Flat [x0, y0, x1, y1, ...] keypoints, averaged along with the box by weighted NMS. */
  keypoints?: number[];
}

export function iou(a: Box, b: Box): number {
  const iw = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin);
  const ih = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (a.xMax - a.xMin) * (a.yMax - a.yMin) + (b.xMax - b.xMin) * (b.yMax - b.yMin) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * MediaPipe's WEIGHTED NonMaxSuppression: the best remaining detection absorbs every detection
 * overlapping it by more than `threshold` (itself included); its box and keypoints become their
 * score-weighted mean, its score stays the best one. Output is in descending score order.
 */
export function weightedNms<T extends ScoredBox>(dets: T[], threshold: number, maxOut = Infinity): T[] {
  let remaining = [...dets].sort((a, b) => b.score - a.score);
  const out: T[] = [];
  while (remaining.length && out.length < maxOut) {
    const top = remaining[0];
    const cands: T[] = [];
    const rest: T[] = [];
    // `d === top`: a degenerate top box (zero or negative size) has iou 0 even with itself.
    for (const d of remaining) (d === top || iou(d, top) > threshold ? cands : rest).push(d);
    let total = 0, x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    const kp = top.keypoints ? new Array<number>(top.keypoints.length).fill(0) : undefined;
    for (const c of cands) {
      total += c.score;
      x0 += c.xMin * c.score; y0 += c.yMin * c.score;
      x1 += c.xMax * c.score; y1 += c.yMax * c.score;
      if (kp && c.keypoints) for (let i = 0; i < kp.length; i++) kp[i] += c.keypoints[i] * c.score;
    }
    out.push({
      ...top,
      xMin: x0 / total, yMin: y0 / total, xMax: x1 / total, yMax: y1 / total,
      ...(kp ? { keypoints: kp.map((v) => v / total) } : {}),
    });
    remaining = rest;
  }
  return out;
}

/** Classic greedy NMS (keep the best, drop overlaps above `threshold`). */
export function hardNms<T extends ScoredBox>(dets: T[], threshold: number, maxOut = Infinity): T[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const out: T[] = [];
  for (const d of sorted) {
    if (out.length >= maxOut) break;
    if (out.every((k) => iou(k, d) <= threshold)) out.push(d);
  }
  return out;
}
