import { availableParallelism } from 'node:os';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSequences } from '../dataset/synthetic-sequences';
import { CancelledError, DatasetFileError, TrainingDataError } from '../errors';
import { evaluateRun, evaluateRunDetailed } from '../evaluation/evaluate-run';
import { loadClassifier } from '../models/model-files';
import { METRICS_COLUMNS, parseMetricsCsv } from './metrics-log';
import { train } from './train';

const tmp = () => mkdtempSync(join(tmpdir(), 'gs-train-'));
let data: string;
const small = { epochs: 5, hiddenSize: 16, numLayers: 2, batchSize: 16, lr: 5e-3, patience: 50, backend: 'wasm' as const };

beforeAll(async () => {
  data = join(tmp(), 'synthetic.h5');
  await writeSyntheticSequences({ path: data, classes: 3, perClass: 30, seqLen: 8, features: 6, seed: 3 });
});

describe('train', () => {
  it('writes the run directory: metrics.csv columns, split.json, best model, pictures, summary', async () => {
    const runDir = tmp();
    const batches: number[] = [];
    const epochs: number[] = [];
    const r = await train({ ...small, epochs: 12, lr: 1e-2, dataPath: data, runDir }, { onBatch: (p) => batches.push(p.done), onEpoch: (p) => epochs.push(p.epoch) });
    const csv = readFileSync(join(runDir, 'metrics.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe('epoch,train_loss,train_acc,val_loss,val_acc,val_f1,lr');
    expect(METRICS_COLUMNS.join(',')).toBe('epoch,train_loss,train_acc,val_loss,val_acc,val_f1,lr');
    const rows = parseMetricsCsv(csv);
    const all = Array.from({ length: 12 }, (_, i) => i + 1);
    expect(rows.map((x) => x.epoch)).toEqual(all);
    expect(rows.every((x) => x.lr <= 1e-2 && x.train_loss > 0 && x.val_f1 >= 0 && x.val_f1 <= 1)).toBe(true);
    expect(epochs).toEqual(all);
    expect(batches.filter((d) => d === r.summary.split.train)).toHaveLength(12);

    const split = JSON.parse(readFileSync(join(runDir, 'split.json'), 'utf8'));
    expect(Object.keys(split)).toEqual(['train', 'val', 'test']);
    expect(split.train.length + split.val.length + split.test.length).toBe(90);

    for (const f of ['loss_curves.svg', 'accuracy_curves.svg', 'confusion_matrix.svg']) expect(readFileSync(join(runDir, f), 'utf8')).toMatch(/^<svg/);
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    expect(summary.backend.backend).toBe('wasm');
    // The default kernel set trains through whole steps in WebAssembly, on one thread per core.
    expect(summary.kernels).toBe('fused');
    expect(summary.engine).toEqual({ name: 'fused-step', threads: availableParallelism() });
    // Best = highest val F1; among equal F1, the lowest val loss (see EarlyStopping).
    expect(summary.bestEpoch).toBe(rows.reduce((b, x) => (x.val_f1 > b.val_f1 || (x.val_f1 === b.val_f1 && x.val_loss < b.val_loss) ? x : b)).epoch);
    expect(summary.dataset).toMatchObject({ clips: 90, seqLen: 8, numFeatures: 6, extraction: { numFrames: 8, numFeatures: 6, resampling: 'synthetic' } });
    // A learnable set: the model learns it.
    expect(r.summary.test.macro_f1).toBeGreaterThan(0.8);
    expect(r.testPredictions).toHaveLength(split.test.length);
    expect(r.testPredictions[0].probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);

    // The saved model carries what inference needs, and reloads to the same test report.
    const { model, meta } = await loadClassifier(join(runDir, 'model'));
    expect(meta).toMatchObject({ labels: ['class_0', 'class_1', 'class_2'], inputShape: [8, 6], epoch: summary.bestEpoch, extraction: { resampling: 'synthetic' } });
    expect(meta.hyperparameters).toMatchObject({ epochs: 12, hiddenSize: 16, seed: 42 });
    model.dispose();
    const report = await evaluateRun(runDir);
    expect(report).toEqual(r.testReport);
    expect(Object.keys(report)).toEqual(['accuracy', 'macro_f1', 'labels', 'per_class', 'confusion_matrix']);
    const detailed = await evaluateRunDetailed(runDir);
    expect(detailed.predictions).toEqual(r.testPredictions);
  });

  it('repeats a run exactly with the same seed (every metric to the last digit), differs with another', async () => {
    const opts = { ...small, model: 'gru' as const, dataPath: data, augment: true };
    const a = tmp();
    const b = tmp();
    const c = tmp();
    await train({ ...opts, runDir: a });
    await train({ ...opts, runDir: b });
    await train({ ...opts, runDir: c, seed: 7 });
    const csvA = readFileSync(join(a, 'metrics.csv'), 'utf8');
    expect(readFileSync(join(b, 'metrics.csv'), 'utf8')).toBe(csvA);
    expect(readFileSync(join(b, 'split.json'), 'utf8')).toBe(readFileSync(join(a, 'split.json'), 'utf8'));
    expect(readFileSync(join(c, 'metrics.csv'), 'utf8')).not.toBe(csvA);
  });

  it('resumes a stopped run from its last finished epoch and ends exactly where an unbroken run ends', async () => {
    const opts = { ...small, epochs: 6, model: 'lstm' as const, dataPath: data, augment: true };
    const whole = tmp();
    await train({ ...opts, runDir: whole });
    const broken = tmp();
    const controller = new AbortController();
    await expect(
      train({ ...opts, runDir: broken }, { signal: controller.signal, onEpoch: (p) => p.epoch === 3 && controller.abort() }),
    ).rejects.toThrow(CancelledError);
    expect(parseMetricsCsv(readFileSync(join(broken, 'metrics.csv'), 'utf8')).map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(existsSync(join(broken, 'summary.json'))).toBe(false);
    const resumed = await train({ ...opts, runDir: broken, resume: true });
    expect(resumed.summary.resumedFromEpoch).toBe(3);
    expect(readFileSync(join(broken, 'metrics.csv'), 'utf8')).toBe(readFileSync(join(whole, 'metrics.csv'), 'utf8'));
    const summaryWhole = JSON.parse(readFileSync(join(whole, 'summary.json'), 'utf8'));
    expect(resumed.summary.test).toEqual(summaryWhole.test);
    // Other options cannot silently continue this run.
    await expect(train({ ...opts, runDir: broken, resume: true, lr: 1e-2 })).rejects.toThrow(TrainingDataError);
  });

  it('sees a cancel that arrives from outside during an epoch within one batch, not at the epoch end', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    // A cancel message from the job runner arrives as an event (a timer here), never during a batch.
    const run = train({ ...small, epochs: 3, batchSize: 1, dataPath: data, runDir: tmp() }, {
      signal: controller.signal,
      onBatch: (p) => {
        seen.push(p.batch);
        if (p.epoch === 1 && p.batch === 2) setTimeout(() => controller.abort(), 0);
      },
    });
    await expect(run).rejects.toThrow(/during epoch 1/);
    expect(Math.max(...seen)).toBeLessThan(10);
  });

  it('trains the transformer on the same data', async () => {
    const r = await train({ ...small, model: 'transformer', dataPath: data, runDir: tmp(), epochs: 12, lr: 1e-2 });
    expect(r.summary.spec.type).toBe('transformer');
    expect(r.summary.test.macro_f1).toBeGreaterThan(0.6);
  });

  it('reuses a given split.json', async () => {
    const first = tmp();
    await train({ ...small, epochs: 1, dataPath: data, runDir: first, seed: 11 });
    const second = tmp();
    await train({ ...small, epochs: 1, dataPath: data, runDir: second, seed: 12, splitPath: join(first, 'split.json') });
    expect(readFileSync(join(second, 'split.json'), 'utf8')).toBe(readFileSync(join(first, 'split.json'), 'utf8'));
  });

  it('refuses a one-class file, falls back (with a warning) for a class with a single clip, and reports bad files', async () => {
    const dir = tmp();
    const one = join(dir, 'one.h5');
    await writeSyntheticSequences({ path: one, classes: 1, perClass: 10, seqLen: 4, features: 2 });
    await expect(train({ ...small, dataPath: one, runDir: tmp() })).rejects.toThrow(/one class only \("class_0"\).*at least two classes/);

    const single = join(dir, 'single.h5');
    await writeSyntheticSequences({ path: single, classes: 3, perClass: [12, 12, 1], seqLen: 4, features: 2 });
    const r = await train({ ...small, epochs: 1, dataPath: single, runDir: tmp() });
    expect(r.summary.split.stratified).toBe(false);
    expect(r.summary.warnings.join(' ')).toMatch(/not stratified/);

    const empty = join(dir, 'empty.h5');
    writeFileSync(empty, '');
    await expect(train({ ...small, dataPath: empty, runDir: tmp() })).rejects.toThrow(DatasetFileError);
    const text = join(dir, 'text.h5');
    writeFileSync(text, 'not hdf5 at all');
    await expect(train({ ...small, dataPath: text, runDir: tmp() })).rejects.toThrow(/not an HDF5 file/);
  });
});
