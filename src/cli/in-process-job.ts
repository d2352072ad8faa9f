import type { JobProgress } from '../api';
import type { JobContext } from '../core/jobs';
import { jobProgressBar } from './progress-bar';

/**
 * Runs core work in this process with a progress bar; Ctrl+C aborts it (the work keeps what it
 * finished, so running the command again resumes).
 */
export async function withProgress<T>(label: string, unit: string, work: (ctx: JobContext) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const bar = jobProgressBar(label, unit);
  const onSignal = () => {
    process.stderr.write('\nCancelling… (finished items are kept; run the command again to resume)\n');
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  try {
    return await work({
      signal: controller.signal,
      progress: (p: JobProgress) => p.total > 0 && bar.update(p),
      log: (m) => process.stderr.write(`${m}\n`),
    });
  } finally {
    process.off('SIGINT', onSignal);
    bar.stop();
  }
}
