import type { JobInfo } from '../../api';
import type { ProjectStore } from '../project';

/**
 * A training worker records its run's end itself, unless it could not: it crashed, or was killed
 * after ignoring a cancel. Then the run would say 'running' until the project is opened again; it
 * takes the job's end at once instead.
 */
export function settleRun(store: ProjectStore, runId: number, job: JobInfo): void {
  if (job.state !== 'failed' && job.state !== 'cancelled') return;
  const run = store.run(runId);
  if (run.status !== 'running' && run.status !== 'queued') return;
  store.setRunStatus(runId, job.state, { error: job.state === 'cancelled' ? 'Cancelled: start it again with resume to continue' : (job.error ?? 'The training worker stopped') });
}
