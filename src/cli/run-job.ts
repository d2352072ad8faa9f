import type { JobInfo, JobKind } from '../api';
import { JobRunner, forkSpawner } from '../core/jobs';
import { jobWorkerScript } from '../workers/worker-script';
import { jobProgressBar } from './progress-bar';

/** Runs one job in a worker process with a progress bar; Ctrl+C cancels it cleanly. */
export async function runJobWithProgress(kind: JobKind, params: unknown, label: string, unit: string): Promise<JobInfo> {
  const runner = new JobRunner(forkSpawner(jobWorkerScript()));
  const bar = jobProgressBar(label, unit);
  runner.onUpdate((j) => bar.update(j.progress));
  const job = runner.start(kind, params);
  const onSignal = () => {
    process.stderr.write('\nCancelling…\n');
    job.cancel();
  };
  process.once('SIGINT', onSignal);
  try {
    return await job.finished;
  } finally {
    process.off('SIGINT', onSignal);
    bar.stop();
  }
}
