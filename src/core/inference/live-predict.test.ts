import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSequences } from '../dataset/synthetic-sequences';
import type { FrameRecord } from '../keypoints/frame-record';
import { train } from '../training/train';
import { loadClassifier } from '../models/model-files';
import { writeOnnx } from '../export/onnx-export';
import { LivePredictor } from './live-predict';
import { predictRecords } from './predict-video';

const tmp = () => mkdtempSync(join(tmpdir(), 'gstudio-live-'));
const small = { epochs: 2, hiddenSize: 8, numLayers: 1, batchSize: 16, lr: 5e-3, patience: 50, backend: 'wasm' as const };
let runDir: string;
let narrowRun: string;
const live = new LivePredictor();

// Frames as the Capture view sends them: a right hand moving, a left hand in some frames.
const frames = Array.from({ length: 10 }, (_, t) => ({
  hands: [
    { handedness: 'Right' as const, handednessScore: 0.9, score: 1, landmarks: Array.from({ length: 21 }, (_, k) => [0.5 + 0.01 * k + 0.02 * t, 0.4 + 0.005 * k, 0] as [number, number, number]) },
    ...(t % 3 === 0 ? [{ handedness: 'Left' as const, handednessScore: 0.8, score: 1, landmarks: Array.from({ length: 21 }, (_, k) => [0.2 + 0.01 * k, 0.6, 0] as [number, number, number]) }] : []),
  ],
}));

beforeAll(async () => {
  const dir = tmp();
  await writeSyntheticSequences({ path: join(dir, 'video.h5'), classes: 3, perClass: 12, seqLen: 8, features: 84, seed: 1 });
  await writeSyntheticSequences({ path: join(dir, 'narrow.h5'), classes: 2, perClass: 12, seqLen: 8, features: 6, seed: 1 });
  runDir = join(dir, 'run');
  narrowRun = join(dir, 'narrow');
  await train({ ...small, dataPath: join(dir, 'video.h5'), runDir });
  await train({ ...small, dataPath: join(dir, 'narrow.h5'), runDir: narrowRun });
}, 180_000);
afterAll(() => live.dispose());

describe('live prediction', () => {
  it('classifies the live window exactly as predicting on extracted keypoints does', async () => {
    const r = await live.predict(runDir, frames);
    const records: FrameRecord[] = frames.map((f, index) => ({ index, time: 0, persons: [], hands: f.hands }));
    const ref = await predictRecords(runDir, records);
    expect(r.seqLen).toBe(8);
    expect(r.label).toBe(ref.label);
    expect(r.confidence).toBeCloseTo(ref.confidence, 6);
    expect(r.top.map((t) => t.label)).toEqual(ref.top.map((t) => t.label));
    expect(r.framesWithHands).toBe(10);
    // The hands matter: swapping which side each hand is changes the input, so the answer moves.
    const swapped = frames.map((f) => ({ hands: f.hands.map((h) => ({ ...h, handedness: h.handedness === 'Right' ? ('Left' as const) : ('Right' as const) })) }));
    expect((await live.predict(runDir, swapped)).confidence).not.toBeCloseTo(r.confidence, 6);
  });

  it('refuses a model that does not take video keypoints, with the reason', async () => {
    await expect(live.predict(narrowRun, frames)).rejects.toThrow(/takes 6 features per frame/);
    // The previous model is not kept half-replaced: a good run works again.
    expect((await live.predict(runDir, frames)).seqLen).toBe(8);
  });

  it('keeps one ONNX session for an exported run across calls, and agrees with tfjs', async () => {
    const viaTfjs = await live.predict(runDir, frames);
    const { model, meta } = await loadClassifier(join(runDir, 'model'));
    writeOnnx(join(runDir, 'model', 'model.onnx'), model, meta);
    model.dispose();
    const before = live.sessionsLoaded;
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await live.predict(runDir, frames));
    expect(live.sessionsLoaded - before).toBe(1);
    for (const a of answers) {
      expect(a.label).toBe(viaTfjs.label);
      expect(a.confidence).toBeCloseTo(viaTfjs.confidence, 4);
    }
  });
});
