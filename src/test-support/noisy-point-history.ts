import { readFileSync } from 'node:fs';
import { readLabelList } from '../core/dataset/keypoint-csv';
import { SeededRandom } from '../core/dataset/seeded-random';
import { writeSequenceFile } from '../core/dataset/sequence-file-writer';
import { clipDatasetName } from '../core/dataset/clip-name';
import { sharedData } from './shared-data';

/**
 * point_history.csv with known label noise, for the label-audit bench and its test: a clean,
 * stratified test part kept aside, and in the rest ("pool") a seeded share of labels flipped
 * uniformly at random to another class. Clip keys do not depend on the label, so the same clip has
 * the same key in every file written from here.
 */
export interface NoisyPointHistory {
  classNames: string[];
  /** Every clip: key -> clean label. */
  clean: Map<string, number>;
  /** Pool clips (audited, trained on) and their noisy labels. */
  noisy: Map<string, number>;
  testKeys: string[];
  poolKeys: string[];
  flipped: Set<string>;
  /** Writes the pool with the given labels (and, with `withTest`, the clean test part) to an HDF5 file. */
  write(path: string, poolLabels: Map<string, number>, withTest: boolean): Promise<void>;
}

export function loadNoisyPointHistory(options: { noise: number; seed: number; testFraction: number; perClass?: number }): NoisyPointHistory {
  const classNames = readLabelList(sharedData('keypoints', 'point_history_labels.csv'));
  const rows = readFileSync(sharedData('keypoints', 'point_history.csv'), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const rng = new SeededRandom(options.seed);
  const byClass = new Map<number, { rel: string; data: Float32Array }[]>();
  rows.forEach((row, i) => {
    const v = row.split(',').map(Number);
    byClass.set(v[0], [...(byClass.get(v[0]) ?? []), { rel: `row_${String(i).padStart(5, '0')}`, data: Float32Array.from(v.slice(1)) }]);
  });
  const data = new Map<string, Float32Array>();
  const clean = new Map<string, number>();
  const testKeys: string[] = [];
  const poolKeys: string[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    let clips = rng.shuffle([...byClass.get(label)!]);
    if (options.perClass !== undefined) clips = clips.slice(0, options.perClass);
    const nTest = Math.round(clips.length * options.testFraction);
    clips.forEach((c, i) => {
      const key = clipDatasetName(c.rel);
      data.set(key, c.data);
      clean.set(key, label);
      (i < nTest ? testKeys : poolKeys).push(key);
    });
  }
  const { noisy, flipped } = flipLabels(poolKeys, clean, classNames.length, options.noise, rng);
  const relOf = new Map([...byClass.values()].flat().map((c) => [clipDatasetName(c.rel), c.rel]));
  const labelMap = Object.fromEntries(classNames.map((c, i) => [c, i]));
  return {
    classNames,
    clean,
    noisy,
    testKeys,
    poolKeys,
    flipped,
    write: async (path, poolLabels, withTest) => {
      const keys = withTest ? [...poolKeys, ...testKeys] : poolKeys;
      const clips = keys.map((key) => {
        const seq = data.get(key)!;
        const label = poolLabels.get(key) ?? clean.get(key)!;
        return { relativePath: relOf.get(key)!, className: classNames[label], sequence: seq, shape: [16, seq.length / 16] as [number, number] };
      });
      await writeSequenceFile(path, clips, { labelMap, extraction: { numFrames: 16, numFeatures: 2, source: 'keypoint-csv' } });
    },
  };
}

/** A seeded share of the labels, each flipped uniformly at random to one of the other classes. */
export function flipLabels(keys: string[], clean: Map<string, number>, numClasses: number, fraction: number, rng: SeededRandom): { noisy: Map<string, number>; flipped: Set<string> } {
  const noisy = new Map(keys.map((k) => [k, clean.get(k)!]));
  const flipped = new Set<string>();
  for (const key of rng.shuffle([...keys]).slice(0, Math.round(keys.length * fraction))) {
    const y = clean.get(key)!;
    const other = rng.int(numClasses - 1);
    noisy.set(key, other >= y ? other + 1 : other);
    flipped.add(key);
  }
  return { noisy, flipped };
}

/** Precision and recall of a flagged set against the clips whose labels were flipped. */
export function flagScores(flagged: Set<string>, flipped: Set<string>): { precision: number; recall: number; truePositives: number } {
  let tp = 0;
  for (const k of flagged) if (flipped.has(k)) tp++;
  return { precision: flagged.size ? tp / flagged.size : 0, recall: flipped.size ? tp / flipped.size : 0, truePositives: tp };
}
