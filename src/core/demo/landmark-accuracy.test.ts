import { describe, expect, it } from 'vitest';
import type { HandRecord } from '../keypoints/frame-record';
import { handLandmarks } from './hand-shape';
import { compareWithTruth } from './landmark-accuracy';

const pose = { x: 0.6, y: 0.6, size: 0.12, roll: 0, yaw: 0, curl: [0, 0, 0, 0, 0] as const };
const right = handLandmarks(pose, 'Right', 4 / 3);
const left = handLandmarks({ ...pose, x: 0.9 }, 'Left', 4 / 3);
const shifted = (lm: [number, number, number][], dx: number): [number, number, number][] => lm.map(([x, y, z]) => [x + dx, y, z]);
const found = (handedness: 'Left' | 'Right', landmarks: [number, number, number][]): HandRecord => ({ handedness, handednessScore: 0.9, score: 0.9, landmarks });

describe('compareWithTruth', () => {
  it('matches found hands to true ones, and reports hands missed, spurious hands and the error in frame units and palm lengths', () => {
    const r = compareWithTruth([
      {
        width: 320,
        height: 240,
        truth: [
          [{ handedness: 'Right', landmarks: right }, { handedness: 'Left', landmarks: left }],
          [{ handedness: 'Right', landmarks: right }],
          [],
        ],
        found: [
          // Both found, in the other order, the left one labelled as a right hand.
          { index: 0, time: 0, persons: [], hands: [found('Right', shifted(left, 0.01)), found('Right', shifted(right, 0.01))] },
          // A hand far from the true one: spurious, and the true hand missed.
          { index: 1, time: 0, persons: [], hands: [found('Right', shifted(right, -0.5))] },
          { index: 2, time: 0, persons: [], hands: [] },
        ],
      },
    ]);
    expect(r).toMatchObject({ frames: 3, framesWithHands: 2, framesAllFound: 1, trueHands: 3, foundHands: 2, spuriousHands: 1, handednessAgrees: 1, missed: { Right: 1, Left: 0 } });
    expect(r.meanError).toBeCloseTo(0.01, 6);
    // 0.01 of 320 pixels against a palm of 0.12 × 240 pixels.
    expect(r.meanErrorPalms).toBeCloseTo(3.2 / 28.8, 3);
  });

  it('counts a clip whose frames were not extracted as nothing found', () => {
    const r = compareWithTruth([{ width: 320, height: 240, truth: [[{ handedness: 'Right', landmarks: right }]], found: [] }]);
    expect(r).toMatchObject({ trueHands: 1, foundHands: 0, framesAllFound: 0 });
    expect(r.meanError).toBeNaN();
  });
});
