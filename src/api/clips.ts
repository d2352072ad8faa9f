import { z } from 'zod';

export const ClipStatus = z.enum(['pending', 'ok', 'failed', 'missing']);
export type ClipStatus = z.infer<typeof ClipStatus>;
export const ExtractStatus = z.enum(['pending', 'done', 'failed', 'stale']);
export type ExtractStatus = z.infer<typeof ExtractStatus>;

export const Clip = z.object({
  id: z.number().int(),
  relPath: z.string(),
  name: z.string(),
  classId: z.number().int(),
  className: z.string(),
  folderClassName: z.string(),
  sizeBytes: z.number().nullable(),
  duration: z.number().nullable(),
  fps: z.number().nullable(),
  frameCount: z.number().int().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  codec: z.string().nullable(),
  rotation: z.number().int().nullable(),
  status: ClipStatus,
  error: z.string().nullable(),
  extractStatus: ExtractStatus,
  extractError: z.string().nullable(),
  handsFraction: z.number().nullable(),
  /**
   * The active run's prediction for the clip, as the class it is now (a class renamed or merged since
   * the run is followed to its name now); `runLabel` is what the run itself called it, when that differs.
   */
  prediction: z
    .object({ className: z.string(), confidence: z.number(), split: z.enum(['train', 'val', 'test']), runLabel: z.string().optional() })
    .nullable(),
});
export type Clip = z.infer<typeof Clip>;

/** Filters for reviewing: where the latest model disagrees, doubts, saw no hands, or the latest label audit flags the label. */
export const ClipReview = z.enum(['misclassified', 'low_confidence', 'no_hands', 'mislabelled']);
export type ClipReview = z.infer<typeof ClipReview>;
/** Below this, a prediction counts as "low confidence". */
export const LOW_CONFIDENCE = 0.6;

/** A clip's part of the active run's dataset split; 'none': the run did not use the clip (not extracted, or added after it). */
export const ClipSplit = z.enum(['train', 'val', 'test', 'none']);
export type ClipSplit = z.infer<typeof ClipSplit>;

export const ClipFilter = z.object({
  classId: z.number().int().optional(),
  status: ClipStatus.optional(),
  extractStatus: ExtractStatus.optional(),
  review: ClipReview.optional(),
  split: ClipSplit.optional(),
  search: z.string().max(200).optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(2000).default(200),
});
export type ClipFilter = z.input<typeof ClipFilter>;

export const ClipPage = z.object({
  total: z.number().int(),
  offset: z.number().int(),
  items: z.array(Clip),
});
export type ClipPage = z.infer<typeof ClipPage>;

export const LabelEvent = z.object({
  id: z.number().int(),
  clipId: z.number().int(),
  oldClass: z.string(),
  newClass: z.string(),
  author: z.string(),
  at: z.string(),
  state: z.enum(['applied', 'undone', 'dropped']),
  /** 'keep': reviewed in a label audit's queue and left as it was (old = new). */
  kind: z.enum(['relabel', 'keep']).default('relabel'),
  /** Made by a class action: a merge moved the clip, or a class was made for it in the picker. */
  cause: z.enum(['add', 'merge']).optional(),
});
export type LabelEvent = z.infer<typeof LabelEvent>;

/** What an undo or redo changed, so the UI can say so and refresh those clips. */
export const LabelChange = z.object({
  clipIds: z.array(z.number().int()),
  description: z.string(),
});
export type LabelChange = z.infer<typeof LabelChange>;
