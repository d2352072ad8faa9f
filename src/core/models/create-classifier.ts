import { tfjsOpsKernels } from './kernels/tfjs-ops-kernels';
import type { KernelSet } from './kernels/kernel-set';
import { modelSpecSchema, type ModelSpec } from './model-spec';
import { RecurrentClassifier } from './recurrent-classifier';
import type { SequenceClassifier } from './sequence-classifier';
import { TransformerClassifier } from './transformer-classifier';

/** Builds a classifier with weights drawn from `seed`; the kernel set is the seam for other math. */
export function createClassifier(spec: ModelSpec, seed: number, kernels: KernelSet = tfjsOpsKernels): SequenceClassifier {
  const s = modelSpecSchema.parse(spec);
  return s.type === 'transformer' ? new TransformerClassifier(s, seed, kernels) : new RecurrentClassifier(s, seed, kernels);
}
