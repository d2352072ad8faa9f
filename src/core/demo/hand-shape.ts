import type { Handedness } from '../keypoints/frame-record';

/**
 * A hand's pose as the demo's sign scripts describe it. Positions are in "height units": y in
 * [0, 1] of the frame height (down), x in the same unit (so [0, width / height]); the scripts
 * then need not care about the frame's aspect ratio.
 */
export interface HandPose {
  /** Wrist position, height units. */
  x: number;
  y: number;
  /** Palm length (wrist to middle-finger base), height units; the whole hand is about twice that. */
  size: number;
  /** In-plane rotation in radians; 0 = fingers up, positive tilts the fingers towards the thumb side. */
  roll: number;
  /** Turn about the hand's long axis; 0 = palm towards the camera, negative turns the palm towards the thumb side. */
  yaw: number;
  /** Flexion of thumb, index, middle, ring, pinky: 0 = straight, 1 = fist. */
  curl: readonly [number, number, number, number, number];
  /** Sideways spread of the fingers: 1 = relaxed open hand. */
  spread?: number;
}

type Vec3 = [number, number, number];

// A right hand, palm towards the camera, fingers up, palm length 1. Axes: u across the palm towards
// the thumb, v along the fingers, w out of the palm. Proportions after MediaPipe's canonical hand.
const FINGER_BASES: readonly [number, number][] = [
  [0.3, 0.92], // index MCP
  [0.06, 1.0], // middle MCP
  [-0.16, 0.94], // ring MCP
  [-0.35, 0.82], // pinky MCP
];
const FINGER_SPLAY = [0.1, 0, -0.1, -0.22];
const FINGER_SEGMENTS: readonly (readonly [number, number, number])[] = [
  [0.42, 0.25, 0.2],
  [0.46, 0.29, 0.22],
  [0.43, 0.27, 0.21],
  [0.33, 0.2, 0.18],
];
/** Flexion at the MCP, PIP and DIP joints of a fully curled finger (radians). */
const FLEX = [1.45, 1.75, 1.2];
const THUMB_CMC: Vec3 = [0.24, 0.2, 0.05];
const THUMB_SEGMENTS = [0.34, 0.3, 0.25];

function fingerChain(base: [number, number], splay: number, segments: readonly number[], curl: number): Vec3[] {
  const out: Vec3[] = [];
  let [u, v, w] = [base[0], base[1], 0];
  let phi = 0;
  segments.forEach((len, j) => {
    phi += FLEX[j] * curl;
    // Flexion folds the finger out of the palm plane towards the palm side (+w): foreshortened in the image.
    u += len * Math.sin(splay) * Math.cos(phi);
    v += len * Math.cos(splay) * Math.cos(phi);
    w += len * Math.sin(phi);
    out.push([u, v, w]);
  });
  return out;
}

function thumbChain(curl: number): Vec3[] {
  const out: Vec3[] = [THUMB_CMC];
  let [u, v, w] = THUMB_CMC;
  // A curled thumb swings across the palm and out of its plane.
  let angle = 0.8 - 0.9 * curl;
  const lift = 0.25 + 0.5 * curl;
  for (const len of THUMB_SEGMENTS) {
    u += len * Math.sin(angle) * Math.cos(lift);
    v += len * Math.cos(angle) * Math.cos(lift);
    w += len * Math.sin(lift);
    out.push([u, v, w]);
    angle -= 0.35 * curl;
  }
  return out;
}

/**
 * The 21 landmarks of a hand in MediaPipe's order (wrist, thumb CMC..tip, index MCP..tip, ...),
 * as [x, y, z] normalised like MediaPipe's output: x by the frame width, y by its height, z relative
 * to the wrist (negative = nearer the camera) on the scale of x. `aspect` = width / height.
 * A left hand is the mirror image of a right hand in the same pose.
 */
export function handLandmarks(pose: HandPose, handedness: Handedness, aspect: number): [number, number, number][] {
  const spread = pose.spread ?? 1;
  const local: Vec3[] = [[0, 0, 0], ...thumbChain(pose.curl[0])];
  for (let f = 0; f < 4; f++) {
    local.push([FINGER_BASES[f][0], FINGER_BASES[f][1], 0], ...fingerChain(FINGER_BASES[f], FINGER_SPLAY[f] * spread, FINGER_SEGMENTS[f], pose.curl[f + 1]));
  }
  const mirror = handedness === 'Left' ? -1 : 1;
  const [cy, sy] = [Math.cos(pose.yaw), Math.sin(pose.yaw)];
  const [cr, sr] = [Math.cos(pose.roll), Math.sin(pose.roll)];
  return local.map(([u, v, w]) => {
    // Yaw about the long axis, then roll in the image plane; the palm normal w points at the camera (-z).
    const u1 = u * cy - w * sy;
    const w1 = u * sy + w * cy;
    const u2 = u1 * cr + v * sr;
    const v2 = -u1 * sr + v * cr;
    const X = pose.x + mirror * pose.size * u2;
    const Y = pose.y - pose.size * v2;
    const Z = -pose.size * w1;
    return [X / aspect, Y, Z / aspect];
  });
}
