import type { JobProgress } from '../api';
import type { JobContext } from '../core/jobs';
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
      progress: (p: JobProgress) => p.total > 0 && bar.update(pace(p)),
      log: (m) => process.stderr.write(`${shown(m)}\n`),
    });
  } finally {
    process.off('SIGINT', onSignal);
    bar.stop();
  }
}

/**
 * Fills in the rate and time left of work that reports only done / total, measured from its first
 * report (so that work resuming at 40% is not credited with the 40%).
 */
export function progressPace(now: () => number = () => performance.now()): (p: JobProgress) => JobProgress {
  let first: { t: number; done: number } | null = null;
  return (p) => {
    const t = now();
    first ??= { t, done: p.done };
    const seconds = (t - first.t) / 1000;
    const perSecond = seconds > 0 ? (p.done - first.done) / seconds : 0;
    if (perSecond <= 0) return p;
    return { ...p, rate: p.rate ?? perSecond, etaSeconds: p.etaSeconds ?? Math.max(0, p.total - p.done) / perSecond };
  };
}
