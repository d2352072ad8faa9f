import type { JobProgress } from '../../api';

/**
 * Turns "done of total" into the progress a user reads: rate and time left, measured over the
 * items done in this run (items skipped because an earlier run finished them don't count).
 */
export class ProgressMeter {
  private readonly started = Date.now();
  private lastEmit = 0;
  done = 0;
  failed = 0;

  constructor(
    readonly total: number,
    private readonly emit: (p: JobProgress) => void,
    private readonly intervalMs = 100,
    private readonly alreadyDone = 0,
  ) {
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

  snapshot(message?: string): JobProgress {
    const seconds = (Date.now() - this.started) / 1000;
    const doneHere = this.done - this.alreadyDone;
    const rate = seconds > 0 ? doneHere / seconds : 0;
    const left = this.total - this.done;
    return {
      done: this.done,
      total: this.total,
      rate,
      etaSeconds: rate > 0 ? left / rate : undefined,
      failed: this.failed,
      message,
    };
  }
}
