import { describe, expect, it } from 'vitest';
import { hardNms, weightedNms } from './nms';
import { palmAnchors } from './palm-detector';
import { landmarksToHandRect, palmToHandRect, projectFromRect, rectIou, rotationFromVector, type PixelRect } from './roi';
import { rectToAffine, warpAffine, type TensorLayout } from './warp';

const RAW: TensorLayout = { layout: 'hwc', order: 'rgb', scale: 1, border: 'replicate' };

function gradient(w: number, h: number) {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x * 3, y * 3, 100], (y * w + x) * 3);
  return { width: w, height: h, data };
}

describe('warpAffine', () => {
  it('copies pixels exactly for an unrotated rect the size of the output', () => {
    const img = gradient(40, 30);
    const out = new Float32Array(40 * 30 * 3);
    warpAffine(img, { x0: 0, y0: 0, x1: 40, y1: 30 }, rectToAffine({ cx: 20, cy: 15, width: 40, height: 30, rotation: 0 }, 40, 30), out, 40, 30, RAW);
    expect(Array.from(out)).toEqual(Array.from(img.data));
  });

  it('turns the picture with the rect and agrees with the landmark projection', () => {
    const img = gradient(64, 64);
    const rect: PixelRect = { cx: 32, cy: 32, width: 32, height: 32, rotation: Math.PI / 2 };
    const out = new Float32Array(32 * 32 * 3);
    warpAffine(img, { x0: 0, y0: 0, x1: 64, y1: 64 }, rectToAffine(rect, 32, 32), out, 32, 32, RAW);
    for (const [u, v] of [[0, 0], [31, 0], [5, 20], [16, 16]]) {
      const p = projectFromRect(rect, u / 32, v / 32);
      // Rotated 90° clockwise: the output's x axis runs down the source.
      expect(out[(v * 32 + u) * 3]).toBeCloseTo(p.x * 3, 3);
      expect(out[(v * 32 + u) * 3 + 1]).toBeCloseTo(p.y * 3, 3);
    }
    expect(projectFromRect(rect, 1, 0.5).y).toBeCloseTo(48, 5);
  });

  it('averages instead of aliasing when it shrinks', () => {
    // 1-pixel checkerboard shrunk 4×: the true average is mid-grey.
    const w = 128;
    const data = new Uint8Array(w * w * 3);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) data.fill((x + y) % 2 ? 255 : 0, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const img = { width: w, height: w, data };
    const out = new Float32Array(32 * 32 * 3);
    const m = rectToAffine({ cx: 64, cy: 64, width: 128, height: 128, rotation: 0 }, 32, 32);
    warpAffine(img, { x0: 0, y0: 0, x1: w, y1: w }, m, out, 32, 32, RAW);
    for (let i = 0; i < out.length; i += 97) expect(Math.abs(out[i] - 127.5)).toBeLessThan(40);
    warpAffine(img, { x0: 0, y0: 0, x1: w, y1: w }, m, out, 32, 32, RAW, 1); // point sampling, for contrast
    expect(Math.max(...Array.from(out).map((v) => Math.abs(v - 127.5)))).toBeGreaterThan(100);
  });

  it("samples once per pixel and rounds to 8-bit values in 'opencv' mode, as MediaPipe's OpenCV warp", () => {
    // Half a pixel right of the gradient's pixels: red is 3x + 1.5, rounded up to 3x + 2 (8-bit).
    const img = gradient(40, 30);
    const out = new Float32Array(20 * 10 * 3);
    const m = rectToAffine({ cx: 20.5, cy: 15, width: 20, height: 10, rotation: 0 }, 20, 10);
    warpAffine(img, { x0: 0, y0: 0, x1: 40, y1: 30 }, m, out, 20, 10, { ...RAW, sampling: 'opencv' });
    expect(out[0]).toBe(3 * 10 + 2);
    expect(out[3]).toBe(3 * 11 + 2);
    warpAffine(img, { x0: 0, y0: 0, x1: 40, y1: 30 }, m, out, 20, 10, RAW);
    expect(out[0]).toBe(3 * 10 + 1.5);
    // Shrunk 4×, a 1-pixel checkerboard stays black and white: one tap per pixel, no averaging.
    const w = 128;
    const data = new Uint8Array(w * w * 3);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) data.fill((x + y) % 2 ? 255 : 0, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const small = new Float32Array(32 * 32 * 3);
    warpAffine({ width: w, height: w, data }, { x0: 0, y0: 0, x1: w, y1: w }, rectToAffine({ cx: 64, cy: 64, width: 128, height: 128, rotation: 0 }, 32, 32), small, 32, 32, { ...RAW, sampling: 'opencv' });
    expect(small.every((v) => v === 0 || v === 255)).toBe(true);
  });

  it('fills outside the window with zero or a constant', () => {
    const img = gradient(10, 10);
    const out = new Float32Array(20 * 20 * 3);
    warpAffine(img, { x0: 0, y0: 0, x1: 10, y1: 10 }, rectToAffine({ cx: 5, cy: 5, width: 20, height: 20, rotation: 0 }, 20, 20), out, 20, 20, { ...RAW, border: 'zero' });
    expect(out[0]).toBe(0);
    warpAffine(img, { x0: 0, y0: 0, x1: 10, y1: 10 }, rectToAffine({ cx: 5, cy: 5, width: 20, height: 20, rotation: 0 }, 20, 20), out, 20, 20, { ...RAW, border: 'fill', fill: 114 });
    expect(out[0]).toBe(114);
    expect(out[(10 * 20 + 10) * 3 + 2]).toBe(100);
  });
});

