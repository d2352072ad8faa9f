import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FolderClipResult, JobProgress } from '../../api';
import { folderClipPredictionId } from '../../api';
import { makeClip } from '../../test-support/make-clips';
import { sharedData } from '../../test-support/shared-data';
import { workerScript } from '../../workers/worker-script';
import { writeSyntheticSequences } from '../dataset/synthetic-sequences';
import type { JobContext } from '../jobs';
import { ProjectStore } from '../project';
import { train } from '../training/train';
import { ffmpegPath } from '../video/binaries';
import { scanPredictFolder } from './folder-clips';
import { createFolderPrediction, folderClipMedia, getFolderClipPrediction, getFolderPrediction, listFolderPredictions, markInterruptedFolderPredictions } from './folder-prediction-store';
import { predictFolder } from './predict-folder';
import { predictVideo } from './predict-video';
import { predictFolderInProject } from './project-folder-predictions';

const clipWorker = workerScript('clip-worker');
let tmp: string;
let run84: string;
let run2: string;
let folder: string;

function ctx(signal = new AbortController().signal, log: JobProgress[] = []): JobContext {
  return { signal, progress: (p) => log.push(p), log: () => undefined };
}

/** One second of the real hand video from `at` s: a clip with hands. */
function handClip(path: string, at: number): void {
  mkdirSync(join(path, '..'), { recursive: true });
  execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-ss', String(at), '-i', sharedData('video', 'hand_test_640x360.mp4'), '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path]);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-predict-folder-'));
  // Models trained for a couple of epochs (as in predict-video.test): the test is about the folder, not accuracy.
  const data84 = join(tmp, 'video-like.h5');
  await writeSyntheticSequences({ path: data84, classes: 3, perClass: 12, seqLen: 12, features: 84, seed: 5 });
  run84 = join(tmp, 'run84');
  await train({ dataPath: data84, runDir: run84, epochs: 2, hiddenSize: 16, numLayers: 1, batchSize: 8 });
  const data2 = join(tmp, 'trajectories.h5');
  await writeSyntheticSequences({ path: data2, classes: 2, perClass: 12, seqLen: 8, features: 2, seed: 6 });
  run2 = join(tmp, 'run2');
  await train({ dataPath: data2, runDir: run2, epochs: 1, hiddenSize: 8, numLayers: 1, batchSize: 8 });

  // A folder as researchers have them: class folders named as the model's classes, a nested one, a
  // loose clip, a folder that is no class, a clip without hands, one too short, a corrupt one, a
  // text file and a link loop.
  folder = join(tmp, 'new clips');
  handClip(join(folder, 'class_0', 'take 1, "best".mp4'), 0);
  handClip(join(folder, 'class_1', 'session 2', 'b.mp4'), 5);
  handClip(join(folder, 'loose.mp4'), 2);
  handClip(join(folder, 'other', 'c.mp4'), 6);
  makeClip(join(folder, 'class_2', 'bars.mp4'), { seconds: 1, source: 'smptebars' });
  makeClip(join(folder, 'class_2', 'short.mp4'), { seconds: 0.08 });
  writeFileSync(join(folder, 'class_0', 'broken.mp4'), Buffer.concat([Buffer.from('000000206674797069736f6d', 'hex'), Buffer.alloc(2000, 7)]));
  writeFileSync(join(folder, 'class_1', 'notes.txt'), 'recorded on Monday');
  symlinkSync('..', join(folder, 'class_1', 'loop'));
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('predicting a whole folder', () => {
  let results: FolderClipResult[];

  it('walks the folder as import does: every video at any depth, the rest skipped with why, true classes from class folders', async () => {
    const scan = await scanPredictFolder(folder, ['class_0', 'class_1', 'class_2']);
    expect(scan.clips.map((c) => [c.relPath, c.trueClass])).toEqual([
      ['class_0/broken.mp4', 'class_0'],
      ['class_0/take 1, "best".mp4', 'class_0'],
      ['class_1/session 2/b.mp4', 'class_1'],
      ['class_2/bars.mp4', 'class_2'],
      ['class_2/short.mp4', 'class_2'],
      ['loose.mp4', null],
      ['other/c.mp4', null],
    ]);
    expect(scan.clips.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(scan.skipped).toEqual([
      { path: 'class_1/loop', reason: 'symbolic link loop: it leads back to a folder that contains it' },
      { path: 'class_1/notes.txt', reason: 'not a video file' },
    ]);
  });

  it('refuses a folder that does not exist, a file, an empty folder and one without videos, with why', async () => {
    await expect(scanPredictFolder(join(tmp, 'nowhere'), [])).rejects.toThrow(/The folder .*nowhere does not exist/);
    await expect(scanPredictFolder(join(folder, 'loose.mp4'), [])).rejects.toThrow(/is a file, not a folder/);
    mkdirSync(join(tmp, 'empty'));
    await expect(scanPredictFolder(join(tmp, 'empty'), [])).rejects.toThrow(/No video files in .*empty: it is empty/);
    mkdirSync(join(tmp, 'texts'));
    writeFileSync(join(tmp, 'texts', 'a.txt'), 'a');
    await expect(scanPredictFolder(join(tmp, 'texts'), [])).rejects.toThrow(/No video files in .*texts \(1 other entry, such as a.txt: not a video file\)/);
  });

  it('predicts each clip with the extraction pool, records each failed clip with its reason, and goes on', { timeout: 300_000 }, async () => {
    const scan = await scanPredictFolder(folder, ['class_0', 'class_1', 'class_2']);
    const progress: JobProgress[] = [];
    const seen: FolderClipResult[] = [];
    const run = await predictFolder(run84, scan, ctx(undefined, progress), { workerScript: clipWorker, workers: 2, onClip: (r) => seen.push(r) });
    results = run.results;
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(seen.map((r) => r.index).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const by = Object.fromEntries(results.map((r) => [r.file, r]));
    expect(by['class_0/broken.mp4']).toMatchObject({ status: 'unreadable', predicted: null, reason: expect.stringMatching(/invalid data|moov|cannot read/i) });
    expect(by['class_2/bars.mp4']).toMatchObject({ status: 'no_hands', frames: 25, framesWithHands: 0, reason: 'no hands were found in any of its 25 frames' });
    expect(by['class_2/short.mp4']).toMatchObject({ status: 'too_short', frames: 2, reason: 'too short: 2 frames, where the model looks at 12 and needs at least 3' });
    for (const f of ['class_0/take 1, "best".mp4', 'class_1/session 2/b.mp4', 'loose.mp4', 'other/c.mp4']) {
      expect(by[f]).toMatchObject({ status: 'ok', reason: null });
      expect(['class_0', 'class_1', 'class_2']).toContain(by[f].predicted);
      expect(by[f].top).toHaveLength(3);
      expect(by[f].top[0]).toEqual({ label: by[f].predicted, probability: by[f].confidence });
      expect(by[f].framesWithHands).toBeGreaterThan(20);
    }
    // The summary counts only predicted clips with a known class; failures by reason, never as wrong answers.
    const known = results.filter((r) => r.status === 'ok' && r.trueClass);
    expect(known).toHaveLength(2);
    expect(run.summary).toMatchObject({ clips: 7, predicted: 4, failed: 3, failures: { unreadable: 1, no_hands: 1, too_short: 1 }, withTrueClass: 2, top3Accuracy: 1, top5Accuracy: 1 });
    expect(run.summary.correct).toBe(known.filter((r) => r.predicted === r.trueClass).length);
    expect(run.summary.accuracy).toBe(run.summary.correct / 2);
    expect(run.summary.confusion.flat().reduce((a, b) => a + b, 0)).toBe(2);
    // Progress: clips done of the total, the rate of the frames, and where it ended.
    expect(progress.at(-1)).toMatchObject({ done: 7, total: 7, failed: 3, message: 'Done' });
    expect(progress.some((p) => p.workUnit === 'frames' && (p.workRate ?? 0) > 0)).toBe(true);
  });

  it('gives each clip the answer a single prediction of that video gives', { timeout: 120_000 }, async () => {
    const single = await predictVideo(run84, join(folder, 'class_1', 'session 2', 'b.mp4'));
    const mine = results.find((r) => r.file === 'class_1/session 2/b.mp4')!;
    expect(mine.predicted).toBe(single.label);
    expect(mine.confidence).toBeCloseTo(single.confidence, 5);
    expect([mine.frames, mine.framesWithHands]).toEqual([single.frames, single.frames_with_hands]);
  });

  it('refuses a run whose model takes other input than video keypoints, before any clip', async () => {
    const scan = await scanPredictFolder(folder, []);
    await expect(predictFolder(run2, scan, ctx(), { workerScript: clipWorker })).rejects.toThrow(/takes 2 features per frame.*cannot classify videos/);
  });

  it('stops when cancelled, after handing over the clips that finished', { timeout: 300_000 }, async () => {
    const scan = await scanPredictFolder(folder, []);
    const abort = new AbortController();
    const seen: FolderClipResult[] = [];
    const err = await predictFolder(run84, scan, ctx(abort.signal), {
      workerScript: clipWorker,
      workers: 1,
      onClip: (r) => {
        seen.push(r);
        abort.abort();
      },
    }).catch((e: Error) => e);
    expect((err as Error).message).toBe('Cancelled');
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.length).toBeLessThan(7);
  });
});

describe('a folder prediction in the project', () => {
  let projectDir: string;
  let small: string;

  beforeAll(() => {
    projectDir = join(tmp, 'project');
    const store = ProjectStore.create(projectDir, 'folders');
    const runId = store.createRun('run 1', 'lstm', {}, run84);
    store.setRunStatus(runId, 'done');
    store.close();
    small = join(tmp, 'small');
    handClip(join(small, 'class_2', 'a.mp4'), 3);
    makeClip(join(small, 'class_2', 'bars.mp4'), { seconds: 1, source: 'smptebars' });
    // A link out of the folder to a file that is no video: listed, never read as one, never served.
    writeFileSync(join(tmp, 'secret.txt'), 'not for the browser');
    symlinkSync(join(tmp, 'secret.txt'), join(small, 'class_2', 'secret.mp4'));
  });

  it('records each clip as it finishes, keeps the results, and opens a clip as a single prediction with its video', { timeout: 300_000 }, async () => {
    const scan = await scanPredictFolder(small, ['class_0', 'class_1', 'class_2']);
    const id = createFolderPrediction(projectDir, scan, { id: 1, name: 'run 1', runDir: run84 }, ['class_0', 'class_1', 'class_2']);
    expect(id).not.toContain('--');
    expect(listFolderPredictions(projectDir)).toMatchObject([{ id, state: 'running', total: 3, done: 0 }]);
    const info = await predictFolderInProject({ projectDir, id }, ctx(), clipWorker);
    expect(info).toMatchObject({ id, state: 'done', total: 3, done: 3, failed: 2, classFolders: true });
    const stored = getFolderPrediction(projectDir, id);
    expect(stored.clips.map((c) => [c.file, c.status])).toEqual([['class_2/a.mp4', 'ok'], ['class_2/bars.mp4', 'no_hands'], ['class_2/secret.mp4', 'unreadable']]);
    expect(stored.summary.withTrueClass).toBe(1);

    const clipId = folderClipPredictionId(id, 0);
    const detail = getFolderClipPrediction(projectDir, clipId);
    expect(detail).toMatchObject({ id: clipId, video: 'class_2/a.mp4', label: stored.clips[0].predicted, runName: 'run 1' });
    expect(detail.records).toHaveLength(stored.clips[0].frames!);
    expect(detail.window).toHaveLength(12);
    expect(folderClipMedia(projectDir, clipId)).toMatchObject({ path: join(small, 'class_2', 'a.mp4'), contentType: 'video/mp4' });
    // No prediction to open for a clip that failed; a file changed since is not served.
    expect(() => getFolderClipPrediction(projectDir, folderClipPredictionId(id, 1))).toThrow(/no hands/);
    expect(() => folderClipMedia(projectDir, folderClipPredictionId(id, 7))).toThrow(/not found/);
    expect(() => folderClipMedia(projectDir, folderClipPredictionId(id, 2))).toThrow(/secret\.mp4 was not read as a video/);
    appendFileSync(join(small, 'class_2', 'a.mp4'), 'more');
    expect(() => folderClipMedia(projectDir, clipId)).toThrow(/changed since it was predicted/);
  });

  it('says a prediction a stopped studio left running was interrupted, keeping its clips', () => {
    const scan = { root: small, clips: [{ index: 0, relPath: 'class_2/a.mp4', sizeBytes: 1, trueClass: 'class_2' }], skipped: [] };
    const id = createFolderPrediction(projectDir, scan, { id: 1, name: 'run 1', runDir: run84 }, ['class_2']);
    expect(markInterruptedFolderPredictions(projectDir)).toBe(1);
    expect(getFolderPrediction(projectDir, id)).toMatchObject({ state: 'interrupted', error: expect.stringMatching(/stopped/) });
  });
});
