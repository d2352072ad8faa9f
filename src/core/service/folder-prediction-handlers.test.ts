import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../api';
import { makeClip } from '../../test-support/make-clips';
import { getFolderPrediction } from '../inference/folder-prediction-store';
import { ProjectStore, projectFiles } from '../project';
import { folderPredictionHandlers, recordFolderPredictionEnd } from './folder-prediction-handlers';

let dir: string;
let store: ProjectStore;
let started: { kind: string; params: Record<string, unknown> }[];
let h: ReturnType<typeof folderPredictionHandlers>;

/** A finished run whose model.json says what it takes (no weights: the handlers read the metadata alone). */
function runTaking(features: number, status: 'done' | 'running' = 'done'): number {
  const runDir = join(projectFiles(dir).runs, `run-${features}-${status}`);
  mkdirSync(join(runDir, 'model'), { recursive: true });
  const labels = ['wave', 'point'];
  const meta = {
    spec: { type: 'lstm', inputSize: features, seqLen: 12, numClasses: 2, hiddenSize: 8, numLayers: 1, dropout: 0 },
    labelMap: { point: 1, wave: 0 },
    labels,
    inputShape: [12, features],
    hyperparameters: {},
    extraction: { numFrames: 12, numFeatures: features, resampling: null },
  };
  writeFileSync(join(runDir, 'model', 'model.json'), JSON.stringify({ format: 'gesture-studio-sequence-classifier', weightsManifest: [], userDefinedMetadata: meta }));
  const id = store.createRun(`takes ${features}`, 'lstm', {}, runDir);
  store.setRunStatus(id, status);
  return id;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gs-folder-handlers-'));
  store = ProjectStore.create(join(dir, 'project'));
  started = [];
  h = folderPredictionHandlers({
    store: () => store,
    ensureIdle: () => undefined,
    startJob: (kind, params) => {
      started.push({ kind, params });
      return 'job-1';
    },
    emit: () => undefined,
  });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('starting a folder prediction', () => {
  it('refuses, before any job, a run of another input, an unfinished run, a missing or empty folder', async () => {
    const folder = join(dir, 'clips');
    makeClip(join(folder, 'wave', 'a.mp4'));
    await expect(h['predict.folderStart']({ runId: runTaking(2), folder })).rejects.toThrow(/takes 2 features per frame.*cannot classify videos/);
    await expect(h['predict.folderStart']({ runId: runTaking(84, 'running'), folder })).rejects.toThrow(/has not finished training/);
    const run = runTaking(84);
    await expect(h['predict.folderStart']({ runId: run, folder: join(dir, 'nowhere') })).rejects.toThrow(/The folder .*nowhere does not exist/);
    await expect(h['predict.folderStart']({ runId: run, folder: 'clips' })).rejects.toThrow(/Give the folder's full path: "clips" is relative/);
    await expect(h['predict.folderStart']({ runId: run, folder: '   ' })).rejects.toThrow(/Name the folder to predict/);
    mkdirSync(join(dir, 'empty'));
    await expect(h['predict.folderStart']({ runId: run, folder: join(dir, 'empty') })).rejects.toThrow(/No video files in .*empty: it is empty/);
    expect(started).toEqual([]);
  });

  it('records the folder walked and the run, starts the job, and a job that ended without saying so is recorded', async () => {
    const folder = join(dir, 'clips');
    makeClip(join(folder, 'wave', 'a.mp4'));
    makeClip(join(folder, 'b.mp4'));
    writeFileSync(join(folder, 'notes.txt'), 'x');
    const r = await h['predict.folderStart']({ runId: runTaking(84), folder: `${folder}  ` });
    expect(started).toEqual([{ kind: 'predict-folder', params: { projectDir: store.dir, id: r.id } }]);
    const f = h['predict.folderGet']({ id: r.id }) as ReturnType<typeof getFolderPrediction>;
    expect(f).toMatchObject({ folder, runName: 'takes 84', state: 'running', total: 2, done: 0, classFolders: true, skipped: [{ path: 'notes.txt', reason: 'not a video file' }] });
    // Killed after a cancel: the job's end is the prediction's.
    recordFolderPredictionEnd({ projectDir: store.dir, id: r.id }, { state: 'cancelled', error: 'Cancelled' } as JobInfo);
    expect(getFolderPrediction(store.dir, r.id)).toMatchObject({ state: 'cancelled', error: 'Cancelled' });
    // The job's own record of its end stays.
    recordFolderPredictionEnd({ projectDir: store.dir, id: r.id }, { state: 'failed', error: 'killed' } as JobInfo);
    expect(getFolderPrediction(store.dir, r.id).state).toBe('cancelled');
    expect(h['predict.folderCsv']({ id: r.id })).toEqual({ fileName: 'clips-predictions.csv', text: expect.stringMatching(/^file,true_class,predicted,/) });
  });
});
