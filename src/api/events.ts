import { z } from 'zod';
import { JobInfo } from './jobs';

/** Pushed from the back end to every open UI. */
export const StudioEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job'), job: JobInfo }),
  /** Something in the project changed (import, probe, relabel): views refetch what they show. */
  z.object({ type: z.literal('project'), what: z.enum(['opened', 'clips', 'labels', 'classes', 'runs', 'predictions', 'audits']) }),
]);
export type StudioEvent = z.infer<typeof StudioEvent>;
