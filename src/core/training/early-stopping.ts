/**
 * Early stopping on validation macro F1 (higher is better): stop once `patience` epochs in a row
 * bring no new best. The best epoch is the one whose checkpoint is kept.
 * A tie on F1 goes to the lower validation loss (the studio's addition): on a small validation set
 * F1 saturates early, and without it the kept checkpoint is the first, least trained, of the ties.
 * Such a tie replaces the kept checkpoint but is no progress: patience counts epochs without a higher
 * F1, as the reference does, so a plateau whose loss creeps down still stops.
 */
export interface EarlyStoppingState {
  best: number;
  bestEpoch: number;
  sinceBest: number;
  bestLoss?: number;
}

export class EarlyStopping {
  best = -Infinity;
  bestLoss = Infinity;
  bestEpoch = 0;
  sinceBest = 0;

  constructor(readonly patience: number) {}

  /** Records an epoch; returns whether it is a new best. */
  update(epoch: number, metric: number, loss = Infinity): boolean {
    if (metric > this.best) {
      this.best = metric;
      this.bestLoss = loss;
      this.bestEpoch = epoch;
      this.sinceBest = 0;
      return true;
    }
    this.sinceBest++;
    if (metric === this.best && loss < this.bestLoss) {
      this.bestLoss = loss;
      this.bestEpoch = epoch;
      return true;
    }
    return false;
  }

  get shouldStop(): boolean {
    return this.sinceBest >= this.patience;
  }

  getState(): EarlyStoppingState {
    return { best: this.best, bestEpoch: this.bestEpoch, sinceBest: this.sinceBest, bestLoss: this.bestLoss };
  }

  setState(s: EarlyStoppingState): void {
    this.best = s.best === null ? -Infinity : s.best;
    this.bestLoss = s.bestLoss ?? Infinity;
    this.bestEpoch = s.bestEpoch;
    this.sinceBest = s.sinceBest;
  }
}
