import { describe, expect, it } from 'vitest';
import { INPUT_SIZE, type Handedness, type HandRecord } from './frame-record';
import { assignHandSlots, frameFeatures } from './frame-features';

function hand(handedness: Handedness, base: number): HandRecord {
  return {
    handedness,
    handednessScore: 0.9,
    score: 0.99,
    landmarks: Array.from({ length: 21 }, (_, k) => [base + k / 100, base + 0.5 + k / 100, -k] as [number, number, number]),
  };
}

describe('frameFeatures', () => {
  it('puts the left hand in slot 0 and the right in slot 1, x and y in landmark order', () => {
    const f = frameFeatures({ hands: [hand('Right', 0.2), hand('Left', 0.1)] });
    expect(f.length).toBe(INPUT_SIZE);
    expect(f[0]).toBeCloseTo(0.1); // left wrist x
    expect(f[1]).toBeCloseTo(0.6); // left wrist y
    expect(f[2]).toBeCloseTo(0.11); // left landmark 1 x
    expect(f[41]).toBeCloseTo(0.6 + 0.2); // left landmark 20 y
    expect(f[42]).toBeCloseTo(0.2); // right wrist x
    expect(f[83]).toBeCloseTo(0.7 + 0.2); // right landmark 20 y
  });

  it('zeros a missing hand', () => {
    const right = frameFeatures({ hands: [hand('Right', 0.3)] });
    expect(Array.from(right.subarray(0, 42)).every((v) => v === 0)).toBe(true);
    expect(right[42]).toBeCloseTo(0.3);
    const left = frameFeatures({ hands: [hand('Left', 0.3)] });
    expect(Array.from(left.subarray(42)).every((v) => v === 0)).toBe(true);
    expect(Array.from(frameFeatures({ hands: [] })).every((v) => v === 0)).toBe(true);
  });

  it('moves a second hand of the same side to the next free slot', () => {
    expect(assignHandSlots([{ handedness: 'Right' }, { handedness: 'Right' }])).toEqual([1, 0]);
    expect(assignHandSlots([{ handedness: 'Left' }, { handedness: 'Left' }])).toEqual([0, 1]);
    const f = frameFeatures({ hands: [hand('Left', 0.1), hand('Left', 0.4)] });
    expect(f[0]).toBeCloseTo(0.1);
    expect(f[42]).toBeCloseTo(0.4);
  });

  it('drops hands beyond two and reuses the output buffer', () => {
    const out = new Float32Array(INPUT_SIZE).fill(9);
    const f = frameFeatures({ hands: [hand('Left', 0.1), hand('Right', 0.2), hand('Right', 0.3)] }, out);
    expect(f).toBe(out);
    expect(f[0]).toBeCloseTo(0.1);
    expect(f[42]).toBeCloseTo(0.2);
  });
});

describe('assignHandSlots: the cases mutation testing found untested', () => {
  const hands = (...hs: (string | undefined)[]) => hs.map((handedness) => ({ handedness }) as Pick<HandRecord, 'handedness'>);
  it('a lone right hand takes slot 1; a second right hand the free slot 0; a third hand is dropped', () => {
    expect(assignHandSlots(hands('Right'))).toEqual([null, 0]);
    expect(assignHandSlots(hands('Right', 'Right'))).toEqual([1, 0]);
    expect(assignHandSlots(hands('Left', 'Right', 'Left'))).toEqual([0, 1]);
  });
  it('a hand without handedness takes the first free slot, before a left hand listed after it', () => {
    expect(assignHandSlots(hands(undefined, 'Left'))).toEqual([0, 1]);
    expect(assignHandSlots(hands(undefined))).toEqual([0, null]);
  });
});
