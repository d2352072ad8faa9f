import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrainingDataError } from '../errors';
import { augmentationOf, trainingOptionsSchema } from '../training/training-options';
import { augmentSequence, DEFAULT_AUGMENTATION } from './augmentation';
import { SeededRandom } from './seeded-random';
import { loadSplit, saveSplit, splitDataset } from './split';

const items = (counts: number[]) => counts.flatMap((n, label) => Array.from({ length: n }, (_, i) => ({ key: `c${label}_${i}`, label })));

/** No clip in two parts, none in a part twice, none missing: sizes add up to the clip count. */
function expectPartition(split: { train: string[]; val: string[]; test: string[] }, all: { key: string }[]): void {
  const parts = { train: split.train, val: split.val, test: split.test };
  for (const [name, part] of Object.entries(parts)) expect(new Set(part).size, `${name} has a clip twice`).toBe(part.length);
  for (const [a, b] of [['train', 'val'], ['train', 'test'], ['val', 'test']] as const) {
    const inB = new Set(parts[b]);
    expect(parts[a].filter((k) => inB.has(k)), `clips in both ${a} and ${b}`).toEqual([]);
  }
  expect(split.train.length + split.val.length + split.test.length).toBe(all.length);
  expect(new Set([...split.train, ...split.val, ...split.test])).toEqual(new Set(all.map((i) => i.key)));
}

describe('split', () => {
  it('is stratified: test first, then validation, each class in proportion, disjoint and complete', () => {
    const all = items([100, 40, 20]);
    const { split, stratified, warnings } = splitDataset(all, { valFraction: 0.15, testFraction: 0.15, seed: 42 });
    expect(stratified).toBe(true);
    expect(warnings).toEqual([]);
    expectPartition(split, all);
    const count = (part: string[], label: number) => part.filter((k) => k.startsWith(`c${label}_`)).length;
    expect([0, 1, 2].map((c) => count(split.test, c))).toEqual([15, 6, 3]);
    expect([0, 1, 2].map((c) => count(split.val, c))).toEqual([15, 6, 3]);
    // Same seed, same split; another seed, another.
    expect(splitDataset(all, { valFraction: 0.15, testFraction: 0.15, seed: 42 }).split).toEqual(split);
    expect(splitDataset(all, { valFraction: 0.15, testFraction: 0.15, seed: 7 }).split.test).not.toEqual(split.test);
  });

  it('keeps identical copies (same content group) in one part, and says so; without copies the split is unchanged', () => {
    const all = items([20, 20]);
    const plain = splitDataset(all, { valFraction: 0.2, testFraction: 0.2, seed: 1 }).split;
    // Five pairs of copies, one of each in each class, plus a pair within class 0.
    const grouped = all.map((it) => ({ ...it, group: /_(\d)$/.test(it.key) && Number(it.key.slice(-1)) < 5 ? `g${it.key.slice(-1)}` : it.key === 'c0_10' || it.key === 'c0_11' ? 'g10' : undefined }));
    const r = splitDataset(grouped, { valFraction: 0.2, testFraction: 0.2, seed: 1 });
    const partOf = (k: string) => (['train', 'val', 'test'] as const).find((p) => r.split[p].includes(k));
    for (const g of [...Array(5).keys()]) expect(partOf(`c0_${g}`)).toBe(partOf(`c1_${g}`));
    expect(partOf('c0_10')).toBe(partOf('c0_11'));
    expect([...r.split.train, ...r.split.val, ...r.split.test].sort()).toEqual(all.map((i) => i.key).sort());
    expect(r.warnings.join(' ')).toMatch(/12 clips are identical copies/);
    expect(splitDataset(all.map((it) => ({ ...it, group: it.key })), { valFraction: 0.2, testFraction: 0.2, seed: 1 }).split).toEqual(plain);
  });

  it('falls back to a plain seeded split when a class is too small, and says so', () => {
    const all = items([30, 30, 1]);
    const r = splitDataset(all, { valFraction: 0.15, testFraction: 0.15, seed: 1 });
    expect(r.stratified).toBe(false);
    expect(r.warnings[0]).toMatch(/not stratified.*2 \(1 clip\)/);
    expectPartition(r.split, all);
    expect(r.split.val.length).toBeGreaterThan(0);
    expect(() => splitDataset(items([1, 1]), { valFraction: 0.15, testFraction: 0.15, seed: 1 })).toThrow(TrainingDataError);
  });

  it('round-trips split.json and rejects one that names unknown clips', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-split-'));
    const { split } = splitDataset(items([10, 10]), { valFraction: 0.2, testFraction: 0.2, seed: 3 });
    expectPartition(split, items([10, 10]));
    saveSplit(join(dir, 'split.json'), split);
    expect(loadSplit(join(dir, 'split.json'), items([10, 10]).map((i) => i.key))).toEqual(split);
    expect(() => loadSplit(join(dir, 'split.json'), ['c0_0'])).toThrow(/does not have/);
  });
});

