import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnreadableVideoError } from '../errors';
import { ffmpegPath } from '../video/binaries';
import { createHandPipeline, type HandPipeline } from '../vision/hand-pipeline';
import { sharedData } from '../../test-support/shared-data';
import { extractClip } from './extract-clip';
import { frameFeatures } from './frame-features';
import { shapeSequence } from './sequence';

let dir: string;
let pipe: HandPipeline;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gstudio-extract-'));
  const ff = (...a: string[]) => execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', ...a]);
  ff('-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '0.4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(dir, 'no hands.mp4'));
  // A one-frame clip of a real hand, in a folder whose name has spaces and non-ASCII letters.
  ff('-i', sharedData('images', 'gesture_call_1.jpg'), '-frames:v', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-vf', 'scale=512:384', join(dir, 'un clip ñ 手.mp4'));
  writeFileSync(join(dir, 'broken.mp4'), 'not a video');
  pipe = await createHandPipeline({ model: 'lite' });
});

afterAll(async () => {
  await pipe.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('extractClip', () => {
  it('extracts every frame of the test video with progress and counters', async () => {
    const seen: number[] = [];
    const res = await extractClip(sharedData('video', 'hand_test_640x360.mp4'), { pipeline: pipe }, (rec, p) => {
      seen.push(p.done);
      expect(rec.index).toBe(p.done - 1);
    });
    expect(res).toMatchObject({ width: 640, height: 360, rotation: 0, isImage: false });
    expect(res.frames.length).toBe(202);
    expect(seen.length).toBe(202);
    expect(res.stats.framesWithHands).toBeGreaterThanOrEqual(198);
    expect(res.stats.palmDetectionFrames).toBeLessThan(202 * 0.2);
    expect(res.frames[1].time).toBeCloseTo(0.04, 3);
    const seq = shapeSequence(res.frames.map((f) => frameFeatures(f)), 30);
    expect(seq.length).toBe(30 * 84);
    // The hand is the person's right: slot 1 filled, slot 0 empty in the middle window.
    expect(seq[42]).toBeGreaterThan(0);
    expect(seq[0]).toBe(0);
  });

  it('gives all-zero features for a clip without hands', async () => {
    const res = await extractClip(join(dir, 'no hands.mp4'), { pipeline: pipe });
    expect(res.frames.length).toBe(10);
    expect(res.stats.framesWithHands).toBe(0);
    const seq = shapeSequence(res.frames.map((f) => frameFeatures(f)), 30);
    expect(seq.every((v) => v === 0)).toBe(true);
  });

  it('reads a one-frame clip from a path with spaces and non-ASCII letters', async () => {
    const res = await extractClip(join(dir, 'un clip ñ 手.mp4'), { pipeline: pipe });
    expect(res.frames.length).toBe(1);
    expect(res.frames[0].hands.length).toBeGreaterThanOrEqual(1);
  });

  it('reports an unreadable clip with a typed error', async () => {
    await expect(extractClip(join(dir, 'broken.mp4'), { pipeline: pipe })).rejects.toBeInstanceOf(UnreadableVideoError);
  });

  it('stops on cancel', async () => {
    const ac = new AbortController();
    let n = 0;
    const run = extractClip(sharedData('video', 'hand_test_640x360.mp4'), { pipeline: pipe, signal: ac.signal }, () => {
      if (++n === 5) ac.abort();
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(n).toBeLessThan(20);
  });
});
