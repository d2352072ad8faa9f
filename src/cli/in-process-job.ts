import type { JobProgress } from '../api';
import type { JobContext } from '../core/jobs';
import { WorkEstimator } from '../core/jobs/work-estimator';
import { jobProgressBar } from './progress-bar';
import { shown } from './terminal-text';

/**
 * Runs core work in this process with a progress bar; Ctrl+C aborts it (the work keeps what it
 * finished, so running the command again resumes). `rateUnit` names what the work's own `rate`
 * counts when that is not `unit` (training counts batches and reports samples/s).
 */
export async function withProgress<T>(
  label: string,
  unit: string,
  work: (ctx: JobContext) => Promise<T>,
  opts: { rateUnit?: string; /** What Ctrl+C keeps and how to go on, when "run the command again" is not it. */ onCancel?: string } = {},
): Promise<T> {
  const controller = new AbortController();
  const bar = jobProgressBar(label, unit, { rateUnit: opts.rateUnit });
  const pace = progressPace();
  const onSignal = () => {
    process.stderr.write(`\nCancelling… (${opts.onCancel ?? 'finished items are kept; run the command again to resume'})\n`);
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  try {
    return await work({
      signal: controller.signal,
      progress: (p: JobProgress) => bar.update(pace(p)),
      log: (m) => process.stderr.write(`${shown(m)}\n`),
    });
  } finally {
    process.off('SIGINT', onSignal);
    bar.stop();
  }
}

/**
 * Fills in the rate and time left of work that reports only done / total (the WorkEstimator, as
 * everywhere), measured from its first report (so that work resuming at 40% is not credited with the 40%).
 */
export function progressPace(now: () => number = () => performance.now() / 1000): (p: JobProgress) => JobProgress {
  const estimator = new WorkEstimator(now);
  let first: number | null = null;
  return (p) => {
    if (p.total === 0 || (p.rate !== undefined && p.etaSeconds !== undefined)) return p;
    first ??= p.done;
    const e = estimator.update(p.done - first, p.total - first, p.done - first);
    const rate = p.rate ?? e.itemRate;
    const etaSeconds = p.etaSeconds ?? e.etaSeconds;
    return { ...p, ...(rate !== undefined ? { rate } : {}), ...(etaSeconds !== undefined ? { etaSeconds } : {}) };
  };
}
