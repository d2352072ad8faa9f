import { z } from 'zod';
import { FrameRecordSchema } from './keypoints';

/** Folder-safe id of a prediction inside the project's predictions/ folder. */
export const PredictionId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,80}$/);

export const PredictionSummary = z.object({
  id: PredictionId,
  video: z.string(),
  runId: z.number().int(),
  runName: z.string(),
  label: z.string(),
  confidence: z.number(),
  createdAt: z.string(),
});
export type PredictionSummary = z.infer<typeof PredictionSummary>;

export const PredictionDetail = PredictionSummary.extend({
  top: z.array(z.object({ label: z.string(), probability: z.number() })),
  framesWithHands: z.number().int(),
  frames: z.number().int(),
  window: z.array(z.number().int()),
  records: z.array(FrameRecordSchema),
  fps: z.number().nullable(),
});
export type PredictionDetail = z.infer<typeof PredictionDetail>;
