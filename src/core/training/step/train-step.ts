import type { SeededRandom } from '../../dataset/seeded-random';

/**
 * One optimiser step of training: the forward pass of a batch with dropout, the loss, the backward
 * pass and the AdamW update. Two engines implement it: tfjs's tape over the model's kernel set
 * (every model, every backend), and whole steps in WebAssembly on shared memory over threads
 * (the recurrent models with the fused kernels). Both draw dropout masks from the same stream in
 * the same order, so they train the same model up to rounding.
 */
export interface StepBatch {
  /** n × seqLen × numFeatures, batch-major. */
  x: Float32Array;
  y: Int32Array;
  n: number;
}

export interface StepResult {
  /** The batch's mean loss. */
  loss: number;
  /** How many of its clips the training forward pass (dropout on) got right. */
  hits: number;
}

export interface TrainStep {
  /** What runs the step: 'tfjs' (the model's kernel set under tfjs's tape) or 'fused-step'. */
  readonly engine: string;
  /** Threads computing each step (1 for the tfjs engine). */
  readonly threads: number;
  step(batch: StepBatch, dropoutRng: SeededRandom): StepResult;
  /**
   * Makes the model's weights and the optimiser's state those of the last step. The fused engine
   * keeps them in its own memory between steps: call before the model is evaluated or saved.
   */
  sync(): void;
  dispose(): void;
}

/** How a run's steps ran, in words for the run list and the CLI: "fused whole steps, 2 threads" or "tfjs-ops kernels". */
export function engineText(kernels: string, engine: { name: string; threads: number } | undefined): string {
  if (engine?.name === 'fused-step') return `fused whole steps, ${engine.threads} thread${engine.threads === 1 ? '' : 's'}`;
  return `${kernels} kernels`;
}
