import * as tf from '@tensorflow/tfjs';
import { chooseKernels } from './kernels/choose-kernels';
import type { KernelSet } from './kernels/kernel-set';
import { modelSpecSchema, type ModelSpec } from './model-spec';
import { RecurrentClassifier } from './recurrent-classifier';
import type { SequenceClassifier } from './sequence-classifier';
import { TransformerClassifier } from './transformer-classifier';

/**
 * Builds a classifier with weights drawn from `seed`; the kernel set is the seam for other math
 * (default: the one training picks, so a run's test predictions and a later evaluation agree).
 */
export function createClassifier(spec: ModelSpec, seed: number, kernels: KernelSet = chooseKernels('auto', tf.getBackend())): SequenceClassifier {
  const s = modelSpecSchema.parse(spec);
  return s.type === 'transformer' ? new TransformerClassifier(s, seed, kernels) : new RecurrentClassifier(s, seed, kernels);
}
