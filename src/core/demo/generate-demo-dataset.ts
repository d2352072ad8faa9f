import { SeededRandom } from '../dataset/seeded-random';
import { InvalidInputError } from '../errors';
import type { FrameRecord, Handedness, HandRecord, PersonBox } from '../keypoints/frame-record';
import { DEFAULT_DEMO_CLASS_COUNT, DEMO_SIGNS, type DemoSign } from './demo-signs';
import { handLandmarks, type HandPose } from './hand-shape';
import { sampleAppearance, type Appearance } from './demo-figure';
import { sampleSigner, warpedProgress, wobbleAt, type Signer } from './signer';

export interface DemoOptions {
  /** Everything follows from this: the same seed gives the same clips, frame for frame. */
  seed?: number;
  /** How many of the built-in signs (the first n), or their names. Default 6. */
  classes?: number | readonly string[];
  /** Default 40. */
  clipsPerClass?: number;
  /** Frames per clip, inclusive range; default [28, 56] (clips shorter than 30 get padded, as real clips do). */
  framesPerClip?: readonly [number, number];
  /** Frame size the landmarks are normalised to (and videos rendered at); default 320 × 240. */
  width?: number;
  height?: number;
  /** Default 25. */
  fps?: number;
}

export interface DemoClip {
  className: string;
  /** Path relative to the videos root, e.g. "wave/wave_007.mp4": the clip's key everywhere. */
  relativePath: string;
  /** What extraction would have recorded for each frame of the clip. */
  frames: FrameRecord[];
  width: number;
  height: number;
  fps: number;
  /** Who signs and how they look: what the videos are rendered from. */
  signer: Signer;
  appearance: Appearance;
  /** The true pose of each hand in each frame (null: out of the picture), before any detector. */
  scene: DemoScene[];
}

export interface DemoScene {
  Right: HandPose | null;
  Left: HandPose | null;
}

export const DEFAULT_DEMO_SEED = 7;
export const DEFAULT_DEMO_CLIPS_PER_CLASS = 40;
export const DEFAULT_DEMO_FRAMES_PER_CLIP: readonly [number, number] = [28, 56];

interface ClipSetup {
  width: number;
  height: number;
  fps: number;
  frames: readonly [number, number];
  seed: number;
}

function resolveSigns(classes: DemoOptions['classes']): DemoSign[] {
  if (classes === undefined || typeof classes === 'number') {
    const n = classes ?? DEFAULT_DEMO_CLASS_COUNT;
    if (!Number.isInteger(n) || n < 1 || n > DEMO_SIGNS.length) {
      throw new InvalidInputError(`the demo has ${DEMO_SIGNS.length} signs; ask for 1 to ${DEMO_SIGNS.length} classes, not ${n}`);
    }
    return DEMO_SIGNS.slice(0, n);
  }
  if (classes.length === 0) throw new InvalidInputError('give at least one demo class');
  const names = new Set<string>();
  return classes.map((name) => {
    const sign = DEMO_SIGNS.find((s) => s.name === name);
    if (!sign) throw new InvalidInputError(`"${name}" is not a demo sign; choose from ${DEMO_SIGNS.map((s) => s.name).join(', ')}`);
    if (names.has(name)) throw new InvalidInputError(`demo class "${name}" is given twice`);
    names.add(name);
    return sign;
  });
}

function resolveSetup(o: DemoOptions): ClipSetup {
  const setup = {
    width: o.width ?? 320,
    height: o.height ?? 240,
    fps: o.fps ?? 25,
    frames: o.framesPerClip ?? DEFAULT_DEMO_FRAMES_PER_CLIP,
    seed: o.seed ?? DEFAULT_DEMO_SEED,
  };
  const [lo, hi] = setup.frames;
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi < lo) throw new InvalidInputError(`frames per clip must be a range of whole numbers 1 <= min <= max, not [${lo}, ${hi}]`);
  // H.264 in yuv420p needs even sizes; the videos are rendered at this size.
  for (const [k, v] of [['width', setup.width], ['height', setup.height]] as const) {
    if (!Number.isInteger(v) || v < 16 || v > 4096 || v % 2 !== 0) throw new InvalidInputError(`demo ${k} must be an even number of pixels from 16 to 4096, not ${v}`);
  }
  if (!(setup.fps > 0 && setup.fps <= 240)) throw new InvalidInputError(`demo fps must be in (0, 240], not ${setup.fps}`);
  if (!Number.isInteger(setup.seed)) throw new InvalidInputError(`the demo seed must be a whole number, not ${setup.seed}`);
  return setup;
}

