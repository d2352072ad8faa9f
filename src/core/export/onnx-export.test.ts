import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictSet } from '../evaluation/predictions';
import { createClassifier } from '../models/create-classifier';
import { tfjsOpsKernels } from '../models/kernels/tfjs-ops-kernels';
import { pickBackend } from '../training/backend';
import { hasSharedData, sharedData } from '../../test-support/shared-data';
import { loadOnnxClassifier } from './onnx-classifier';
import { writeOnnx } from './onnx-export';

describe.skipIf(!hasSharedData)('ONNX export: onnxruntime gives the probabilities tfjs gives', () => {
  let x: Float32Array;
  const n = 200;
  beforeAll(async () => {
    await pickBackend('wasm');
    // Real sequences: rows spread over point_history.csv (label, then 16 × (dx, dy) fingertip moves).
    const all = readFileSync(sharedData('keypoints', 'point_history.csv'), 'utf8').trim().split('\n');
    const rows = Array.from({ length: n }, (_, i) => all[Math.floor((i * all.length) / n)]);
    x = Float32Array.from(rows.flatMap((r) => r.split(',').slice(1, 33).map(Number)));
    expect(x.length).toBe(n * 32);
  });

  for (const type of ['lstm', 'gru', 'transformer'] as const) {
    it(`${type}, two layers: every probability within 1e-5`, async () => {
      const spec = { type, inputSize: 2, seqLen: 16, numClasses: 4, hiddenSize: 32, numLayers: 2, dropout: 0 };
      const model = createClassifier(spec, 7, tfjsOpsKernels);
      // Larger weights than the initialisation, so that the gates saturate and the classes differ.
      for (const v of model.params.list()) v.assign(tf.mul(v, 3));
      const path = join(mkdtempSync(join(tmpdir(), 'gs-onnx-')), 'model.onnx');
      writeOnnx(path, model, { labels: ['a', 'b', 'c', 'd'] });
      const onnx = await loadOnnxClassifier(path);
      expect(onnx).not.toBeNull();
      // Padding as extraction writes it (zero frames at the end): masked out of attention and the mean.
      const input = Float32Array.from(x);
      if (type === 'transformer') for (let i = 0; i < n; i += 3) input.fill(0, i * 32 + 2 * (6 + (i % 10)), (i + 1) * 32);
      const got = await onnx!.probabilities(input, n, 16, 2);
      const want = predictSet(model, { keys: Array.from({ length: n }, (_, i) => String(i)), x: input, y: new Int32Array(n), seqLen: 16, numFeatures: 2 }).probabilities;
      expect(got.length).toBe(want.length);
      let maxDiff = 0;
      for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
      expect(maxDiff).toBeLessThan(1e-5);
      // Not a constant output: the probabilities differ between sequences.
      let spread = 0;
      for (let i = 0; i < want.length; i++) spread = Math.max(spread, Math.abs(want[i] - want[i % 4]));
      expect(spread).toBeGreaterThan(0.01);
      await onnx!.release();
      model.dispose();
    });
  }
});
