import * as tf from '@tensorflow/tfjs';
import type { SeededRandom } from '../../dataset/seeded-random';
import type { SequenceClassifier } from '../../models/sequence-classifier';
import type { AdamW } from '../adamw';
import type { StepBatch, StepResult, TrainStep } from './train-step';

/** Mean softmax cross-entropy of logits [n, C] against integer labels. */
export function crossEntropy(logits: tf.Tensor2D, y: Int32Array, numClasses: number): tf.Scalar {
  const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), numClasses);
  return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

/** The step under tfjs's tape: the model's forward pass through its kernel set, gradients, AdamW. */
export class TfjsTrainStep implements TrainStep {
  readonly engine = 'tfjs';
  readonly threads = 1;

  constructor(
    private readonly model: SequenceClassifier,
    private readonly optimizer: AdamW,
  ) {}

  step(batch: StepBatch, dropoutRng: SeededRandom): StepResult {
    const { seqLen, inputSize, numClasses } = this.model.spec;
    const { n } = batch;
    return tf.tidy(() => {
      const x = tf.tensor3d(batch.x, [n, seqLen, inputSize]);
      let predicted: tf.Tensor | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const logits = this.model.forward(x, { training: true, rng: dropoutRng });
        // Kept: variableGrads disposes everything else made inside.
        predicted = tf.keep(tf.argMax(logits, 1));
        return crossEntropy(logits, batch.y, numClasses);
      }, this.model.params.list());
      this.optimizer.apply(grads);
      const pred = predicted!.dataSync();
      predicted!.dispose();
      let hits = 0;
      for (let i = 0; i < n; i++) if (pred[i] === batch.y[i]) hits++;
      return { loss: value.dataSync()[0], hits };
    });
  }

  sync(): void {}

  dispose(): void {}
}
