/**
 * Classification metrics as sklearn computes them (the reference notebook used sklearn): macro F1
 * averages over the classes that occur in the true or the predicted labels; a class with no
 * predictions has precision 0 (zero_division=0).
 */
export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvaluationReport {
  accuracy: number;
  macro_f1: number;
  /** Class names by label. */
  labels: string[];
  per_class: Record<string, ClassMetrics>;
  /** confusion_matrix[true][predicted]. */
  confusion_matrix: number[][];
}

export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number[][] {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i]][yPred[i]]++;
  return m;
}

function perClass(m: number[][], c: number): ClassMetrics {
  const tp = m[c][c];
  const support = m[c].reduce((a, b) => a + b, 0);
  const predicted = m.reduce((a, row) => a + row[c], 0);
  const precision = predicted > 0 ? tp / predicted : 0;
  const recall = support > 0 ? tp / support : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, support };
}

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  if (yTrue.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) ok++;
  return ok / yTrue.length;
}

export function macroF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number {
  const m = confusionMatrix(yTrue, yPred, numClasses);
  const present = new Set<number>([...Array.from(yTrue), ...Array.from(yPred)]);
  if (present.size === 0) return 0;
  let sum = 0;
  for (const c of present) sum += perClass(m, c).f1;
  return sum / present.size;
}

export function classificationReport(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels: string[]): EvaluationReport {
  const m = confusionMatrix(yTrue, yPred, labels.length);
  return {
    accuracy: accuracy(yTrue, yPred),
    macro_f1: macroF1(yTrue, yPred, labels.length),
    labels,
    per_class: Object.fromEntries(labels.map((name, c) => [name, perClass(m, c)])),
    confusion_matrix: m,
  };
}
