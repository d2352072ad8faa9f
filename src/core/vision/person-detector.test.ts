import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, openVideo, type RgbFrame } from '../video/decode';
import { repoRoot, sharedData } from '../../test-support/shared-data';
import { createHandPipeline, type HandPipeline } from './hand-pipeline';
import { decodeUltralytics, decodeYolox, PersonDetector, yoloxGrids } from './person-detector';

const opencv = JSON.parse(readFileSync(join(repoRoot, 'bench', 'reference', 'yolox_two_hands_opencv.json'), 'utf8'));

describe('YOLOX-nano person detector', () => {
  let det: PersonDetector;
  beforeAll(async () => {
    det = await PersonDetector.create(sharedData('models', 'yolox_nano.onnx'));
  });
  afterAll(() => det.dispose());

  it('finds the one person in two_hands_test.jpg', async () => {
    const img = await decodeImage(sharedData('images', 'two_hands_test.jpg'));
    const boxes = await det.detect(img);
    console.log('two_hands_test persons:', boxes.map((b) => `score ${b.score.toFixed(3)} objectness ${b.objectness.toFixed(3)} box ${[b.xMin, b.yMin, b.xMax, b.yMax].map((v) => v.toFixed(0)).join(',')}`));
    expect(boxes.length).toBe(1);
    expect(boxes[0].classId).toBe(0);
    // 0.81, as the data README says (objectness 0.96 × person 0.84; its earlier > 0.9 was wrong): YOLOX's
    // own preprocessing through OpenCV's DNN on the same file gives it (bench/yolox_opencv_reference.py). Match that.
    expect(Math.abs(boxes[0].score - opencv.score)).toBeLessThan(0.01);
    expect(Math.abs(boxes[0].objectness - opencv.objectness)).toBeLessThan(0.01);
    expect(boxes[0].xMax - boxes[0].xMin).toBeGreaterThan(img.width * 0.5);
  });

  it('finds the one person in each "no gesture" photo', async () => {
    // Measured 2026-12-02: scores 0.912, 0.794, 0.935 (each photo shows one person, looked at).
    for (const name of ['gesture_none_1.jpg', 'gesture_none_2.jpg', 'gesture_none_3.jpg']) {
      const img = await decodeImage(sharedData('images', name));
      const boxes = await det.detect(img);
      expect(boxes.map((b) => b.classId), name).toEqual([0]);
      expect(boxes[0].score, name).toBeGreaterThan(0.7);
      // Most of the picture's height: a person standing, not a part of the background.
      expect(boxes[0].yMax - boxes[0].yMin, name).toBeGreaterThan(img.height * 0.5);
    }
  });

  it('finds nobody in a blank frame', async () => {
    const img = { width: 320, height: 240, data: new Uint8Array(320 * 240 * 3).fill(90) };
    expect(await det.detect(img)).toEqual([]);
  });
});

