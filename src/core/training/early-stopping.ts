/**
 * Early stopping on validation macro F1 (higher is better): stop once `patience` epochs in a row
 * bring no new best. The best epoch is the one whose checkpoint is kept.
 */
export interface EarlyStoppingState {
  best: number;
  bestEpoch: number;
  sinceBest: number;
}

export class EarlyStopping {
  best = -Infinity;
  bestEpoch = 0;
  sinceBest = 0;

  constructor(readonly patience: number) {}

  /** Records an epoch; returns whether it is a new best. */
  update(epoch: number, metric: number): boolean {
    if (metric > this.best) {
      this.best = metric;
      this.bestEpoch = epoch;
      this.sinceBest = 0;
      return true;
    }
    this.sinceBest++;
    return false;
  }

  get shouldStop(): boolean {
    return this.sinceBest >= this.patience;
  }

  getState(): EarlyStoppingState {
    return { best: this.best, bestEpoch: this.bestEpoch, sinceBest: this.sinceBest };
  }

  setState(s: EarlyStoppingState): void {
    this.best = s.best === null ? -Infinity : s.best;
    this.bestEpoch = s.bestEpoch;
    this.sinceBest = s.sinceBest;
  }
}
