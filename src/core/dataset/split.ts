import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { TrainingDataError } from '../errors';
import { SeededRandom } from './seeded-random';

/** The split file's shape: clip keys (dataset names) per part. */
export interface DatasetSplit {
  train: string[];
  val: string[];
  test: string[];
}

export interface SplitResult {
  split: DatasetSplit;
  stratified: boolean;
  /** Why the split is not stratified, or other things a user should know. */
  warnings: string[];
}

export interface SplitOptions {
  valFraction: number;
  testFraction: number;
  seed: number;
}

/** Items to split: clip key and class. */
export interface SplitItem {
  key: string;
  label: number;
  /** Items with the same group (the same content: a file copied twice) go to one part together. */
  group?: string;
}

function cutCount(n: number, fraction: number): number {
  return Math.min(n, Math.max(0, Math.round(n * fraction)));
}

/**
 * Test off the whole, then validation off the rest (PIPELINE.md §5), stratified by class when every
 * class has at least 3 clips (one for each part); otherwise a plain seeded split, with a warning
 * that says which classes were too small. Each part gets at least one clip when there are 3+ clips.
 */
export function splitDataset(items: SplitItem[], options: SplitOptions): SplitResult {
  const result = splitByClass(items, options);
  return keepGroupsTogether(result, items);
}

/**
 * Duplicates in two parts would test the model on clips it trained on: every group goes to the
 * part its first key (in key order) drew, and the warnings say how many clips moved.
 */
function keepGroupsTogether(result: SplitResult, items: SplitItem[]): SplitResult {
  const groups = new Map<string, string[]>();
  for (const it of items) if (it.group !== undefined) groups.set(it.group, [...(groups.get(it.group) ?? []), it.key]);
  const partOf = new Map<string, keyof DatasetSplit>();
  for (const part of ['train', 'val', 'test'] as const) for (const k of result.split[part]) partOf.set(k, part);
  let moved = 0;
  let duplicated = 0;
  for (const keys of groups.values()) {
    if (keys.length < 2) continue;
    duplicated += keys.length;
    const home = partOf.get([...keys].sort()[0])!;
    for (const k of keys) {
      if (partOf.get(k) === home) continue;
      partOf.set(k, home);
      moved++;
    }
  }
  if (duplicated === 0) return result;
  const split: DatasetSplit = { train: [], val: [], test: [] };
  for (const part of ['train', 'val', 'test'] as const) for (const k of [...result.split.train, ...result.split.val, ...result.split.test]) if (partOf.get(k) === part) split[part].push(k);
  const warnings = [...result.warnings, `${duplicated} clips are identical copies of another: each set of copies is kept in one part of the split${moved ? ` (${moved} moved)` : ''}, so that none is tested on a clip it trained on`];
  return { ...result, split, warnings };
}

function splitByClass(items: SplitItem[], options: SplitOptions): SplitResult {
  const { valFraction, testFraction, seed } = options;
  if (!(valFraction > 0 && testFraction > 0 && valFraction + testFraction < 1)) {
    throw new TrainingDataError(`validation (${valFraction}) and test (${testFraction}) fractions must be > 0 and sum to less than 1`);
  }
  if (items.length < 3) throw new TrainingDataError(`only ${items.length} clip(s): training needs at least 3 (one each for train, validation and test); extract more clips`);
  const rng = new SeededRandom(seed);
  const sorted = [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const byClass = new Map<number, string[]>();
  for (const it of sorted) byClass.set(it.label, [...(byClass.get(it.label) ?? []), it.key]);
  const small = [...byClass.entries()].filter(([, keys]) => keys.length < 3);
  const warnings: string[] = [];

  if (small.length === 0) {
    const split: DatasetSplit = { train: [], val: [], test: [] };
    for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
      const keys = rng.shuffle([...byClass.get(label)!]);
      const nTest = Math.max(1, cutCount(keys.length, testFraction));
      const test = keys.slice(0, nTest);
      const rest = keys.slice(nTest);
      // Validation's share of the rest, so that it is valFraction of the whole, as the reference did.
      const nVal = Math.min(rest.length - 1, Math.max(1, cutCount(rest.length, valFraction / (1 - testFraction))));
      split.test.push(...test);
      split.val.push(...rest.slice(0, nVal));
      split.train.push(...rest.slice(nVal));
    }
    for (const part of [split.train, split.val, split.test]) rng.shuffle(part);
    return { split, stratified: true, warnings };
  }

  const names = small.map(([label, keys]) => `${label} (${keys.length} clip${keys.length === 1 ? '' : 's'})`).join(', ');
  warnings.push(`the split is not stratified: class${small.length > 1 ? 'es' : ''} ${names} ha${small.length > 1 ? 've' : 's'} fewer than 3 clips, so some parts may lack ${small.length > 1 ? 'them' : 'it'}; add clips for a stratified split`);
  const keys = rng.shuffle(sorted.map((it) => it.key));
  const nTest = Math.max(1, cutCount(keys.length, testFraction));
  const rest = keys.slice(nTest);
  const nVal = Math.min(rest.length - 1, Math.max(1, cutCount(rest.length, valFraction / (1 - testFraction))));
  return { split: { train: rest.slice(nVal), val: rest.slice(0, nVal), test: keys.slice(0, nTest) }, stratified: false, warnings };
}

export function saveSplit(path: string, split: DatasetSplit): void {
  writeFileSync(path, JSON.stringify({ train: split.train, val: split.val, test: split.test }, null, 1) + '\n');
}

/** Reads a split.json and checks it against the keys of the dataset it will be used with. */
export function loadSplit(path: string, knownKeys?: Iterable<string>): DatasetSplit {
  if (!existsSync(path)) throw new TrainingDataError(`split file ${path} does not exist`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new TrainingDataError(`split file ${path} is not valid JSON`);
  }
  const p = parsed as Partial<Record<keyof DatasetSplit, unknown>>;
  for (const part of ['train', 'val', 'test'] as const) {
    if (!Array.isArray(p[part]) || !(p[part] as unknown[]).every((k) => typeof k === 'string')) {
      throw new TrainingDataError(`split file ${path} needs "${part}" as a list of clip keys`);
    }
  }
  const split = p as DatasetSplit;
  if (knownKeys) {
    const known = new Set(knownKeys);
    const missing = [...split.train, ...split.val, ...split.test].filter((k) => !known.has(k));
    if (missing.length > 0) {
      throw new TrainingDataError(`split file ${path} names ${missing.length} clip(s) the dataset does not have (e.g. "${missing[0]}"); make a new split for this file`);
    }
  }
  if (split.train.length === 0 || split.val.length === 0) throw new TrainingDataError(`split file ${path} has an empty train or validation part`);
  return split;
}
