import type { HandPose } from './hand-shape';
import type { Signer } from './signer';

/** Where a sign script is asked for the hands: who signs, seconds into the clip, and progress. */
export interface SignMoment {
  signer: Signer;
  /** Seconds since the clip began, on the signer's (tempo-warped) clock. */
  t: number;
  /** Progress through the clip in [0, 1], tempo-warped: one-shot movements follow this. */
  p: number;
}

/** The hands of one moment: the dominant right hand, and the left hand or null when the sign leaves it idle. */
export interface SignHands {
  right: HandPose;
  left: HandPose | null;
}

export interface DemoSign {
  name: string;
  /** What the movement is, for people reading the demo. */
  description: string;
  hands(m: SignMoment): SignHands;
}

type Curl = HandPose['curl'];
const OPEN: Curl = [0.1, 0, 0.02, 0.04, 0.06];
const RELAXED: Curl = [0.3, 0.25, 0.35, 0.45, 0.5];
const POINT: Curl = [0.85, 0, 0.95, 0.95, 0.95];

const smoothstep = (x: number) => {
  const c = Math.min(1, Math.max(0, x));
  return c * c * (3 - 2 * c);
};
const TAU = 2 * Math.PI;

/**
 * The built-in demo signs. Each is a movement, not a pose: several share the open right hand in
 * the same region, so a single frame does not tell them apart; direction, rhythm and the two
 * hands' relation do. Left/right are the signer's; the dominant right hand appears on the left of
 * the (non-mirrored) image.
 */
export const DEMO_SIGNS: readonly DemoSign[] = [
  {
    name: 'wave',
    description: 'the open right hand raised beside the head, rocking side to side',
    hands: ({ signer: s, t }) => {
      const a = TAU * 1.8 * s.speed * t + s.phase;
      return {
        right: {
          x: s.cx - 0.2 * s.reach + 0.05 * s.reach * s.amplitude * Math.sin(a),
          y: s.shoulderY - 0.02 * s.reach,
          size: s.handSize,
          roll: 0.45 * s.amplitude * Math.sin(a),
          yaw: -0.1,
          curl: OPEN,
        },
        left: null,
      };
    },
  },
  {
    name: 'circle',
    description: 'the relaxed right hand drawing clockwise circles in front of the chest',
    hands: ({ signer: s, t }) => {
      const a = TAU * 0.9 * s.speed * t + s.phase;
      const r = 0.1 * s.reach * s.amplitude;
      return {
        right: { x: s.cx - 0.14 * s.reach + r * Math.cos(a), y: s.shoulderY + 0.1 * s.reach + r * Math.sin(a), size: s.handSize, roll: 0.2, yaw: -0.3, curl: RELAXED },
        left: null,
      };
    },
  },
  {
    name: 'push',
    description: 'both open palms pushed towards the camera: the hands grow and part',
    hands: ({ signer: s, p }) => {
      const k = smoothstep(1.15 * p - 0.05);
      const grow = 1 + 0.65 * s.amplitude * k;
      const y = s.shoulderY + (0.22 - 0.08 * k) * s.reach;
      const dx = 0.11 * s.reach * grow;
      return {
        right: { x: s.cx - dx, y, size: s.handSize * grow, roll: 0.12, yaw: 0, curl: OPEN },
        left: { x: s.cx + dx, y, size: s.handSize * grow, roll: 0.12, yaw: 0, curl: OPEN },
      };
    },
  },
  {
    name: 'clap',
    description: 'both hands, palms half turned towards each other, meeting and parting in front of the chest',
    hands: ({ signer: s, t }) => {
      const a = TAU * 1.6 * s.speed * t + s.phase;
      const half = (0.085 + 0.1 * s.amplitude * (0.5 + 0.5 * Math.cos(a))) * s.reach;
      const y = s.shoulderY + 0.2 * s.reach;
      return {
        right: { x: s.cx - half, y, size: s.handSize, roll: 0.02, yaw: -0.8, curl: OPEN, spread: 0.6 },
        left: { x: s.cx + half, y, size: s.handSize, roll: 0.02, yaw: -0.8, curl: OPEN, spread: 0.6 },
      };
    },
  },
  {
    name: 'point_up',
    description: 'the right index finger extended, the hand rising from chest to above the head',
    hands: ({ signer: s, p }) => {
      const k = smoothstep(p);
      return {
        right: { x: s.cx - 0.15 * s.reach, y: s.shoulderY + (0.28 - 0.42 * s.amplitude * k) * s.reach, size: s.handSize, roll: 0.05, yaw: -0.2, curl: POINT },
        left: null,
      };
    },
  },
  {
    name: 'swipe_left',
    description: "the open right hand sweeping to the signer's left (rightwards in the image), palm leading",
    hands: ({ signer: s, p }) => {
      const k = smoothstep(p);
      return {
        right: {
          x: s.cx + (-0.3 + 0.42 * s.amplitude * k) * s.reach,
          y: s.shoulderY + (0.12 - 0.04 * Math.sin(Math.PI * k)) * s.reach,
          size: s.handSize,
          roll: 0.7,
          yaw: -0.7,
          curl: OPEN,
        },
        left: null,
      };
    },
  },
  {
    name: 'swipe_right',
    description: "the open right hand sweeping to the signer's right (leftwards in the image), back of the hand leading",
    hands: ({ signer: s, p }) => {
      const k = smoothstep(p);
      return {
        right: {
          x: s.cx + (0.12 - 0.42 * s.amplitude * k) * s.reach,
          y: s.shoulderY + (0.12 - 0.04 * Math.sin(Math.PI * k)) * s.reach,
          size: s.handSize,
          roll: -0.4,
          yaw: 0.6,
          curl: OPEN,
        },
        left: null,
      };
    },
  },
  {
    name: 'grab',
    description: 'the right hand in front of the chest closing to a fist and opening again',
    hands: ({ signer: s, t }) => {
      const c = 0.9 * (0.5 - 0.5 * Math.cos(TAU * 1.3 * s.speed * t + s.phase));
      return {
        right: { x: s.cx - 0.12 * s.reach, y: s.shoulderY + 0.16 * s.reach, size: s.handSize, roll: 0.1, yaw: -0.25, curl: [0.2 + 0.6 * c, c, c, c, c] },
        left: null,
      };
    },
  },
];

/** The classes a default demo uses: the first six signs. */
export const DEFAULT_DEMO_CLASS_COUNT = 6;

export function demoSign(name: string): DemoSign | undefined {
  return DEMO_SIGNS.find((s) => s.name === name);
}
