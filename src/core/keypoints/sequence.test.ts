import { describe, expect, it } from 'vitest';
import { sequenceIndices, shapeSequence } from './sequence';

const frames = (n: number, width = 3) => Array.from({ length: n }, (_, i) => Array.from({ length: width }, () => i + 1));

describe('sequence shaping', () => {
  it('keeps the middle window of a longer clip: start = (n - N) // 2', () => {
    expect(sequenceIndices(10, 4)).toEqual([3, 4, 5, 6]);
    expect(sequenceIndices(11, 4)).toEqual([3, 4, 5, 6]); // (11 - 4) // 2 = 3
    expect(sequenceIndices(5, 5)).toEqual([0, 1, 2, 3, 4]);
    const s = shapeSequence(frames(10), 4, 'middle', 3);
    expect(Array.from(s)).toEqual([4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7]);
  });

  it('pads a shorter clip with zero frames at the end', () => {
    expect(sequenceIndices(2, 4)).toEqual([0, 1, -1, -1]);
    const s = shapeSequence(frames(2), 4, 'middle', 3);
    expect(Array.from(s)).toEqual([1, 1, 1, 2, 2, 2, 0, 0, 0, 0, 0, 0]);
  });

  it('gives all zeros for a clip with no frames', () => {
    expect(Array.from(shapeSequence([], 3, 'middle', 2))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('resamples uniformly over the whole clip as an option', () => {
    expect(sequenceIndices(10, 4, 'resample')).toEqual([0, 3, 6, 9]);
    expect(sequenceIndices(3, 5, 'resample')).toEqual([0, 1, 1, 2, 2]); // stretched, no padding
    expect(sequenceIndices(7, 1, 'resample')).toEqual([3]);
    expect(Array.from(shapeSequence(frames(10, 1), 4, 'resample', 1))).toEqual([1, 4, 7, 10]);
  });

  it('produces N × 84 floats by default and rejects frames of the wrong width', () => {
    expect(shapeSequence(frames(40, 84), 30).length).toBe(30 * 84);
    expect(() => shapeSequence(frames(3, 5), 4)).toThrow(/84/);
  });
});
