import { TrainingDataError } from '../errors';
import { SeededRandom } from '../dataset/seeded-random';

export interface FoldItem {
  key: string;
  label: number;
}

export interface FoldPlan {
  /** Folds actually used: the request, or fewer when the smallest kept class has fewer clips. */
  folds: number;
  requested: number;
  /** key -> fold (0..folds-1), for every kept clip. */
  foldOf: Map<string, number>;
  /** Classes left out of the audit, with why. */
  excludedClasses: { label: number; clips: number; reason: string }[];
  warnings: string[];
}

/**
 * Stratified, seeded k-fold assignment: each class's clips (sorted by key, then shuffled) are dealt
 * round-robin, starting where the previous class stopped, so every fold holds about 1/k of each class.
 * A class needs at least two clips (one to hold out, one to learn from); with fewer it is left out.
 * When a kept class has fewer clips than folds, the folds shrink to that class's size (at least 2).
 */
export function stratifiedFolds(items: FoldItem[], requested: number, seed: number, className: (label: number) => string = String): FoldPlan {
  if (!Number.isInteger(requested) || requested < 2) throw new TrainingDataError(`an audit needs at least 2 folds (asked for ${requested})`);
  const byClass = new Map<number, string[]>();
  for (const it of [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    byClass.set(it.label, [...(byClass.get(it.label) ?? []), it.key]);
  }
  const warnings: string[] = [];
  const excludedClasses: FoldPlan['excludedClasses'] = [];
  for (const [label, keys] of byClass) {
    if (keys.length < 2) {
      excludedClasses.push({ label, clips: keys.length, reason: `"${className(label)}" has ${keys.length} clip: a clip can only be checked by a model that learned the class from others; add clips to audit it` });
      byClass.delete(label);
    }
  }
  if (byClass.size < 2) {
    const kept = [...byClass.keys()].map((l) => `"${className(l)}"`);
    throw new TrainingDataError(
      kept.length === 1
        ? `only one class (${kept[0]}) has clips to audit: an audit compares classes, so it needs at least two with 2+ clips each`
        : 'no class has 2 or more extracted clips: extract clips of at least two classes first',
    );
  }
  const smallest = Math.min(...[...byClass.values()].map((k) => k.length));
  const folds = Math.max(2, Math.min(requested, smallest));
  if (folds < requested) {
    const small = [...byClass.entries()].filter(([, k]) => k.length < requested).map(([l, k]) => `"${className(l)}" (${k.length})`);
    warnings.push(`${small.join(', ')} ha${small.length > 1 ? 've' : 's'} fewer clips than ${requested} folds: using ${folds} folds, the most the smallest class allows`);
  }
  const rng = new SeededRandom(seed);
  const foldOf = new Map<string, number>();
  let next = 0;
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    for (const key of rng.shuffle([...byClass.get(label)!])) {
      foldOf.set(key, next);
      next = (next + 1) % folds;
    }
  }
  return { folds, requested, foldOf, excludedClasses, warnings };
}

/**
 * Train / validation keys for one fold: every clip outside the held-out fold, with a stratified,
 * seeded share held back for early stopping and the best checkpoint (never fewer than one clip of a
 * class with 2+ training clips, never all of a class).
 */
export function foldTrainVal(items: FoldItem[], plan: FoldPlan, fold: number, valFraction: number, seed: number): { train: string[]; val: string[]; test: string[] } {
  const rng = new SeededRandom((seed ^ Math.imul(fold + 1, 0x9e3779b1)) >>> 0);
  const test: string[] = [];
  const byClass = new Map<number, string[]>();
  for (const it of [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const f = plan.foldOf.get(it.key);
    if (f === undefined) continue;
    if (f === fold) test.push(it.key);
    else byClass.set(it.label, [...(byClass.get(it.label) ?? []), it.key]);
  }
  const train: string[] = [];
  const val: string[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const keys = rng.shuffle([...byClass.get(label)!]);
    const nVal = keys.length < 2 ? 0 : Math.min(keys.length - 1, Math.max(1, Math.round(keys.length * valFraction)));
    val.push(...keys.slice(0, nVal));
    train.push(...keys.slice(nVal));
  }
  rng.shuffle(train);
  return { train, val, test };
}
