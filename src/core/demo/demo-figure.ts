import type { SeededRandom } from '../dataset/seeded-random';
import type { Handedness } from '../keypoints/frame-record';
import { handLocalModel, placeHandPoint, type HandPose, type Vec3 } from './hand-shape';
import { drawCapsule, drawEllipsoid, valueNoise, type Canvas, type Material, type SurfacePoint } from './shaded-raster';
import type { Signer } from './signer';

/** How a demo signer and their room look: drawn from the clip's seed, like the rest of the signer. */
export interface Appearance {
  skin: Vec3;
  shirt: Vec3;
  hair: Vec3;
  wallTop: Vec3;
  wallBottom: Vec3;
  /** Sensor noise, 0-255 units (one standard deviation, about). */
  noise: number;
}

const SKIN_TONES: readonly Vec3[] = [
  [236, 196, 168],
  [224, 176, 142],
  [205, 150, 112],
  [176, 120, 86],
  [141, 95, 66],
];
const SHIRTS: readonly Vec3[] = [
  [52, 74, 120],
  [40, 40, 44],
  [110, 40, 46],
  [48, 96, 80],
  [92, 92, 100],
  [170, 170, 176],
];
const WALLS: readonly Vec3[] = [
  [150, 156, 160],
  [196, 190, 176],
  [112, 128, 146],
  [84, 90, 92],
  [176, 184, 178],
];

export function sampleAppearance(rng: SeededRandom): Appearance {
  const pick = <T>(list: readonly T[]) => list[rng.int(list.length)];
  const jitter = (c: Vec3, a: number): Vec3 => c.map((v) => v * (1 + rng.uniform(-a, a))) as Vec3;
  const wall = jitter(pick(WALLS), 0.08);
  return {
    skin: jitter(pick(SKIN_TONES), 0.05),
    shirt: jitter(pick(SHIRTS), 0.1),
    hair: jitter([46, 34, 26], 0.3),
    wallTop: wall,
    wallBottom: wall.map((v) => v * 0.78) as Vec3,
    noise: rng.uniform(2, 4.5),
  };
}

// Light directions (towards the light; y down, z away from the camera): a soft key from the upper
// left and in front, a weaker fill from the right.
const KEY = normalise([-0.45, -0.55, -0.7]);
const FILL = normalise([0.7, -0.05, -0.7]);
function normalise(v: Vec3): Vec3 {
  const n = Math.hypot(...v);
  return [v[0] / n, v[1] / n, v[2] / n];
}
// The key's half vector for a viewer at -z (not normalised) and its length: the same for every pixel.
const HALF: Vec3 = [KEY[0], KEY[1], KEY[2] - 1];
const HALF_NORM = Math.hypot(HALF[0], HALF[1], HALF[2]);

/** Diffuse key (wrapped, so the terminator is soft) and fill, a sky-like ambient, a faint sheen. */
function shade(albedo: Vec3, p: SurfacePoint, out: Float32Array, gloss = 0.06, occlusion = 1): void {
  const k = p.nx * KEY[0] + p.ny * KEY[1] + p.nz * KEY[2];
  const key = Math.max(0, (k + 0.35) / 1.35);
  const fill = Math.max(0, p.nx * FILL[0] + p.ny * FILL[1] + p.nz * FILL[2]);
  const ambient = 0.22 + 0.1 * -p.nz;
  const light = (ambient + 0.78 * key + 0.3 * fill) * occlusion;
  // Blinn highlight of the key for a viewer at -z.
  const spec = gloss * 255 * Math.max(0, (p.nx * HALF[0] + p.ny * HALF[1] + p.nz * HALF[2]) / HALF_NORM) ** 24;
  // Light scattered under the skin: shadows are warmer than the lit side.
  const warm = 1 - key;
  out[0] = albedo[0] * light * (1 + 0.12 * warm) + spec;
  out[1] = albedo[1] * light * (1 - 0.04 * warm) + spec;
  out[2] = albedo[2] * light * (1 - 0.08 * warm) + spec;
}

function skinMaterial(a: Appearance, origin: Vec3, texture: number): Material {
  return (p, out) => {
    const n = valueNoise((p.x - origin[0]) * texture, (p.y - origin[1]) * texture, (p.z - origin[2]) * texture);
    shade(a.skin, p, out);
    const f = 1 + 0.06 * n;
    out[0] *= f;
    out[1] *= f;
    out[2] *= f;
  };
}

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

interface HandFrame {
  /** Pixels of the 21 joints ([x, y, z]). */
  joints: Vec3[];
  /** Image directions of the back of each bone (see handLocalModel). */
  backs: Vec3[];
  /** Palm length in pixels. */
  scale: number;
  /** Maps a point of the hand's own frame to pixels. */
  place: (p: Vec3) => Vec3;
}

