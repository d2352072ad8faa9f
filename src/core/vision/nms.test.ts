import { describe, expect, it } from 'vitest';
import { hardNms, iou, weightedNms } from './nms';

// Expected values worked out by hand from the box corners (intersection / union).
const box = (xMin: number, yMin: number, xMax: number, yMax: number, score = 1, keypoints?: number[]) => ({ xMin, yMin, xMax, yMax, score, ...(keypoints ? { keypoints } : {}) });

describe('iou', () => {
  it('is intersection over union of the two boxes, the same either way round', () => {
    const a = box(0, 0, 10, 10);
    expect(iou(a, a)).toBe(1);
    expect(iou(a, box(5, 0, 15, 10))).toBeCloseTo(50 / 150, 12);
    // Different sizes: 5 × 10 overlap, areas 100 and 400.
    expect(iou(a, box(5, 0, 25, 20))).toBeCloseTo(50 / 450, 12);
    expect(iou(box(5, 0, 25, 20), a)).toBeCloseTo(50 / 450, 12);
    // Overlap 8 × 9 with areas 100 and 120.
    expect(iou(a, box(2, 1, 12, 13))).toBeCloseTo(72 / 148, 12);
    // Away from the origin: 5 × 5 overlap of two 10 × 10 boxes.
    expect(iou(box(2, 3, 12, 13), box(7, 8, 17, 18))).toBeCloseTo(25 / 175, 12);
    expect(iou(box(7, 8, 17, 18), box(2, 3, 12, 13))).toBeCloseTo(25 / 175, 12);
    // One inside the other: the small box's area over the big one's.
    expect(iou(a, box(2, 2, 4, 4))).toBeCloseTo(4 / 100, 12);
  });

  it('is 0 for boxes that only touch, or overlap along one axis only', () => {
    const a = box(0, 0, 10, 10);
    expect(iou(a, box(10, 0, 20, 10))).toBe(0);
    expect(iou(a, box(0, 10, 10, 20))).toBe(0);
    expect(iou(a, box(0, 20, 10, 30))).toBe(0); // same columns, apart in y
    expect(iou(a, box(20, 0, 30, 10))).toBe(0); // same rows, apart in x
    expect(iou(a, box(20, 20, 30, 30))).toBe(0);
  });
});

describe('weightedNms (palms)', () => {
  it('merges overlapping detections into their score-weighted mean box and keypoints, keeping the best score', () => {
    // iou 72 / 148 ≈ 0.49 > 0.3: one palm. Scores 0.6 and 0.2: weights 3/4 and 1/4.
    const [merged, ...others] = weightedNms([box(2, 1, 12, 13, 0.2, [5, 10]), box(0, 0, 10, 10, 0.6, [1, 2])], 0.3);
    expect(others).toEqual([]);
    expect(merged.score).toBe(0.6);
    expect(merged.xMin).toBeCloseTo(0.5, 12);
    expect(merged.yMin).toBeCloseTo(0.25, 12);
    expect(merged.xMax).toBeCloseTo(10.5, 12);
    expect(merged.yMax).toBeCloseTo(10.75, 12);
    expect(merged.keypoints![0]).toBeCloseTo(2, 12);
    expect(merged.keypoints![1]).toBeCloseTo(4, 12);
  });

  it('keeps apart detections overlapping by no more than the threshold, best first', () => {
    // iou exactly 0.5.
    const a = box(0, 0, 10, 10, 0.6);
    const b = box(0, 0, 10, 5, 0.8);
    const apart = weightedNms([a, b], 0.5);
    expect(apart.map((d) => [d.score, d.yMax])).toEqual([[0.8, 5], [0.6, 10]]);
    const merged = weightedNms([a, b], 0.49);
    expect(merged.length).toBe(1);
    expect(merged[0].yMax).toBeCloseTo((5 * 0.8 + 10 * 0.6) / 1.4, 12);
  });

  it('returns at most maxOut palms, the best ones, and copes with missing keypoints', () => {
    const dets = [box(0, 0, 1, 1, 0.2), box(5, 5, 6, 6, 0.9), box(10, 10, 11, 11, 0.5)];
    expect(weightedNms(dets, 0.3, 2).map((d) => d.score)).toEqual([0.9, 0.5]);
    expect(weightedNms(dets, 0.3).map((d) => d.score)).toEqual([0.9, 0.5, 0.2]);
    expect(weightedNms(dets, 0.3, 0)).toEqual([]);
    // The best detection has no keypoints: the merged one has none either.
    const out = weightedNms([box(0, 0, 10, 10, 0.9), box(0, 0, 10, 10, 0.1, [3, 3])], 0.3);
    expect(out.length).toBe(1);
    expect('keypoints' in out[0]).toBe(false);
    expect(out[0].xMax).toBeCloseTo(10, 12);
  });
});

describe('weightedNms with a degenerate best box', () => {
  it('returns that box as it is and still returns the others (was: one NaN box, the rest dropped)', () => {
    const flat = box(5, 5, 5, 9, 0.9, [5, 7]); // zero width: iou 0 with everything, itself included
    const out = weightedNms([box(0, 0, 10, 10, 0.75), flat, box(20, 20, 30, 30, 0.5)], 0.3);
    expect(out.map((d) => [d.score, d.xMin, d.yMin, d.xMax, d.yMax])).toEqual([[0.9, 5, 5, 5, 9], [0.75, 0, 0, 10, 10], [0.5, 20, 20, 30, 30]]);
    expect(out[0].keypoints).toEqual([5, 7]);
    // A threshold of 1 or more merges nothing: every detection comes back on its own.
    expect(weightedNms([box(0, 0, 10, 10, 0.8), box(0, 0, 10, 10, 0.5)], 1).map((d) => d.score)).toEqual([0.8, 0.5]);
  });
});

describe('hardNms (persons)', () => {
  it('keeps the best box and drops boxes overlapping a kept one by more than the threshold', () => {
    const a = box(0, 0, 10, 10, 0.9);
    const b = box(0, 0, 10, 5, 0.8); // iou with a: exactly 0.5
    const c = box(20, 0, 30, 10, 0.7);
    const d = box(20, 0, 30, 6, 0.6); // overlaps c by 0.6, a not at all
    expect(hardNms([d, c, b, a], 0.5)).toEqual([a, b, c]);
    expect(hardNms([d, c, b, a], 0.4)).toEqual([a, c]);
    expect(hardNms([d, c, b, a], 0.6)).toEqual([a, b, c, d]);
    expect(hardNms([d, c, b, a], 0.5, 2)).toEqual([a, b]);
    expect(hardNms([d, c, b, a], 0.5, 0)).toEqual([]);
  });
});
