import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { SeededRandom } from '../dataset/seeded-random';
import type { SequenceFile } from '../dataset/sequence-file-reader';
import type { SequenceSet } from '../dataset/sequence-set';
import { TrainingDataError } from '../errors';
import { classificationReport, macroF1, accuracy, type EvaluationReport } from '../evaluation/classification-metrics';
import { clipPredictions, predictSet, type ClipPrediction } from '../evaluation/predictions';
import { createClassifier } from '../models/create-classifier';
import type { KernelSet } from '../models/kernels/kernel-set';
import { chooseKernels } from '../models/kernels/choose-kernels';
import { loadClassifier, saveClassifier, type ModelMetadata } from '../models/model-files';
import type { ModelSpec } from '../models/model-spec';
import type { SequenceClassifier } from '../models/sequence-classifier';
import { AdamW } from './adamw';
import { pickBackend, type BackendChoice } from './backend';
import { EarlyStopping } from './early-stopping';
import { writeMetricsCsv, type EpochMetrics } from './metrics-log';
import { ReduceOnPlateau } from './reduce-on-plateau';
import { runFiles } from './run-files';
import { writeRunPictures } from './run-pictures';
import { trainEpoch, type RunRandom } from './train-epoch';
import { loadTrainingData } from './training-data';
import { chooseTrainStep, type TrainStep } from './step';
import { loadTrainingState, saveTrainingState } from './training-state';
import { augmentationOf, legacyResumeKey, resumeKey, trainingOptionsSchema, type TrainingOptions, type TrainingOptionsInput } from './training-options';

export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Samples done in this epoch / in it in all. */
  done: number;
  total: number;
  samplesPerSecond: number;
  loss: number;
}

export interface EpochProgress {
  epoch: number;
  epochs: number;
  metrics: EpochMetrics;
  isBest: boolean;
  bestEpoch: number;
  bestValF1: number;
  samplesPerSecond: number;
  elapsedSeconds: number;
  /** Upper bound: assumes no early stop. */
  etaSeconds: number;
}

export interface TrainingCallbacks {
  onBatch?: (p: BatchProgress) => void;
  onEpoch?: (p: EpochProgress) => void;
  /**
   * On resume: every epoch the saved state holds. A process killed after saving an epoch's state
   * but before its onEpoch ran leaves that epoch here only, so a caller keeping its own record of
   * epochs fills the gap from this.
   */
  onResume?: (rows: EpochMetrics[]) => void;
  /** Stops after the current batch; the last finished epoch's state stays on disk for resume. */
  signal?: AbortSignal;
  /** The layer math (the KernelSet seam). Default: options.kernels ('auto': fused where it runs). */
  kernels?: KernelSet;
}

export interface TrainingSummary {
  status: 'completed' | 'early_stopped';
  runDir: string;
  dataPath: string;
  backend: BackendChoice;
  kernels: string;
  /** What ran the steps: 'fused-step' (whole steps in WebAssembly) or 'tfjs' (tfjs's tape), on how many threads. */
  engine: { name: string; threads: number };
  spec: ModelSpec;
  options: TrainingOptions;
  labels: string[];
  dataset: { clips: number; seqLen: number; numFeatures: number; extraction: ModelMetadata['extraction'] };
  split: { train: number; val: number; test: number; stratified: boolean | null; reused: boolean };
  epochsRun: number;
  bestEpoch: number;
  bestValF1: number;
  resumedFromEpoch: number | null;
  test: { loss: number; accuracy: number; macro_f1: number };
  trainSamplesPerSecond: number;
  durationSeconds: number;
  parameters: number;
  warnings: string[];
}

export interface TrainingResult {
  summary: TrainingSummary;
  testReport: EvaluationReport;
  /** Every test clip with its probability vector (for the project store). */
  testPredictions: ClipPrediction[];
}

function extractionOf(file: SequenceFile): ModelMetadata['extraction'] {
  const ex = file.extraction ?? {};
  return {
    ...ex,
    numFrames: file.seqLen,
    numFeatures: file.numFeatures,
    resampling: typeof ex.resampling === 'string' ? ex.resampling : null,
  };
}

/**
 * Trains a classifier on a keypoint HDF5 file: the reference loop (PIPELINE.md §5-§8) with AdamW,
 * reduce-on-plateau and early stopping on validation macro F1, the best checkpoint kept, one metrics
 * row per epoch, resumable state each epoch; then the best model on the test split.
 * One seed fixes the split, the initial weights, the shuffles, the dropout masks and augmentation.
 */
