import * as tf from '@tensorflow/tfjs';
import { columnSums, FusedRuntime, matmul, recurrentBackward, recurrentForward, type Cell, type RecurrentShape } from './fused-runtime';
import type { GruWeights, KernelSet, LstmWeights } from './kernel-set';

type CustomGradFn = Parameters<typeof tf.customGrad>[0];
type RecurrentOp = (x: tf.Tensor3D, wIh: tf.Tensor2D, wHh: tf.Tensor2D, bIh: tf.Tensor1D, bHh: tf.Tensor1D) => tf.Tensor3D;

/**
 * The fused kernel set: each recurrent layer's forward pass over the whole sequence, and its
 * backward pass through time, is one call into WebAssembly SIMD (kernels-wasm/fused.ts): the input
 * projection of all steps as one register-blocked matrix product, the gates fused, the recurrent
 * products in the same module. tf.customGrad joins it to the tape, so models, optimiser,
 * checkpoints and metrics are the same as with the other sets. What the backward pass needs stays
 * in plain arrays in its closure (not tfjs tensors).
 */
let runtime: FusedRuntime | null = null;
function rt(): FusedRuntime {
  return (runtime ??= new FusedRuntime());
}

const f32 = (t: tf.Tensor) => t.dataSync() as Float32Array;

function recurrentOp(cell: Cell): RecurrentOp {
  return tf.customGrad(((x: tf.Tensor3D, wIh: tf.Tensor2D, wHh: tf.Tensor2D, bIh: tf.Tensor1D, bHh: tf.Tensor1D) => {
    const [B, T, F] = x.shape;
    const H = wHh.shape[0];
    const s: RecurrentShape = { B, T, F, H };
    const xs = f32(x);
    const w = { wIh: f32(wIh), wHh: f32(wHh), bIh: f32(bIh), bHh: f32(bHh) };
    const saved = recurrentForward(rt(), cell, xs, s, w);
    return {
      value: tf.tensor3d(saved.h, [B, T, H]),
      gradFunc: (dy: tf.Tensor3D) => {
        const g = recurrentBackward(rt(), cell, f32(dy), xs, saved, s, w.wIh, w.wHh);
        return [tf.tensor3d(g.dx, [B, T, F]), tf.tensor2d(g.dWih, wIh.shape), tf.tensor2d(g.dWhh, wHh.shape), tf.tensor1d(g.dbIh), tf.tensor1d(g.dbHh)];
      },
    };
  }) as unknown as CustomGradFn) as unknown as RecurrentOp;
}

const lstmOp = recurrentOp('lstm');
const gruOp = recurrentOp('gru');

const linearOp = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => {
  const [M, K] = x.shape;
  const N = w.shape[1];
  const xs = f32(x);
  const ws = f32(w);
  return {
    value: tf.tensor2d(matmul(rt(), xs, ws, M, K, N, { bias: f32(b) }), [M, N]),
    gradFunc: (dy: tf.Tensor2D) => {
      const d = f32(dy);
      return [
        tf.tensor2d(matmul(rt(), d, ws, M, N, K, { transB: true }), [M, K]),
        tf.tensor2d(matmul(rt(), xs, d, K, M, N, { transA: true }), [K, N]),
        tf.tensor1d(columnSums(rt(), d, M, N)),
      ];
    },
  };
}) as unknown as CustomGradFn) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

const linearNoBiasOp = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D) => {
  const [M, K] = x.shape;
  const N = w.shape[1];
  const xs = f32(x);
  const ws = f32(w);
  return {
    value: tf.tensor2d(matmul(rt(), xs, ws, M, K, N), [M, N]),
    gradFunc: (dy: tf.Tensor2D) => {
      const d = f32(dy);
      return [tf.tensor2d(matmul(rt(), d, ws, M, N, K, { transB: true }), [M, K]), tf.tensor2d(matmul(rt(), xs, d, K, M, N, { transA: true }), [K, N])];
    },
  };
}) as unknown as CustomGradFn) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** Batched products, one gemm per batch entry. */
function bmmRaw(a: Float32Array, b: Float32Array, n: number, M: number, K: number, N: number, o: { transA?: boolean; transB?: boolean }): Float32Array {
  const out = new Float32Array(n * M * N);
  const sa = M * K;
  const sb = K * N;
  for (let i = 0; i < n; i++) out.set(matmul(rt(), a.subarray(i * sa, (i + 1) * sa), b.subarray(i * sb, (i + 1) * sb), M, K, N, o), i * M * N);
  return out;
}

const bmmOp = tf.customGrad(((a: tf.Tensor3D, b: tf.Tensor3D) => {
  const [n, M, K] = a.shape;
  const N = b.shape[2];
  const as = f32(a);
  const bs = f32(b);
  return {
    value: tf.tensor3d(bmmRaw(as, bs, n, M, K, N, {}), [n, M, N]),
    gradFunc: (dy: tf.Tensor3D) => {
      const d = f32(dy);
      return [tf.tensor3d(bmmRaw(d, bs, n, M, N, K, { transB: true }), [n, M, K]), tf.tensor3d(bmmRaw(as, d, n, K, M, N, { transA: true }), [n, K, N])];
    },
  };
}) as unknown as CustomGradFn) as unknown as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

export const fusedKernels: KernelSet = {
  name: 'fused',
  lstm: (x, w: LstmWeights) => lstmOp(x, w.wIh, w.wHh, w.bIh, w.bHh),
  gru: (x, w: GruWeights) => gruOp(x, w.wIh, w.wHh, w.bIh, w.bHh),
  linear: (x, w, b) => (b ? linearOp(x, w, b) : linearNoBiasOp(x, w)),
  bmm: (a, b) => bmmOp(a, b),
};
