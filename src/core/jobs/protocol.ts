import { z } from 'zod';
import { JobProgress } from '../../api';

/** Parent -> worker. */
export const ToWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), kind: z.string().min(1), params: z.unknown() }),
  z.object({ type: z.literal('cancel') }),
]);
export type ToWorker = z.infer<typeof ToWorker>;

/** Worker -> parent. Payloads are JSON-safe: they cross a process boundary. */
export const FromWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), progress: JobProgress }),
  z.object({ type: z.literal('log'), message: z.string() }),
  z.object({ type: z.literal('result'), result: z.unknown() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string(), cancelled: z.boolean() }),
]);
export type FromWorker = z.infer<typeof FromWorker>;
