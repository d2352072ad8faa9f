/**
 * Confident learning (Northcutt, Jiang, Chuang 2021, "Confident Learning: Estimating Uncertainty in
 * Dataset Labels", JAIR 70): from out-of-fold probabilities and the given labels, which examples
 * are likely mislabelled, how noisy each class is, and which classes overlap. Pure arithmetic.
 */

/** How flagged examples are ordered (cleanlab's `rank_by`). Lower quality = more likely wrong. */
export type IssueRanking = 'self_confidence' | 'normalized_margin';

export interface LabelIssue {
  /** Index into the input arrays. */
  index: number;
  given: number;
  /** The confident joint's column for this example: the class it confidently belongs to. */
  suggested: number;
  /** Label quality in [0, 1]: p(given) (self-confidence) or (p(given) - max other + 1) / 2 (normalised margin). */
  quality: number;
}

export interface ConfidentLearningResult {
  /** t_j: mean out-of-fold p(j) over the examples labelled j (NaN for a class nobody carries). */
  thresholds: number[];
  /** C[given][true]: counts of examples labelled i whose probability of j is confidently above t_j. */
  confidentJoint: number[][];
  /** Q[given][true]: C calibrated so each row sums to that label's count, then normalised to sum 1 (Eq. 3). */
  calibratedJoint: number[][];
  /** Every example off the confident joint's diagonal, ranked from the lowest label quality. */
  issues: LabelIssue[];
  /** Per class: estimated share of examples carrying that label whose true class is another. */
  noiseByClass: number[];
  /** Estimated share of all examples with a wrong label (sum of Q's off-diagonal). */
  noiseOverall: number;
  /** Class pairs by Q[a][b] + Q[b][a], largest first, only those above 0. */
  overlaps: { a: number; b: number; share: number }[];
}

// Floating-point slack on the threshold comparison, as cleanlab does (it subtracts 1e-6).
const EPS = 1e-6;

export function labelQuality(probs: ArrayLike<number>, given: number, ranking: IssueRanking): number {
  if (ranking === 'self_confidence') return probs[given];
  let other = 0;
  for (let k = 0; k < probs.length; k++) if (k !== given && probs[k] > other) other = probs[k];
  return (probs[given] - other + 1) / 2;
}

/**
 * @param labels given label of each example, 0..numClasses-1
 * @param probs  out-of-fold probability vector of each example (length numClasses each)
 */
export function confidentLearning(labels: ArrayLike<number>, probs: ArrayLike<number>[], numClasses: number, ranking: IssueRanking = 'self_confidence'): ConfidentLearningResult {
  const n = labels.length;
  if (probs.length !== n) throw new RangeError(`${n} labels but ${probs.length} probability vectors`);
  const K = numClasses;
  const sums = new Array<number>(K).fill(0);
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!(y >= 0 && y < K)) throw new RangeError(`label ${y} of example ${i} is not one of ${K} classes`);
    if (probs[i].length !== K) throw new RangeError(`example ${i} has ${probs[i].length} probabilities, not ${K}`);
    sums[y] += probs[i][y];
    counts[y]++;
  }
  const thresholds = sums.map((s, j) => (counts[j] > 0 ? s / counts[j] : Number.NaN));

  const joint = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const issues: LabelIssue[] = [];
  for (let i = 0; i < n; i++) {
    const p = probs[i];
    // Among the classes whose probability reaches their threshold, the most probable one.
    let best = -1;
    for (let j = 0; j < K; j++) {
      if (!Number.isFinite(thresholds[j]) || p[j] < thresholds[j] - EPS) continue;
      if (best < 0 || p[j] > p[best]) best = j;
    }
    if (best < 0) continue;
    const y = labels[i];
    joint[y][best]++;
    if (best !== y) issues.push({ index: i, given: y, suggested: best, quality: labelQuality(p, y, ranking) });
  }
  issues.sort((a, b) => a.quality - b.quality || a.index - b.index);

  const calibrated = joint.map((row, i) => {
    const rowSum = row.reduce((a, b) => a + b, 0);
    return row.map((c) => (rowSum > 0 ? (c / rowSum) * counts[i] : 0));
  });
  const total = calibrated.flat().reduce((a, b) => a + b, 0);
  const calibratedJoint = calibrated.map((row) => row.map((c) => (total > 0 ? c / total : 0)));
  // A class none of whose examples is confidently counted has no estimate: 0, not 1.
  const noiseByClass = joint.map((row, i) => {
    const rowSum = row.reduce((a, b) => a + b, 0);
    return rowSum > 0 ? 1 - row[i] / rowSum : 0;
  });
  let noiseOverall = 0;
  const overlaps: ConfidentLearningResult['overlaps'] = [];
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < K; b++) if (a !== b) noiseOverall += calibratedJoint[a][b];
    for (let b = a + 1; b < K; b++) {
      const share = calibratedJoint[a][b] + calibratedJoint[b][a];
      if (share > 0) overlaps.push({ a, b, share });
    }
  }
  overlaps.sort((x, y) => y.share - x.share || x.a - y.a || x.b - y.b);
  return { thresholds, confidentJoint: joint, calibratedJoint, issues, noiseByClass, noiseOverall, overlaps };
}
