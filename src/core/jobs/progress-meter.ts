import type { JobProgress } from '../../api';
import { WorkEstimator } from './work-estimator';

/**
 * Turns "done of total" into the progress a user reads: rate and time left from the WorkEstimator,
 * measured over the items done in this run (items an earlier run finished don't count). A job that
 * knows finer work (frames) passes it to `snapshot`.
 */
export class ProgressMeter {
  private readonly estimator: WorkEstimator;
  private lastEmit = 0;
  // A meter measured in finer work (frames) keeps measuring in it: a clip's tick must not feed the
  // estimator a clip count where it had frames (that made 8 frames/s read 157, and 6 minutes left 1).
  private lastWork: { done: number; total: number; unit: string } | undefined;
  done = 0;
  failed = 0;

  constructor(
    readonly total: number,
    private readonly emit: (p: JobProgress) => void,
    private readonly intervalMs = 100,
    private readonly alreadyDone = 0,
    now?: () => number,
  ) {
    this.estimator = new WorkEstimator(now);
    this.done = alreadyDone;
  }

  tick(message?: string, { failed = false, force = false } = {}): void {
    this.done++;
    if (failed) this.failed++;
    this.report(message, force);
  }

  report(message?: string, force = false): void {
    const t = Date.now();
    if (!force && this.done < this.total && t - this.lastEmit < this.intervalMs) return;
    this.lastEmit = t;
    this.emit(this.snapshot(message));
  }

  snapshot(message?: string, work?: { done: number; total: number; unit: string }): JobProgress {
    const doneHere = this.done - this.alreadyDone;
    const left = this.total - this.alreadyDone;
    if (work) this.lastWork = work;
    work ??= this.lastWork;
    const e = work ? this.estimator.update(work.done, work.total, doneHere) : this.estimator.update(doneHere, left, doneHere);
    return {
      done: this.done,
      total: this.total,
      ...(e.itemRate !== undefined ? { rate: e.itemRate } : {}),
      ...(e.etaSeconds !== undefined ? { etaSeconds: e.etaSeconds } : {}),
      fraction: this.total > 0 ? (this.alreadyDone + e.fraction * left) / this.total : 0,
      ...(work && e.workRate !== undefined ? { workRate: e.workRate, workUnit: work.unit } : {}),
      failed: this.failed,
      message,
    };
  }
}
