import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TrainingSettings } from '../../api/runs';
import { readSequenceFile } from '../dataset/sequence-file-reader';
import { writeSyntheticSequences } from '../dataset/synthetic-sequences';
import type { DatasetSplit } from '../dataset/split';
import { evaluateRun, evaluateRunDetailed } from '../evaluation/evaluate-run';
import type { JobContext } from '../jobs/job-context';
import { loadClassifier } from '../models/model-files';
import { augmentationOf, type TrainingOptions } from '../training/training-options';
import { ProjectStore, projectFiles } from '../project';
import { runEvaluation } from './run-views';
import { trainProject } from './train-project';

// Counted, to see how often storing the predictions reads the file and loads the model.
vi.mock('../dataset/sequence-file-reader', async (actual) => {
  const m = await actual<typeof import('../dataset/sequence-file-reader')>();
  return { ...m, readSequenceFile: vi.fn(m.readSequenceFile) };
});
vi.mock('../models/model-files', async (actual) => {
  const m = await actual<typeof import('../models/model-files')>();
  return { ...m, loadClassifier: vi.fn(m.loadClassifier) };
});
const counts = () => [vi.mocked(readSequenceFile).mock.calls.length, vi.mocked(loadClassifier).mock.calls.length];
/** Reads and loads from the moment training is over and the predictions are made. */
let afterTraining: number[] = [];
const ctx: JobContext = {
  signal: new AbortController().signal,
  progress: (p) => {
    if (p.message?.startsWith('Predicting every clip')) afterTraining = counts();
  },
  log: () => {},
};
let storing: number[];
let dir: string;
let store: ProjectStore;
let runId: number;
let runDir: string;
/** Clip id -> its dataset key in the keypoints file. */
let keyOf: Map<number, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gs-train-project-'));
  const keys = await writeSyntheticSequences({ path: projectFiles(dir).keypoints, classes: 3, perClass: 12, seqLen: 6, features: 4, seed: 5 });
  store = ProjectStore.create(dir);
  const relPaths = [0, 1, 2].flatMap((k) => Array.from({ length: 12 }, (_, i) => `class_${k}/clip_${i}.mp4`));
  // One more clip that was never extracted: it has no key and gets no prediction.
  store.syncClips([...relPaths, 'class_0/not_extracted.mp4'].map((relPath) => ({ relPath, className: relPath.split('/')[0], sizeBytes: 1, mtimeMs: 1 })));
  const ids = new Map(store.listClips({ limit: 1000 }).items.map((c) => [c.relPath, c.id]));
  // writeSyntheticSequences names clips in the order it makes them, which is relPaths' order.
  relPaths.forEach((relPath, i) => store.setExtractResult(ids.get(relPath)!, { h5Key: keys[i], handsFraction: 1 }));
  keyOf = new Map(relPaths.map((relPath, i) => [ids.get(relPath)!, keys[i]]));
  const settings = TrainingSettings.parse({ epochs: 2, hiddenSize: 8, numLayers: 1, batchSize: 8, dropout: 0, valFraction: 0.25, testFraction: 0.25 });
  runDir = join(projectFiles(dir).runs, '001-lstm');
  runId = store.createRun('run 1', 'lstm', settings, runDir);
  await trainProject({ projectDir: dir, runId, settings }, ctx);
  storing = counts().map((n, i) => n - afterTraining[i]);
});

afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('trainProject', () => {
  it('predicts every split in one pass: the keypoints file read once, the model loaded once', () => {
    expect(afterTraining).toHaveLength(2);
    expect(storing).toEqual([1, 1]);
  });

  it('stores exactly one prediction for every clip of every split, with the split it belongs to', () => {
    const split = JSON.parse(readFileSync(join(runDir, 'split.json'), 'utf8')) as DatasetSplit;
    const stored = store.predictions(runId);
    expect(stored).toHaveLength(36);
    expect(new Set(stored.map((p) => p.clipId)).size).toBe(36);
    for (const part of ['train', 'val', 'test'] as const) {
      const keys = stored.filter((p) => p.split === part).map((p) => keyOf.get(p.clipId));
      expect(keys.sort(), part).toEqual([...split[part]].sort());
    }
  });

  it("lists each clip with its split in the run, and the Split filter gives exactly the run's split.json (the unused clip as 'none')", () => {
    const split = JSON.parse(readFileSync(join(runDir, 'split.json'), 'utf8')) as DatasetSplit;
    for (const part of ['train', 'val', 'test'] as const) {
      const page = store.listClips({ split: part, limit: 1000 });
      expect(page.total, part).toBe(split[part].length);
      expect(page.items.map((c) => keyOf.get(c.id)).sort(), part).toEqual([...split[part]].sort());
      expect(page.items.every((c) => c.prediction?.split === part)).toBe(true);
    }
    const none = store.listClips({ split: 'none', limit: 1000 });
    expect(none.items.map((c) => c.relPath)).toEqual(['class_0/not_extracted.mp4']);
    expect(none.items[0].prediction).toBeNull();
    // Combined with another filter: the split's clips of one class only.
    const cls = store.classId('class_1');
    const both = store.listClips({ split: 'test', classId: cls, limit: 1000 });
    const expected = split.test.filter((k) => [...keyOf].some(([id, key]) => key === k && store.getClip(id).classId === cls));
    expect(both.total).toBe(expected.length);
    expect(both.items.every((c) => c.classId === cls && c.prediction?.split === 'test')).toBe(true);
  });

  it('stores what evaluating each split on its own gives, and the run views read it back', async () => {
    const stored = new Map(store.predictions(runId).map((p) => [keyOf.get(p.clipId), p]));
    for (const part of ['train', 'val', 'test'] as const) {
      const { report, predictions } = await evaluateRunDetailed(runDir, { split: part });
      for (const pr of predictions) {
        const row = stored.get(pr.key)!;
        expect(row.split).toBe(part);
        expect(row.trueClassId).toBe(store.classId(report.labels[pr.label]));
        expect(row.predClassId).toBe(store.classId(report.labels[pr.predicted]));
        expect(row.confidence).toBe(pr.confidence);
        expect(row.probs).toEqual(pr.probabilities);
      }
    }
    const test = await evaluateRun(runDir);
    const view = runEvaluation(store, runId, 'test');
    expect([view.accuracy, view.macroF1]).toEqual([test.accuracy, test.macro_f1]);
    expect(view.confusion).toEqual(test.confusion_matrix);
  });

  it("trains without the mirror unless the run's settings ask for it", async () => {
    const options = (run: string) => (JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as { options: TrainingOptions }).options;
    expect(augmentationOf(options(runDir)).mirror).toBe(0);
    const settings = TrainingSettings.parse({ epochs: 1, hiddenSize: 8, numLayers: 1, batchSize: 8, valFraction: 0.25, testFraction: 0.25, augment: true, mirror: 1 });
    const mirrorDir = join(projectFiles(dir).runs, '002-lstm');
    await trainProject({ projectDir: dir, runId: store.createRun('run 2', 'lstm', settings, mirrorDir), settings }, ctx);
    expect(options(mirrorDir)).toMatchObject({ augment: true, augmentation: { mirror: 1 } });
  });

  it('trains the next run on the classes as renamed and merged, and the first run keeps its own labels', async () => {
    const before = runEvaluation(store, runId, 'test');
    store.classes.rename(store.classId('class_0'), 'zero', 'ann');
    store.classes.merge(store.classId('class_2'), store.classId('class_1'), 'ann');
    const settings = TrainingSettings.parse({ epochs: 1, hiddenSize: 8, numLayers: 1, batchSize: 8, valFraction: 0.25, testFraction: 0.25 });
    const next = store.createRun('run 3', 'lstm', settings, join(projectFiles(dir).runs, '003-lstm'));
    await trainProject({ projectDir: dir, runId: next, settings }, ctx);
    // Training synced the keypoints file first: the new run knows two classes, by their names now.
    expect((await readSequenceFile(projectFiles(dir).keypoints)).labelMap).toEqual({ class_1: 0, zero: 1 });
    expect(store.runLabels(next).map((l) => [l.name, l.classId])).toEqual([['class_1', store.classId('class_1')], ['zero', store.classId('zero')]]);
    expect(new Set(store.predictions(next).map((p) => p.trueClassId))).toEqual(new Set([store.classId('class_1'), store.classId('zero')]));
    // The first run reads as it trained.
    expect(store.runLabels(runId).map((l) => l.name)).toEqual(['class_0', 'class_1', 'class_2']);
    const after = runEvaluation(store, runId, 'test');
    expect([after.labels, after.accuracy, after.macroF1, after.confusion]).toEqual([before.labels, before.accuracy, before.macroF1, before.confusion]);
  });
});
