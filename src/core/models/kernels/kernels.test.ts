import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pickBackend } from '../../training/backend';
import { SeededRandom } from '../../dataset/seeded-random';
import { autodiffKernels } from './autodiff-kernels';
import { tfjsOpsKernels } from './tfjs-ops-kernels';
import type { KernelSet } from './kernel-set';

function rand(shape: number[], rng: SeededRandom, k = 0.5): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.uniform(-k, k)), shape);
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** Value and gradients of sum(out * probe) for each input, for both kernel sets. */
function compare(run: (k: KernelSet, inputs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], probe: tf.Tensor) {
  const results = [autodiffKernels, tfjsOpsKernels].map((k) =>
    tf.tidy(() => {
      const f = (...xs: tf.Tensor[]) => tf.sum(tf.mul(run(k, xs), probe)) as tf.Scalar;
      const { value, grads } = tf.valueAndGrads(f)(inputs);
      return [tf.keep(run(k, inputs)), tf.keep(value), ...grads.map((g) => tf.keep(g))];
    }),
  );
  return results;
}

describe('kernel sets agree: tfjs-ops (hand-written backward) vs autodiff (reference)', () => {
  beforeAll(async () => {
    await pickBackend('wasm');
  });

  it('LSTM forward and every gradient', () => {
    const rng = new SeededRandom(1);
    const [B, T, F, H] = [3, 5, 4, 6];
    const inputs = [rand([B, T, F], rng, 1), rand([F, 4 * H], rng), rand([H, 4 * H], rng), rand([4 * H], rng), rand([4 * H], rng)];
    const probe = rand([B, T, H], rng, 1);
    const [ref, ops] = compare((k, [x, a, b, c, d]) => k.lstm(x as tf.Tensor3D, { wIh: a as tf.Tensor2D, wHh: b as tf.Tensor2D, bIh: c as tf.Tensor1D, bHh: d as tf.Tensor1D }), inputs, probe);
    expect(ref[0].shape).toEqual([B, T, H]);
    ref.forEach((r, i) => expect(maxDiff(r, ops[i])).toBeLessThan(1e-5));
    // The gradients are not trivially zero.
    expect(tf.max(tf.abs(ref[3])).dataSync()[0]).toBeGreaterThan(1e-3);
  });

  it('GRU (PyTorch reset-after) forward and every gradient', () => {
    const rng = new SeededRandom(2);
    const [B, T, F, H] = [2, 6, 3, 5];
    const inputs = [rand([B, T, F], rng, 1), rand([F, 3 * H], rng), rand([H, 3 * H], rng), rand([3 * H], rng), rand([3 * H], rng)];
    const probe = rand([B, T, H], rng, 1);
    const [ref, ops] = compare((k, [x, a, b, c, d]) => k.gru(x as tf.Tensor3D, { wIh: a as tf.Tensor2D, wHh: b as tf.Tensor2D, bIh: c as tf.Tensor1D, bHh: d as tf.Tensor1D }), inputs, probe);
    ref.forEach((r, i) => expect(maxDiff(r, ops[i])).toBeLessThan(1e-5));
  });

  it('linear and batched matmul', () => {
    const rng = new SeededRandom(3);
    const lin = [rand([7, 4], rng), rand([4, 3], rng), rand([3], rng)];
    const [r1, o1] = compare((k, [x, w, b]) => k.linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), lin, rand([7, 3], rng));
    r1.forEach((r, i) => expect(maxDiff(r, o1[i])).toBeLessThan(1e-5));
    const bm = [rand([2, 3, 4], rng), rand([2, 4, 5], rng)];
    const [r2, o2] = compare((k, [a, b]) => k.bmm(a as tf.Tensor3D, b as tf.Tensor3D), bm, rand([2, 3, 5], rng));
    r2.forEach((r, i) => expect(maxDiff(r, o2[i])).toBeLessThan(1e-5));
  });

  it('LSTM matches a hand computation of PyTorch equations (sigmoid gates, i f g o order)', () => {
    // One unit, one step: h = sigmoid(o) * tanh(sigmoid(i) * tanh(g)).
    const x = tf.tensor3d([[[0.5]]]);
    const w = { wIh: tf.tensor2d([[0.1, 0.2, 0.3, 0.4]]), wHh: tf.zeros([1, 4]) as tf.Tensor2D, bIh: tf.tensor1d([0, 0, 0, 0]), bHh: tf.tensor1d([0.05, 0, 0, 0]) };
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const expected = sig(0.2) * Math.tanh(sig(0.05 + 0.05) * Math.tanh(0.15));
    expect(tfjsOpsKernels.lstm(x, w).dataSync()[0]).toBeCloseTo(expected, 6);
  });
});
