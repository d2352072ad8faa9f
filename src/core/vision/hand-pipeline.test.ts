import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, openVideo } from '../video/decode';
import { sharedData } from '../../test-support/shared-data';
import { createHandPipeline, type HandPipeline } from './hand-pipeline';

// MediaPipe's own hand landmarker on thumbs_up.png (data README): landmark index -> [x, y].
const THUMBS_UP_REFERENCE: Record<number, [number, number]> = {
  0: [0.613, 0.7016],
  4: [0.53, 0.2774],
  8: [0.5171, 0.518],
  20: [0.5103, 0.7046],
};
// MediaPipe Tasks (tasks-vision 0.10.35 in Chromium, as `gstudio parity` runs it) with the lite
// models on the same picture. The reference above matches the full models (Tasks with them: 0.0028);
// the lite ones put the hand 0.031 from it, in Tasks as in the pipeline.
const THUMBS_UP_TASKS_LITE: Record<number, [number, number]> = {
  0: [0.6044, 0.7148],
  4: [0.5374, 0.2464],
  8: [0.5339, 0.5346],
  20: [0.5049, 0.7197],
};

function worstPoint(landmarks: number[][], ref: Record<number, [number, number]>): number {
  let maxErr = 0;
  for (const [i, [x, y]] of Object.entries(ref)) {
    const [lx, ly] = landmarks[Number(i)];
    maxErr = Math.max(maxErr, Math.abs(lx - x), Math.abs(ly - y));
  }
  return maxErr;
}

describe.each(['full', 'lite'] as const)('hand pipeline (%s model) on still images', (model) => {
  let pipe: HandPipeline;
  beforeAll(async () => {
    pipe = await createHandPipeline({ model, tracking: false });
  });
  afterAll(() => pipe.dispose());

  it('finds one right hand on thumbs_up.png where MediaPipe does', async () => {
    const img = await decodeImage(sharedData('images', 'thumbs_up.png'));
    const rec = await pipe.processFrame(img);
    expect(rec.hands.length).toBe(1);
    const hand = rec.hands[0];
    expect(hand.handedness).toBe('Right');
    // Tasks: 0.994 (full), 0.747 (lite).
    expect(hand.handednessScore).toBeGreaterThan(model === 'full' ? 0.9 : 0.7);
    expect(hand.landmarks.length).toBe(21);
    const maxErr = worstPoint(hand.landmarks, THUMBS_UP_REFERENCE);
    const liteErr = worstPoint(hand.landmarks, THUMBS_UP_TASKS_LITE);
    console.log(`thumbs_up (${model}): max landmark error ${maxErr.toFixed(4)} (to Tasks lite ${liteErr.toFixed(4)}), handedness ${hand.handednessScore.toFixed(3)}, presence ${hand.score.toFixed(3)}`);
    // Measured: full 0.0028 (Tasks 0.0028); lite 0.0311 (Tasks 0.0310) and 0.0006 from Tasks lite.
    if (model === 'full') expect(maxErr).toBeLessThan(0.01);
    else expect(liteErr).toBeLessThan(0.01);
    // Every landmark lies on the hand, inside the picture.
    for (const [x, y] of hand.landmarks) {
      expect(x).toBeGreaterThan(0.3);
      expect(x).toBeLessThan(0.75);
      expect(y).toBeGreaterThan(0.2);
      expect(y).toBeLessThan(0.85);
    }
  });

  it('finds the front hand on two_hands_test.jpg, a right hand, and not the one behind it', async () => {
    // The data README gives MediaPipe's handedness score for its first hand on this photo: 0.7034.
    // The @mediapipe/hands palm detector finds only the front hand (not the one behind it, even with
    // 4 hands allowed). MediaPipe Tasks with these models calls it Right with 0.651 (full) / 0.943
    // (lite), and so does the pipeline now that it crops as Tasks does (0.67 / 0.94; its earlier
    // anti-aliased crops and upright palm regions gave 0.991 / 0.997).
    const img = await decodeImage(sharedData('images', 'two_hands_test.jpg'));
    const rec = await pipe.processFrame(img);
    expect(rec.hands.length).toBe(1);
    const [hand] = rec.hands;
    expect(hand.handedness).toBe('Right');
    if (model === 'full') expect(Math.abs(hand.handednessScore - 0.7034)).toBeLessThan(0.08);
    else expect(hand.handednessScore).toBeGreaterThan(0.9);
    // The front hand: its wrist where Tasks puts it, (0.484, 0.742) full / (0.475, 0.696) lite; thumb tip above it.
    const wrist = model === 'full' ? [0.484, 0.742] : [0.475, 0.696];
    expect(Math.hypot(hand.landmarks[0][0] - wrist[0], hand.landmarks[0][1] - wrist[1])).toBeLessThan(0.01);
    expect(hand.landmarks[4][1]).toBeLessThan(0.35);
  });
});

/**
 * gesture_none_*.jpg are "no gesture" photos of HaGRID, not photos without hands: looked at, each
 * shows a person with a raised hand (a thumb down in 1 and 3, an index up in 2) and, in 3, a second
 * hand resting at the waist. The pipeline finds exactly those hands, where they are, no false hand,
 * with the handedness MediaPipe Tasks gives them with the same models (`tasks`: its score, full /
 * lite, measured in Chromium). That is the person's own side (image x grows to the person's left)
 * except in 1, where MediaPipe calls the raised left hand (on the picture's right) Right.
 */
