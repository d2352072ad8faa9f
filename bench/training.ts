/**
 * Training throughput: samples/s per model on a fixed synthetic set (2,000 sequences of 30 × 84,
 * batch 32, hidden 128, two layers) with the studio's engine (tfjs, best backend or --backend) and
 * each kernel set, next to PyTorch CPU on the same shapes in the same run (torch threads 1 and 2,
 * OPENBLAS_NUM_THREADS=1, the best of them), and their ratio. The machine may be shared: the
 * studio and PyTorch run back to back, `--repeats` times, and the best of each is reported with the
 * load average. After each epoch it prints the resident memory and tfjs's tensor count.
 *
 *   npx tsx bench/training.ts [--backend wasm|cpu|auto] [--epochs 2] [--repeats 2]
 *       [--models lstm,gru,transformer] [--kernels tfjs-ops,fused:1,fused:2] [--torch-threads 1,2]
 *
 * `fused:N` is the fused set with N threads. Samples/s are wall clock and per CPU-second of the
 * process (all its threads; on a shared machine the steadier of the two).
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { batchIndices, gatherBatch } from '../src/core/dataset/batches';
import { SeededRandom } from '../src/core/dataset/seeded-random';
import type { SequenceSet } from '../src/core/dataset/sequence-set';
import { createClassifier } from '../src/core/models/create-classifier';
import { kernelSetByName } from '../src/core/models/kernels/choose-kernels';
import type { ModelType } from '../src/core/models/model-spec';
import { AdamW } from '../src/core/training/adamw';
import { chooseTrainStep } from '../src/core/training/step';
import { pickBackend } from '../src/core/training/backend';
import { writeOnnx } from '../src/core/export/onnx-export';
import { loadOnnxClassifier } from '../src/core/export/onnx-classifier';
import { predictSet } from '../src/core/evaluation/predictions';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
const repeats = Number(arg('repeats', '2'));
const models = arg('models', 'lstm,gru,transformer').split(',') as ModelType[];
const kernelNames = arg('kernels', `tfjs-ops,fused:1,fused:${availableParallelism()}`).split(',');
const torchThreads = arg('torch-threads', '1,2').split(',').map(Number);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

const backend = await pickBackend(arg('backend', 'auto') as 'auto');
const rng = new SeededRandom(0);
const set: SequenceSet = {
  keys: Array.from({ length: N }, (_, i) => String(i)),
  x: Float32Array.from({ length: N * T * F }, () => rng.normal()),
  y: Int32Array.from({ length: N }, () => rng.int(C)),
  seqLen: T,
  numFeatures: F,
};

interface Speed {
  wall: number;
  cpu: number;
}
const best = (a: Speed | undefined, b: Speed): Speed => ({ wall: Math.max(a?.wall ?? 0, b.wall), cpu: Math.max(a?.cpu ?? 0, b.cpu) });

function epochSamplesPerSecond(type: ModelType, kernels: string): Speed {
  const [name, threads] = kernels.split(':');
  const model = createClassifier({ type, inputSize: F, seqLen: T, numClasses: C, hiddenSize: HIDDEN, numLayers: LAYERS, dropout: 0.3 }, 1, kernelSetByName(name, threads ? Number(threads) : undefined));
  const opt = new AdamW(model.params.list(), { lr: 1e-3, weightDecay: 1e-2 });
  // The engine train() uses with this kernel set: whole steps in WebAssembly for the fused set.
  const step = chooseTrainStep(model, opt, model.kernels, BATCH);
  const dropRng = new SeededRandom(2);
  let fastest: Speed = { wall: 0, cpu: 0 };
  for (let e = 0; e <= epochs; e++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const idx of batchIndices(N, BATCH, rng)) {
      const b = gatherBatch(set, idx);
      step.step({ x: b.x, y: b.y, n: idx.length }, dropRng);
    }
    step.sync();
    const c = process.cpuUsage(c0);
    const sps: Speed = { wall: N / ((performance.now() - t0) / 1000), cpu: N / ((c.user + c.system) / 1e6) };
    if (e > 0) fastest = best(fastest, sps); // epoch 0 warms up
    console.log(`  ${type} ${kernels} epoch ${e}: ${sps.wall.toFixed(0)} samples/s (${sps.cpu.toFixed(0)} per CPU-s), rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, tensors ${tf.memory().numTensors}, load ${load()}`);
  }
  step.dispose();
  opt.dispose();
  model.dispose();
  return fastest;
}

const python = findTorchPython();
function torchRun(threads: number): Record<string, Speed> | null {
  if (!python) return null;
  const out = JSON.parse(
    execFileSync(python, [join(here, 'pytorch_training.py'), '--n', String(N), '--t', String(T), '--f', String(F), '--classes', String(C), '--batch', String(BATCH), '--hidden', String(HIDDEN), '--layers', String(LAYERS), '--epochs', String(epochs), '--models', models.join(','), '--threads', String(threads)], {
      encoding: 'utf8',
      // torch's threads × OpenBLAS's threads must not exceed the cores: two pools of two threads
      // on two cores fight and run ~10× slower.
      env: { ...torchEnv(), OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: String(threads) },
    }),
  ) as { samples_per_s: Record<string, number>; samples_per_cpu_s: Record<string, number> };
  const speeds = Object.fromEntries(models.map((m) => [m, { wall: out.samples_per_s[m], cpu: out.samples_per_cpu_s[m] }]));
  console.log(`  pytorch ${threads} thread(s): ${models.map((m) => `${m} ${speeds[m].wall.toFixed(0)} (${speeds[m].cpu.toFixed(0)} per CPU-s)`).join(', ')}, load ${load()}`);
  return speeds;
}

const ours: Record<string, Record<string, Speed>> = {};
const torchBest: Record<string, { wall: Speed & { threads: number }; cpu: Speed & { threads: number } }> = {};
for (let r = 0; r < repeats; r++) {
  console.log(`repeat ${r + 1}/${repeats}, load ${load()}`);
  for (const threads of torchThreads) {
    const t = torchRun(threads);
    for (const m of models) {
      if (!t) continue;
      const cur = torchBest[m];
      torchBest[m] = {
        wall: !cur || t[m].wall > cur.wall.wall ? { ...t[m], threads } : cur.wall,
        cpu: !cur || t[m].cpu > cur.cpu.cpu ? { ...t[m], threads } : cur.cpu,
      };
    }
  }
  for (const k of kernelNames) {
    ours[k] ??= {};
    for (const m of models) ours[k][m] = best(ours[k][m], epochSamplesPerSecond(m, k));
  }
}

console.log(`\ntraining samples/s (best of ${repeats}): ${N} × ${T}×${F}, batch ${BATCH}, hidden ${HIDDEN}, ${LAYERS} layers; tfjs ${tf.version_core} on ${backend.backend}${python ? '; PyTorch CPU, OPENBLAS_NUM_THREADS=1' : ' (no python3 with torch: apt-get install python3-torch python3-h5py libopenblas0-pthread)'}; load average ${load()}`);
for (const unit of repeats > 0 ? (['wall', 'cpu'] as const) : []) {
  console.log(unit === 'wall' ? '\nwall clock: samples/s' : '\nper CPU-second of the process (all threads)');
  console.log(`model        pytorch (threads) ${kernelNames.map((k) => `${k.padStart(9)}  ratio`).join(' ')}`);
  for (const m of models) {
    const p = torchBest[m]?.[unit];
    const cols = kernelNames.map((k) => `${ours[k][m][unit].toFixed(0).padStart(9)} ${p ? (ours[k][m][unit] / p[unit]).toFixed(2).padStart(6) : '     -'}`);
    console.log(`${m.padEnd(12)} ${p ? `${p[unit].toFixed(0).padStart(7)} (${p.threads})      ` : '      -          '} ${cols.join(' ')}`);
  }
}

// One-sequence inference (1 × 30 × 84), as predict runs it: median of 200 after 20 warm-up calls.
const latencyModels = models.filter((m) => m !== 'transformer');
console.log('\none-sequence inference latency (1 × 30 × 84, hidden 128, two layers), median ms');
console.log(`model        ${['tfjs-ops', 'fused', 'onnxruntime'].map((k) => k.padStart(12)).join('')}`);
async function median(f: () => unknown | Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 220; i++) {
    const t0 = performance.now();
    await f();
    if (i >= 20) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}
for (const m of latencyModels) {
  const one = { keys: ['0'], x: set.x.subarray(0, T * F), y: new Int32Array(1), seqLen: T, numFeatures: F };
  const spec = { type: m, inputSize: F, seqLen: T, numClasses: C, hiddenSize: HIDDEN, numLayers: LAYERS, dropout: 0.3 };
  const cols: number[] = [];
  for (const k of ['tfjs-ops', 'fused']) {
    const model = createClassifier(spec, 1, kernelSetByName(k));
    cols.push(await median(() => predictSet(model, one)));
    model.dispose();
  }
  const model = createClassifier(spec, 1, kernelSetByName('fused'));
  const path = join(mkdtempSync(join(tmpdir(), 'gs-bench-')), 'model.onnx');
  writeOnnx(path, model, { labels: Array.from({ length: C }, (_, i) => String(i)) });
  model.dispose();
  const onnx = await loadOnnxClassifier(path);
  cols.push(onnx ? await median(() => onnx.probabilities(one.x, 1, T, F)) : NaN);
  await onnx?.release();
  console.log(`${m.padEnd(12)} ${cols.map((c) => c.toFixed(3).padStart(12)).join('')}   (load ${load()})`);
}
