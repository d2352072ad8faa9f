import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pickBackend } from '../../training/backend';
import { SeededRandom } from '../../dataset/seeded-random';
import { autodiffKernels } from './autodiff-kernels';
import { fusedKernels, fusedKernelsWith, sliceSizes } from './fused-kernels';
import { FusedPool, FusedWorkerError } from './fused-pool';
import { matmulProgram } from './fused-runtime';
import type { KernelSet } from './kernel-set';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { predictSet } from '../../evaluation/predictions';
import { AdamW } from '../../training/adamw';
import { createClassifier } from '../create-classifier';
import { loadClassifier, saveClassifier } from '../model-files';
import { tfjsOpsKernels } from './tfjs-ops-kernels';

// Weights and inputs are drawn fresh each run (the seed is in the test's name when it fails).
const seed = (Math.random() * 2 ** 32) >>> 0;
const rng = new SeededRandom(seed);

function rand(shape: number[], k: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.uniform(-k, k)), shape);
}

/** max |a - b| relative to the largest magnitude of the reference (or to `scale` where given). */
function relError(a: tf.Tensor, ref: tf.Tensor, scale?: number): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, ref))).dataSync()[0] / Math.max(scale ?? tf.max(tf.abs(ref)).dataSync()[0], 1e-12));
}

/** Output, value and every gradient of sum(out × probe) with one kernel set. */
function evaluate(k: KernelSet, run: (k: KernelSet, xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], probe: tf.Tensor): tf.Tensor[] {
  return tf.tidy(() => {
    const f = (...xs: tf.Tensor[]) => tf.sum(tf.mul(run(k, xs), probe)) as tf.Scalar;
    const { value, grads } = tf.valueAndGrads(f)(inputs);
    return [tf.keep(run(k, inputs)), tf.keep(value), ...grads.map((g) => tf.keep(g))];
  });
}

function expectSame(run: (k: KernelSet, xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], probe: tf.Tensor, names: string[], zero: string[] = [], fused: KernelSet = fusedKernels) {
  const ref = evaluate(autodiffKernels, run, inputs, probe);
  const got = evaluate(fused, run, inputs, probe);
  // The loss is a sum of terms of both signs that can nearly cancel: its error is measured against
  // the sum of their magnitudes, the scale float32 rounding works at (else a rare draw fails).
  const lossScale = tf.tidy(() => tf.sum(tf.abs(tf.mul(ref[0], probe))).dataSync()[0]);
  const errors = Object.fromEntries(ref.map((r, i) => [names[i], relError(got[i], r, i === 1 ? lossScale : undefined)]));
  for (const [name, e] of Object.entries(errors)) expect(e, `${name}: relative error ${e}`).toBeLessThan(1e-4);
  // Not trivially equal: every gradient of the reference is non-zero, but those that must be
  // (W_hh with one step: the initial state is zero).
  ref.slice(2).forEach((r, i) => {
    const m = tf.max(tf.abs(r)).dataSync()[0];
    if (zero.includes(names[i + 2])) expect(m).toBe(0);
    else expect(m, `${names[i + 2]} is zero`).toBeGreaterThan(0);
  });
  tf.dispose([...ref, ...got]);
}

const F = 84;
// batch, steps, hidden, layers
const shapes: [number, number, number, number][] = [
  [1, 1, 8, 1],
  [33, 30, 8, 2],
  [1, 30, 128, 1],
  [33, 1, 128, 2],
  [33, 30, 128, 2],
];

