import { describe, expect, it } from 'vitest';
import { foldTrainVal, stratifiedFolds } from './stratified-folds';

const items = (counts: number[]) => counts.flatMap((n, label) => Array.from({ length: n }, (_, i) => ({ key: `c${label}_${String(i).padStart(3, '0')}`, label })));
const names = ['hello', 'thanks', 'yes'];

describe('stratified folds', () => {
  it('puts about 1/k of every class in each fold, the same way for the same seed', () => {
    const all = items([20, 10, 15]);
    const plan = stratifiedFolds(all, 5, 7);
    expect(plan.folds).toBe(5);
    for (let label = 0; label < 3; label++) {
      const perFold = [0, 0, 0, 0, 0];
      for (const it of all.filter((x) => x.label === label)) perFold[plan.foldOf.get(it.key)!]++;
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
    }
    expect([...stratifiedFolds(all, 5, 7).foldOf]).toEqual([...plan.foldOf]);
    expect([...stratifiedFolds(all, 5, 8).foldOf]).not.toEqual([...plan.foldOf]);
  });

  it('uses as many folds as the smallest class allows, and says so', () => {
    const plan = stratifiedFolds(items([20, 3, 15]), 5, 1, (l) => names[l]);
    expect(plan.folds).toBe(3);
    expect(plan.warnings.join(' ')).toMatch(/"thanks" \(3\) has fewer clips than 5 folds: using 3 folds/);
  });

  it('leaves out a class of one clip with the reason', () => {
    const plan = stratifiedFolds(items([6, 1, 6]), 3, 1, (l) => names[l]);
    expect(plan.excludedClasses).toEqual([expect.objectContaining({ label: 1, clips: 1, reason: expect.stringMatching(/"thanks" has 1 clip/) })]);
    expect(plan.foldOf.has('c1_000')).toBe(false);
    expect(plan.foldOf.size).toBe(12);
  });

  it('refuses one class with a message that says what is needed', () => {
    expect(() => stratifiedFolds(items([8]), 5, 1, (l) => names[l])).toThrow(/only one class \("hello"\).*at least two/);
    expect(() => stratifiedFolds(items([8, 1]), 5, 1, (l) => names[l])).toThrow(/only one class/);
  });

  it('trains each fold on the other folds, with a validation share of every class, never the held-out clips', () => {
    const all = items([20, 10]);
    const plan = stratifiedFolds(all, 5, 3);
    const seen = new Set<string>();
    for (let f = 0; f < 5; f++) {
      const s = foldTrainVal(all, plan, f, 0.15, 3);
      expect(s.test.every((k) => plan.foldOf.get(k) === f)).toBe(true);
      expect([...s.train, ...s.val].some((k) => plan.foldOf.get(k) === f)).toBe(false);
      expect(s.train.length + s.val.length + s.test.length).toBe(30);
      expect(new Set(s.val.map((k) => k[1]))).toEqual(new Set(['0', '1']));
      s.test.forEach((k) => seen.add(k));
    }
    expect(seen.size).toBe(30);
  });
});
