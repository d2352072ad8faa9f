import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { fusedPool } from './fused-pool';
import { backwardProgram, batchedMatmul, columnSums, forwardProgram, matmul, runHere, type Cell, type RecurrentSaved, type RecurrentShape } from './fused-runtime';
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
 *
 * With threads > 1 a batch is split into that many slices (never fewer than 4 sequences each), one
 * per thread (fused-pool.ts); the slices' weight gradients are summed in slice order, so the same
 * thread count repeats a run to the last digit.
 */
const f32 = (t: tf.Tensor) => t.dataSync() as Float32Array;

/** Batch slice sizes: near-equal, the first ones one larger. */
export function sliceSizes(batch: number, threads: number): number[] {
  const k = Math.max(1, Math.min(threads, Math.floor(batch / 4)));
  return Array.from({ length: k }, (_, i) => Math.floor(batch / k) + (i < batch % k ? 1 : 0));
}

function runSlices(threads: number, programs: Parameters<typeof runHere>[0][]): Float32Array[][] {
  return programs.length === 1 ? [runHere(programs[0])] : fusedPool(threads).run(programs);
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Sum of the slices' arrays, in slice order. */
function sum(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = parts[0].slice();
  for (let k = 1; k < parts.length; k++) {
    const p = parts[k];
    for (let i = 0; i < out.length; i++) out[i] += p[i];
  }
  return out;
}

function recurrentOp(cell: Cell, threads: number): RecurrentOp {
  return tf.customGrad(((x: tf.Tensor3D, wIh: tf.Tensor2D, wHh: tf.Tensor2D, bIh: tf.Tensor1D, bHh: tf.Tensor1D) => {
    const [B, T, F] = x.shape;
    const H = wHh.shape[0];
    const xs = f32(x);
    const w = { wIh: f32(wIh), wHh: f32(wHh), bIh: f32(bIh), bHh: f32(bHh) };
    const sizes = sliceSizes(B, threads);
    const shapes: RecurrentShape[] = sizes.map((b) => ({ B: b, T, F, H }));
    const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    const xSlices = sizes.map((b, i) => xs.subarray(starts[i] * T * F, (starts[i] + b) * T * F));
    const saved: RecurrentSaved[] = runSlices(
      threads,
      shapes.map((s, i) => forwardProgram(cell, xSlices[i], s, w)),
    ).map(([h, gates, aux]) => ({ h, gates, aux }));
    return {
      value: tf.tensor3d(concat(saved.map((s) => s.h)), [B, T, H]),
      gradFunc: (dy: tf.Tensor3D) => {
        const d = f32(dy);
        const out = runSlices(
          threads,
          shapes.map((s, i) => backwardProgram(cell, d.subarray(starts[i] * T * H, (starts[i] + sizes[i]) * T * H), xSlices[i], saved[i], s, w.wIh, w.wHh)),
        );
        const part = (k: number) => out.map((o) => o[k]);
        return [tf.tensor3d(concat(part(0)), [B, T, F]), tf.tensor2d(sum(part(1)), wIh.shape), tf.tensor2d(sum(part(2)), wHh.shape), tf.tensor1d(sum(part(3))), tf.tensor1d(sum(part(4)))];
      },
    };
  }) as unknown as CustomGradFn) as unknown as RecurrentOp;
}

const linearOp = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => {
  const [M, K] = x.shape;
  const N = w.shape[1];
  const xs = f32(x);
  const ws = f32(w);
  return {
    value: tf.tensor2d(matmul(xs, ws, M, K, N, { bias: f32(b) }), [M, N]),
    gradFunc: (dy: tf.Tensor2D) => {
      const d = f32(dy);
      return [tf.tensor2d(matmul(d, ws, M, N, K, { transB: true }), [M, K]), tf.tensor2d(matmul(xs, d, K, M, N, { transA: true }), [K, N]), tf.tensor1d(columnSums(d, M, N))];
    },
  };
}) as unknown as CustomGradFn) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

const linearNoBiasOp = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D) => {
  const [M, K] = x.shape;
  const N = w.shape[1];
  const xs = f32(x);
  const ws = f32(w);
  return {
    value: tf.tensor2d(matmul(xs, ws, M, K, N), [M, N]),
    gradFunc: (dy: tf.Tensor2D) => {
      const d = f32(dy);
      return [tf.tensor2d(matmul(d, ws, M, N, K, { transB: true }), [M, K]), tf.tensor2d(matmul(xs, d, K, M, N, { transA: true }), [K, N])];
    },
  };
}) as unknown as CustomGradFn) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

const bmmOp = tf.customGrad(((a: tf.Tensor3D, b: tf.Tensor3D) => {
  const [n, M, K] = a.shape;
  const N = b.shape[2];
  const as = f32(a);
  const bs = f32(b);
  return {
    value: tf.tensor3d(batchedMatmul(as, bs, n, M, K, N), [n, M, N]),
    gradFunc: (dy: tf.Tensor3D) => {
      const d = f32(dy);
      return [tf.tensor3d(batchedMatmul(d, bs, n, M, N, K, { transB: true }), [n, M, K]), tf.tensor3d(batchedMatmul(as, d, n, K, M, N, { transA: true }), [n, K, N])];
    },
  };
}) as unknown as CustomGradFn) as unknown as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

export interface FusedKernelSet extends KernelSet {
  readonly threads: number;
}

const sets = new Map<number, FusedKernelSet>();

/** The fused set with this many threads (default: one per core). */
export function fusedKernelsWith(threads = availableParallelism()): FusedKernelSet {
  let set = sets.get(threads);
  if (!set) {
    const lstmOp = recurrentOp('lstm', threads);
    const gruOp = recurrentOp('gru', threads);
    set = {
      name: 'fused',
      threads,
      lstm: (x, w: LstmWeights) => lstmOp(x, w.wIh, w.wHh, w.bIh, w.bHh),
      gru: (x, w: GruWeights) => gruOp(x, w.wIh, w.wHh, w.bIh, w.bHh),
      linear: (x, w, b) => (b ? linearOp(x, w, b) : linearNoBiasOp(x, w)),
      bmm: (a, b) => bmmOp(a, b),
    };
    sets.set(threads, set);
  }
  return set;
}

/** One thread: the set the correctness tests compare. */
export const fusedKernels: FusedKernelSet = fusedKernelsWith(1);
