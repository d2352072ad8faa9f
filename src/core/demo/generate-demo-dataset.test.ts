import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors';
import type { FrameRecord, Handedness } from '../keypoints/frame-record';
import { frameFeatures } from '../keypoints/frame-features';
import { shapeSequence } from '../keypoints/sequence';
import { DEMO_SIGNS, demoSign, generateDemoClip, generateDemoDataset, type DemoClip } from './index';

const T = 30;
const D = 84;
const sequenceOf = (clip: DemoClip) => shapeSequence(clip.frames.map((f) => frameFeatures(f)), T, 'middle');

/** Per clip and hand slot: share of frames with the hand, then mean, spread and mean velocity of its 42 values over those frames. */
function clipSummary(seq: Float32Array): number[] {
  const out: number[] = [];
  for (let slot = 0; slot < 2; slot++) {
    const o = slot * 42;
    const present: number[] = [];
    for (let t = 0; t < T; t++) if (seq.subarray(t * D + o, t * D + o + 42).some((v) => v !== 0)) present.push(t);
    const mean = new Array(42).fill(0);
    const sq = new Array(42).fill(0);
    const vel = new Array(42).fill(0);
    for (const t of present) for (let d = 0; d < 42; d++) {
      mean[d] += seq[t * D + o + d];
      sq[d] += seq[t * D + o + d] ** 2;
    }
    for (let i = 1; i < present.length; i++) {
      const [a, b] = [present[i - 1], present[i]];
      for (let d = 0; d < 42; d++) vel[d] += (seq[b * D + o + d] - seq[a * D + o + d]) / (b - a) / (present.length - 1);
    }
    const n = Math.max(1, present.length);
    const m = mean.map((v) => v / n);
    out.push(present.length / T, ...m, ...sq.map((v, d) => Math.sqrt(Math.max(0, v / n - m[d] ** 2))), ...vel);
  }
  return out;
}

/** Nearest class centroid on standardised features; every 4th clip of each class is held out. */
function nearestCentroidAccuracy(items: { label: string; x: number[] }[]): number {
  const test = items.filter((_, i) => i % 4 === 0);
  const train = items.filter((_, i) => i % 4 !== 0);
  const dims = train[0].x.length;
  const mu = new Array(dims).fill(0);
  const sd = new Array(dims).fill(0);
  for (const s of train) s.x.forEach((v, d) => (mu[d] += v / train.length));
  for (const s of train) s.x.forEach((v, d) => (sd[d] += (v - mu[d]) ** 2 / train.length));
  const z = (x: number[]) => x.map((v, d) => (v - mu[d]) / (Math.sqrt(sd[d]) + 1e-9));
  const labels = [...new Set(train.map((s) => s.label))];
  const centroids = labels.map((label) => {
    const members = train.filter((s) => s.label === label).map((s) => z(s.x));
    return members[0].map((_, d) => members.reduce((a, m) => a + m[d], 0) / members.length);
  });
  let correct = 0;
  for (const s of test) {
    const x = z(s.x);
    const dist = centroids.map((c) => c.reduce((a, v, d) => a + (v - x[d]) ** 2, 0));
    if (labels[dist.indexOf(Math.min(...dist))] === s.label) correct++;
  }
  return correct / test.length;
}

