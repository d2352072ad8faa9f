import type { FrameRecord } from './frame-record';

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

/**
 * Records rounded to 4 decimals for the UI (a ten-thousandth of the frame is below a pixel even in
 * 4K): a 10-minute clip's overlay data goes from ~40 MB of JSON to about half.
 */
export function compactRecords(frames: FrameRecord[]): FrameRecord[] {
  return frames.map((f) => ({
    index: f.index,
    time: r4(f.time),
    persons: f.persons.map((p) => ({ box: p.box.map(r4) as PersonBoxTuple, score: r4(p.score) })),
    hands: f.hands.map((h) => ({
      handedness: h.handedness,
      handednessScore: r4(h.handednessScore),
      score: r4(h.score),
      landmarks: h.landmarks.map((l) => l.map(r4) as [number, number, number]),
    })),
  }));
}

type PersonBoxTuple = [number, number, number, number];
