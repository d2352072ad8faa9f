import type { HandRecord } from '../keypoints/frame-record';
import { landmarksToHandRect, type PixelRect } from '../vision/roi';
import type { TasksHand } from './tasks-chromium';

/**
 * How one frame's hands from the Node pipeline compare with MediaPipe Tasks' on the same pixels.
 * Hands are paired by nearest wrist; a frame agrees when both found as many hands and each pair has
 * the same handedness. Distances are 2-D, in coordinates normalised to the frame.
 */
export interface FrameComparison {
  agree: boolean;
  nodeHands: number;
  tasksHands: number;
  /** Per matched pair: mean over the 21 landmarks of the point distance. */
  pairDistances: number[];
  /** Largest single-landmark distance over the pairs, and which landmark. */
  worstPoint: number;
  worstLandmark: number;
}

type Hand = { handedness: string; landmarks: [number, number, number][] };

const dist = (a: [number, number, number], b: [number, number, number]) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** Pairs hands of two lists, nearest wrists first. */
export function pairHands<A extends Hand, B extends Hand>(a: A[], b: B[]): [A, B][] {
  const cand: { i: number; j: number; d: number }[] = [];
  a.forEach((ha, i) => b.forEach((hb, j) => cand.push({ i, j, d: dist(ha.landmarks[0], hb.landmarks[0]) })));
  cand.sort((x, y) => x.d - y.d);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  const pairs: [A, B][] = [];
  for (const c of cand) {
    if (usedA.has(c.i) || usedB.has(c.j)) continue;
    usedA.add(c.i);
    usedB.add(c.j);
    pairs.push([a[c.i], b[c.j]]);
  }
  return pairs;
}

export function compareFrame(node: HandRecord[], tasks: TasksHand[]): FrameComparison {
  const pairs = pairHands(node, tasks);
  let worstPoint = 0;
  let worstLandmark = -1;
  const pairDistances = pairs.map(([n, t]) => {
    let sum = 0;
    n.landmarks.forEach((p, k) => {
      const d = dist(p, t.landmarks[k]);
      sum += d;
      if (d > worstPoint) {
        worstPoint = d;
        worstLandmark = k;
      }
    });
    return sum / n.landmarks.length;
  });
  const agree = node.length === tasks.length && pairs.every(([n, t]) => n.handedness === t.handedness);
  return { agree, nodeHands: node.length, tasksHands: tasks.length, pairDistances, worstPoint, worstLandmark };
}

/** The hand region each side's landmarks give for the next frame (the same calculator for both), in pixels. */
export function handRegion(h: Hand, width: number, height: number): PixelRect {
  return landmarksToHandRect(h.landmarks.map(([x, y]) => ({ x: x * width, y: y * height })));
}
