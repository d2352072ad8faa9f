import { describe, expect, it } from 'vitest';
import { augmentSequence, validLength, type AugmentationOptions } from './augmentation';
import { SeededRandom } from './seeded-random';

// The draws are replayed with a second generator of the same seed, in the order the options name
// them (speed, a drop per frame, mirror, angle, scale, dx, dy); what is done with them (rotation and
// scale about the centre of the points, shift, nearest-frame resampling) is worked out here.
const NONE: AugmentationOptions = { rotationDeg: 0, scale: 0, shift: 0, timeStretch: 0, frameDrop: 0, mirror: 0, slotSize: 2 };
const F = 4; // two slots of one (x, y) point each

describe('augmentSequence: space', () => {
  it('rotates and scales about the centre of the points, then shifts, by the drawn amounts', () => {
    const seq = new Float32Array([0.2, 0.3, 0.6, 0.3, 0.4, 0.7, 0, 0]); // frame 1 slot 1 missing
    const o = { ...NONE, rotationDeg: 20, scale: 0.2, shift: 0.1 };
    augmentSequence(seq, 2, F, new SeededRandom(12), o);
    const twin = new SeededRandom(12);
    const a = (twin.uniform(-20, 20) * Math.PI) / 180;
    const s = twin.uniform(0.8, 1.2);
    const dx = twin.uniform(-0.1, 0.1);
    const dy = twin.uniform(-0.1, 0.1);
    const [cx, cy] = [0.4, (0.3 + 0.3 + 0.7) / 3];
    const expected = [[0.2, 0.3], [0.6, 0.3], [0.4, 0.7]].flatMap(([x, y]) => [
      cx + s * (Math.cos(a) * (x - cx) - Math.sin(a) * (y - cy)) + dx,
      cy + s * (Math.sin(a) * (x - cx) + Math.cos(a) * (y - cy)) + dy,
    ]);
    expect(Math.abs(a)).toBeGreaterThan(0.1); // the seed really turns and scales it
    expect(Math.abs(s - 1)).toBeGreaterThan(0.1);
    Array.from(seq.subarray(0, 6)).forEach((v, i) => expect(v, `value ${i}`).toBeCloseTo(expected[i], 6));
    expect(Array.from(seq.subarray(6))).toEqual([0, 0]);
  });

  it('changes nothing with every amount at zero, points on the frame edge (x or y 0) included', () => {
    const seq = new Float32Array([0.25, 0.5, 0.75, 0, 0, 0.5, 0, 0]);
    augmentSequence(seq, 2, F, new SeededRandom(3), NONE);
    expect(Array.from(seq)).toEqual([0.25, 0.5, 0.75, 0, 0, 0.5, 0, 0]);
  });

  it('mirrors x about the centre and swaps the slots, and a point moved onto (0, 0) is not taken for a missing one', () => {
    // Centre (0.2, 0.1): (0.4, 0) mirrors to (0, 0) exactly and is kept as (1e-6, 0).
    const seq = new Float32Array([0.4, 0, 0, 0.2]);
    augmentSequence(seq, 1, F, new SeededRandom(2), { ...NONE, mirror: 1 });
    expect(Array.from(seq)).toEqual([0.4, 0.2, Math.fround(1e-6), 0].map(Math.fround));
    // Slots of another size than half the frame are not swapped.
    const odd = new Float32Array([0.4, 0, 0, 0.2]);
    augmentSequence(odd, 1, F, new SeededRandom(2), { ...NONE, mirror: 1, slotSize: 1 });
    expect(Array.from(odd)).toEqual([Math.fround(1e-6), 0, 0.4, 0.2].map(Math.fround));
  });

  it('mirrors with the given probability, drawn before the angle', () => {
    const o = { ...NONE, mirror: 0.5, rotationDeg: 10 };
    let mirrored = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const seq = new Float32Array([0.2, 0.5, 0, 0, 0.6, 0.5, 0, 0]);
      augmentSequence(seq, 2, F, new SeededRandom(seed), o);
      const twin = new SeededRandom(seed);
      const flip = twin.next() < 0.5;
      const a = (twin.uniform(-10, 10) * Math.PI) / 180;
      // Centre (0.4, 0.5); the first point is at -0.2 from it (+0.2 when mirrored), in slot 1 when mirrored.
      const x = flip ? 0.2 : -0.2;
      const at = flip ? 2 : 0;
      expect(seq[at], `seed ${seed}`).toBeCloseTo(0.4 + Math.cos(a) * x, 6);
      expect(seq[at + 1], `seed ${seed}`).toBeCloseTo(0.5 + Math.sin(a) * x, 6);
      if (flip) mirrored++;
    }
    expect(mirrored).toBeGreaterThan(10);
    expect(mirrored).toBeLessThan(30);
  });

  it('leaves a sequence of odd width or with no points untouched', () => {
    const odd = new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    augmentSequence(odd, 2, 3, new SeededRandom(1), { ...NONE, rotationDeg: 30, shift: 0.2 });
    expect(Array.from(odd)).toEqual(Array.from(new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])));
    const empty = new Float32Array(8);
    augmentSequence(empty, 2, F, new SeededRandom(1), { ...NONE, rotationDeg: 30, shift: 0.2, timeStretch: 0.3 });
    expect(Array.from(empty)).toEqual(new Array(8).fill(0));
  });
});

