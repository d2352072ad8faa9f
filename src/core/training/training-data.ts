import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { journalDirFor, journalWriter } from '../dataset/clip-journal';
import { readSequenceFile, type SequenceFile } from '../dataset/sequence-file-reader';
import { recoverJournal } from '../dataset/sequence-file-writer';
import { packSequences, type SequenceSet } from '../dataset/sequence-set';
import { loadSplit, saveSplit, splitDataset, type DatasetSplit } from '../dataset/split';
import { StudioError, TrainingDataError } from '../errors';
import type { TrainingOptions } from './training-options';

/** A run's data: the keypoint file, its split (drawn or reused) and the three parts packed. */
export interface TrainingData {
  file: SequenceFile;
  split: DatasetSplit;
  /** null: a split given or reused, not drawn here. */
  stratified: boolean | null;
  reused: boolean;
  trainSet: SequenceSet;
  valSet: SequenceSet;
  testSet: SequenceSet;
}

/**
 * Reads the keypoint file (first merging clips an interrupted extraction finished), checks it has
 * two classes, draws the split (or reuses the given or resumed one) and saves it to splitPath.
 */
export async function loadTrainingData(o: TrainingOptions, splitPath: string, warnings: string[]): Promise<TrainingData> {
  const writer = journalWriter(journalDirFor(o.dataPath));
  if (writer !== null) throw new StudioError('busy', `An extraction (process ${writer}) is still writing ${o.dataPath}: train when it is done`);
  const merged = await recoverJournal(o.dataPath);
  if (merged > 0) warnings.push(`${merged} clip(s) that an interrupted extraction finished were merged into ${o.dataPath}`);
  const file = await readSequenceFile(o.dataPath);
  warnings.push(...file.warnings);
  checkClasses(file);
  const { split, stratified, reused } = drawOrLoadSplit(o, file, splitPath, warnings);
  saveSplit(splitPath, split);
  const pack = (keys: string[]) => packSequences(file.clips, keys, file.seqLen, file.numFeatures);
  const trainSet = pack(split.train);
  if (trainSet.keys.length === 0) throw new TrainingDataError('the training split is empty; add clips');
  return { file, split, stratified, reused, trainSet, valSet: pack(split.val), testSet: pack(split.test) };
}

function checkClasses(file: SequenceFile): void {
  const counts = new Map<number, number>();
  for (const c of file.clips) counts.set(c.label, (counts.get(c.label) ?? 0) + 1);
  if (counts.size < 2) {
    const only = file.classNames[[...counts.keys()][0]];
    throw new TrainingDataError(`${file.path} has clips of one class only ("${only}"); a classifier needs at least two classes: add clips of another class`);
  }
}

function drawOrLoadSplit(o: TrainingOptions, file: SequenceFile, splitPath: string, warnings: string[]): { split: DatasetSplit; stratified: boolean | null; reused: boolean } {
  const keys = file.clips.map((c) => c.key);
  if (o.splitPath) return { split: loadSplit(o.splitPath, keys), stratified: null, reused: true };
  if (o.resume && existsSync(splitPath)) return { split: loadSplit(splitPath, keys), stratified: null, reused: true };
  const result = splitDataset(
    file.clips.map((c) => ({ key: c.key, label: c.label, group: contentGroup(c.data) })),
    { valFraction: o.valFraction, testFraction: o.testFraction, seed: o.seed },
  );
  warnings.push(...result.warnings);
  return { split: result.split, stratified: result.stratified, reused: false };
}

/** Identical sequences (a video copied twice) share a group; all-zero ones (no hands seen) do not. */
function contentGroup(data: Float32Array): string | undefined {
  if (data.every((v) => v === 0)) return undefined;
  return createHash('sha1').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
}