function handFrame(pose: HandPose, side: Handedness, width: number, height: number, depth: number): HandFrame {
  const aspect = width / height;
  const toPixels = ([x, y, z]: Vec3): Vec3 => [x * width, y * height, z * width + depth];
  const place = (p: Vec3) => toPixels(placeHandPoint(pose, side, aspect, p));
  const model = handLocalModel(pose);
  const o = place([0, 0, 0]);
  const backs = model.backs.map((b) => {
    const q = place(b);
    return normalise([q[0] - o[0], q[1] - o[1], q[2] - o[2]]);
  });
  return { joints: model.points.map(place), backs, scale: pose.size * height, place };
}

// Radii in palm lengths (a palm of about 10 cm: fingers 1.6-2 cm wide at the base, tapering).
const FINGER_RADII: readonly (readonly number[])[] = [
  [0.17, 0.125, 0.11, 0.095], // thumb: CMC, MCP, IP, tip
  [0.1, 0.092, 0.083, 0.074],
  [0.104, 0.095, 0.085, 0.076],
  [0.098, 0.089, 0.08, 0.071],
  [0.088, 0.079, 0.071, 0.064],
];
// Pads of the palm: [centre, semi-axes along u, v, w] in the hand's own frame.
const PALM_PADS: readonly (readonly [Vec3, number, number, number])[] = [
  [[-0.02, 0.52, 0.02], 0.4, 0.46, 0.13],
  [[0.0, 0.86, 0.0], 0.4, 0.14, 0.115],
  [[0.16, 0.3, 0.06], 0.17, 0.25, 0.12],
  [[-0.24, 0.38, 0.04], 0.15, 0.3, 0.11],
  [[0.0, 0.06, 0.0], 0.26, 0.12, 0.12],
];

/**
 * One hand and its forearm: a capsule per phalanx, the palm from a few flattened ellipsoids, skin
 * texture that moves with the hand, creases at the finger joints, nails where a fingertip's back
 * faces the camera. `elbow` is where the forearm goes (pixels).
 */
export function drawHand(c: Canvas, pose: HandPose, side: Handedness, a: Appearance, elbow: Vec3, depth = 0): void {
  const f = handFrame(pose, side, c.width, c.height, depth);
  const s = f.scale;
  const texture = 9 / s;
  const skin = skinMaterial(a, f.joints[0], texture);
  // Forearm: from inside the wrist to the elbow, wider towards the elbow.
  const wristIn = f.place([0, 0.08, 0.02]);
  drawCapsule(c, wristIn, elbow, 0.27 * s, 0.36 * s, skin);
  for (const [centre, ru, rv, rw] of PALM_PADS) {
    const o = f.place(centre);
    const axis = (d: Vec3, r: number): Vec3 => {
      const q = f.place([centre[0] + d[0] * r, centre[1] + d[1] * r, centre[2] + d[2] * r]);
      return [q[0] - o[0], q[1] - o[1], q[2] - o[2]];
    };
    drawEllipsoid(c, o, [axis([1, 0, 0], ru), axis([0, 1, 0], rv), axis([0, 0, 1], rw)], skin);
  }
  const crease = 0.045 * s;
  const nail: Vec3 = [238, 206, 200];
  const tmp = new Float32Array(3);
  for (let finger = 0; finger < 5; finger++) {
    const base = finger === 0 ? 1 : 4 * finger + 1;
    // The thumb starts at its CMC joint; each finger at its MCP.
    for (let j = 0; j < 3; j++) {
      const from = f.joints[base + j];
      const to = f.joints[base + j + 1];
      const r0 = FINGER_RADII[finger][j] * s;
      const r1 = FINGER_RADII[finger][j + 1] * s;
      const back = f.backs[base + j + 1];
      const len = Math.hypot(to[0] - from[0], to[1] - from[1], to[2] - from[2]) || 1;
      const distal = j === 2;
      const bends = j > 0 || finger > 0;
      const mat: Material = (p, out) => {
        skin(p, out);
        const n: Vec3 = [p.nx, p.ny, p.nz];
        const facing = dot(n, back);
        // A crease across the finger at the joint it starts from (deeper on the palm side).
        if (bends) {
          const d = (p.t * len) / crease;
          const k = Math.exp(-d * d) * (facing < 0 ? 0.32 : 0.16);
          out[0] *= 1 - k;
          out[1] *= 1 - 1.15 * k;
          out[2] *= 1 - 1.15 * k;
        }
        // The nail: on the back of the last bone, towards the tip.
        if (distal && facing > 0.45 && p.t > 0.38) {
          const rim = facing < 0.58 || p.t < 0.46 ? 0.82 : 1;
          shade(nail, p, tmp, 0.25);
          out[0] = (0.35 * out[0] + 0.65 * tmp[0]) * rim;
          out[1] = (0.35 * out[1] + 0.65 * tmp[1]) * rim;
          out[2] = (0.35 * out[2] + 0.65 * tmp[2]) * rim;
        }
      };
      drawCapsule(c, from, to, r0, r1, mat);
    }
  }
}

