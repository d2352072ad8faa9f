import type { Tensor1D, Tensor2D, Tensor3D } from '@tensorflow/tfjs';

/**
 * The seam between a model definition and the math of its layers. A model calls only these (plus
 * cheap elementwise tfjs ops); a kernel set decides how they run. Today: tfjs ops with hand-written
 * backward passes (`tfjs-ops`), and plain autodiff as the reference (`autodiff`). A later set of fused
 * WebAssembly recurrent kernels implements the same calls, with the same weights and gradients, so
 * that checkpoints, optimiser and metrics do not change.
 *
 * Weight layouts follow PyTorch (transposed for x · W): LSTM gates i, f, g, o; GRU gates r, z, n with
 * the reset gate applied after the hidden matmul (PyTorch's GRU, which tfjs's own GRU is not).
 */
export interface LstmWeights {
  /** [inputSize, 4H] */
  wIh: Tensor2D;
  /** [H, 4H] */
  wHh: Tensor2D;
  /** [4H] */
  bIh: Tensor1D;
  /** [4H] */
  bHh: Tensor1D;
}

export interface GruWeights {
  /** [inputSize, 3H] */
  wIh: Tensor2D;
  /** [H, 3H] */
  wHh: Tensor2D;
  /** [3H] */
  bIh: Tensor1D;
  /** [3H] */
  bHh: Tensor1D;
}

export interface KernelSet {
  readonly name: string;
  /** x [B, T, F] -> every hidden state [B, T, H]; zero initial state. Differentiable in x and weights. */
  lstm(x: Tensor3D, w: LstmWeights): Tensor3D;
  /** x [B, T, F] -> every hidden state [B, T, H]; zero initial state. */
  gru(x: Tensor3D, w: GruWeights): Tensor3D;
  /** x [N, in] · w [in, out] (+ b [out]). */
  linear(x: Tensor2D, w: Tensor2D, b?: Tensor1D): Tensor2D;
  /** Batched a [B, M, K] · b [B, K, N]. */
  bmm(a: Tensor3D, b: Tensor3D): Tensor3D;
}