/** A clip's own seed from the dataset seed, its class and number: a clip does not change when more clips or classes are asked for. */
function clipSeed(seed: number, className: string, index: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${seed >>> 0}:${className}:${index}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

function withStyle(pose: HandPose, s: Signer, drift: [number, number], t: number): HandPose {
  return {
    ...pose,
    x: pose.x + wobbleAt(s.drift[drift[0]], t),
    y: pose.y + wobbleAt(s.drift[drift[1]], t),
    roll: pose.roll + s.rollBias,
    curl: pose.curl.map((c) => clamp01(c + s.curlBias * (1 - c))) as unknown as HandPose['curl'],
  };
}

/** The left hand while a one-handed sign is made: resting low in front of the body, relaxed, fingers pointing across. */
function idleLeft(s: Signer): HandPose {
  return { x: s.cx + 0.12 * s.reach, y: s.shoulderY + 0.4 * s.reach, size: s.handSize, roll: 2.1, yaw: 0.1, curl: [0.25, 0.2, 0.25, 0.3, 0.35] };
}

function detectedHand(pose: HandPose, handedness: Handedness, s: Signer, aspect: number, rng: SeededRandom): HandRecord {
  const landmarks = handLandmarks(pose, handedness, aspect).map(([x, y, z]) => [x + (rng.normal() * s.noise) / aspect, y + rng.normal() * s.noise, z + (rng.normal() * s.noise) / (2 * aspect)] as [number, number, number]);
  return {
    handedness,
    handednessScore: rng.uniform(0.8, 0.995),
    score: clamp01(0.97 - Math.abs(rng.normal()) * 0.04),
    landmarks,
  };
}

function personBox(s: Signer, aspect: number, rng: SeededRandom): PersonBox {
  const j = () => rng.normal() * 0.004;
  return {
    box: [clamp01((s.cx - 0.3 * s.reach) / aspect + j()), clamp01(s.shoulderY - 0.34 * s.reach + j()), clamp01((s.cx + 0.3 * s.reach) / aspect + j()), clamp01(s.shoulderY + 0.75 * s.reach + j())],
    score: rng.uniform(0.8, 0.95),
  };
}

/** One performance of a sign, frame by frame, as the extraction would have recorded it. */
export function generateDemoClip(sign: DemoSign, index: number, options: DemoOptions = {}): DemoClip {
  const setup = resolveSetup(options);
  const aspect = setup.width / setup.height;
  const rng = new SeededRandom(clipSeed(setup.seed, sign.name, index));
  const signer = sampleSigner(rng.fork(1), aspect);
  const detector = rng.fork(2);
  const [lo, hi] = setup.frames;
  const n = lo + rng.int(hi - lo + 1);
  const duration = (n - 1) / setup.fps;
  const idleHidden = signer.idleHandHidden;
  const missing = { Right: false, Left: false };
  const appearance = sampleAppearance(rng.fork(3));
  const frames: FrameRecord[] = [];
  const scene: DemoScene[] = [];
  for (let i = 0; i < n; i++) {
    const p = warpedProgress(signer, n > 1 ? i / (n - 1) : 0);
    const t = p * duration;
    const sh = sign.hands({ signer, t, p });
    const poses: [Handedness, HandPose | null][] = [
      ['Right', withStyle(sh.right, signer, [0, 1], t)],
      ['Left', sh.left ? withStyle(sh.left, signer, [2, 3], t) : idleHidden ? null : withStyle(idleLeft(signer), signer, [2, 3], t)],
    ];
    scene.push({ Right: poses[0][1], Left: poses[1][1] });
    // The detector: now and then a whole frame without hands, and short runs in which a hand is lost.
    const frameLost = detector.next() < signer.frameDropRate;
    const hands: HandRecord[] = [];
    for (const [side, pose] of poses) {
      missing[side] = missing[side] ? detector.next() < 0.55 : detector.next() < signer.handDropRate;
      if (pose && !frameLost && !missing[side]) hands.push(detectedHand(pose, side, signer, aspect, detector));
    }
    // MediaPipe lists hands in detection order, not by side.
    if (hands.length === 2 && detector.next() < 0.5) hands.reverse();
    frames.push({ index: i, time: i / setup.fps, persons: [personBox(signer, aspect, detector)], hands });
  }
  const number = String(index + 1).padStart(3, '0');
  return { className: sign.name, relativePath: `${sign.name}/${sign.name}_${number}.mp4`, frames, width: setup.width, height: setup.height, fps: setup.fps, signer, appearance, scene };
}

/** The true landmarks of frame `i` of a clip (normalised like MediaPipe's), for each hand in the picture. */
export function trueHands(clip: DemoClip, i: number): { handedness: Handedness; landmarks: [number, number, number][] }[] {
  const aspect = clip.width / clip.height;
  const out: { handedness: Handedness; landmarks: [number, number, number][] }[] = [];
  for (const side of ['Right', 'Left'] as const) {
    const pose = clip.scene[i][side];
    if (pose) out.push({ handedness: side, landmarks: handLandmarks(pose, side, aspect) });
  }
  return out;
}

/**
 * The built-in demo dataset: `clipsPerClass` performances of each sign by varied synthetic signers,
 * as per-frame records like extraction produces (so everything downstream treats them as real
 * clips). Deterministic in `seed`; clip k of a class is the same however many clips or classes are asked for.
 */
export function generateDemoDataset(options: DemoOptions = {}): DemoClip[] {
  const signs = resolveSigns(options.classes);
  const perClass = options.clipsPerClass ?? DEFAULT_DEMO_CLIPS_PER_CLASS;
  if (!Number.isInteger(perClass) || perClass < 1 || perClass > 10_000) throw new InvalidInputError(`clips per class must be a whole number from 1 to 10000, not ${perClass}`);
  resolveSetup(options);
  const clips: DemoClip[] = [];
  for (const sign of signs) for (let i = 0; i < perClass; i++) clips.push(generateDemoClip(sign, i, options));
  return clips;
}