function flat(color: Vec3, gloss = 0.02): Material {
  return (p, out) => shade(color, p, out, gloss);
}

/** Where the signer's shoulders are, in pixels (right = the signer's right, on the image's left). */
export function shoulders(s: Signer, width: number, height: number): { Right: Vec3; Left: Vec3 } {
  const y = s.shoulderY * height + 0.02 * s.reach * height;
  const z = 0.3 * height;
  const dx = 0.2 * s.reach * height;
  return { Right: [s.cx * height - dx, y, z], Left: [s.cx * height + dx, y, z] };
}

/**
 * The elbow of an arm whose wrist is at `wrist` (pixels): the two bones keep their lengths (upper
 * arm about three palm lengths, forearm a little less), and the elbow bends down and outwards, as
 * a signer's does.
 */
export function elbowFor(s: Signer, side: Handedness, wrist: Vec3, width: number, height: number): Vec3 {
  const sh = shoulders(s, width, height)[side];
  const R = s.reach * height;
  const upper = 0.3 * R;
  const fore = 0.27 * R;
  const d: Vec3 = [wrist[0] - sh[0], wrist[1] - sh[1], wrist[2] - sh[2]];
  const dist = Math.hypot(...d) || 1;
  const dir: Vec3 = [d[0] / dist, d[1] / dist, d[2] / dist];
  if (dist >= upper + fore) return [sh[0] + dir[0] * upper, sh[1] + dir[1] * upper, sh[2] + dir[2] * upper];
  const a = (dist * dist + upper * upper - fore * fore) / (2 * dist);
  const h = Math.sqrt(Math.max(0, upper * upper - a * a));
  // Down and out, without the part along the shoulder-wrist line.
  const pref: Vec3 = [side === 'Right' ? -0.45 : 0.45, 1, 0.25];
  const k = dot(pref, dir);
  const perp = normalise([pref[0] - k * dir[0], pref[1] - k * dir[1], pref[2] - k * dir[2]]);
  return [sh[0] + a * dir[0] + h * perp[0], sh[1] + a * dir[1] + h * perp[1], sh[2] + a * dir[2] + h * perp[2]];
}

/** The upper arm, in the shirt's sleeve. */
export function drawUpperArm(c: Canvas, s: Signer, side: Handedness, elbow: Vec3, a: Appearance): void {
  const sh = shoulders(s, c.width, c.height)[side];
  const r = 0.055 * s.reach * c.height;
  drawCapsule(c, sh, elbow, r, r * 0.9, flat(a.shirt));
}

/**
 * The still part of a clip: a wall lit from the upper left, and the signer's torso, neck and head.
 * Drawn once per clip; the arms and hands are drawn over it (depth-tested) frame by frame.
 */
export function drawBackdrop(c: Canvas, s: Signer, a: Appearance): void {
  const { width: w, height: h } = c;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const k = y / Math.max(1, h - 1);
      const side = 1 + 0.1 * (0.5 - x / w);
      const i = 3 * (y * w + x);
      for (let ch = 0; ch < 3; ch++) c.color[i + ch] = (a.wallTop[ch] + (a.wallBottom[ch] - a.wallTop[ch]) * k) * side;
    }
  }
  c.depth.fill(10 * h);
  const R = s.reach * h;
  const cx = s.cx * h;
  const sy = s.shoulderY * h;
  const sh = shoulders(s, w, h);
  const shirt = flat(a.shirt);
  drawEllipsoid(c, [cx, sy + 0.55 * R, 0.42 * h], [[0.24 * R, 0, 0], [0, 0.6 * R, 0], [0, 0, 0.12 * R]], shirt);
  for (const p of [sh.Right, sh.Left]) drawEllipsoid(c, [p[0], p[1] + 0.02 * R, 0.36 * h], [[0.08 * R, 0, 0], [0, 0.07 * R, 0], [0, 0, 0.07 * R]], shirt);
  const skin = flat(a.skin, 0.04);
  drawCapsule(c, [cx, sy - 0.12 * R, 0.4 * h], [cx, sy + 0.02 * R, 0.4 * h], 0.05 * R, 0.055 * R, skin);
  const head: Vec3 = [cx, sy - 0.2 * R, 0.38 * h];
  drawEllipsoid(c, [head[0], head[1] - 0.03 * R, head[2] + 0.01 * R], [[0.095 * R, 0, 0], [0, 0.11 * R, 0], [0, 0, 0.095 * R]], flat(a.hair));
  drawEllipsoid(c, head, [[0.08 * R, 0, 0], [0, 0.105 * R, 0], [0, 0, 0.085 * R]], skin);
}
