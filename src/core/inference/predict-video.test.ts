import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { writeSyntheticSequences } from '../dataset/synthetic-sequences';
import { train } from '../training/train';
import { makeClip } from '../../test-support/make-clips';
import { sharedData } from '../../test-support/shared-data';
import { predictVideo } from './predict-video';

let tmp: string;
let run84: string;
let run2: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-predict-'));
  // Models trained for a couple of epochs: the test is about the prediction path, not accuracy.
  const data84 = join(tmp, 'video-like.h5');
  await writeSyntheticSequences({ path: data84, classes: 3, perClass: 12, seqLen: 12, features: 84, seed: 5 });
  run84 = join(tmp, 'run84');
  await train({ dataPath: data84, runDir: run84, epochs: 2, hiddenSize: 16, numLayers: 1, batchSize: 8 });
  const data2 = join(tmp, 'trajectories.h5');
  await writeSyntheticSequences({ path: data2, classes: 2, perClass: 12, seqLen: 8, features: 2, seed: 6 });
  run2 = join(tmp, 'run2');
  await train({ dataPath: data2, runDir: run2, epochs: 1, hiddenSize: 8, numLayers: 1, batchSize: 8 });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('predicting a new video', () => {
  it('returns the class, its confidence and the top classes for the real test video, with annotated frames', async () => {
    const out = join(tmp, 'annotated');
    const p = await predictVideo(run84, sharedData('video', 'hand_test_640x360.mp4'), { annotateDir: out });
    expect(['class_0', 'class_1', 'class_2']).toContain(p.label);
    expect(p.top).toHaveLength(3);
    expect(p.top[0]).toEqual({ label: p.label, probability: p.confidence });
    expect(p.top.reduce((a, t) => a + t.probability, 0)).toBeCloseTo(1, 5);
    expect(p.top.map((t) => t.probability)).toEqual([...p.top.map((t) => t.probability)].sort((a, b) => b - a));
    expect(p.frames).toBe(202);
    expect(p.frames_with_hands).toBeGreaterThanOrEqual(198);
    // The model was trained on 12-frame sequences: the middle 12 frames are what it saw.
    expect(p.window).toEqual(Array.from({ length: 12 }, (_, i) => 95 + i));
    const files = readdirSync(out).sort();
    expect(files).toEqual(p.window.map((i) => `hand_test_640x360_${String(i).padStart(5, '0')}.png`));
    const png = PNG.sync.read(readFileSync(join(out, files[0])));
    expect([png.width, png.height]).toEqual([640, 360]);
    // The prediction is written in the top-left corner (a font comes with the test dependencies):
    // a dark caption box where the video is bright.
    expect(p.annotated?.captioned).toBe(true);
    const i = (8 * png.width + 8) * 4;
    expect(png.data[i]).toBeLessThan(90);
  });

  it('refuses a model whose input does not match video keypoints', async () => {
    await expect(predictVideo(run2, sharedData('video', 'hand_test_640x360.mp4'))).rejects.toThrow(/takes 2 features per frame.*cannot classify videos/);
  });

  it('says so when there are no hands, or the file is unreadable, instead of guessing', async () => {
    const bars = join(tmp, 'bars.mp4');
    makeClip(bars, { seconds: 1, source: 'smptebars' });
    await expect(predictVideo(run84, bars)).rejects.toThrow(/No hands were found in any of the 25 frames/);
    // Two frames padded to the model's twelve would be a guess: refused, as a folder's clip is.
    const short = join(tmp, 'short.mp4');
    makeClip(short, { seconds: 0.08 });
    await expect(predictVideo(run84, short)).rejects.toThrow(/short\.mp4 is too short: 2 frames, where the model looks at 12 and needs at least 3/);
    const text = join(tmp, 'notes.mp4');
    writeFileSync(text, 'not a video');
    await expect(predictVideo(run84, text)).rejects.toThrow(/Cannot read video/);
    await expect(predictVideo(join(tmp, 'nowhere'), bars)).rejects.toThrow(/holds no trained model/);
  });
});

