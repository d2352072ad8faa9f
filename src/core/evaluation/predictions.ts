import * as tf from '@tensorflow/tfjs';
import { batchIndices, gatherBatch } from '../dataset/batches';
import type { SequenceSet } from '../dataset/sequence-set';
import type { SequenceClassifier } from '../models/sequence-classifier';

/** One clip's prediction with the full probability vector (for the project store and the UI). */
export interface ClipPrediction {
  key: string;
  label: number;
  predicted: number;
  confidence: number;
  probabilities: number[];
}

export interface SetPredictions {
  /** N × classes softmax probabilities. */
  probabilities: Float32Array;
  predicted: Int32Array;
  /** Mean cross-entropy. */
  loss: number;
}

/** Runs the model (no dropout) over a set in batches. */
export function predictSet(model: SequenceClassifier, set: SequenceSet, batchSize = 256, onBatch?: (done: number) => void): SetPredictions {
  const c = model.spec.numClasses;
  const n = set.keys.length;
  const probabilities = new Float32Array(n * c);
  const predicted = new Int32Array(n);
  let lossSum = 0;
  let done = 0;
  for (const indices of batchIndices(n, batchSize, null)) {
    const batch = gatherBatch(set, indices);
    const [probs, nll] = tf.tidy(() => {
      const x = tf.tensor3d(batch.x, [indices.length, set.seqLen, set.numFeatures]);
      const logits = model.forward(x, { training: false });
      const logp = tf.logSoftmax(logits);
      const onehot = tf.oneHot(tf.tensor1d(batch.y, 'int32'), c);
      return [tf.exp(logp).dataSync() as Float32Array, tf.neg(tf.sum(tf.mul(onehot, logp))).dataSync()[0]];
    });
    lossSum += nll;
    indices.forEach((idx, i) => {
      const row = probs.subarray(i * c, (i + 1) * c);
      probabilities.set(row, idx * c);
      let best = 0;
      for (let k = 1; k < c; k++) if (row[k] > row[best]) best = k;
      predicted[idx] = best;
    });
    done += indices.length;
    onBatch?.(done);
  }
  return { probabilities, predicted, loss: n > 0 ? lossSum / n : 0 };
}

export function clipPredictions(set: SequenceSet, p: SetPredictions, numClasses: number): ClipPrediction[] {
  return set.keys.map((key, i) => {
    const probabilities = Array.from(p.probabilities.subarray(i * numClasses, (i + 1) * numClasses));
    return { key, label: set.y[i], predicted: p.predicted[i], confidence: probabilities[p.predicted[i]], probabilities };
  });
}
