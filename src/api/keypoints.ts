import { z } from 'zod';

/** One frame's detections, normalised to the full frame (mirrors core/keypoints/frame-record.ts). */
export const FrameRecordSchema = z.object({
  index: z.number().int(),
  time: z.number(),
  persons: z.array(z.object({ box: z.tuple([z.number(), z.number(), z.number(), z.number()]), score: z.number() })),
  hands: z.array(
    z.object({
      handedness: z.enum(['Left', 'Right']),
      handednessScore: z.number(),
      score: z.number(),
      landmarks: z.array(z.tuple([z.number(), z.number(), z.number()])),
    }),
  ),
});
export type FrameRecordData = z.infer<typeof FrameRecordSchema>;

export const ClipKeypoints = z.object({
  /** Every decoded frame's record; null when the clip has not been extracted. */
  frames: z.array(FrameRecordSchema).nullable(),
  /** Source frame of each of the sequence's frames (-1 = zero padding): what the model sees. */
  window: z.array(z.number().int()),
  /** Where extraction searched the hands (absent in files written before it was recorded). */
  regions: z.enum(['person boxes', 'whole frame']).optional(),
});
export type ClipKeypoints = z.infer<typeof ClipKeypoints>;
