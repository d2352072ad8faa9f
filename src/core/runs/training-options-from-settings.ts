import type { TrainingSettings } from '../../api/runs';
import type { TrainingOptionsInput } from '../training/training-options';

/**
 * The Training view's settings as options of `train()`: one mapping for every caller that trains
 * with them (a project run, each fold of a label audit), so that they train alike.
 */
export function trainingOptionsFromSettings(
  s: TrainingSettings,
  where: Pick<TrainingOptionsInput, 'dataPath' | 'runDir' | 'splitPath' | 'resume'>,
): TrainingOptionsInput {
  return {
    ...where,
    model: s.model,
    epochs: s.epochs,
    batchSize: s.batchSize,
    lr: s.lr,
    weightDecay: s.weightDecay,
    hiddenSize: s.hiddenSize,
    numLayers: s.numLayers,
    dropout: s.dropout,
    patience: s.patience,
    lrPatience: s.lrPatience,
    seed: s.seed,
    valFraction: s.valFraction,
    testFraction: s.testFraction,
    augment: s.augment,
    // Only when asked, so that runs from before the option keep their resume key.
    augmentation: s.mirror > 0 ? { mirror: s.mirror } : {},
    kernels: s.kernels,
  };
}
