import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSequences } from '../dataset/synthetic-sequences';
import { ProjectStore } from '../project';
import { train } from '../training/train';
import { makeClip } from '../../test-support/make-clips';
import { newPrediction, predictInProject } from './project-predictions';

let tmp: string;
let projectDir: string;
let runId: number;
let bars: string;
const ctx = { signal: new AbortController().signal, progress: () => undefined, log: () => undefined };

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-project-predict-'));
  const data = join(tmp, 'video-like.h5');
  await writeSyntheticSequences({ path: data, classes: 2, perClass: 8, seqLen: 8, features: 84, seed: 3 });
  const runDir = join(tmp, 'run');
  await train({ dataPath: data, runDir, epochs: 1, hiddenSize: 8, numLayers: 1, batchSize: 8 });
  projectDir = join(tmp, 'project');
  const store = ProjectStore.create(projectDir, 'predict');
  runId = store.createRun('run 1', 'lstm', {}, runDir);
  store.setRunStatus(runId, 'done');
  store.close();
  bars = join(tmp, 'colour bars.mp4');
  makeClip(bars, { seconds: 1, source: 'smptebars' });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a prediction in the studio that finds no hands', () => {
  it('names the file the user uploaded, not the studio\'s copy of it', async () => {
    const { id, videoPath } = newPrediction(projectDir, 'my sign.mp4');
    copyFileSync(bars, videoPath);
    const err = await predictInProject({ projectDir, runId, predictionId: id }, ctx).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^No hands were found in any of the 25 frames of my sign\.mp4: there is nothing to classify$/);
  });

  it('names the path the user gave when the studio copied the file in', async () => {
    const { id } = newPrediction(projectDir, bars);
    const err = await predictInProject({ projectDir, runId, predictionId: id, source: bars }, ctx).catch((e: Error) => e);
    expect((err as Error).message).toBe(`No hands were found in any of the 25 frames of ${bars}: there is nothing to classify`);
    expect((err as Error).message).not.toMatch(/predictions/);
  });
});
