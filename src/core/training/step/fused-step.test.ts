import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../dataset/seeded-random';
import { sliceSizes } from '../../models/kernels/fused-kernels';
import { createClassifier } from '../../models/create-classifier';
import { kernelSetByName } from '../../models/kernels/choose-kernels';
import type { ModelSpec } from '../../models/model-spec';
import { AdamW } from '../adamw';
import { pickBackend } from '../backend';
import { FusedRecurrentStep } from './fused-recurrent-step';
import type { FusedStepBase } from './fused-step-base';
import { FusedTransformerStep } from './fused-transformer-step';
import { StepThreadError } from './step-threads';
import { crossEntropy } from './tfjs-train-step';

beforeAll(async () => {
  await pickBackend('wasm');
});

/**
 * Random inputs and labels, fresh each run (the test must hold for any). Every third sequence ends in
 * zero frames (the padding of short clips), one is all zeros (a clip without hands).
 */
function batch(n: number, T: number, F: number, C: number, rng: SeededRandom) {
  const x = Float32Array.from({ length: n * T * F }, () => rng.normal());
  for (let b = 0; b < n; b += 3) x.fill(0, (b * T + Math.ceil(T / 2)) * F, (b + 1) * T * F);
  if (n > 4) x.fill(0, 4 * T * F, 5 * T * F);
  return { x, y: Int32Array.from({ length: n }, () => rng.int(C)), n };
}

const engine = (model: ReturnType<typeof createClassifier>, opt: AdamW, threads: number, maxBatch: number): FusedStepBase =>
  model.spec.type === 'transformer' ? new FusedTransformerStep(model, opt, threads, maxBatch) : new FusedRecurrentStep(model, opt, threads, maxBatch);

/** Loss and every gradient under tfjs's tape with the autodiff kernel set (the reference). */
function reference(spec: ModelSpec, seed: number, b: ReturnType<typeof batch>, dropoutSeed: number) {
  const model = createClassifier(spec, seed, kernelSetByName('autodiff'));
  try {
    return tf.tidy(() => {
      const x = tf.tensor3d(b.x, [b.n, spec.seqLen, spec.inputSize]);
      const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x, { training: true, rng: new SeededRandom(dropoutSeed) }), b.y, spec.numClasses), model.params.list());
      const byName = Object.fromEntries(model.params.names.map((name) => [name, grads[model.params.get(name).name].dataSync() as Float32Array]));
      return { loss: value.dataSync()[0], grads: byName };
    });
  } finally {
    model.dispose();
  }
}

const cases: [string, Partial<ModelSpec> & { batch: number; threads: number }][] = [
  ['batch 1, T 1, hidden 8, one layer', { batch: 1, seqLen: 1, hiddenSize: 8, numLayers: 1, dropout: 0, threads: 1 }],
  ['batch 33, T 30, hidden 128, two layers, dropout, two threads', { batch: 33, seqLen: 30, hiddenSize: 128, numLayers: 2, dropout: 0.3, threads: 2 }],
  ['batch 9, T 7, hidden 5 (no SIMD multiple), three layers, three threads', { batch: 9, seqLen: 7, hiddenSize: 5, numLayers: 3, dropout: 0.2, threads: 3 }],
];

