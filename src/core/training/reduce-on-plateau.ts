/**
 * torch.optim.lr_scheduler.ReduceLROnPlateau in mode "max" (on validation macro F1), relative
 * threshold: after `patience` epochs without an improvement greater than threshold × best, the
 * learning rate is multiplied by `factor` (not below minLr), then `cooldown` epochs pass unwatched.
 */
export interface PlateauOptions {
  factor: number;
  patience: number;
  threshold?: number;
  minLr?: number;
  cooldown?: number;
}

export interface PlateauState {
  best: number;
  badEpochs: number;
  cooldownLeft: number;
}

export class ReduceOnPlateau {
  best = -Infinity;
  badEpochs = 0;
  cooldownLeft = 0;

  constructor(private readonly o: PlateauOptions) {}

  /** Returns the learning rate to use from the next epoch on. */
  step(metric: number, lr: number): number {
    const threshold = this.o.threshold ?? 1e-4;
    if (metric > this.best * (1 + threshold) || this.best === -Infinity) {
      this.best = metric;
      this.badEpochs = 0;
    } else {
      this.badEpochs++;
    }
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.badEpochs = 0;
    }
    if (this.badEpochs > this.o.patience) {
      const next = Math.max(lr * this.o.factor, this.o.minLr ?? 0);
      this.cooldownLeft = this.o.cooldown ?? 0;
      this.badEpochs = 0;
      return next;
    }
    return lr;
  }

  getState(): PlateauState {
    return { best: this.best, badEpochs: this.badEpochs, cooldownLeft: this.cooldownLeft };
  }

  setState(s: PlateauState): void {
    this.best = s.best === null ? -Infinity : s.best;
    this.badEpochs = s.badEpochs;
    this.cooldownLeft = s.cooldownLeft;
  }
}
