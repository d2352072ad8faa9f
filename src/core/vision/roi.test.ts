import { describe, expect, it } from 'vitest';
import { landmarksToHandRect, normalizeRadians, palmToHandRect, projectFromRect, rectIou, rotationFromVector, transformRect, type Point } from './roi';

// Expected values worked out by hand (trigonometry of 0, π/6, π/2), not with the code under test.
const PI = Math.PI;
const close = <T extends object>(got: T, want: Partial<Record<keyof T, number>>) => {
  for (const k of Object.keys(want) as (keyof T)[]) expect(got[k] as number, String(k)).toBeCloseTo(want[k] as number, 6);
};

describe('angles', () => {
  it('normalises radians into [-π, π)', () => {
    expect(normalizeRadians(0)).toBe(0);
    expect(normalizeRadians(PI / 2)).toBeCloseTo(PI / 2, 12);
    expect(normalizeRadians(1.5 * PI)).toBeCloseTo(-PI / 2, 12);
    expect(normalizeRadians(-1.5 * PI)).toBeCloseTo(PI / 2, 12);
    expect(normalizeRadians(3.5 * PI)).toBeCloseTo(-PI / 2, 12);
    expect(normalizeRadians(PI)).toBeCloseTo(-PI, 12);
    expect(normalizeRadians(-PI)).toBeCloseTo(-PI, 12);
  });

  it('turns any wrist -> finger direction to point up, and honours another target angle', () => {
    expect(rotationFromVector({ x: 3, y: 4 }, { x: 13, y: -6 })).toBeCloseTo(PI / 4, 12); // up-right
    expect(rotationFromVector({ x: 3, y: 4 }, { x: -7, y: 14 })).toBeCloseTo(-0.75 * PI, 12); // down-left
    expect(rotationFromVector({ x: 0, y: 10 }, { x: 0, y: 0 }, 0)).toBeCloseTo(-PI / 2, 12);
  });
});

describe('transformRect', () => {
  const r = { cx: 100, cy: 50, width: 20, height: 40, rotation: 0 };
  const t = { scaleX: 2, scaleY: 3, shiftX: 0.5, shiftY: -0.25, squareLong: false };

  it('shifts by fractions of the size and scales each side', () => {
    expect(transformRect(r, t)).toEqual({ cx: 110, cy: 40, width: 40, height: 120, rotation: 0 });
    expect(transformRect(r, { ...t, squareLong: true })).toEqual({ cx: 110, cy: 40, width: 80, height: 120, rotation: 0 });
    expect(transformRect({ ...r, width: 50 }, { ...t, squareLong: true })).toMatchObject({ width: 100, height: 150 });
  });

  it('shifts along the rect’s own turned axes', () => {
    // Turned π/2: own x points down the screen, own y points left.
    close(transformRect({ ...r, rotation: PI / 2 }, t), { cx: 110, cy: 60, width: 40, height: 120, rotation: PI / 2 });
    // Turned π/6: (10, -10) in its axes is (10·cos + 10·sin, 10·sin - 10·cos) on screen.
    close(transformRect({ ...r, rotation: PI / 6 }, t), { cx: 113.660254, cy: 46.339746, width: 40, height: 120, rotation: PI / 6 });
  });
});

describe('palmToHandRect', () => {
  it('expands a palm towards its fingers, turned as MediaPipe Tasks turns it (target 90 rad)', () => {
    // Wrist (kp 0) left of the middle-finger MCP (kp 2): the vector's angle is 0, so the rotation
    // is 90 rad normalised, 90 - 28π = 2.035406 (π/2 + 0.464609, 26.6° past pointing right);
    // shifted half the 60 px side along the rect's turned y axis: (30·sin, -30·cos) of it.
    const kps: Point[] = [{ x: 100, y: 130 }, { x: 0, y: 0 }, { x: 140, y: 130 }];
    close(palmToHandRect({ xMin: 100, yMin: 100, xMax: 140, yMax: 160 }, kps), { cx: 146.819900, cy: 143.442208, width: 156, height: 156, rotation: 2.035406 });
  });
});

