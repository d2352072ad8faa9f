import { describe, expect, it } from 'vitest';
import { confidentLearning } from './confident-learning';

/*
 * Ten examples, three classes; every expected number below was worked out by hand:
 *   t0 = (0.80 + 0.48 + 0.10) / 3 = 0.46
 *   t1 = (0.70 + 0.45 + 0.05) / 3 = 0.40
 *   t2 = (0.80 + 0.40 + 0.65 + 0.40) / 4 = 0.5625
 * Classes at or above their threshold, and the joint cell each example lands in:
 *   a (0) {0}       -> C[0][0]      f (1) {2}   -> C[1][2] (flag)
 *   b (0) {0, 1}    -> argmax 1, C[0][1] (flag: the given label is above threshold too)
 *   c (0) {1}       -> C[0][1] (flag) g (2) {2} -> C[2][2]
 *   d (1) {1}       -> C[1][1]      h (2) {0}   -> C[2][0] (flag)
 *   e (1) {1}       -> C[1][1]      i (2) {2}   -> C[2][2]
 *   j (2) {}        -> not counted
 */
const labels = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2];
const probs = [
  [0.8, 0.1, 0.1], // a
  [0.48, 0.52, 0.0], // b
  [0.1, 0.8, 0.1], // c
  [0.1, 0.7, 0.2], // d
  [0.25, 0.45, 0.3], // e
  [0.25, 0.05, 0.7], // f
  [0.1, 0.1, 0.8], // g
  [0.55, 0.05, 0.4], // h
  [0.2, 0.15, 0.65], // i
  [0.3, 0.3, 0.4], // j
];

describe('confident learning', () => {
  it('computes per-class thresholds and the confident joint', () => {
    const r = confidentLearning(labels, probs, 3);
    expect(r.thresholds[0]).toBeCloseTo(0.46, 12);
    expect(r.thresholds[1]).toBeCloseTo(0.4, 12);
    expect(r.thresholds[2]).toBeCloseTo(0.5625, 12);
    expect(r.confidentJoint).toEqual([
      [1, 2, 0],
      [0, 2, 1],
      [1, 0, 2],
    ]);
  });

  it('flags the off-diagonal examples with their suggested label, ranked by self-confidence', () => {
    const r = confidentLearning(labels, probs, 3, 'self_confidence');
    // p(given): f 0.05, c 0.10, h 0.40, b 0.48.
    expect(r.issues.map((i) => [i.index, i.given, i.suggested])).toEqual([
      [5, 1, 2],
      [2, 0, 1],
      [7, 2, 0],
      [1, 0, 1],
    ]);
    expect(r.issues.map((i) => i.quality)).toEqual([0.05, 0.1, 0.4, 0.48].map((q) => expect.closeTo(q, 12)));
  });

  it('ranks by normalised margin when asked (which swaps c and f here)', () => {
    const r = confidentLearning(labels, probs, 3, 'normalized_margin');
    // (p(given) - max other + 1) / 2: c 0.15, f 0.175, h 0.425, b 0.48.
    expect(r.issues.map((i) => i.index)).toEqual([2, 5, 7, 1]);
    expect(r.issues.map((i) => i.quality)).toEqual([0.15, 0.175, 0.425, 0.48].map((q) => expect.closeTo(q, 12)));
  });

  it('estimates noise per class, overall (calibrated) and the overlapping pairs', () => {
    const r = confidentLearning(labels, probs, 3);
    // Row 2 counts 3 of 4 clips: calibrated to [4/3, 0, 8/3]; total 3 + 3 + 4 = 10.
    expect(r.calibratedJoint[2][0]).toBeCloseTo(0.4 / 3, 12);
    expect(r.calibratedJoint[2][2]).toBeCloseTo(0.8 / 3, 12);
    expect(r.calibratedJoint[0][1]).toBeCloseTo(0.2, 12);
    expect(r.noiseByClass.map((x) => Number(x.toFixed(10)))).toEqual([0.6666666667, 0.3333333333, 0.3333333333]);
    // Off-diagonal of Q: 0.2 + 0.1 + 0.1333 (uncalibrated it would be 4/9).
    expect(r.noiseOverall).toBeCloseTo(0.2 + 0.1 + 0.4 / 3, 12);
    expect(r.overlaps.map((o) => [o.a, o.b])).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    expect(r.overlaps.map((o) => o.share)).toEqual([0.2, 0.4 / 3, 0.1].map((q) => expect.closeTo(q, 12)));
  });

  it('flags nothing when every example confidently carries its own label', () => {
    const r = confidentLearning([0, 0, 1, 1], [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.1, 0.9]], 2);
    expect(r.issues).toEqual([]);
    expect(r.noiseByClass).toEqual([0, 0]);
    expect(r.overlaps).toEqual([]);
  });

  it('rejects probability vectors of the wrong width', () => {
    expect(() => confidentLearning([0, 1], [[1, 0], [0.5, 0.2, 0.3]], 2)).toThrow(/3 probabilities, not 2/);
  });
});
