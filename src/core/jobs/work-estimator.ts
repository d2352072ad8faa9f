/** What a user reads about a long job: how far it is, how fast it goes, how long is left. */
export interface WorkEstimate {
  /** Share of the work done, 0..1 (the bar): it moves with the work (frames, samples), not only when a whole item ends. */
  fraction: number;
  /** Work units per second (frames/s, samples/s); undefined until there is something to measure. */
  workRate?: number;
  /** Items per second (clips/s, batches/s) over the same window. */
  itemRate?: number;
  etaSeconds?: number;
}

interface Sample {
  t: number;
  work: number;
  items: number;
}

/**
 * The one estimator of rates and time left, for extraction (work = frames, items = clips) and
 * training (work = samples, items = batches), in the views and the CLI alike.
 * - Rates are measured over a sliding window (20 s): smooth, yet they follow a real change of pace.
 * - Nothing is said before a second of work has been measured (no "0.0 clips/s", no wild first guess),
 *   and the wait before the first unit of work (loading models) is not part of the rate.
 * - Time left does not grow with noise: it counts down and is pulled towards the measure (upwards
 *   with a time constant of a quarter of the time left, at least 10 s; downwards within 10 s), so it
 *   falls steadily, a slow start is not remembered, and a real slowdown still shows within a minute or so.
 */
export class WorkEstimator {
  private readonly samples: Sample[] = [];
  private shownEta: number | undefined;
  private shownAt = 0;
  private started = false;

  constructor(
    private readonly now: () => number = () => performance.now() / 1000,
    private readonly windowSeconds = 20,
    private readonly minSeconds = 1,
    private readonly minEtaSmoothing = 10,
  ) {}

  /** Work done so far (this run's), its total, and items finished. */
  update(workDone: number, workTotal: number, itemsDone = 0): WorkEstimate {
    const t = this.now();
    const s: Sample = { t, work: workDone, items: itemsDone };
    // Before any work is done (models loading, workers starting) the clock does not count: the first
    // rate is that of the work, not of the wait (a 15 s start made 5 minutes read as 8 hours).
    if (this.samples.length > 0 && this.samples.every((x) => x.work === workDone && x.items === itemsDone) && !this.started) this.samples.length = 0;
    else this.started ||= this.samples.length > 0;
    this.samples.push(s);
    // Keep one sample older than the window, so that the window is always fully covered.
    while (this.samples.length > 2 && this.samples[1].t <= t - this.windowSeconds) this.samples.shift();
    const first = this.samples[0];
    const span = t - first.t;
    const fraction = workTotal > 0 ? Math.min(1, Math.max(0, workDone / workTotal)) : 0;
    const worked = workDone - first.work;
    // Work that ends within the first second: its rate over the whole of it, nothing left.
    if (span > 0 && span < this.minSeconds && worked > 0 && workDone >= workTotal) {
      return { fraction, workRate: worked / span, itemRate: (itemsDone - first.items) / span, etaSeconds: 0 };
    }
    if (span < this.minSeconds || worked <= 0) {
      // A stall after work was measured: no rate to claim, and the old time left is no longer true.
      if (worked <= 0 && span >= this.windowSeconds) this.shownEta = undefined;
      return { fraction, etaSeconds: this.shownEta === undefined ? undefined : this.countDown(t) };
    }
    const workRate = worked / span;
    const itemRate = (itemsDone - first.items) / span;
    const raw = Math.max(0, workTotal - workDone) / workRate;
    // Done is done: no count-down left over from the smoothing.
    if (workTotal > 0 && workDone >= workTotal) {
      this.shownEta = 0;
      this.shownAt = t;
      return { fraction, workRate, itemRate, etaSeconds: 0 };
    }
    return { fraction, workRate, itemRate, etaSeconds: this.smooth(raw, t, span < this.windowSeconds) };
  }

  private countDown(t: number): number {
    return Math.max(0, this.shownEta! - (t - this.shownAt));
  }

  /** `warmingUp`: the rate window is not full yet, so the first measures (workers still starting) run slow. */
  private smooth(raw: number, t: number, warmingUp: boolean): number {
    if (this.shownEta === undefined) {
      this.shownEta = raw;
    } else if (warmingUp && raw < this.countDown(t)) {
      // Still in the first window: a lower measure is taken as it is. The first second of a folder
      // prediction (1 frame/s while the workers warmed up) said 24 minutes for a 36-second job.
      this.shownEta = raw;
    } else {
      // Smoothed in count-down space: it rises only when the measure exceeds the count-down by
      // more than the time constant (a quarter of the time left, at least 10 s), i.e. not with noise.
      // It falls to a lower measure within seconds: a slow start (a worker still loading) made the
      // first guess 3x too long, and a quarter-of-the-time-left constant kept it there for minutes.
      const projected = this.countDown(t);
      const dt = t - this.shownAt;
      const tau = raw < projected ? this.minEtaSmoothing : Math.max(this.minEtaSmoothing, 0.25 * projected);
      this.shownEta = Math.max(0, projected + (raw - projected) * (1 - Math.exp(-dt / tau)));
    }
    this.shownAt = t;
    return this.shownEta;
  }
}
