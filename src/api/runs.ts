import { z } from 'zod';

/** Training options as the UI edits them (the reference defaults; PIPELINE.md §6-§7). */
export const TrainingSettings = z.object({
  model: z.enum(['lstm', 'gru', 'transformer']).default('lstm'),
  epochs: z.number().int().min(1).max(10_000).default(50),
  batchSize: z.number().int().min(1).max(4096).default(32),
  lr: z.number().positive().max(10).default(1e-3),
  weightDecay: z.number().min(0).max(10).default(1e-2),
  hiddenSize: z.number().int().min(1).max(4096).default(128),
  numLayers: z.number().int().min(1).max(16).default(2),
  dropout: z.number().min(0).max(0.95).default(0.3),
  patience: z.number().int().min(1).max(10_000).default(10),
  /** Reduce-on-plateau: epochs without a better validation F1 before the learning rate halves. */
  lrPatience: z.number().int().min(0).max(10_000).default(5),
  seed: z.number().int().default(42),
  valFraction: z.number().gt(0).lt(1).default(0.15),
  testFraction: z.number().gt(0).lt(1).default(0.15),
  augment: z.boolean().default(false),
  /** With augment: probability of a left-right mirror (swaps the hands); 0 by default, as it turns swipe_left into swipe_right. */
  mirror: z.number().min(0).max(1).default(0),
  /** The layer math: 'auto' is the fused WebAssembly SIMD kernels where they run. Not part of a run's identity (resume may change it). */
  kernels: z.enum(['auto', 'fused', 'tfjs-ops', 'autodiff']).default('auto'),
});
export type TrainingSettings = z.infer<typeof TrainingSettings>;

export const EpochRow = z.object({
  epoch: z.number().int(),
  trainLoss: z.number(),
  trainAcc: z.number(),
  valLoss: z.number(),
  valAcc: z.number(),
  valF1: z.number(),
  lr: z.number(),
  seconds: z.number().nullable().optional(),
});
export type EpochRow = z.infer<typeof EpochRow>;

export const RunInfo = z.object({
  id: z.number().int(),
  name: z.string(),
  model: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
  backend: z.string().nullable(),
  settings: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** The researcher's note on the run. */
  note: z.string().nullable().default(null),
  epochs: z.number().int(),
  bestValF1: z.number().nullable(),
  testAccuracy: z.number().nullable(),
  testMacroF1: z.number().nullable(),
  /** Early stopping ended the run before its last epoch (no better validation F1 for `patience` epochs). */
  stoppedEarly: z.boolean(),
  /** The epoch whose model the run kept (best validation F1), once it finished. */
  bestEpoch: z.number().int().nullable(),
});
export type RunInfo = z.infer<typeof RunInfo>;

export const RunDetail = z.object({ run: RunInfo, epochs: z.array(EpochRow) });
export type RunDetail = z.infer<typeof RunDetail>;

export const ClipPredictionRow = z.object({
  clipId: z.number().int(),
  relPath: z.string(),
  split: z.enum(['train', 'val', 'test']),
  /** The label the run trained and was scored with. */
  trueClass: z.string(),
  /** The clip's label now (differs from trueClass once relabelled, or its class renamed, after the run). */
  currentClass: z.string(),
  currentClassId: z.number().int(),
  /** The run's answer, in the run's own labels. */
  predictedClass: z.string(),
  /** The class that answer is now (renamed, or merged into another, since the run): what "relabel as predicted" uses. */
  predictedClassNow: z.string(),
  predictedClassId: z.number().int(),
  /** The clip's class now is not the class it trained with (renames and merges aside). */
  relabelled: z.boolean(),
  confidence: z.number(),
  /** Probability of the clip's own label: low means "the model doubts this label". */
  trueProbability: z.number(),
});
export type ClipPredictionRow = z.infer<typeof ClipPredictionRow>;

export const RunEvaluation = z.object({
  runId: z.number().int(),
  split: z.enum(['train', 'val', 'test']),
  accuracy: z.number(),
  macroF1: z.number(),
  labels: z.array(z.string()),
  perClass: z.array(z.object({ label: z.string(), precision: z.number(), recall: z.number(), f1: z.number(), support: z.number().int() })),
  /** confusion[true][predicted]. */
  confusion: z.array(z.array(z.number().int())),
  predictions: z.array(ClipPredictionRow),
});
export type RunEvaluation = z.infer<typeof RunEvaluation>;

/** What a run can be exported as from the Evaluation view. */
export const RunExportKind = z.enum(['report', 'metrics_csv', 'predictions_csv', 'model']);
export type RunExportKind = z.infer<typeof RunExportKind>;

/** A file for the page to save: text, or binary as base64. */
export const RunExport = z.object({ fileName: z.string(), mimeType: z.string(), text: z.string().optional(), base64: z.string().optional() });
export type RunExport = z.infer<typeof RunExport>;
