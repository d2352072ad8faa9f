import type { JobProgress } from '../../api';
import { WorkEstimator } from '../jobs/work-estimator';
import type { BatchProgress, EpochProgress } from './train';

/**
 * Training's progress as a user reads it, for the studio's job and the CLI alike: done / total in
 * batches, the bar and time left from samples (validation time included, as it falls in the
 * estimator's window), rates in batches/s and samples/s. Counted from the first epoch this process
 * trains, so that a resumed run is not credited with the epochs an earlier one did.
 */
export function trainingProgress(now?: () => number) {
  const estimator = new WorkEstimator(now);
  let first: number | null = null;
  let samplesPerEpoch = 0;
  let batchesPerEpoch = 0;
  const measure = (epoch: number, epochs: number, samplesInEpoch: number, batchesDone: number): Partial<JobProgress> => {
    first ??= epoch;
    const e = estimator.update((epoch - first) * samplesPerEpoch + samplesInEpoch, (epochs - first + 1) * samplesPerEpoch, batchesDone);
    return {
      fraction: Math.min(1, ((epoch - 1) * samplesPerEpoch + samplesInEpoch) / Math.max(1, epochs * samplesPerEpoch)),
      ...(e.itemRate !== undefined ? { rate: e.itemRate } : {}),
      ...(e.workRate !== undefined ? { workRate: e.workRate, workUnit: 'samples' } : {}),
      ...(e.etaSeconds !== undefined ? { etaSeconds: e.etaSeconds } : {}),
    };
  };
  return {
    batch(b: BatchProgress): JobProgress {
      samplesPerEpoch = b.total;
      batchesPerEpoch = b.batches;
      const done = (b.epoch - 1) * b.batches + b.batch;
      return { done, total: b.epochs * b.batches, ...measure(b.epoch, b.epochs, b.done, done) };
    },
    epoch(e: EpochProgress): JobProgress {
      const done = e.epoch * batchesPerEpoch;
      return { done, total: e.epochs * batchesPerEpoch, ...measure(e.epoch, e.epochs, samplesPerEpoch, done) };
    },
    get batchesPerEpoch() {
      return batchesPerEpoch;
    },
  };
}
