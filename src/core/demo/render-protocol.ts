import { z } from 'zod';

/** Messages between renderDemoVideos and its render worker processes (each draws and encodes whole clips). */
export const ToRenderWorker = z.discriminatedUnion('type', [
  // The clip travels by structured clone (plain data: signer, appearance, scene) and is drawn as it is.
  z.object({ type: z.literal('clip'), id: z.number().int(), clip: z.unknown(), path: z.string() }),
  // Stop the clip in hand: its encoder is stopped and its temporary file removed, then 'cancelled'.
  z.object({ type: z.literal('cancel') }),
]);
export type ToRenderWorker = z.infer<typeof ToRenderWorker>;

export const FromRenderWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('done'), id: z.number().int(), frames: z.number().int() }),
  z.object({ type: z.literal('cancelled'), id: z.number().int() }),
  z.object({ type: z.literal('error'), id: z.number().int(), code: z.string(), message: z.string() }),
]);
export type FromRenderWorker = z.infer<typeof FromRenderWorker>;