describe.each(['lstm', 'gru', 'transformer'] as const)('fused training step (%s) against tfjs autodiff', (type) => {
  it.each(cases)('%s: the same loss and every gradient within 1e-4', (_, c) => {
    const rng = new SeededRandom(Date.now() % 100000);
    const spec: ModelSpec = { type, inputSize: 84, seqLen: c.seqLen!, numClasses: 5, hiddenSize: c.hiddenSize!, numLayers: c.numLayers!, dropout: c.dropout! };
    const b = batch(c.batch, spec.seqLen, spec.inputSize, spec.numClasses, rng);
    const ref = reference(spec, 11, b, 5);
    const model = createClassifier(spec, 11, kernelSetByName('autodiff'));
    const step = engine(model, new AdamW(model.params.list(), { lr: 1e-3, weightDecay: 1e-2 }), c.threads, c.batch);
    try {
      const dropoutRng = new SeededRandom(5);
      const r = step.step(b, dropoutRng);
      expect(Math.abs(r.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
      const grads = step.lastGradients(sliceSizes(c.batch, c.threads).length);
      for (const name of model.params.names) {
        const g = grads[name];
        const want = ref.grads[name];
        const scale = Math.max(...Array.from(want, Math.abs));
        // One step only: the recurrent weights get no gradient (h before the first step is zero).
        if (spec.seqLen === 1 && name.endsWith('w_hh')) expect(scale).toBe(0);
        // With one frame, attention weights its only key by 1: the query and key weights get no gradient.
        else if (spec.seqLen === 1 && name.includes('qkv')) expect(scale).toBeGreaterThanOrEqual(0);
        else expect(scale, name).toBeGreaterThan(0);
        let worst = 0;
        for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i] - want[i]) / (scale || 1));
        expect(worst, name).toBeLessThan(1e-4);
      }
      // The dropout stream moved on exactly as dropout.ts moves it (one draw per element masked).
      // Recurrent: one mask between each two layers; Transformer: two in every layer.
      const masks = type === 'transformer' ? 2 * spec.numLayers : spec.numLayers - 1;
      const masked = spec.dropout > 0 ? c.batch * spec.seqLen * spec.hiddenSize * masks : 0;
      const same = new SeededRandom(5);
      for (let i = 0; i < masked; i++) same.next();
      const unsigned = (r: SeededRandom) => r.getState().map((v) => v >>> 0);
      expect(unsigned(dropoutRng)).toEqual(unsigned(same));
    } finally {
      step.dispose();
      model.dispose();
    }
  });

  it('repeats itself to the last digit with the same seed and thread count', () => {
    const spec: ModelSpec = { type, inputSize: 12, seqLen: 9, numClasses: 3, hiddenSize: 16, numLayers: 2, dropout: 0.25 };
    const rng = new SeededRandom(3);
    const batches = [batch(10, 9, 12, 3, rng), batch(10, 9, 12, 3, rng), batch(7, 9, 12, 3, rng)];
    const run = () => {
      const model = createClassifier(spec, 4, kernelSetByName('autodiff'));
      const opt = new AdamW(model.params.list(), { lr: 1e-2, weightDecay: 1e-2 });
      const step = engine(model, opt, 2, 10);
      const drop = new SeededRandom(8);
      const losses = batches.map((b) => step.step(b, drop).loss);
      step.sync();
      const weights = model.params.snapshot().map((p) => Array.from(p.data));
      step.dispose();
      model.dispose();
      return { losses, weights, step: opt.step };
    };
    const a = run();
    const b = run();
    expect(b).toEqual(a);
    expect(a.step).toBe(3);
  });

  it('updates the weights and moments as adamw.ts does from the same gradients', () => {
    const spec: ModelSpec = { type, inputSize: 10, seqLen: 6, numClasses: 4, hiddenSize: 12, numLayers: 2, dropout: 0.1 };
    const model0 = createClassifier(spec, 2, kernelSetByName('autodiff'));
    const plain = createClassifier(spec, 2, kernelSetByName('autodiff'));
    const engineOpt = new AdamW(model0.params.list(), { lr: 3e-2, weightDecay: 1e-2 });
    const plainOpt = new AdamW(plain.params.list(), { lr: 3e-2, weightDecay: 1e-2 });
    const step = engine(model0, engineOpt, 2, 12);
    try {
      const rng = new SeededRandom(6);
      for (let i = 0; i < 3; i++) {
        step.step(batch(12, 6, 10, 4, rng), new SeededRandom(i));
        const g = step.lastGradients(2);
        // The same gradients through adamw.ts, on the weights the engine had before this step.
        tf.tidy(() => plainOpt.apply(Object.fromEntries(plain.params.names.map((name) => [plain.params.get(name).name, tf.tensor(g[name], plain.params.get(name).shape)]))));
        step.sync();
        for (const name of model0.params.names) {
          const a = model0.params.get(name).dataSync();
          const b = plain.params.get(name).dataSync();
          for (let j = 0; j < a.length; j++) expect(Math.abs(a[j] - b[j]), name).toBeLessThan(1e-6);
        }
        const ma = engineOpt.getState().moments;
        const mb = plainOpt.getState().moments;
        ma.forEach((m, k) => m.forEach((v, j) => expect(Math.abs(v - mb[k][j])).toBeLessThanOrEqual(1e-6 * Math.abs(mb[k][j]) + 1e-12)));
      }
      expect(engineOpt.step).toBe(3);
    } finally {
      step.dispose();
      model0.dispose();
      plain.dispose();
    }
  });

  it('fails the step with the reason when a worker thread dies', async () => {
    const spec: ModelSpec = { type, inputSize: 6, seqLen: 4, numClasses: 3, hiddenSize: 8, numLayers: 1, dropout: 0 };
    const model = createClassifier(spec, 1, kernelSetByName('autodiff'));
    const step = engine(model, new AdamW(model.params.list(), { lr: 1e-3, weightDecay: 0 }), 2, 8);
    try {
      const b = batch(8, 4, 6, 3, new SeededRandom(1));
      step.step(b, new SeededRandom(1));
      await step.killThread(1);
      expect(() => step.step(b, new SeededRandom(1))).toThrow(StepThreadError);
      expect(() => step.step(b, new SeededRandom(1))).toThrow(/training thread 1 died/);
    } finally {
      step.dispose();
      model.dispose();
    }
  });
});
