import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { HandRecord } from '../keypoints/frame-record';
import { decodeImage } from '../video/decode';
import { sharedData } from '../../test-support/shared-data';
import { annotateFrame, DEFAULT_COLOURS, encodePng, writePng } from './annotate';
import { createHandPipeline } from './hand-pipeline';

const blank = (w: number, h: number) => ({ width: w, height: h, data: new Uint8Array(w * h * 3) });
const px = (img: { width: number; data: Uint8Array }, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

function straightHand(handedness: 'Left' | 'Right', x: number): HandRecord {
  // Landmarks stacked vertically so bone 0-1 runs from y = 0.1 to y = 0.14 at this x.
  return { handedness, handednessScore: 1, score: 1, landmarks: Array.from({ length: 21 }, (_, k) => [x, 0.1 + k * 0.04, 0] as [number, number, number]) };
}

describe('annotateFrame', () => {
  it('draws person boxes and left/right skeletons in different colours, leaving the input untouched', () => {
    const frame = blank(400, 300);
    const out = annotateFrame(frame, {
      persons: [{ box: [0.1, 0.1, 0.9, 0.9], score: 0.9 }],
      hands: [straightHand('Left', 0.25), straightHand('Right', 0.75)],
    });
    expect(frame.data.every((v) => v === 0)).toBe(true);
    expect(px(out, 200, 30)).toEqual(DEFAULT_COLOURS.person); // top edge of the box
    // Mid-bone between landmarks 1 and 2 (no joint disc there).
    const y = Math.round((0.14 + 0.02) * 300);
    expect(px(out, 100, y)).toEqual(DEFAULT_COLOURS.left);
    expect(px(out, 300, y)).toEqual(DEFAULT_COLOURS.right);
    expect(px(out, 200, 150)).toEqual([0, 0, 0]);
  });

  it('writes a PNG that reads back with the same pixels', () => {
    const img = blank(33, 17);
    img.data.set([10, 20, 30], (5 * 33 + 7) * 3);
    const back = PNG.sync.read(encodePng(img));
    expect([back.width, back.height]).toEqual([33, 17]);
    expect(Array.from(back.data.subarray((5 * 33 + 7) * 4, (5 * 33 + 7) * 4 + 3))).toEqual([10, 20, 30]);
  });

  it('annotates a real detection', async () => {
    const pipe = await createHandPipeline({ model: 'lite', tracking: false });
    const img = await decodeImage(sharedData('images', 'gesture_rock_1.jpg'));
    const rec = await pipe.processFrame(img);
    await pipe.dispose();
    const dir = mkdtempSync(join(tmpdir(), 'gstudio-annotate-'));
    const path = join(dir, 'frame.png');
    writePng(annotateFrame(img, rec), path);
    const back = PNG.sync.read(readFileSync(path));
    const c = rec.hands[0].handedness === 'Left' ? DEFAULT_COLOURS.left : DEFAULT_COLOURS.right;
    let coloured = 0;
    for (let i = 0; i < back.data.length; i += 4) if (back.data[i] === c[0] && back.data[i + 1] === c[1] && back.data[i + 2] === c[2]) coloured++;
    expect(coloured).toBeGreaterThan(200);
    rmSync(dir, { recursive: true, force: true });
  });
});