/** The shift (dx, dy) drawn after `before` draws of time and the two of angle and scale. */
function shiftAfter(seed: number, before: number, shift: number): [number, number] {
  const twin = new SeededRandom(seed);
  for (let i = 0; i < before + 2; i++) twin.next();
  return [twin.uniform(-shift, shift), twin.uniform(-shift, shift)];
}

describe('augmentSequence: what time changes draw', () => {
  it('a one-frame clip draws no speed and no drop, only the space amounts', () => {
    const seq = new Float32Array([0.3, 0.4, 0.5, 0.6, 0, 0, 0, 0]);
    augmentSequence(seq, 2, F, new SeededRandom(21), { ...NONE, timeStretch: 0.5, frameDrop: 0.5, shift: 0.1 });
    const [dx, dy] = shiftAfter(21, 0, 0.1);
    [0.3 + dx, 0.4 + dy, 0.5 + dx, 0.6 + dy].forEach((v, i) => expect(seq[i], `value ${i}`).toBeCloseTo(v, 6));
    expect(Array.from(seq.subarray(4))).toEqual([0, 0, 0, 0]);
  });

  it('a time stretch alone draws the speed and no drops', () => {
    const seq = new Float32Array([0.3, 0.4, 0.3, 0.4, 0.3, 0.4, 0.3, 0.4, 0, 0, 0, 0]);
    augmentSequence(seq, 3, F, new SeededRandom(22), { ...NONE, timeStretch: 0.2, shift: 0.1 });
    const [dx, dy] = shiftAfter(22, 1, 0.1);
    expect(seq[0]).toBeCloseTo(0.3 + dx, 6);
    expect(seq[1]).toBeCloseTo(0.4 + dy, 6);
  });
});

describe('augmentSequence: time', () => {
  /** Frame t holds the point (t / 10 + 0.1, 0.5) in both slots; frames from n on are padding. */
  const clip = (n: number, len: number) => {
    const s = new Float32Array(len * F);
    for (let t = 0; t < n; t++) s.set([t / 10 + 0.1, 0.5, t / 10 + 0.1, 0.5], t * F);
    return s;
  };
  const frameOf = (seq: Float32Array, t: number) => (seq[t * F] === 0 ? -1 : Math.round((seq[t * F] - 0.1) * 10));

  it('counts the frames before the zero padding, a zero frame inside the clip included', () => {
    const s = clip(5, 8);
    expect(validLength(s, 8, F)).toBe(5);
    s.fill(0, 2 * F, 3 * F);
    expect(validLength(s, 8, F)).toBe(5);
    expect(validLength(new Float32Array(8 * F), 8, F)).toBe(0);
    expect(validLength(clip(8, 8), 8, F)).toBe(8);
  });

  it('resamples the clip to n / speed frames, nearest frame, padding the rest', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const seq = clip(10, 16);
      augmentSequence(seq, 16, F, new SeededRandom(seed), { ...NONE, timeStretch: 0.4 });
      const speed = new SeededRandom(seed).uniform(0.6, 1.4);
      const len = Math.round(10 / speed);
      const want = Array.from({ length: 16 }, (_, t) => (t < len ? Math.round((t * 9) / (len - 1)) : -1));
      expect(Array.from({ length: 16 }, (_, t) => frameOf(seq, t)), `seed ${seed}, speed ${speed}`).toEqual(want);
    }
  });

  it('cuts a stretched clip at the sequence length', () => {
    // 10 valid frames in a sequence of 10: a slower speed cannot make it longer than 10.
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const seq = clip(10, 10);
      augmentSequence(seq, 10, F, new SeededRandom(seed), { ...NONE, timeStretch: 0.4 });
      const speed = new SeededRandom(seed).uniform(0.6, 1.4);
      const len = Math.min(10, Math.round(10 / speed));
      const frames = Array.from({ length: 10 }, (_, t) => frameOf(seq, t));
      expect(frames.filter((v) => v >= 0).length, `seed ${seed}`).toBe(len);
      expect(frames[0]).toBe(0);
      expect(frames[len - 1]).toBe(9);
    }
  });

  it('drops each frame with the given probability, moving the rest up, and never below 3 frames', () => {
    const seq = clip(12, 12);
    augmentSequence(seq, 12, F, new SeededRandom(8), { ...NONE, frameDrop: 0.5 });
    const twin = new SeededRandom(8);
    const kept = Array.from({ length: 12 }, (_, t) => t).filter(() => !(twin.next() < 0.5));
    expect(kept.length).toBeLessThan(12);
    expect(Array.from({ length: 12 }, (_, t) => frameOf(seq, t))).toEqual([...kept, ...new Array(12 - kept.length).fill(-1)]);
    // Two frames are never dropped from.
    const two = clip(2, 4);
    augmentSequence(two, 4, F, new SeededRandom(8), { ...NONE, frameDrop: 0.99 });
    expect([0, 1, 2, 3].map((t) => frameOf(two, t))).toEqual([0, 1, -1, -1]);
    // One frame is left as it is.
    const one = clip(1, 3);
    augmentSequence(one, 3, F, new SeededRandom(8), { ...NONE, frameDrop: 0.99, timeStretch: 0.5 });
    expect([0, 1, 2].map((t) => frameOf(one, t))).toEqual([0, -1, -1]);
  });
});