describe('hand pipeline with person regions', () => {
  let pipe: HandPipeline;
  beforeAll(async () => {
    process.env.GSTUDIO_MODELS_DIR = sharedData('models');
    pipe = await createHandPipeline({ detector: 'yolox', tracking: false, allowDownload: false });
  });
  afterAll(() => pipe.dispose());

  it('runs hands inside the person box and maps them back to the frame', async () => {
    expect(pipe.detectorStatus.active).toBe(true);
    const img = await decodeImage(sharedData('images', 'two_hands_test.jpg'));
    const rec = await pipe.processFrame(img);
    expect(rec.persons.length).toBe(1);
    const [x1, y1, x2, y2] = rec.persons[0].box;
    expect(rec.hands.length).toBeGreaterThanOrEqual(1);
    console.log(`two_hands_test: ${rec.hands.length} hands (${rec.hands.map((h) => `${h.handedness} ${h.handednessScore.toFixed(3)}`).join(', ')})`);
    for (const h of rec.hands) {
      for (const [x, y] of h.landmarks) {
        expect(x).toBeGreaterThanOrEqual(x1 - 0.02);
        expect(x).toBeLessThanOrEqual(x2 + 0.02);
        expect(y).toBeGreaterThanOrEqual(y1 - 0.02);
        expect(y).toBeLessThanOrEqual(y2 + 0.02);
      }
    }
    expect(pipe.stats.personDetectionRuns).toBe(1);
    // The same front hand the whole-frame search finds (hand-pipeline.test.ts), a right hand, as
    // MediaPipe Tasks finds it in the person crop as a picture of its own (the notebook's way):
    // Right 0.896, wrist at (0.494, 0.742) of the frame; here 0.916 and within 0.006 of it.
    expect(rec.hands.map((h) => h.handedness)).toEqual(['Right']);
    expect(rec.hands[0].handednessScore).toBeGreaterThan(0.85);
    expect(Math.hypot(rec.hands[0].landmarks[0][0] - 0.494, rec.hands[0].landmarks[0][1] - 0.742)).toBeLessThan(0.015);
  });

  it('finds the hands of the "no gesture" photos inside the person box, with their handedness', async () => {
    // As MediaPipe Tasks finds them in each person crop taken as a picture (the notebook's way).
    // In none_2 the raised hand reaches out of the person box: Tasks finds no hand in the crop
    // (either model), and neither does the pipeline, whose palm search sees what Tasks sees.
    const expected: Record<string, string[]> = { 'gesture_none_1.jpg': ['Left'], 'gesture_none_2.jpg': [], 'gesture_none_3.jpg': ['Left', 'Right'] };
    for (const [name, hands] of Object.entries(expected)) {
      const rec = await pipe.processFrame(await decodeImage(sharedData('images', name)));
      expect(rec.persons.length, name).toBe(1);
      expect(rec.hands.map((h) => h.handedness).sort(), name).toEqual(hands);
      const [x1, y1, x2, y2] = rec.persons[0].box;
      for (const h of rec.hands) {
        const [x, y] = h.landmarks[0];
        // A raised hand may reach just past the person box (none_2: the wrist is 0.01-0.02 outside).
        expect(x >= x1 - 0.05 && x <= x2 + 0.05 && y >= y1 - 0.05 && y <= y2 + 0.05, `${name} wrist ${[x, y]} by the person ${rec.persons[0].box}`).toBe(true);
      }
    }
  });
});

describe('person detector in video', () => {
  it('runs on palm-search frames and every personInterval frames, without changing the hands', async () => {
    process.env.GSTUDIO_MODELS_DIR = sharedData('models');
    const frames: RgbFrame[] = [];
    for await (const f of (await openVideo(sharedData('video', 'hand_test_640x360.mp4'))).frames()) if (frames.push(f) >= 80) break;
    const run = async (personInterval: number) => {
      const pipe = await createHandPipeline({ model: 'lite', detector: 'yolox', personInterval, allowDownload: false });
      const records = [];
      for (const f of frames) records.push(await pipe.processFrame(f));
      const stats = { ...pipe.stats };
      await pipe.dispose();
      return { records, stats };
    };
    const every = await run(1);
    const sparse = await run(5);
    console.log(`person detector on ${sparse.stats.personDetectionRuns}/${frames.length} frames (palm search on ${sparse.stats.palmDetectionFrames})`);
    expect(every.stats.personDetectionRuns).toBe(frames.length);
    expect(sparse.stats.personDetectionRuns).toBeLessThanOrEqual(Math.ceil(frames.length / 5) + sparse.stats.palmDetectionFrames);
    expect(sparse.stats.personDetectionRuns).toBeGreaterThanOrEqual(Math.ceil(frames.length / 5));
    // Person regions only steer the palm search, which always gets fresh boxes: the hands are the same.
    expect(sparse.records.map((r) => r.hands)).toEqual(every.records.map((r) => r.hands));
    // A frame between detections shows the last boxes found.
    expect(every.records.some((r) => r.persons.length > 0)).toBe(true);
    for (let i = 1; i < frames.length; i++) {
      const boxes = sparse.records[i].persons;
      const fresh = every.records[i].persons;
      expect(boxes === sparse.records[i - 1].persons || JSON.stringify(boxes) === JSON.stringify(fresh)).toBe(true);
    }
  });
});

