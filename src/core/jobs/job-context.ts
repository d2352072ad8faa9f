import type { JobProgress } from '../../api';

/** What a job's code gets from whoever runs it, in a worker process or in-process. */
export interface JobContext {
  readonly signal: AbortSignal;
  progress(p: JobProgress): void;
  log(message: string): void;
}

export type JobHandler = (params: unknown, ctx: JobContext) => Promise<unknown>;
export type JobHandlers = Record<string, JobHandler>;
