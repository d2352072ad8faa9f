import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrainingDataError } from '../errors';
import { loadSplit, saveSplit, splitDataset } from './split';

// Part sizes below are worked out by hand from PIPELINE.md §5 (test = round(n·test), validation =
// round(rest·val/(1 - test)), each part at least one clip); the seeded order is not asserted.
const items = (counts: number[]) => counts.flatMap((n, label) => Array.from({ length: n }, (_, i) => ({ key: `c${label}_${i}`, label })));
const sizes = (s: { train: string[]; val: string[]; test: string[] }) => [s.train.length, s.val.length, s.test.length];
const opts = (valFraction: number, testFraction: number) => ({ valFraction, testFraction, seed: 4 });

describe('splitDataset: fractions and sizes', () => {
  it('rejects fractions that are not both > 0 with a sum below 1, with a typed error', () => {
    for (const [val, test] of [[0, 0.2], [0.2, 0], [-0.1, 0.2], [0.5, 0.5], [0.6, 0.5]]) {
      expect(() => splitDataset(items([10, 10]), opts(val, test)), `${val} ${test}`).toThrow(TrainingDataError);
      expect(() => splitDataset(items([10, 10]), opts(val, test))).toThrow(/fractions must be > 0 and sum to less than 1/);
    }
    // 20 clips at 0.3 / 0.6 (sum 0.9, difference 0.3): test 12, validation round(8·0.3/0.4) = 6, train 2.
    expect(sizes(splitDataset(items([10, 10]), opts(0.3, 0.6)).split)).toEqual([2, 6, 12]);
  });

  it('needs 3 clips, and splits exactly 3 one per part', () => {
    expect(() => splitDataset(items([2]), opts(0.15, 0.15))).toThrow(/only 2 clip\(s\): training needs at least 3/);
    const r = splitDataset(items([3]), opts(0.15, 0.15));
    expect(r.stratified).toBe(true); // a class of exactly 3 is enough to stratify
    expect(r.warnings).toEqual([]);
    expect(sizes(r.split)).toEqual([1, 1, 1]);
  });

  it('never leaves train empty, even when the fractions would give it nothing', () => {
    // 3 clips of each class at 0.45 / 0.45: test 1, validation round(2·0.45/0.55) = 2 capped to 1, train 1.
    const strat = splitDataset(items([3, 3]), opts(0.45, 0.45));
    expect(strat.stratified).toBe(true);
    expect(sizes(strat.split)).toEqual([2, 2, 2]);
    const plain = splitDataset(items([2, 1]), opts(0.45, 0.45));
    expect(plain.stratified).toBe(false);
    expect(sizes(plain.split)).toEqual([1, 1, 1]);
  });

  it('sizes the plain (unstratified) split as the stratified one: test off the whole, then validation', () => {
    // 61 clips: test round(9.15) = 9, validation round(52·0.15/0.85 = 9.18) = 9, train 43.
    expect(sizes(splitDataset(items([30, 30, 1]), opts(0.15, 0.15)).split)).toEqual([43, 9, 9]);
    // 23 clips at 0.2 / 0.1: test round(2.3) = 2, validation round(21·0.2/0.9 = 4.67) = 5, train 16.
    expect(sizes(splitDataset(items([20, 2, 1]), opts(0.2, 0.1)).split)).toEqual([16, 5, 2]);
  });
});

describe('splitDataset: reproducible and mixed', () => {
  it('gives the same split whatever order the clips come in', () => {
    const all = items([12, 9, 5]);
    const shuffled = [...all].reverse();
    shuffled.push(shuffled.splice(3, 1)[0]);
    expect(splitDataset(shuffled, opts(0.2, 0.2)).split).toEqual(splitDataset(all, opts(0.2, 0.2)).split);
    const plain = items([12, 9, 1]);
    expect(splitDataset([...plain].reverse(), opts(0.2, 0.2)).split).toEqual(splitDataset(plain, opts(0.2, 0.2)).split);
  });

  it('mixes the classes within each part instead of listing them class by class', () => {
    const { split } = splitDataset(items([40, 40, 40]), opts(0.2, 0.2));
    const labels = split.train.map((k) => Number(k.slice(1, k.indexOf('_'))));
    expect(labels).not.toEqual([...labels].sort((a, b) => a - b));
  });
});

describe('splitDataset: the warning of a split that cannot be stratified', () => {
  it('names the one class too small, in the singular', () => {
    expect(splitDataset(items([30, 30, 1]), opts(0.15, 0.15)).warnings).toEqual([
      'the split is not stratified: class 2 (1 clip) has fewer than 3 clips, so some parts may lack it; add clips for a stratified split',
    ]);
  });

  it('names every class too small, in the plural', () => {
    expect(splitDataset(items([30, 2, 1]), opts(0.15, 0.15)).warnings).toEqual([
      'the split is not stratified: classes 1 (2 clips), 2 (1 clip) have fewer than 3 clips, so some parts may lack them; add clips for a stratified split',
    ]);
  });
});