describe('a detector model that cannot be used', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gstudio-detector-'));
    // What a truncated download or a wrong file looks like: the start of the real model, then nothing.
    writeFileSync(join(dir, 'truncated.onnx'), readFileSync(sharedData('models', 'yolox_nano.onnx')).subarray(0, 100_000));
    writeFileSync(join(dir, 'empty.onnx'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a user's missing or broken file: says what is wrong, without advice to delete it", async () => {
    const missing = createHandPipeline({ detector: 'yolox', detectorPath: join(dir, 'nonexistent.onnx') });
    await expect(missing).rejects.toThrow(/nonexistent\.onnx does not exist: check the path/);
    await expect(createHandPipeline({ detector: 'yolox', detectorPath: join(dir, 'nonexistent.onnx') })).rejects.not.toThrow(/delete|download/i);
    await expect(createHandPipeline({ detector: 'yolox', detectorPath: join(dir, 'empty.onnx') })).rejects.toThrow(/empty\.onnx is empty \(0 bytes\)/);
    const broken = PersonDetector.create(join(dir, 'truncated.onnx'));
    await expect(broken).rejects.toThrow(/truncated\.onnx is not a valid ONNX model \(Protobuf parsing failed\)/);
    await expect(PersonDetector.create(join(dir, 'truncated.onnx'))).rejects.not.toThrow(/delete|download/i);
    await expect(PersonDetector.create(join(dir, 'nonexistent.onnx'))).rejects.toThrow(/does not exist/);
  });

  it('the cached default model, damaged: delete it and it is downloaded again', async () => {
    await expect(PersonDetector.create(join(dir, 'truncated.onnx'), { source: 'cache' })).rejects.toThrow(/cached person detector model .* is damaged .*delete it, and it is downloaded again/);
  });
});

describe('detector output decoding', () => {
  it('decodes a YOLOX grid cell', () => {
    const grids = yoloxGrids(416, 416, 3549);
    const row = 52 * 3 + 10; // stride 8, cell (x = 10, y = 3)
    const d = new Float32Array(3549 * 85);
    d.set([0.5, 0.25, Math.log(4), Math.log(8), 0.9, 0.8], row * 85);
    const [b] = decodeYolox(d, [1, 3549, 85], grids, { confThreshold: 0.5, classes: [0] });
    expect(b.score).toBeCloseTo(0.72, 5);
    expect((b.xMin + b.xMax) / 2).toBeCloseTo((10 + 0.5) * 8, 4);
    expect((b.yMin + b.yMax) / 2).toBeCloseTo((3 + 0.25) * 8, 4);
    expect(b.xMax - b.xMin).toBeCloseTo(32, 4);
    expect(b.yMax - b.yMin).toBeCloseTo(64, 4);
    // Another class only: filtered out.
    d[row * 85 + 5] = 0.1;
    d[row * 85 + 6] = 0.9;
    expect(decodeYolox(d, [1, 3549, 85], grids, { confThreshold: 0.5, classes: [0] })).toEqual([]);
  });

  it('decodes an Ultralytics column', () => {
    const n = 8400;
    const d = new Float32Array(84 * n);
    const i = 123;
    d[i] = 100; d[n + i] = 200; d[2 * n + i] = 50; d[3 * n + i] = 80; d[4 * n + i] = 0.7;
    const [b] = decodeUltralytics(d, [1, 84, n], { confThreshold: 0.5, classes: [0] });
    expect(b).toMatchObject({ xMin: 75, yMin: 160, xMax: 125, yMax: 240, score: expect.closeTo(0.7, 5), classId: 0 });
  });
});

describe('hand pipeline without the detector model', () => {
  it('says so and searches the whole frame', async () => {
    const saved = { xdg: process.env.XDG_CACHE_HOME, dir: process.env.GSTUDIO_MODELS_DIR };
    process.env.XDG_CACHE_HOME = '/nonexistent-gstudio-cache';
    delete process.env.GSTUDIO_MODELS_DIR;
    try {
      const pipe = await createHandPipeline({ detector: 'yolox', model: 'lite', tracking: false, allowDownload: false });
      expect(pipe.detectorStatus.active).toBe(false);
      expect(pipe.detectorStatus.warning).toMatch(/whole frame/);
      const rec = await pipe.processFrame(await decodeImage(sharedData('images', 'gesture_call_1.jpg')));
      expect(rec.persons).toEqual([]);
      expect(rec.hands.length).toBeGreaterThanOrEqual(1);
      await pipe.dispose();
    } finally {
      if (saved.xdg === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved.xdg;
      if (saved.dir !== undefined) process.env.GSTUDIO_MODELS_DIR = saved.dir;
    }
  });
});
