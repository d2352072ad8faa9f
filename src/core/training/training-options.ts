import { relative, sep } from 'node:path';
import { z } from 'zod';
import { DEFAULT_AUGMENTATION } from '../dataset/augmentation';

/**
 * Options of one training run. Defaults are the reference notebook's / the CLI's
 * (`gstudio train --epochs 50 --batch 32 --lr 1e-3 --weight-decay 1e-2 --hidden 128 --layers 2
 * --dropout 0.3 --patience 10 --seed 42 --val 0.15 --test 0.15`).
 */
export const trainingOptionsSchema = z.object({
  /** The keypoint HDF5 file (reference layout). */
  dataPath: z.string().min(1),
  /** Where metrics.csv, split.json, model/, pictures and summary.json go. */
  runDir: z.string().min(1),
  model: z.enum(['lstm', 'gru', 'transformer']).default('lstm'),
  epochs: z.number().int().positive().default(50),
  batchSize: z.number().int().positive().default(32),
  lr: z.number().positive().default(1e-3),
  weightDecay: z.number().min(0).default(1e-2),
  hiddenSize: z.number().int().positive().default(128),
  numLayers: z.number().int().positive().default(2),
  dropout: z.number().min(0).max(0.95).default(0.3),
  numHeads: z.number().int().positive().optional(),
  /** Early stopping patience on validation macro F1 (epochs). */
  patience: z.number().int().positive().default(10),
  /** ReduceLROnPlateau on validation macro F1. */
  lrPatience: z.number().int().min(0).default(5),
  lrFactor: z.number().positive().max(1).default(0.5),
  minLr: z.number().min(0).default(1e-6),
  seed: z.number().int().default(42),
  valFraction: z.number().gt(0).lt(1).default(0.15),
  testFraction: z.number().gt(0).lt(1).default(0.15),
  /** Reuse this split.json instead of drawing one. */
  splitPath: z.string().optional(),
  augment: z.boolean().default(false),
  augmentation: z
    .object({
      rotationDeg: z.number().min(0),
      scale: z.number().min(0),
      shift: z.number().min(0),
      timeStretch: z.number().min(0),
      frameDrop: z.number().min(0).max(1),
      mirror: z.number().min(0).max(1),
      slotSize: z.number().int().positive(),
    })
    .partial()
    .default({}),
  /** Continue from the run directory's last finished epoch, if there is one. */
  resume: z.boolean().default(false),
  backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
  /** The layer math: 'auto' is the fused WebAssembly SIMD kernels where they run (src/core/models/kernels). */
  kernels: z.enum(['auto', 'fused', 'tfjs-ops', 'autodiff']).default('auto'),
  /** Threads of the fused kernels (each a slice of the batch); default: the machine's cores. */
  threads: z.number().int().positive().max(64).optional(),
});
export type TrainingOptionsInput = z.input<typeof trainingOptionsSchema>;
export type TrainingOptions = z.output<typeof trainingOptionsSchema>;

export function augmentationOf(o: TrainingOptions) {
  return { ...DEFAULT_AUGMENTATION, ...o.augmentation };
}

/**
 * The options that must match for a resume to continue the same run. The data and split files are
 * named from the run folder, so that a run, or an audit's fold, resumes in a project that moved or
 * is opened from another mount (its files move with it); a data file moved alone still differs.
 */
export function resumeKey(o: TrainingOptions): string {
  const fromRun = (path: string) => relative(o.runDir, path).split(sep).join('/');
  return JSON.stringify({ ...resumeOptions(o), dataPath: fromRun(o.dataPath), splitPath: o.splitPath && fromRun(o.splitPath) });
}

/** The key as builds before `resumeKey` wrote it (absolute paths): such a checkpoint still resumes where it was made. */
export function legacyResumeKey(o: TrainingOptions): string {
  return JSON.stringify(resumeOptions(o));
}

function resumeOptions(o: TrainingOptions) {
  // How the math runs is not part of the run: a checkpoint continues with any kernel set.
  const { resume: _r, backend: _b, epochs: _e, runDir: _d, kernels: _k, threads: _t, ...rest } = o;
  return rest;
}