describe(`fused kernels match the autodiff reference (seed ${seed})`, () => {
  beforeAll(async () => {
    await pickBackend('wasm');
  });

  for (const cell of ['lstm', 'gru'] as const) {
    for (const [B, T, H, L] of shapes) {
      it(`${cell}: batch ${B}, ${T} steps, hidden ${H}, ${L} layer(s): outputs and every gradient within 1e-4`, () => {
        const g = (cell === 'lstm' ? 4 : 3) * H;
        const k = 1 / Math.sqrt(H);
        const inputs = [rand([B, T, F], 1)];
        const names = ['output', 'loss', 'dx'];
        for (let l = 0; l < L; l++) {
          inputs.push(rand([l === 0 ? F : H, g], k), rand([H, g], k), rand([g], k), rand([g], k));
          names.push(`layer ${l} dW_ih`, `layer ${l} dW_hh`, `layer ${l} db_ih`, `layer ${l} db_hh`);
        }
        const probe = rand([B, T, H], 1);
        const run = (ks: KernelSet, xs: tf.Tensor[]) => {
          let seq = xs[0] as tf.Tensor3D;
          for (let l = 0; l < L; l++) {
            const [wIh, wHh, bIh, bHh] = xs.slice(1 + 4 * l, 5 + 4 * l) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
            seq = cell === 'lstm' ? ks.lstm(seq, { wIh, wHh, bIh, bHh }) : ks.gru(seq, { wIh, wHh, bIh, bHh });
          }
          return seq;
        };
        expectSame(run, inputs, probe, names, T === 1 ? names.filter((n) => n.endsWith('dW_hh')) : []);
        tf.dispose([...inputs, probe]);
      });
    }
  }

  it('linear (with and without bias) and batched products, odd sizes', () => {
    const lin = [rand([33, 84], 1), rand([84, 13], 0.5), rand([13], 0.5)];
    expectSame((k, [x, w, b]) => k.linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), lin, rand([33, 13], 1), ['output', 'loss', 'dx', 'dw', 'db']);
    expectSame((k, [x, w]) => k.linear(x as tf.Tensor2D, w as tf.Tensor2D), lin.slice(0, 2), rand([33, 13], 1), ['output', 'loss', 'dx', 'dw']);
    const bm = [rand([5, 30, 7], 1), rand([5, 7, 30], 1)];
    expectSame((k, [a, b]) => k.bmm(a as tf.Tensor3D, b as tf.Tensor3D), bm, rand([5, 30, 30], 1), ['output', 'loss', 'da', 'db']);
  });

  it('two threads (each half of the batch) give the autodiff gradients, and the same digits every time', () => {
    expect(sliceSizes(33, 2)).toEqual([17, 16]);
    expect(sliceSizes(5, 2)).toEqual([5]); // too small to split
    const two = fusedKernelsWith(2);
    const [B, T, H] = [33, 30, 16];
    const inputs = [rand([B, T, F], 1), rand([F, 4 * H], 0.25), rand([H, 4 * H], 0.25), rand([4 * H], 0.25), rand([4 * H], 0.25)];
    const probe = rand([B, T, H], 1);
    const run = (ks: KernelSet, [x, wIh, wHh, bIh, bHh]: tf.Tensor[]) => ks.lstm(x as tf.Tensor3D, { wIh: wIh as tf.Tensor2D, wHh: wHh as tf.Tensor2D, bIh: bIh as tf.Tensor1D, bHh: bHh as tf.Tensor1D });
    expectSame(run, inputs, probe, ['output', 'loss', 'dx', 'dW_ih', 'dW_hh', 'db_ih', 'db_hh'], [], two);
    const a = evaluate(two, run, inputs, probe).map((t) => Array.from(t.dataSync()));
    const b = evaluate(two, run, inputs, probe).map((t) => Array.from(t.dataSync()));
    expect(b).toEqual(a);
  });

  it('a worker thread that fails fails the pass with its reason', async () => {
    const pool = new FusedPool(2);
    try {
      const ok = matmulProgram(new Float32Array([1, 2]), new Float32Array([3, 4]), 1, 2, 1);
      expect(pool.run([ok, ok]).map((o) => Array.from(o[0]))).toEqual([[11], [11]]);
      const bad = { ...ok, calls: [['noSuchKernel'] as [string]] };
      expect(() => pool.run([ok, bad])).toThrow(FusedWorkerError);
      expect(() => pool.run([ok, bad])).toThrow(/worker thread 1 failed: .*noSuchKernel|not a function/);
    } finally {
      await pool.terminate();
    }
  });

  it('a checkpoint trained with the fused set loads and predicts the same with every kernel set', async () => {
    for (const type of ['lstm', 'gru'] as const) {
      const spec = { type, inputSize: 6, seqLen: 10, numClasses: 3, hiddenSize: 12, numLayers: 2, dropout: 0 };
      const model = createClassifier(spec, 3, fusedKernelsWith(2));
      const opt = new AdamW(model.params.list(), { lr: 1e-2, weightDecay: 1e-2 });
      const n = 20;
      const set = { keys: Array.from({ length: n }, (_, i) => String(i)), x: Float32Array.from({ length: n * 60 }, () => rng.uniform(-1, 1)), y: Int32Array.from({ length: n }, (_, i) => i % 3), seqLen: 10, numFeatures: 6 };
      for (let step = 0; step < 5; step++) {
        tf.tidy(() => {
          const onehot = tf.oneHot(tf.tensor1d(set.y, 'int32'), 3);
          const x = tf.tensor3d(set.x, [n, 10, 6]);
          const { grads } = tf.variableGrads(() => tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(model.forward(x, { training: true }))), 1))) as tf.Scalar, model.params.list());
          opt.apply(grads);
        });
      }
      const dir = mkdtempSync(join(tmpdir(), 'gs-fused-ckpt-'));
      await saveClassifier(dir, model, { spec, labelMap: { a: 0, b: 1, c: 2 }, labels: ['a', 'b', 'c'], inputShape: [10, 6], hyperparameters: {}, extraction: { numFrames: 10, numFeatures: 6, resampling: null }, kernels: 'fused' });
      const trained = predictSet(model, set).probabilities;
      for (const k of [fusedKernels, tfjsOpsKernels, autodiffKernels]) {
        const { model: loaded } = await loadClassifier(dir, k);
        const p = predictSet(loaded, set).probabilities;
        let d = 0;
        for (let i = 0; i < p.length; i++) d = Math.max(d, Math.abs(p[i] - trained[i]));
        expect(d, `${type} with ${k.name}`).toBeLessThan(1e-5);
        loaded.dispose();
      }
      opt.dispose();
      model.dispose();
    }
  });
});
