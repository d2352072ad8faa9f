import type * as tf from '@tensorflow/tfjs';
import type { SeededRandom } from '../dataset/seeded-random';
import type { KernelSet } from './kernels/kernel-set';
import type { ModelSpec } from './model-spec';
import type { Parameters } from './parameters';

export interface ForwardContext {
  /** Dropout on (training) or off (evaluation). */
  training: boolean;
  /** The dropout stream; required when training with dropout. */
  rng?: SeededRandom;
}

/** A classifier of keypoint sequences: x [B, T, F] -> logits [B, classes]. */
export interface SequenceClassifier {
  readonly spec: ModelSpec;
  readonly params: Parameters;
  readonly kernels: KernelSet;
  forward(x: tf.Tensor3D, ctx: ForwardContext): tf.Tensor2D;
  dispose(): void;
}
