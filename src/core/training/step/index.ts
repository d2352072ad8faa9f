export { chooseTrainStep } from './choose-train-step';
export { FusedRecurrentStep } from './fused-recurrent-step';
export { FusedTransformerStep } from './fused-transformer-step';
export { crossEntropy, TfjsTrainStep } from './tfjs-train-step';
export { engineText, type StepBatch, type StepResult, type TrainStep } from './train-step';
