import { z } from 'zod';

/** Messages between the extraction job and its pool of clip workers (one model set per process). */
export const ToClipWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init'), settings: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('clip'), id: z.number().int(), path: z.string() }),
]);
export type ToClipWorker = z.infer<typeof ToClipWorker>;

export const FromClipWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), detectorWarning: z.string().optional() }),
  z.object({ type: z.literal('init-error'), message: z.string() }),
  z.object({ type: z.literal('frames'), id: z.number().int(), done: z.number().int(), total: z.number().int().nullable() }),
  // The extraction itself is large: it travels by structured clone and is checked where it is used.
  z.object({ type: z.literal('result'), id: z.number().int(), extraction: z.unknown() }),
  z.object({ type: z.literal('error'), id: z.number().int(), code: z.string(), message: z.string() }),
]);
export type FromClipWorker = z.infer<typeof FromClipWorker>;
