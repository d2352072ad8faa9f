/**
 * Training throughput: samples/s per model on a fixed synthetic set (2,000 sequences of 30 × 84,
 * batch 32, hidden 128, two layers) with the studio's engine (tfjs, best backend or --backend),
 * next to PyTorch CPU on the same shapes in the same run, and their ratio.
 *
 *   npx tsx bench/training.ts [--backend wasm|cpu|auto] [--epochs 2] [--models lstm,gru,transformer]
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { batchIndices, gatherBatch } from '../src/core/dataset/batches';
import { SeededRandom } from '../src/core/dataset/seeded-random';
import type { SequenceSet } from '../src/core/dataset/sequence-set';
import { createClassifier } from '../src/core/models/create-classifier';
import type { ModelType } from '../src/core/models/model-spec';
import { AdamW } from '../src/core/training/adamw';
import { pickBackend } from '../src/core/training/backend';
import { findTorchPython, torchEnv } from './python-torch';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const N = 2000;
const T = 30;
const F = 84;
const C = 5;
const BATCH = 32;
const HIDDEN = 128;
const LAYERS = 2;
const epochs = Number(arg('epochs', '2'));
const models = arg('models', 'lstm,gru,transformer').split(',') as ModelType[];

const backend = await pickBackend(arg('backend', 'auto') as 'auto');
const rng = new SeededRandom(0);
const set: SequenceSet = {
  keys: Array.from({ length: N }, (_, i) => String(i)),
  x: Float32Array.from({ length: N * T * F }, () => rng.normal()),
  y: Int32Array.from({ length: N }, () => rng.int(C)),
  seqLen: T,
  numFeatures: F,
};

function epochSamplesPerSecond(type: ModelType): number {
  const model = createClassifier({ type, inputSize: F, seqLen: T, numClasses: C, hiddenSize: HIDDEN, numLayers: LAYERS, dropout: 0.3 }, 1);
  const opt = new AdamW(model.params.list(), { lr: 1e-3, weightDecay: 1e-2 });
  const dropRng = new SeededRandom(2);
  let best = 0;
  for (let e = 0; e <= epochs; e++) {
    const t0 = performance.now();
    for (const idx of batchIndices(N, BATCH, rng)) {
      const b = gatherBatch(set, idx);
      tf.tidy(() => {
        const x = tf.tensor3d(b.x, [idx.length, T, F]);
        const onehot = tf.oneHot(tf.tensor1d(b.y, 'int32'), C);
        const { value, grads } = tf.variableGrads(() => tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(model.forward(x, { training: true, rng: dropRng }))), 1))) as tf.Scalar, model.params.list());
        opt.apply(grads);
        value.dataSync();
      });
    }
    if (e > 0) best = Math.max(best, N / ((performance.now() - t0) / 1000)); // epoch 0 warms up
  }
  opt.dispose();
  model.dispose();
  return best;
}

const ours: Record<string, number> = {};
for (const m of models) ours[m] = epochSamplesPerSecond(m);

const python = findTorchPython();
let torch: { torch: string; threads: number; samples_per_s: Record<string, number> } | null = null;
if (python) {
  torch = JSON.parse(
    execFileSync(python, [join(here, 'pytorch_training.py'), '--n', String(N), '--t', String(T), '--f', String(F), '--classes', String(C), '--batch', String(BATCH), '--hidden', String(HIDDEN), '--layers', String(LAYERS), '--epochs', String(epochs), '--models', models.join(',')], { encoding: 'utf8', env: torchEnv() }),
  );
}
console.log(`training samples/s: ${N} × ${T}×${F}, batch ${BATCH}, hidden ${HIDDEN}, ${LAYERS} layers; tfjs ${tf.version_core} on ${backend.backend}${torch ? `, PyTorch ${torch.torch} CPU (${torch.threads} threads)` : ' (no python3 with torch: apt-get install python3-torch python3-h5py libopenblas0-pthread)'}`);
console.log('model        studio   pytorch   studio/pytorch');
for (const m of models) {
  const p = torch?.samples_per_s[m];
  console.log(`${m.padEnd(12)} ${ours[m].toFixed(0).padStart(6)} ${p ? p.toFixed(0).padStart(9) : '        -'} ${p ? (ours[m] / p).toFixed(3).padStart(16) : ''}`);
}