const NONE_HANDS: Record<string, { handedness: 'Left' | 'Right'; wrist: [number, number]; tasks: Record<'full' | 'lite', number> }[]> = {
  'gesture_none_1.jpg': [{ handedness: 'Right', wrist: [0.61, 0.27], tasks: { full: 0.87, lite: 0.863 } }],
  'gesture_none_2.jpg': [{ handedness: 'Right', wrist: [0.16, 0.37], tasks: { full: 0.994, lite: 0.973 } }],
  'gesture_none_3.jpg': [
    { handedness: 'Left', wrist: [0.57, 0.4], tasks: { full: 0.988, lite: 0.578 } }, // the raised thumb down, on the picture's right
    { handedness: 'Right', wrist: [0.37, 0.77], tasks: { full: 0.996, lite: 0.996 } }, // the hand on her waist, crossed over
  ],
};

describe.each(['full', 'lite'] as const)('hand pipeline (%s model) on the "no gesture" photos', (model) => {
  let pipe: HandPipeline;
  beforeAll(async () => {
    pipe = await createHandPipeline({ model, tracking: false });
  });
  afterAll(() => pipe.dispose());

  it.each(Object.keys(NONE_HANDS))('finds the hands that are there in %s, and no other', async (name) => {
    const rec = await pipe.processFrame(await decodeImage(sharedData('images', name)));
    const found = rec.hands.map((h) => ({ handedness: h.handedness, wrist: h.landmarks[0].slice(0, 2) as [number, number], score: h.handednessScore }));
    console.log(`${name} (${model}): ${found.map((h) => `${h.handedness} ${h.score.toFixed(3)} wrist ${h.wrist.map((v) => v.toFixed(3))}`).join(', ')}`);
    const expected = NONE_HANDS[name];
    expect(found.length).toBe(expected.length);
    for (const want of expected) {
      const near = found.filter((h) => Math.hypot(h.wrist[0] - want.wrist[0], h.wrist[1] - want.wrist[1]) < 0.03);
      expect(near.map((h) => h.handedness), `hand at ${want.wrist}`).toEqual([want.handedness]);
      expect(Math.abs(near[0].score - want.tasks[model])).toBeLessThan(0.03);
    }
  });
});

describe('hand pipeline (default model) on gesture photos', () => {
  let pipe: HandPipeline;
  beforeAll(async () => {
    pipe = await createHandPipeline({ tracking: false });
  });
  afterAll(() => pipe.dispose());

  // A hand is visible in each, but MediaPipe Tasks with the full models finds none in
  // gesture_four_3.jpg (palm score 0.504, then hand presence 0.40 < 0.5), and neither does the
  // pipeline, which crops as Tasks does (the lite models find it, in both).
  const missedByMediaPipe = new Set(['gesture_four_3.jpg']);
  it.each(['call', 'four', 'rock'].flatMap((g) => [1, 2, 3].map((n) => `gesture_${g}_${n}.jpg`)))('finds a hand in %s as MediaPipe does', async (name) => {
    const img = await decodeImage(sharedData('images', name));
    const rec = await pipe.processFrame(img);
    if (missedByMediaPipe.has(name)) return expect(rec.hands.length).toBe(0);
    expect(rec.hands.length).toBeGreaterThanOrEqual(1);
    for (const [x, y] of rec.hands[0].landmarks) {
      expect(x).toBeGreaterThan(-0.05);
      expect(x).toBeLessThan(1.05);
      expect(y).toBeGreaterThan(-0.05);
      expect(y).toBeLessThan(1.05);
    }
  });
});

describe('hand pipeline on the test video', () => {
  it.each([
    ['full', true, 2],
    ['lite', true, 2],
    ['lite', false, 2],
    // One hand allowed: MediaPipe's own rule (search only when the hand is lost) applies as is.
    ['lite', true, 1],
  ] as const)('%s model, tracking %s, max %i hands: a right hand in ≥ 98% of frames', async (model, tracking, maxHands) => {
    const pipe = await createHandPipeline({ model, tracking, maxHands });
    const dec = await openVideo(sharedData('video', 'hand_test_640x360.mp4'));
    let frames = 0;
    let withHand = 0;
    let right = 0;
    let rightScore = 0;
    for await (const f of dec.frames()) {
      const rec = await pipe.processFrame(f);
      expect(rec.index).toBe(f.index);
      frames++;
      if (rec.hands.length) withHand++;
      if (rec.hands.some((h) => h.handedness === 'Right')) right++;
      for (const h of rec.hands) if (h.handedness === 'Right') rightScore += h.handednessScore;
      for (const h of rec.hands) for (const [x, y] of h.landmarks) {
        expect(x).toBeGreaterThan(-0.1);
        expect(x).toBeLessThan(1.1);
        expect(y).toBeGreaterThan(-0.1);
        expect(y).toBeLessThan(1.1);
      }
    }
    const palmFraction = pipe.stats.palmDetectionFrames / frames;
    console.log(
      `video (${model}, tracking ${tracking}, max ${maxHands}): hand in ${withHand}/${frames}, right ${right}, palm detection on ${pipe.stats.palmDetectionFrames} frames (${(100 * palmFraction).toFixed(1)}%)`,
    );
    expect(frames).toBe(202);
    expect(withHand / frames).toBeGreaterThanOrEqual(0.98);
    expect(right / withHand).toBeGreaterThanOrEqual(0.95);
    // The data README: MediaPipe's mean handedness score of the right hand is about 0.95. The full
    // model gives 0.960 here (tracking, 2 hands); the lite model 0.940 (0.90 before the palm regions
    // and crops followed Tasks).
    const meanRight = rightScore / right;
    console.log(`video (${model}): mean handedness score of the right hand ${meanRight.toFixed(4)}`);
    if (model === 'full') expect(Math.abs(meanRight - 0.95)).toBeLessThan(0.02);
    else expect(meanRight).toBeGreaterThan(0.85);
    if (tracking) expect(palmFraction).toBeLessThan(0.2);
    else expect(pipe.stats.palmDetectionFrames).toBe(frames);
    await pipe.dispose();
  });
});
