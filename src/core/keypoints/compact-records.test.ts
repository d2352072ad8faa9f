import { describe, expect, it } from 'vitest';
import { compactRecords } from './compact-records';
import type { FrameRecord } from './frame-record';

// The overlay data the UI receives: every number rounded to 4 decimals, nothing else changed.
describe('compactRecords', () => {
  const frame: FrameRecord = {
    index: 7,
    time: 0.233333333,
    persons: [{ box: [0.123456, 0.987654, 0.5, 1], score: 0.876549 }],
    hands: [
      {
        handedness: 'Left',
        handednessScore: 0.99996,
        score: 0.4321987,
        landmarks: [
          [0.11111111, 0.22225, -0.033336],
          [1, 0, 0.55555],
        ],
      },
      { handedness: 'Right', handednessScore: 0.5, score: 0.25, landmarks: [[0.3, 0.4, 0]] },
    ],
  };

  it('rounds time, boxes, scores and landmarks to 4 decimals and keeps index and handedness', () => {
    // Expected values rounded by hand (half up at the 5th decimal).
    expect(compactRecords([frame])).toEqual([
      {
        index: 7,
        time: 0.2333,
        persons: [{ box: [0.1235, 0.9877, 0.5, 1], score: 0.8765 }],
        hands: [
          {
            handedness: 'Left',
            handednessScore: 1,
            score: 0.4322,
            landmarks: [
              [0.1111, 0.2223, -0.0333],
              [1, 0, 0.5556],
            ],
          },
          { handedness: 'Right', handednessScore: 0.5, score: 0.25, landmarks: [[0.3, 0.4, 0]] },
        ],
      },
    ]);
  });

  it('keeps every frame in order, including frames with no person or hand, and leaves the input as is', () => {
    const empty: FrameRecord = { index: 8, time: 0.26666, persons: [], hands: [] };
    const out = compactRecords([frame, empty]);
    expect(out.map((f) => f.index)).toEqual([7, 8]);
    expect(out[1]).toEqual({ index: 8, time: 0.2667, persons: [], hands: [] });
    expect(frame.time).toBe(0.233333333);
    expect(frame.hands[0].landmarks[0][0]).toBe(0.11111111);
  });
});
