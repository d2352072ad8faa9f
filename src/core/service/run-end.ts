import type { JobInfo } from '../../api';
import type { ProjectStore } from '../project';

/**
 * Records how a training run ended from its job's final state, for when the worker could not
 * (killed after the cancel grace, crashed): a run is never left "running" once its job is over.
 * A run the worker already recorded (done, failed, cancelled) is left as it is.
 */
export function recordRunEnd(store: ProjectStore, runId: number, job: Pick<JobInfo, 'state' | 'error'>): void {
  const run = store.runs().find((r) => r.id === runId);
  if (!run || (run.status !== 'running' && run.status !== 'queued') || job.state === 'running') return;
  const epochs = run.epoch_count;
  const kept = epochs > 0 ? `${epochs} finished epoch${epochs === 1 ? ' is' : 's are'} kept` : 'no epoch had finished';
  if (job.state === 'cancelled' || job.state === 'done') {
    store.setRunStatus(runId, 'cancelled', { error: `Cancelled after epoch ${epochs}: ${kept}; Resume continues from there` });
  } else {
    store.setRunStatus(runId, 'failed', { error: `${job.error ?? 'The training job stopped'} (${kept}; Resume continues from there)` });
  }
}
