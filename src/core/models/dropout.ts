import * as tf from '@tensorflow/tfjs';
import type { SeededRandom } from '../dataset/seeded-random';

/**
 * Inverted dropout with a mask drawn from the run's seeded generator (not tf.random), so that a
 * seed repeats a run to the last digit and resuming continues the same stream.
 */
export function dropout<T extends tf.Tensor>(x: T, rate: number, rng: SeededRandom | undefined): T {
  if (!rng || rate <= 0) return x;
  const keep = 1 - rate;
  const mask = new Float32Array(x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = rng.next() < keep ? 1 / keep : 0;
  return tf.mul(x, tf.tensor(mask, x.shape, 'float32')) as T;
}