const handOf = (f: FrameRecord, side: Handedness) => f.hands.find((h) => h.handedness === side);
/** A hand's landmarks in pixels of the clip's frame, for each frame where it was detected. */
function track(clip: DemoClip, side: Handedness): { i: number; px: [number, number][] }[] {
  return clip.frames.flatMap((f, i) => {
    const h = handOf(f, side);
    return h ? [{ i, px: h.landmarks.map(([x, y]) => [x * clip.width, y * clip.height] as [number, number]) }] : [];
  });
}
const dist = (a: [number, number], b: [number, number]) => Math.hypot(a[0] - b[0], a[1] - b[1]);
const meanOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('generateDemoDataset', () => {
  const defaults = generateDemoDataset({ seed: 11 });

  it('makes 6 classes × 40 clips by default, named <class>/<class>_NNN.mp4, with frames as extraction records them', () => {
    expect(defaults).toHaveLength(240);
    expect(new Set(defaults.map((c) => c.className))).toEqual(new Set(DEMO_SIGNS.slice(0, 6).map((s) => s.name)));
    expect(new Set(defaults.map((c) => c.relativePath)).size).toBe(240);
    expect(defaults.find((c) => c.relativePath === 'wave/wave_007.mp4')?.className).toBe('wave');
    for (const clip of defaults) {
      expect(clip.relativePath).toMatch(new RegExp(`^${clip.className}/${clip.className}_\\d{3}\\.mp4$`));
      expect([clip.width, clip.height, clip.fps]).toEqual([320, 240, 25]);
      expect(clip.frames.length).toBeGreaterThanOrEqual(28);
      expect(clip.frames.length).toBeLessThanOrEqual(56);
      clip.frames.forEach((f, i) => {
        expect(f.index).toBe(i);
        expect(f.time).toBeCloseTo(i / 25, 9);
        expect(f.persons).toHaveLength(1);
        const [x1, y1, x2, y2] = f.persons[0].box;
        expect(0 <= x1 && x1 < x2 && x2 <= 1 && 0 <= y1 && y1 < y2 && y2 <= 1).toBe(true);
        expect(f.hands.length).toBeLessThanOrEqual(2);
        expect(new Set(f.hands.map((h) => h.handedness)).size).toBe(f.hands.length);
        for (const h of f.hands) {
          expect(h.landmarks).toHaveLength(21);
          expect(h.landmarks.every((p) => p.length === 3 && p.every(Number.isFinite))).toBe(true);
          expect(h.score).toBeGreaterThan(0.5);
          expect(h.handednessScore).toBeGreaterThan(0.5);
        }
      });
    }
  });

  it('is deterministic in its seed, and a clip does not depend on how many clips or classes are asked for', () => {
    const a = generateDemoDataset({ seed: 5, classes: 3, clipsPerClass: 4 });
    const b = generateDemoDataset({ seed: 5, classes: 3, clipsPerClass: 4 });
    expect(b).toEqual(a);
    a.forEach((clip, i) => expect(sequenceOf(b[i])).toEqual(sequenceOf(clip)));
    const other = generateDemoDataset({ seed: 6, classes: 3, clipsPerClass: 4 });
    expect(other.map((c) => c.frames.length)).not.toEqual(a.map((c) => c.frames.length));
    expect(sequenceOf(other[0])).not.toEqual(sequenceOf(a[0]));
    // Clip 2 of "circle" is the same in a bigger dataset and when asked for alone.
    const big = generateDemoDataset({ seed: 5, classes: 6, clipsPerClass: 10 });
    const circle2 = a.find((c) => c.relativePath === 'circle/circle_003.mp4')!;
    expect(big.find((c) => c.relativePath === 'circle/circle_003.mp4')).toEqual(circle2);
    expect(generateDemoClip(demoSign('circle')!, 2, { seed: 5 })).toEqual(circle2);
  });

  it('takes classes by name or count, a frame range and a frame size; refuses what it cannot make', () => {
    const clips = generateDemoDataset({ classes: ['grab', 'swipe_right'], clipsPerClass: 2, framesPerClip: [10, 12], width: 640, height: 360 });
    expect(clips.map((c) => c.relativePath)).toEqual(['grab/grab_001.mp4', 'grab/grab_002.mp4', 'swipe_right/swipe_right_001.mp4', 'swipe_right/swipe_right_002.mp4']);
    expect(clips.every((c) => c.frames.length >= 10 && c.frames.length <= 12 && c.width === 640 && c.height === 360)).toBe(true);
    expect(new Set(generateDemoDataset({ classes: 8, clipsPerClass: 1 }).map((c) => c.className)).size).toBe(8);
    expect(() => generateDemoDataset({ classes: ['wave', 'jump'] })).toThrow(InvalidInputError);
    expect(() => generateDemoDataset({ classes: 9 })).toThrow(/1 to 8/);
    expect(() => generateDemoDataset({ classes: ['wave', 'wave'] })).toThrow(/twice/);
    expect(() => generateDemoDataset({ clipsPerClass: 0 })).toThrow(InvalidInputError);
    expect(() => generateDemoDataset({ framesPerClip: [30, 20] })).toThrow(InvalidInputError);
    expect(() => generateDemoDataset({ width: 321 })).toThrow(/even/);
  });

  it('has dropped frames, lost hands and hidden idle hands, so zeros appear in the sequences as in real data', () => {
    const frames = defaults.flatMap((c) => c.frames);
    const none = frames.filter((f) => f.hands.length === 0).length;
    expect(none / frames.length).toBeGreaterThan(0.003);
    expect(none / frames.length).toBeLessThan(0.1);
    // A two-handed sign now and then loses one hand.
    const twoHanded = defaults.filter((c) => c.className === 'clap' || c.className === 'push').flatMap((c) => c.frames);
    const oneOfTwo = twoHanded.filter((f) => f.hands.length === 1).length;
    expect(oneOfTwo).toBeGreaterThan(0);
    expect(oneOfTwo / twoHanded.length).toBeLessThan(0.1);
    // In one-handed signs some signers keep the idle hand in view and some out of it.
    const wave = defaults.filter((c) => c.className === 'wave');
    const leftShown = wave.filter((c) => c.frames.some((f) => handOf(f, 'Left'))).length;
    expect(leftShown).toBeGreaterThan(5);
    expect(leftShown).toBeLessThan(35);
    const seqs = defaults.map(sequenceOf);
    const zeroSlots = seqs.reduce((n, s) => n + Array.from({ length: T * 2 }, (_, k) => s.subarray(k * 42, k * 42 + 42).every((v) => v === 0)).filter(Boolean).length, 0);
    expect(zeroSlots).toBeGreaterThan(0);
  });

  it('draws hands with MediaPipe geometry: palm-sized bones, the thumb on the mirrored side for the left hand', () => {
    const push = defaults.filter((c) => c.className === 'push');
    for (const clip of push) {
      for (const side of ['Right', 'Left'] as const) {
        const seen = track(clip, side);
        // Wrist to middle-finger base; per frame the landmark noise blurs it, so the clip's median is the yardstick.
        const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
        const palm = median(seen.map(({ px }) => dist(px[0], px[9])));
        expect(palm).toBeGreaterThan(12);
        expect(palm).toBeLessThan(50);
        // Open fingers: the middle finger about as long as the palm.
        const finger = median(seen.map(({ px }) => dist(px[9], px[12])));
        expect(finger / palm).toBeGreaterThan(0.7);
        expect(finger / palm).toBeLessThan(1.15);
        for (const { px } of seen) {
          // Every joint near the hand (the palm grows as the hands come forward: measured per frame, over four bones).
          const framePalm = meanOf([5, 9, 13, 17].map((k) => dist(px[0], px[k])));
          expect(px.every((p) => dist(p, px[0]) < 2.5 * framePalm)).toBe(true);
          // Palm towards the camera: the thumb is on the body's midline side, so mirrored between the hands.
          const thumbMinusPinky = px[4][0] - px[20][0];
          expect(side === 'Right' ? thumbMinusPinky > 0 : thumbMinusPinky < 0).toBe(true);
        }
      }
    }
  });

  it('moves each sign as described', () => {
    const clips = generateDemoDataset({ seed: 3, classes: 8, clipsPerClass: 8 });
    const of = (name: string) => clips.filter((c) => c.className === name);
    const wrist = (clip: DemoClip, side: Handedness = 'Right') => track(clip, side).map(({ i, px }) => ({ i, x: px[0][0], y: px[0][1], px }));
    const firstLast = (clip: DemoClip, key: 'x' | 'y') => {
      const w = wrist(clip);
      const q = Math.max(1, Math.floor(w.length / 5));
      return [meanOf(w.slice(0, q).map((p) => p[key])), meanOf(w.slice(-q).map((p) => p[key]))];
    };
    for (const clip of of('wave')) {
      // Side to side: the wrist's horizontal direction flips several times.
      const xs = wrist(clip).map((p) => p.x);
      let flips = 0;
      for (let k = 2; k < xs.length; k++) if (Math.sign(xs[k] - xs[k - 1]) !== Math.sign(xs[k - 1] - xs[k - 2])) flips++;
      expect(flips).toBeGreaterThanOrEqual(2);
    }
    for (const clip of of('swipe_left')) {
      const [a, b] = firstLast(clip, 'x');
      expect(b - a).toBeGreaterThan(40);
    }
    for (const clip of of('swipe_right')) {
      const [a, b] = firstLast(clip, 'x');
      expect(a - b).toBeGreaterThan(40);
    }
    for (const clip of of('point_up')) {
      const [a, b] = firstLast(clip, 'y');
      expect(a - b).toBeGreaterThan(30);
      // The index finger sticks out; the other fingers are folded.
      for (const { px } of wrist(clip)) expect(dist(px[0], px[8])).toBeGreaterThan(1.4 * dist(px[0], px[12]));
    }
    for (const clip of of('push')) {
      const spans = wrist(clip).map(({ px }) => dist(px[0], px[9]));
      const q = Math.max(1, Math.floor(spans.length / 5));
      expect(meanOf(spans.slice(-q)) / meanOf(spans.slice(0, q))).toBeGreaterThan(1.25);
    }
    for (const clip of of('clap')) {
      const gaps = clip.frames.flatMap((f) => {
        const [r, l] = [handOf(f, 'Right'), handOf(f, 'Left')];
        return r && l ? [(l.landmarks[0][0] - r.landmarks[0][0]) * clip.width] : [];
      });
      expect(Math.min(...gaps)).toBeLessThan(0.6 * Math.max(...gaps));
    }
    for (const clip of of('grab')) {
      // Fingertips come in to the palm and go out again.
      const reach = wrist(clip).map(({ px }) => dist(px[0], px[12]) / dist(px[0], px[9]));
      expect(Math.max(...reach) - Math.min(...reach)).toBeGreaterThan(0.6);
    }
  });

  it('has classes a nearest-centroid classifier separates from clip motion summaries, but not from one frame', () => {
    const summaryAccuracy = (clips: DemoClip[]) => nearestCentroidAccuracy(clips.map((c) => ({ label: c.className, x: clipSummary(sequenceOf(c)) })));
    const middleFrameAccuracy = (clips: DemoClip[]) => nearestCentroidAccuracy(clips.map((c) => ({ label: c.className, x: Array.from(sequenceOf(c).subarray(15 * D, 16 * D)) })));
    // The default demo (6 × 40, 60 held out) and every built-in sign (8 × 40, 80 held out).
    const all = generateDemoDataset({ seed: 11, classes: 8 });
    const accDefault = summaryAccuracy(defaults);
    const accAll = summaryAccuracy(all);
    expect(accDefault).toBeGreaterThan(0.9);
    expect(accAll).toBeGreaterThan(0.9);
    // Several signs share the raised open hand: one frame alone is a poor guide.
    expect(middleFrameAccuracy(all)).toBeLessThan(0.75);
  });
});