describe('landmarksToHandRect', () => {
  /** An upright hand: only the wrist and the MCP/PIP joints count; fingertips are far off on purpose. */
  function upright(): Point[] {
    const lm: Point[] = Array.from({ length: 21 }, () => ({ x: 1000, y: -1000 }));
    Object.assign(lm, {
      0: { x: 100, y: 200 }, 1: { x: 80, y: 190 }, 2: { x: 70, y: 170 }, 3: { x: 60, y: 160 },
      5: { x: 90, y: 150 }, 6: { x: 90, y: 120 }, 9: { x: 100, y: 150 }, 10: { x: 100, y: 110 },
      13: { x: 110, y: 150 }, 14: { x: 110, y: 120 }, 17: { x: 120, y: 150 }, 18: { x: 125, y: 130 },
    });
    return lm;
  }

  it('boxes the stable joints, squares on the long side ×2 and shifts a tenth towards the fingers', () => {
    // Joints span x 60..125, y 110..200: centre (92.5, 155), 65 × 90; square 90, ×2; up by 9.
    close(landmarksToHandRect(upright()), { cx: 92.5, cy: 146, width: 180, height: 180, rotation: 0 });
  });

  it('squares on the width when the hand is wider than tall', () => {
    // Thumb CMC out to x 0, little finger MCP to x 200: 200 × 90, square 200, ×2; still up by 9 (a tenth of 90).
    const wide = upright();
    wide[3] = { x: 0, y: 160 };
    wide[17] = { x: 200, y: 150 };
    close(landmarksToHandRect(wide), { cx: 100, cy: 146, width: 400, height: 400, rotation: 0 });
  });

  it('turns the region with the hand: the same hand turned π/6 about its wrist', () => {
    const c = Math.cos(PI / 6);
    const s = Math.sin(PI / 6);
    const turned = upright().map((p) => ({ x: 100 + (p.x - 100) * c - (p.y - 200) * s, y: 200 + (p.x - 100) * s + (p.y - 200) * c }));
    // The centre (92.5, 146) turned about the wrist (100, 200).
    close(landmarksToHandRect(turned), { cx: 120.504809, cy: 149.484628, width: 180, height: 180, rotation: PI / 6 });
  });
});

describe('projectFromRect', () => {
  const r = { cx: 100, cy: 50, width: 40, height: 20, rotation: 0 };
  it('maps the unit square onto the rect, turned with it', () => {
    close(projectFromRect(r, 0, 0), { x: 80, y: 40 });
    close(projectFromRect(r, 1, 1), { x: 120, y: 60 });
    close(projectFromRect(r, 0.5, 0.5), { x: 100, y: 50 });
    close(projectFromRect({ ...r, rotation: PI / 2 }, 1, 0.5), { x: 100, y: 70 });
    close(projectFromRect({ ...r, rotation: PI / 2 }, 0.5, 1), { x: 90, y: 50 });
    close(projectFromRect({ ...r, rotation: PI / 6 }, 1, 1), { x: 112.320508, y: 68.660254 });
  });
});

describe('rectIou', () => {
  const a = { cx: 0, cy: 0, width: 2, height: 2, rotation: 0 };
  it('is the axis-aligned overlap over the union, whatever the rotation', () => {
    // a: [-1, 1]²; b: [0, 2] × [-1.5, 2.5]: overlap 1 × 2, areas 4 and 8.
    const b = { cx: 1, cy: 0.5, width: 2, height: 4, rotation: 0 };
    expect(rectIou(a, b)).toBeCloseTo(2 / 10, 12);
    expect(rectIou(b, a)).toBeCloseTo(2 / 10, 12);
    expect(rectIou({ ...a, rotation: 1 }, b)).toBeCloseTo(2 / 10, 12);
    // a inside a 4 × 4 one: 4 / 16.
    expect(rectIou(a, { ...a, width: 4, height: 4 })).toBeCloseTo(0.25, 12);
  });

  it('is 0 for regions apart along either axis, or only touching', () => {
    expect(rectIou(a, { ...a, cy: 5 })).toBe(0);
    expect(rectIou(a, { ...a, cx: 5 })).toBe(0);
    expect(rectIou(a, { ...a, cx: 2 })).toBe(0);
    expect(rectIou(a, { ...a, cy: -2 })).toBe(0);
  });

  it('is 0, not NaN, for regions of no width or no height, even two on the same spot', () => {
    // Overlap 0 × 2 (or 2 × 0) over a union of no area: a number for the tracker to compare, 0.
    const line = { ...a, width: 0 };
    expect(rectIou(line, line)).toBe(0);
    expect(rectIou({ ...a, height: 0 }, { ...a, height: 0 })).toBe(0);
    expect(rectIou(line, a)).toBe(0);
  });
});
