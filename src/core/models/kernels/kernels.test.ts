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

  const sig = (v: number) => 1 / (1 + Math.exp(-v));

  it('LSTM matches a hand computation of PyTorch equations (sigmoid gates, i f g o order, cell carried over)', () => {
    // One unit, two steps. Every gate gets its own input weight, recurrent weight and bias, so the
    // pre-activations of i, f, g, o differ at each step; at step 2 the cell from step 1 (non-zero)
    // goes through the forget gate: a swapped gate order or a dropped cell changes h.
    const xs = [0.5, -0.8];
    const [wi, wf, wg, wo] = [0.9, -0.6, 1.3, 0.4];
    const [ui, uf, ug, uo] = [0.7, 1.1, -0.5, -0.9];
    const [bi, bf, bg, bo] = [0.1, 0.8, -0.3, 0.2]; // bIh + bHh, split below
    let h = 0;
    let c = 0;
    const expected: number[] = [];
    for (const x of xs) {
      const i = sig(wi * x + ui * h + bi);
      const f = sig(wf * x + uf * h + bf);
      const g = Math.tanh(wg * x + ug * h + bg);
      const o = sig(wo * x + uo * h + bo);
      c = f * c + i * g;
      h = o * Math.tanh(c);
      expected.push(h);
    }
    const w = {
      wIh: tf.tensor2d([[wi, wf, wg, wo]]),
      wHh: tf.tensor2d([[ui, uf, ug, uo]]),
      bIh: tf.tensor1d([bi - 0.05, bf - 0.3, bg + 0.1, bo - 0.15]),
      bHh: tf.tensor1d([0.05, 0.3, -0.1, 0.15]),
    };
    const x = tf.tensor3d([[[xs[0]], [xs[1]]]]);
    for (const k of [tfjsOpsKernels, autodiffKernels]) {
      const out = Array.from(k.lstm(x, w).dataSync());
      expect(out.length).toBe(2);
      out.forEach((v, t) => expect(v, `${k.name} step ${t + 1}`).toBeCloseTo(expected[t], 6));
    }
  });

  it('GRU matches a hand computation of PyTorch equations (r z n order, reset applied after the hidden matmul)', () => {
    // One unit, two steps, distinct weights and biases per gate; at step 2 h is non-zero, so the
    // reset gate scales (W_hn h + b_hn) and z mixes the old h in: a swapped order or reset-before fails.
    const xs = [0.6, -0.4];
    const [wr, wz, wn] = [0.8, -1.2, 1.5];
    const [ur, uz, un] = [-0.7, 0.9, 1.1];
    const [bir, biz, bin] = [0.2, -0.1, 0.3];
    const [bhr, bhz, bhn] = [0.1, 0.4, -0.25];
    let h = 0;
    const expected: number[] = [];
    for (const x of xs) {
      const r = sig(wr * x + bir + ur * h + bhr);
      const z = sig(wz * x + biz + uz * h + bhz);
      const n = Math.tanh(wn * x + bin + r * (un * h + bhn));
      h = (1 - z) * n + z * h;
      expected.push(h);
    }
    const w = { wIh: tf.tensor2d([[wr, wz, wn]]), wHh: tf.tensor2d([[ur, uz, un]]), bIh: tf.tensor1d([bir, biz, bin]), bHh: tf.tensor1d([bhr, bhz, bhn]) };
    const x = tf.tensor3d([[[xs[0]], [xs[1]]]]);
    for (const k of [tfjsOpsKernels, autodiffKernels]) {
      const out = Array.from(k.gru(x, w).dataSync());
      expect(out.length).toBe(2);
      out.forEach((v, t) => expect(v, `${k.name} step ${t + 1}`).toBeCloseTo(expected[t], 6));
    }
  });
});