export async function train(input: TrainingOptionsInput, callbacks: TrainingCallbacks = {}): Promise<TrainingResult> {
  const o = trainingOptionsSchema.parse(input);
  const files = runFiles(o.runDir);
  const started = performance.now();
  const backend = await pickBackend(o.backend);
  const kernels = callbacks.kernels ?? chooseKernels(o.kernels, backend.backend, o.threads);
  const warnings: string[] = [];

  mkdirSync(o.runDir, { recursive: true });
  const { file, split, stratified, reused, trainSet, valSet, testSet } = await loadTrainingData(o, files.split, warnings);
  const numClasses = file.classNames.length;

  const spec: ModelSpec = {
    type: o.model,
    inputSize: file.numFeatures,
    seqLen: file.seqLen,
    numClasses,
    hiddenSize: o.hiddenSize,
    numLayers: o.numLayers,
    dropout: o.dropout,
    ...(o.numHeads ? { numHeads: o.numHeads } : {}),
  };
  const master = new SeededRandom(o.seed);
  const initSeed = master.nextUint32();
  const random: RunRandom = { shuffle: master.fork(1), dropout: master.fork(2), augment: master.fork(3) };
  const model = createClassifier(spec, initSeed, kernels);
  const optimizer = new AdamW(model.params.list(), { lr: o.lr, weightDecay: o.weightDecay });
  const plateau = new ReduceOnPlateau({ factor: o.lrFactor, patience: o.lrPatience, minLr: o.minLr });
  const early = new EarlyStopping(o.patience);
  let stepper: TrainStep | null = null;
  let rows: EpochMetrics[] = [];
  let startEpoch = 1;
  let elapsedBefore = 0;
  let samplesTrained = 0;
  const trainSeconds = { value: 0 };
  let resumedFromEpoch: number | null = null;
  const optionsKey = resumeKey(o);
  const hyperparameters = JSON.parse(JSON.stringify({ ...o, resume: undefined, runDir: undefined, dataPath: undefined }));
  const extraction = extractionOf(file);
  const meta = (epoch: number, valF1: number): ModelMetadata => ({
    spec,
    labelMap: file.labelMap,
    labels: file.classNames,
    inputShape: [file.seqLen, file.numFeatures],
    hyperparameters,
    extraction,
    epoch,
    valF1,
    backend: backend.backend,
    kernels: kernels.name,
  });

  try {
    if (o.resume) {
      const saved = loadTrainingState(files.state);
      if (saved) {
        if (saved.state.optionsKey !== optionsKey && saved.state.optionsKey !== legacyResumeKey(o)) {
          throw new TrainingDataError(`${o.runDir} holds a run with other options; resume it with the same options, or train into a new run directory`);
        }
        model.params.load(Object.fromEntries(saved.state.params.map((p, i) => [p.name, { shape: p.shape, data: saved.weights[i] }])));
        optimizer.setState({ step: saved.state.optimizerStep, lr: saved.state.lr, moments: saved.moments });
        random.shuffle = new SeededRandom(saved.state.rng.shuffle);
        random.dropout = new SeededRandom(saved.state.rng.dropout);
        random.augment = new SeededRandom(saved.state.rng.augment);
        plateau.setState(saved.state.plateau);
        early.setState(saved.state.early);
        rows = saved.state.rows;
        startEpoch = saved.state.epoch + 1;
        elapsedBefore = saved.state.elapsedSeconds;
        samplesTrained = saved.state.samplesTrained;
        trainSeconds.value = saved.state.trainSeconds;
        resumedFromEpoch = saved.state.epoch;
        callbacks.onResume?.(rows);
      }
    } else {
      // A fresh run replaces what a previous run left in this directory.
      rmSync(files.state, { recursive: true, force: true });
      rmSync(files.model, { recursive: true, force: true });
    }

    const augment = o.augment ? augmentationOf(o) : null;
    stepper = chooseTrainStep(model, optimizer, kernels, o.batchSize);
    let stoppedEarly = early.shouldStop && rows.length > 0;
    for (let epoch = startEpoch; epoch <= o.epochs && !stoppedEarly; epoch++) {
      const epochStart = performance.now();
      const { lossSum, correct, done } = await trainEpoch({ epoch, epochs: o.epochs, set: trainSet, batchSize: o.batchSize, stepper, random, augment, signal: callbacks.signal, onBatch: callbacks.onBatch });
      trainSeconds.value += (performance.now() - epochStart) / 1000;
      samplesTrained += done;
      // The model's weights as the last step left them, before they are evaluated and saved.
      stepper.sync();
      const val = predictSet(model, valSet);
      const row: EpochMetrics = {
        epoch,
        train_loss: lossSum / done,
        train_acc: correct / done,
        val_loss: val.loss,
        val_acc: accuracy(valSet.y, val.predicted),
        val_f1: macroF1(valSet.y, val.predicted, numClasses),
        lr: optimizer.lr,
      };
      rows.push(row);
      const isBest = early.update(epoch, row.val_f1, row.val_loss);
      if (isBest) await saveClassifier(files.model, model, meta(epoch, row.val_f1));
      optimizer.lr = plateau.step(row.val_f1, optimizer.lr);
      stoppedEarly = early.shouldStop;
      const elapsedSeconds = elapsedBefore + (performance.now() - started) / 1000;
      await writeMetricsCsv(files.metrics, rows);
      await saveTrainingState(
        files.state,
        {
          epoch,
          optionsKey,
          optimizerStep: optimizer.step,
          lr: optimizer.lr,
          rng: { shuffle: random.shuffle.getState(), dropout: random.dropout.getState(), augment: random.augment.getState() },
          plateau: plateau.getState(),
          early: early.getState(),
          rows,
          elapsedSeconds,
          samplesTrained,
          trainSeconds: trainSeconds.value,
          params: model.params.names.map((name) => ({ name, shape: model.params.get(name).shape })),
        },
        model.params.snapshot().map((s) => s.data),
        optimizer.getState().moments,
      );
      const epochSeconds = (performance.now() - epochStart) / 1000;
      callbacks.onEpoch?.({
        epoch,
        epochs: o.epochs,
        metrics: row,
        isBest,
        bestEpoch: early.bestEpoch,
        bestValF1: early.best,
        samplesPerSecond: done / Math.max(epochSeconds, 1e-9),
        elapsedSeconds,
        etaSeconds: epochSeconds * (o.epochs - epoch),
      });
    }

    // Test on the best checkpoint (PIPELINE.md §8).
    const { model: best } = await loadClassifier(files.model, kernels);
    let test: { report: EvaluationReport; predictions: ClipPrediction[]; loss: number };
    try {
      test = evaluateOn(best, testSet, file.classNames);
    } finally {
      best.dispose();
    }
    writeRunPictures(files, rows, test.report.confusion_matrix, file.classNames);
    const lastEpoch = rows.length ? rows[rows.length - 1].epoch : 0;
    const summary: TrainingSummary = {
      status: stoppedEarly && lastEpoch < o.epochs ? 'early_stopped' : 'completed',
      runDir: o.runDir,
      dataPath: o.dataPath,
      backend,
      kernels: kernels.name,
      engine: { name: stepper.engine, threads: stepper.threads },
      spec,
      options: o,
      labels: file.classNames,
      dataset: { clips: file.clips.length, seqLen: file.seqLen, numFeatures: file.numFeatures, extraction },
      split: { train: split.train.length, val: split.val.length, test: split.test.length, stratified, reused },
      epochsRun: lastEpoch,
      bestEpoch: early.bestEpoch,
      bestValF1: early.best,
      resumedFromEpoch,
      test: { loss: test.loss, accuracy: test.report.accuracy, macro_f1: test.report.macro_f1 },
      trainSamplesPerSecond: trainSeconds.value > 0 ? samplesTrained / trainSeconds.value : 0,
      durationSeconds: elapsedBefore + (performance.now() - started) / 1000,
      parameters: model.params.count(),
      warnings,
    };
    writeFileSync(files.summary, JSON.stringify(summary, null, 1) + '\n');
    return { summary, testReport: test.report, testPredictions: test.predictions };
  } finally {
    stepper?.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

export function evaluateOn(model: SequenceClassifier, set: SequenceSet, labels: string[]): { report: EvaluationReport; predictions: ClipPrediction[]; loss: number } {
  const p = predictSet(model, set);
  return { report: classificationReport(set.y, p.predicted, labels), predictions: clipPredictions(set, p, labels.length), loss: p.loss };
}
