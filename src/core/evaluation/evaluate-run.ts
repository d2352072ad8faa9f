import { existsSync, readFileSync } from 'node:fs';
import { readSequenceFile, type SequenceFile } from '../dataset/sequence-file-reader';
import { packSequences } from '../dataset/sequence-set';
import { loadSplit, type DatasetSplit } from '../dataset/split';
import { RunDirError } from '../errors';
import type { KernelSet } from '../models/kernels/kernel-set';
import { loadClassifier, type ModelMetadata } from '../models/model-files';
import type { SequenceClassifier } from '../models/sequence-classifier';
import { pickBackend } from '../training/backend';
import { runFiles } from '../training/run-files';
import { classificationReport, type EvaluationReport } from './classification-metrics';
import { clipPredictions, predictSet, type ClipPrediction } from './predictions';

export interface EvaluateRunOptions {
  /** Which part of the run's split; default "test". */
  split?: keyof DatasetSplit;
  /** The keypoint file, when it moved since training (default: the one in summary.json). */
  dataPath?: string;
  kernels?: KernelSet;
}

export interface RunEvaluation {
  report: EvaluationReport & { loss: number };
  predictions: ClipPrediction[];
}

function dataPathOf(runDir: string, override?: string): string {
  if (override) return override;
  const summary = runFiles(runDir).summary;
  if (!existsSync(summary)) throw new RunDirError(`${runDir} has no summary.json (training did not finish); pass the keypoint file explicitly`);
  try {
    return JSON.parse(readFileSync(summary, 'utf8')).dataPath;
  } catch {
    throw new RunDirError(`${summary} is damaged; pass the keypoint file explicitly`);
  }
}

interface LoadedRun {
  file: SequenceFile;
  split: DatasetSplit;
  model: SequenceClassifier;
  meta: ModelMetadata;
}

/** The run's keypoint file, split and best model, read and loaded once for `use`; the model is freed after. */
async function withRun<T>(runDir: string, options: Omit<EvaluateRunOptions, 'split'>, use: (run: LoadedRun) => T): Promise<T> {
  const files = runFiles(runDir);
  if (!existsSync(runDir)) throw new RunDirError(`run directory ${runDir} does not exist`);
  await pickBackend();
  const file = await readSequenceFile(dataPathOf(runDir, options.dataPath));
  const split = loadSplit(files.split, file.clips.map((c) => c.key));
  const { model, meta } = await loadClassifier(files.model, options.kernels);
  try {
    if (meta.inputShape[0] !== file.seqLen || meta.inputShape[1] !== file.numFeatures) {
      throw new RunDirError(`the model expects sequences of [${meta.inputShape}] but ${file.path} has [${file.seqLen},${file.numFeatures}]`);
    }
    return use({ file, split, model, meta });
  } finally {
    model.dispose();
  }
}

/** The run's best model on one part of its split: the report and every clip's prediction. */
export async function evaluateRunDetailed(runDir: string, options: EvaluateRunOptions = {}): Promise<RunEvaluation> {
  return withRun(runDir, options, ({ file, split, model, meta }) => {
    const set = packSequences(file.clips, split[options.split ?? 'test'], file.seqLen, file.numFeatures);
    // Labels by the model's own map: the file may have been relabelled since.
    const labels = meta.labels;
    const p = predictSet(model, set);
    return { report: { ...classificationReport(set.y, p.predicted, labels), loss: p.loss }, predictions: clipPredictions(set, p, labels.length) };
  });
}

export interface SplitPrediction extends ClipPrediction {
  split: keyof DatasetSplit;
}

/**
 * Every clip of the run's split (train, then val, then test) with its prediction, in one pass:
 * the file is read and the model loaded once, and the clips go through it in shared batches.
 * `labels` is the model's label order, in which `label` and `predicted` count.
 */
export async function predictRunSplits(runDir: string, options: Omit<EvaluateRunOptions, 'split'> = {}): Promise<{ labels: string[]; predictions: SplitPrediction[] }> {
  return withRun(runDir, options, ({ file, split, model, meta }) => {
    const parts = ['train', 'val', 'test'] as const;
    const partOf = parts.flatMap((part) => split[part].map(() => part));
    const set = packSequences(file.clips, parts.flatMap((part) => split[part]), file.seqLen, file.numFeatures);
    const predictions = clipPredictions(set, predictSet(model, set), meta.labels.length);
    return { labels: meta.labels, predictions: predictions.map((p, i) => ({ ...p, split: partOf[i] })) };
  });
}

/** `gstudio evaluate <run_dir>`: {accuracy, macro_f1, labels, per_class, confusion_matrix} on the test split. */
export async function evaluateRun(runDir: string, options: EvaluateRunOptions = {}): Promise<EvaluationReport> {
  const { report } = await evaluateRunDetailed(runDir, options);
  const { loss: _loss, ...rest } = report;
  return rest;
}