describe('augmentation', () => {
  const T = 4;
  const F = 84;
  function twoHands(): Float32Array {
    const s = new Float32Array(T * F);
    for (let t = 0; t < 3; t++) {
      for (let k = 0; k < 21; k++) {
        s.set([0.2 + k * 0.001, 0.5 + t * 0.01], t * F + k * 2); // slot 0: left hand
        if (t < 2) s.set([0.8 - k * 0.001, 0.5], t * F + 42 + k * 2); // slot 1: right hand
      }
    }
    return s; // frame 3 is padding
  }

  it('is seeded, keeps missing hands and padding zero, and changes the points', () => {
    const a = twoHands();
    const b = twoHands();
    augmentSequence(a, T, F, new SeededRandom(5), { ...DEFAULT_AUGMENTATION, timeStretch: 0, frameDrop: 0, mirror: 0 });
    augmentSequence(b, T, F, new SeededRandom(5), { ...DEFAULT_AUGMENTATION, timeStretch: 0, frameDrop: 0, mirror: 0 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(twoHands()));
    expect(a.subarray(2 * F + 42, 3 * F).every((v) => v === 0)).toBe(true);
    expect(a.subarray(3 * F).every((v) => v === 0)).toBe(true);
  });

  it('mirror flips x and swaps the left and right hand slots', () => {
    const s = twoHands();
    const none = { rotationDeg: 0, scale: 0, shift: 0, timeStretch: 0, frameDrop: 0, mirror: 1, slotSize: 42 };
    augmentSequence(s, T, F, new SeededRandom(1), none);
    // Frame 2 had only a left hand (slot 0); now it is in slot 1, and slot 0 is empty.
    expect(s.subarray(2 * F, 2 * F + 42).every((v) => v === 0)).toBe(true);
    expect(s[2 * F + 43]).toBeCloseTo(0.52, 5);
    // x is mirrored about the centre of the points: the left hand (small x) now has a large x.
    expect(s[0 * F + 42]).toBeGreaterThan(0.5);
    expect(s[0 * F]).toBeLessThan(0.5);
  });

  it('mirrors only when asked: the defaults never swap the hand slots, mirror 1 always does', () => {
    // Only a left hand (slot 0) in every frame: after a swap it is in slot 1.
    const leftOnly = () => {
      const s = twoHands();
      for (let t = 0; t < T; t++) s.fill(0, t * F + 42, (t + 1) * F);
      return s;
    };
    const slotUsed = (s: Float32Array, slot: number) => Array.from({ length: T }, (_, t) => s.subarray(t * F + slot * 42, t * F + (slot + 1) * 42)).some((h) => h.some((v) => v !== 0));
    const defaults = augmentationOf(trainingOptionsSchema.parse({ dataPath: 'k.h5', runDir: 'run', augment: true }));
    expect(defaults).toEqual(DEFAULT_AUGMENTATION);
    expect(defaults.mirror).toBe(0);
    for (let seed = 1; seed <= 100; seed++) {
      const kept = leftOnly();
      augmentSequence(kept, T, F, new SeededRandom(seed), defaults);
      expect([slotUsed(kept, 0), slotUsed(kept, 1)], `seed ${seed}`).toEqual([true, false]);
      const mirrored = leftOnly();
      augmentSequence(mirrored, T, F, new SeededRandom(seed), { ...defaults, mirror: 1 });
      expect([slotUsed(mirrored, 0), slotUsed(mirrored, 1)], `seed ${seed}`).toEqual([false, true]);
    }
  });

  it('frame drop and time stretch keep the sequence length and pad with zeros at the end', () => {
    const s = twoHands();
    augmentSequence(s, T, F, new SeededRandom(9), { ...DEFAULT_AUGMENTATION, timeStretch: 0.3, frameDrop: 0.3 });
    expect(s.length).toBe(T * F);
    expect(s.subarray(0, F).some((v) => v !== 0)).toBe(true);
  });
});
