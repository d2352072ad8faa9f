import { z } from 'zod';

/** Kinds of background work: `predict` is one video, `predict-folder` every video below a folder. */
export const JobKind = z.enum(['probe', 'extract', 'train', 'predict', 'predict-folder', 'audit']);
export type JobKind = z.infer<typeof JobKind>;

export const JobState = z.enum(['running', 'done', 'failed', 'cancelled', 'interrupted']);
export type JobState = z.infer<typeof JobState>;

export const JobProgress = z.object({
  done: z.number().int().min(0),
  total: z.number().int().min(0),
  /** Items (the unit of done / total: clips, batches) per second, smoothed; absent until measured. */
  rate: z.number().min(0).optional(),
  /** Seconds left, from the work rate (WorkEstimator); absent until measured. */
  etaSeconds: z.number().min(0).optional(),
  /** Share of the work done, 0..1: moves with frames or samples, between item ends. */
  fraction: z.number().min(0).max(1).optional(),
  /** The work the time left is measured on: frames (extraction), samples (training), per second. */
  workRate: z.number().min(0).optional(),
  workUnit: z.string().max(40).optional(),
  failed: z.number().int().min(0).optional(),
  message: z.string().optional(),
  /** Video frames per second, for jobs that decode video. */
  framesPerSecond: z.number().min(0).optional(),
  /** Items in flight, e.g. the clips being extracted right now. */
  current: z.array(z.object({ name: z.string(), done: z.number().int(), total: z.number().int().nullable() })).optional(),
  /** Training: where the run is (epoch, batch, the last loss), so that views know when to refetch curves. */
  training: z
    .object({ runId: z.number().int(), epoch: z.number().int(), epochs: z.number().int(), batch: z.number().int(), batches: z.number().int(), loss: z.number(), epochsDone: z.number().int() })
    .optional(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobInfo = z.object({
  id: z.string(),
  kind: JobKind,
  state: JobState,
  progress: JobProgress,
  error: z.string().nullable(),
  result: z.unknown().optional(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type JobInfo = z.infer<typeof JobInfo>;
