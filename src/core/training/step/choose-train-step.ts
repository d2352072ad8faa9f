import type { FusedKernelSet } from '../../models/kernels/fused-kernels';
import type { KernelSet } from '../../models/kernels/kernel-set';
import type { SequenceClassifier } from '../../models/sequence-classifier';
import type { AdamW } from '../adamw';
import { FusedRecurrentStep } from './fused-recurrent-step';
import { FusedTransformerStep } from './fused-transformer-step';
import { trainStepSupported } from './step-module';
import { TfjsTrainStep } from './tfjs-train-step';
import type { TrainStep } from './train-step';

/**
 * The engine of a run's steps: whole steps in WebAssembly where the kernel set is the fused one (on
 * as many threads as the set), else tfjs's tape over the kernel set.
 */
export function chooseTrainStep(model: SequenceClassifier, optimizer: AdamW, kernels: KernelSet, maxBatch: number): TrainStep {
  if (kernels.name === 'fused' && trainStepSupported()) {
    const threads = (kernels as FusedKernelSet).threads ?? 1;
    return model.spec.type === 'transformer' ? new FusedTransformerStep(model, optimizer, threads, maxBatch) : new FusedRecurrentStep(model, optimizer, threads, maxBatch);
  }
  return new TfjsTrainStep(model, optimizer);
}
