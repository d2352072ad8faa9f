import { z } from 'zod';
import { PredictionId } from './predictions';

/**
 * A whole folder predicted with one run: every video below it (recursively), each clip's answer
 * or the reason it has none. Its clips open as single predictions through `predict.get` with the
 * id `<folder prediction id>--<clip index>`.
 */
export const FolderClipStatus = z.enum(['ok', 'unreadable', 'no_hands', 'too_short', 'failed']);
export type FolderClipStatus = z.infer<typeof FolderClipStatus>;

const Top = z.array(z.object({ label: z.string(), probability: z.number() }));

export const FolderClipResult = z.object({
  /** The clip's place in the folder's list (sorted by path): what its prediction id ends with. */
  index: z.number().int().min(0),
  /** Relative to the folder, with '/'. */
  file: z.string(),
  /** The class sub-folder the clip is in, when that folder is named as one of the model's classes. */
  trueClass: z.string().nullable(),
  status: FolderClipStatus,
  /** Why it has no prediction (unreadable, no hands, too short, ...); null when it has one. */
  reason: z.string().nullable(),
  predicted: z.string().nullable(),
  confidence: z.number().nullable(),
  /** The model's five most likely classes (fewer when it has fewer), most likely first. */
  top: Top,
  frames: z.number().int().nullable(),
  framesWithHands: z.number().int().nullable(),
});
export type FolderClipResult = z.infer<typeof FolderClipResult>;

/** Over the clips that were predicted and whose true class is known (null: none such). */
export const FolderSummary = z.object({
  clips: z.number().int(),
  predicted: z.number().int(),
  failed: z.number().int(),
  /** Failed clips by reason code. */
  failures: z.record(z.string(), z.number().int()),
  withTrueClass: z.number().int(),
  correct: z.number().int(),
  accuracy: z.number().nullable(),
  top3Accuracy: z.number().nullable(),
  top5Accuracy: z.number().nullable(),
  /** The model's classes: rows (true) and columns (predicted) of `confusion`. */
  labels: z.array(z.string()),
  confusion: z.array(z.array(z.number().int())),
});
export type FolderSummary = z.infer<typeof FolderSummary>;

export const FolderPredictionState = z.enum(['running', 'done', 'cancelled', 'failed', 'interrupted']);

export const FolderPredictionInfo = z.object({
  id: PredictionId,
  /** The folder as the user named it, resolved. */
  folder: z.string(),
  runId: z.number().int(),
  runName: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  state: FolderPredictionState,
  error: z.string().nullable(),
  /** Video files found; clips finished so far; of them failed. */
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  accuracy: z.number().nullable(),
  /** Some clips sit in sub-folders named as the model's classes: their true class is known. */
  classFolders: z.boolean(),
});
export type FolderPredictionInfo = z.infer<typeof FolderPredictionInfo>;

export const FolderPrediction = FolderPredictionInfo.extend({
  /** Finished clips, in the folder's order. */
  clips: z.array(FolderClipResult),
  /** What the walk left out (not video files, link loops, unreadable folders), with why. */
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  summary: FolderSummary,
});
export type FolderPrediction = z.infer<typeof FolderPrediction>;

/** The id of one clip of a folder prediction, as `predict.get` and the media routes take it. */
export const folderClipPredictionId = (folderPredictionId: string, index: number) => `${folderPredictionId}--${index}`;

/** [folder prediction id, clip index] of a clip's prediction id; null for a single prediction's id. */
export function parseFolderClipId(id: string): [string, number] | null {
  const m = /^([a-z0-9][a-z0-9-]*?)--(\d{1,7})$/.exec(id);
  return m ? [m[1], Number(m[2])] : null;
}