describe('hand regions', () => {
  it('measures rotation so that wrist -> fingers points up', () => {
    expect(rotationFromVector({ x: 0, y: 10 }, { x: 0, y: 0 })).toBeCloseTo(0, 6);
    expect(rotationFromVector({ x: 0, y: 0 }, { x: 10, y: 0 })).toBeCloseTo(Math.PI / 2, 6);
    expect(rotationFromVector({ x: 10, y: 0 }, { x: 0, y: 0 })).toBeCloseTo(-Math.PI / 2, 6);
  });

  it('expands an upright palm into the hand region: shift half a box along it, ×2.6, square', () => {
    const r = palmToHandRect({ xMin: 100, yMin: 100, xMax: 140, yMax: 160 }, [
      { x: 120, y: 160 }, { x: 0, y: 0 }, { x: 120, y: 100 }, { x: 0, y: 0 },
    ]);
    // MediaPipe Tasks' target angle is 90 rad, not π/2: an upright palm is turned 90 - 28.5π (26.6°).
    const rot = 90 - 28.5 * Math.PI;
    expect(r.rotation).toBeCloseTo(rot, 6);
    expect(r.cx).toBeCloseTo(120 + 30 * Math.sin(rot), 6);
    expect(r.cy).toBeCloseTo(130 - 30 * Math.cos(rot), 6);
    expect(r.width).toBeCloseTo(60 * 2.6, 6);
    expect(r.height).toBeCloseTo(60 * 2.6, 6);
  });

  it('turns landmarks into the next frame region along the hand', () => {
    // A flat upright hand: wrist at the bottom, fingers up; then the same hand turned 90°.
    const up = [{ x: 100, y: 200 }];
    for (let j = 0; j < 4; j++) up.push({ x: 80 - 10 * j, y: 185 - 12 * j }); // thumb
    for (let f = 0; f < 4; f++) for (let j = 0; j < 4; j++) up.push({ x: 85 + 15 * f, y: 150 - 15 * j }); // fingers
    const r = landmarksToHandRect(up);
    expect(r.rotation).toBeCloseTo(0, 6);
    expect(r.cy).toBeLessThan(200 - 20); // centred on the hand, shifted towards the fingers
    expect(r.width).toBeCloseTo(r.height, 6);
    const turned = landmarksToHandRect(up.map((p) => ({ x: 300 - (p.y - 100), y: 100 + (p.x - 100) })));
    expect(turned.rotation).toBeCloseTo(r.rotation + Math.PI / 2, 5);
    expect(turned.width).toBeCloseTo(r.width, 5);
  });

  it('compares regions by axis-aligned overlap', () => {
    const a = { cx: 0, cy: 0, width: 2, height: 2, rotation: 0 };
    expect(rectIou(a, a)).toBeCloseTo(1);
    expect(rectIou(a, { ...a, cx: 1 })).toBeCloseTo(1 / 3);
    expect(rectIou(a, { ...a, cx: 5 })).toBe(0);
  });
});

describe('palm decoding pieces', () => {
  it('makes 2016 anchors laid out as MediaPipe does', () => {
    const a = palmAnchors();
    expect(a.length).toBe(2016 * 2);
    for (const v of [a[0], a[1], a[2], a[3]]) expect(v).toBeCloseTo(0.5 / 24, 6); // 2 per cell at stride 8
    expect(a[4]).toBeCloseTo(1.5 / 24, 6);
    expect(a[2 * 1152]).toBeCloseTo(0.5 / 12); // first stride-16 cell
    expect(a[2 * 1152 + 2 * 6]).toBeCloseTo(1.5 / 12); // 6 anchors per stride-16 cell
  });

  it('weighted NMS averages overlapping boxes by score and keeps the best score', () => {
    const out = weightedNms(
      [
        { xMin: 0, yMin: 0, xMax: 10, yMax: 10, score: 0.9, keypoints: [0, 0] },
        { xMin: 1, yMin: 0, xMax: 11, yMax: 10, score: 0.3, keypoints: [4, 4] },
        { xMin: 50, yMin: 50, xMax: 60, yMax: 60, score: 0.6, keypoints: [1, 1] },
      ],
      0.3,
    );
    expect(out.length).toBe(2);
    expect(out[0].score).toBe(0.9);
    expect(out[0].xMin).toBeCloseTo(0.25);
    expect(out[0].keypoints![0]).toBeCloseTo(1);
    expect(out[1].xMin).toBe(50);
    expect(hardNms(out.concat([{ ...out[0], score: 0.1 }]), 0.5).length).toBe(2);
  });
});
