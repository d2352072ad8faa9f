import { describe, expect, it } from 'vitest';
import { recordedSequenceMode, sequenceIndices, shapeSequence } from './sequence';

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

// Indices below worked out by hand from PIPELINE.md §3 (middle) and round(i·(n-1)/(N-1)) (resample).
describe('sequence shaping at the edges', () => {
  it('gives no frames for a length of 0 or less, and only padding for an empty clip in either mode', () => {
    expect(sequenceIndices(5, 0)).toEqual([]);
    expect(sequenceIndices(5, -2, 'resample')).toEqual([]);
    expect(sequenceIndices(0, -1)).toEqual([]);
    expect(sequenceIndices(0, 3)).toEqual([-1, -1, -1]);
    expect(sequenceIndices(0, 3, 'resample')).toEqual([-1, -1, -1]);
    expect(Array.from(shapeSequence([], 2, 'resample', 2))).toEqual([0, 0, 0, 0]);
  });

  it('keeps the middle window of a clip one frame longer, and pads one frame shorter', () => {
    expect(sequenceIndices(5, 4)).toEqual([0, 1, 2, 3]); // (5 - 4) // 2 = 0
    expect(sequenceIndices(7, 4)).toEqual([1, 2, 3, 4]); // (7 - 4) // 2 = 1
    expect(sequenceIndices(3, 4)).toEqual([0, 1, 2, -1]);
  });

  it('resamples a one-frame clip, one output frame, and rounds half-way up', () => {
    expect(sequenceIndices(8, 1, 'resample')).toEqual([3]); // (8 - 1) // 2
    expect(sequenceIndices(1, 1, 'resample')).toEqual([0]);
    expect(sequenceIndices(1, 3, 'resample')).toEqual([0, 0, 0]);
    expect(sequenceIndices(11, 3, 'resample')).toEqual([0, 5, 10]);
    expect(sequenceIndices(10, 3, 'resample')).toEqual([0, 5, 9]); // 4.5 -> 5
    expect(sequenceIndices(4, 4, 'resample')).toEqual([0, 1, 2, 3]);
  });

  it('uses the middle window by default and names the frame of the wrong width', () => {
    const s = shapeSequence(frames(10, 84), 4);
    expect([s[0], s[84], s[3 * 84 + 83]]).toEqual([4, 5, 7]);
    expect(() => shapeSequence(frames(3, 5), 4)).toThrow('frame 0 has 5 features, expected 84');
  });
});

describe('recordedSequenceMode', () => {
  it('reads the mode a keypoint file recorded, under either name, and null for anything else', () => {
    expect(recordedSequenceMode('uniform')).toBe('resample');
    expect(recordedSequenceMode('resample')).toBe('resample');
    expect(recordedSequenceMode('middle')).toBe('middle');
    for (const other of [undefined, null, '', 'Middle', 'pad', 3]) expect(recordedSequenceMode(other), String(other)).toBeNull();
  });
});
