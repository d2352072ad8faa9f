import type { SeededRandom } from '../dataset/seeded-random';

/** A smooth random drift: a sum of two slow sinusoids, so trajectories vary without jitter. */
export interface Wobble {
  amp: [number, number];
  freq: [number, number];
  phase: [number, number];
}

export function wobbleAt(w: Wobble, t: number): number {
  return w.amp[0] * Math.sin(2 * Math.PI * w.freq[0] * t + w.phase[0]) + w.amp[1] * Math.sin(2 * Math.PI * w.freq[1] * t + w.phase[1]);
}

function makeWobble(rng: SeededRandom, amp: number): Wobble {
  return {
    amp: [amp * rng.uniform(0.5, 1), amp * rng.uniform(0.2, 0.6)],
    freq: [rng.uniform(0.2, 0.7), rng.uniform(0.7, 1.6)],
    phase: [rng.uniform(0, 2 * Math.PI), rng.uniform(0, 2 * Math.PI)],
  };
}

/**
 * One performance's signer and recording: who signs (body size and place in the frame, hand
 * size), how (speed, tempo, a personal style), and how well the detector sees it (noise, dropouts).
 * Positions in height units (see HandPose).
 */
export interface Signer {
  /** Body centre, x. */
  cx: number;
  /** Shoulder height, y. */
  shoulderY: number;
  /** Scale of the body and of every movement (a nearer or taller signer is larger). */
  reach: number;
  /** Palm length. */
  handSize: number;
  /** Rate of the periodic movements, relative to the script's. */
  speed: number;
  /** Time warp of a clip's progress: > 0 starts fast and ends slow, < 0 the opposite. */
  tempo: number;
  /** Start phase of periodic movements, radians. */
  phase: number;
  /** Amplitude of the movements relative to the script's. */
  amplitude: number;
  /** Personal offsets of the hands' roll and finger curl. */
  rollBias: number;
  curlBias: number;
  /** Slow drift of each hand: [right x, right y, left x, left y]. */
  drift: [Wobble, Wobble, Wobble, Wobble];
  /** Landmark jitter, height units (one standard deviation). */
  noise: number;
  /** Chance per frame that the detector loses the whole frame (no hands). */
  frameDropRate: number;
  /** Chance per frame and hand that the detector starts missing that hand. */
  handDropRate: number;
  /** In one-handed signs, the idle left hand is out of the frame for the whole clip. */
  idleHandHidden: boolean;
}

export function sampleSigner(rng: SeededRandom, aspect: number): Signer {
  const reach = rng.uniform(0.85, 1.15);
  const driftAmp = 0.012 * reach;
  return {
    cx: aspect / 2 + rng.uniform(-0.1, 0.1),
    shoulderY: rng.uniform(0.42, 0.52),
    reach,
    handSize: 0.11 * reach * rng.uniform(0.9, 1.12),
    speed: rng.uniform(0.8, 1.25),
    tempo: rng.uniform(-0.35, 0.35),
    phase: rng.uniform(0, 2 * Math.PI),
    amplitude: rng.uniform(0.8, 1.2),
    rollBias: rng.uniform(-0.15, 0.15),
    curlBias: rng.uniform(-0.05, 0.12),
    drift: [makeWobble(rng, driftAmp), makeWobble(rng, driftAmp), makeWobble(rng, driftAmp), makeWobble(rng, driftAmp)],
    noise: rng.uniform(0.0015, 0.005),
    frameDropRate: rng.next() < 0.5 ? 0 : rng.uniform(0.005, 0.04),
    handDropRate: rng.next() < 0.4 ? 0 : rng.uniform(0.005, 0.05),
    idleHandHidden: rng.next() < 0.45,
  };
}

/** Clip progress in [0, 1] warped by the signer's tempo; monotonic for |tempo| < 1. */
export function warpedProgress(signer: Signer, u: number): number {
  return u + (signer.tempo * Math.sin(2 * Math.PI * u)) / (2 * Math.PI);
}
