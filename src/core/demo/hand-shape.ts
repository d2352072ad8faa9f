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

export type Vec3 = [number, number, number];

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

/** Points of a finger from its base, and at each the back of the finger (the nail side), as directions. */
function fingerChain(base: [number, number], splay: number, segments: readonly number[], curl: number): { points: Vec3[]; backs: Vec3[] } {
  const points: Vec3[] = [];
  const backs: Vec3[] = [];
  let [u, v, w] = [base[0], base[1], 0];
  let phi = 0;
  segments.forEach((len, j) => {
    phi += FLEX[j] * curl;
    // Flexion folds the finger out of the palm plane towards the palm side (+w): foreshortened in the image.
    u += len * Math.sin(splay) * Math.cos(phi);
    v += len * Math.cos(splay) * Math.cos(phi);
    w += len * Math.sin(phi);
    points.push([u, v, w]);
    backs.push([Math.sin(splay) * Math.sin(phi), Math.cos(splay) * Math.sin(phi), -Math.cos(phi)]);
  });
  return { points, backs };
}

function thumbChain(curl: number): { points: Vec3[]; backs: Vec3[] } {
  const points: Vec3[] = [THUMB_CMC];
  const backs: Vec3[] = [[0, 0, -1]];
  let [u, v, w] = THUMB_CMC;
  // A curled thumb swings across the palm and out of its plane.
  let angle = 0.8 - 0.9 * curl;
  const lift = 0.25 + 0.5 * curl;
  for (const len of THUMB_SEGMENTS) {
    const d: Vec3 = [Math.sin(angle) * Math.cos(lift), Math.cos(angle) * Math.cos(lift), Math.sin(lift)];
    u += len * d[0];
    v += len * d[1];
    w += len * d[2];
    points.push([u, v, w]);
    // The thumb's nail faces away from the palm, across the thumb's own line (rotated a quarter turn about it).
    const side: Vec3 = [Math.cos(angle), -Math.sin(angle), 0];
    backs.push([d[1] * side[2] - d[2] * side[1], d[2] * side[0] - d[0] * side[2], d[0] * side[1] - d[1] * side[0]]);
    angle -= 0.35 * curl;
  }
  return { points, backs };
}

/**
 * The hand in its own frame (palm length 1; u across the palm towards the thumb, v along the
 * fingers, w out of the palm): the 21 joints in MediaPipe's order, and for each the direction of
 * the back of the bone that ends there (for the wrist and the finger bases: the back of the hand).
 */
export function handLocalModel(pose: Pick<HandPose, 'curl' | 'spread'>): { points: Vec3[]; backs: Vec3[] } {
  const spread = pose.spread ?? 1;
  const thumb = thumbChain(pose.curl[0]);
  const points: Vec3[] = [[0, 0, 0], ...thumb.points];
  const backs: Vec3[] = [[0, 0, -1], ...thumb.backs];
  for (let f = 0; f < 4; f++) {
    const chain = fingerChain(FINGER_BASES[f], FINGER_SPLAY[f] * spread, FINGER_SEGMENTS[f], pose.curl[f + 1]);
    points.push([FINGER_BASES[f][0], FINGER_BASES[f][1], 0], ...chain.points);
    backs.push([0, 0, -1], ...chain.backs);
  }
  return { points, backs };
}

/**
 * Places a point of the hand's own frame in the image: [x, y, z] normalised like MediaPipe's
 * output (x by the frame width, y by its height, z relative to the wrist, negative = nearer the
 * camera, on the scale of x). A left hand is the mirror image of a right hand in the same pose.
 */
export function placeHandPoint(pose: HandPose, handedness: Handedness, aspect: number, [u, v, w]: Vec3): Vec3 {
  const mirror = handedness === 'Left' ? -1 : 1;
  const [cy, sy] = [Math.cos(pose.yaw), Math.sin(pose.yaw)];
  const [cr, sr] = [Math.cos(pose.roll), Math.sin(pose.roll)];
  // Yaw about the long axis, then roll in the image plane; the palm normal w points at the camera (-z).
  const u1 = u * cy - w * sy;
  const w1 = u * sy + w * cy;
  const u2 = u1 * cr + v * sr;
  const v2 = -u1 * sr + v * cr;
  const X = pose.x + mirror * pose.size * u2;
  const Y = pose.y - pose.size * v2;
  const Z = -pose.size * w1;
  return [X / aspect, Y, Z / aspect];
}

/**
 * The 21 landmarks of a hand in MediaPipe's order (wrist, thumb CMC..tip, index MCP..tip, ...),
 * as [x, y, z] normalised like MediaPipe's output (see placeHandPoint). `aspect` = width / height.
 */
export function handLandmarks(pose: HandPose, handedness: Handedness, aspect: number): [number, number, number][] {
  return handLocalModel(pose).points.map((p) => placeHandPoint(pose, handedness, aspect, p));
}
