import { augmentSequence, type AugmentationOptions } from '../dataset/augmentation';
import { batchIndices, gatherBatch } from '../dataset/batches';
import type { SeededRandom } from '../dataset/seeded-random';
import type { SequenceSet } from '../dataset/sequence-set';
import { CancelledError } from '../errors';
import type { TrainStep } from './step';
import type { BatchProgress } from './train';

/** The run's random streams, each for one purpose (replaced as a whole on resume). */
export interface RunRandom {
  shuffle: SeededRandom;
  dropout: SeededRandom;
  augment: SeededRandom;
}

export interface EpochTotals {
  lossSum: number;
  correct: number;
  done: number;
}

/**
 * One pass over the training set in shuffled batches through the run's step engine. Between batches
 * it yields to the event loop, so a cancel is seen within one batch.
 */
export async function trainEpoch(args: {
  epoch: number;
  epochs: number;
  set: SequenceSet;
  batchSize: number;
  stepper: TrainStep;
  random: RunRandom;
  augment: AugmentationOptions | null;
  signal?: AbortSignal;
  onBatch?: (p: BatchProgress) => void;
}): Promise<EpochTotals> {
  const { epoch, set, stepper, random, augment, signal } = args;
  const started = performance.now();
  const batches = batchIndices(set.keys.length, args.batchSize, random.shuffle);
  const totals: EpochTotals = { lossSum: 0, correct: 0, done: 0 };
  const transform = augment ? (seq: Float32Array) => augmentSequence(seq, set.seqLen, set.numFeatures, random.augment, augment) : undefined;
  for (let b = 0; b < batches.length; b++) {
    if (signal) await new Promise((r) => setImmediate(r));
    if (signal?.aborted) throw new CancelledError(`Training cancelled during epoch ${epoch}; ${epoch - 1} finished epoch(s) are saved: resume to continue`);
    const batch = gatherBatch(set, batches[b], transform);
    const n = batches[b].length;
    const { loss, hits } = stepper.step({ x: batch.x, y: batch.y, n }, random.dropout);
    totals.lossSum += loss * n;
    totals.correct += hits;
    totals.done += n;
    const seconds = (performance.now() - started) / 1000;
    args.onBatch?.({ epoch, epochs: args.epochs, batch: b + 1, batches: batches.length, done: totals.done, total: set.keys.length, samplesPerSecond: totals.done / Math.max(seconds, 1e-9), loss });
  }
  return totals;
}