describe('loadSplit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gs-split-load-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('saves one line-terminated JSON file and loads it back without a key list', () => {
    const p = join(dir, 'split.json');
    const split = { train: ['a', 'b'], val: ['c'], test: [] };
    saveSplit(p, split);
    expect(readFileSync(p, 'utf8').endsWith('}\n')).toBe(true);
    expect(loadSplit(p)).toEqual(split); // an empty test part is allowed
  });

  it('says what is wrong with a missing, broken or incomplete split file', () => {
    expect(() => loadSplit(join(dir, 'nope.json'))).toThrow(/nope\.json does not exist/);
    expect(() => loadSplit(file('broken.json', '{"train": ['))).toThrow(/is not valid JSON/);
    expect(() => loadSplit(file('noval.json', '{"train": ["a"], "test": ["b"]}'))).toThrow(/needs "val" as a list of clip keys/);
    expect(() => loadSplit(file('numbers.json', '{"train": ["a", 2], "val": ["b"], "test": []}'))).toThrow(/needs "train" as a list/);
    expect(() => loadSplit(file('allnum.json', '{"train": [1], "val": ["b"], "test": []}'))).toThrow(/needs "train" as a list/);
    expect(() => loadSplit(file('notrain.json', '{"train": [], "val": ["b"], "test": ["c"]}'))).toThrow(/empty train or validation part/);
    expect(() => loadSplit(file('noval2.json', '{"train": ["a"], "val": [], "test": ["c"]}'))).toThrow(/empty train or validation part/);
    expect(() => loadSplit(file('nope2.json', '{"train": ["a"], "val": [], "test": ["c"]}'))).toThrow(TrainingDataError);
  });
});

describe('splitDataset: identical copies (content groups)', () => {
  const o = { valFraction: 0.2, testFraction: 0.2, seed: 1 };
  const partsOf = (s: { train: string[]; val: string[]; test: string[] }) => new Map((['train', 'val', 'test'] as const).flatMap((p) => s[p].map((k) => [k, p] as const)));
  const asSets = (s: { train: string[]; val: string[]; test: string[] }) => ({ train: new Set(s.train), val: new Set(s.val), test: new Set(s.test) });
  const warning = (n: number, moved: number) =>
    `${n} clips are identical copies of another: each set of copies is kept in one part of the split${moved ? ` (${moved} moved)` : ''}, so that none is tested on a clip it trained on`;

  it('moves each copy to the part its first key (in key order) drew, and counts the copies and the moves', () => {
    const all = items([20, 20]);
    const plain = splitDataset(all, o).split;
    const before = partsOf(plain);
    // Copies across the classes: c0_i and c1_i for i < 6, and a set of three within class 0.
    const groupOf = (k: string): string | undefined => {
      const i = Number(k.slice(k.indexOf('_') + 1));
      if (i < 6) return `g${i}`;
      return ['c0_10', 'c0_11', 'c0_12'].includes(k) ? 'g10' : undefined;
    };
    const sets = [...Array(6).keys()].map((i) => [`c0_${i}`, `c1_${i}`]).concat([['c0_10', 'c0_11', 'c0_12']]);
    // Worked out from the split without copies: the first key of a set keeps its part, the others join it.
    const want = { train: [...plain.train], val: [...plain.val], test: [...plain.test] };
    let moved = 0;
    for (const keys of sets) {
      const home = before.get(keys[0])!;
      for (const k of keys.slice(1)) {
        const from = before.get(k)!;
        if (from === home) continue;
        want[from] = want[from].filter((x) => x !== k);
        want[home].push(k);
        moved++;
      }
    }
    expect(moved).toBeGreaterThan(0); // the seed draws some copies apart, so something moves
    const grouped = all.map((it) => ({ ...it, group: groupOf(it.key) }));
    const r = splitDataset(grouped, o);
    expect(asSets(r.split)).toEqual(asSets(want));
    expect(r.stratified).toBe(true);
    expect(r.warnings).toEqual([warning(15, moved)]);
    // The first key in key order decides, not the first one listed: the same split in any order.
    expect(asSets(splitDataset([...grouped].reverse(), o).split)).toEqual(asSets(want));
  });

  it('says nothing and moves nothing when no clip has a copy, and names no move when the copies already share a part', () => {
    const all = items([20, 20]);
    const plain = splitDataset(all, o);
    // Every clip its own group (distinct content), or no group at all (an all-zero sequence).
    const distinct = splitDataset(all.map((it) => ({ ...it, group: `h-${it.key}` })), o);
    expect(distinct).toEqual(plain);
    expect(distinct.warnings).toEqual([]);
    // Two copies the split puts in one part anyway: kept there, reported, none moved.
    const [a, b] = plain.split.train;
    const together = splitDataset(all.map((it) => ({ ...it, group: it.key === a || it.key === b ? 'same' : undefined })), o);
    expect(together.split).toEqual(plain.split);
    expect(together.warnings).toEqual([warning(2, 0)]);
  });
});
