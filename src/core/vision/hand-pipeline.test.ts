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

describe.each(['full', 'lite'] as const)('hand pipeline (%s model) on still images', (model) => {
  let pipe: HandPipeline;
  beforeAll(async () => {
    pipe = await createHandPipeline({ model, tracking: false });
  });
  afterAll(() => pipe.dispose());

  it('finds one right hand on thumbs_up.png within 0.03 of MediaPipe', async () => {
    const img = await decodeImage(sharedData('images', 'thumbs_up.png'));
    const rec = await pipe.processFrame(img);
    expect(rec.hands.length).toBe(1);
    const hand = rec.hands[0];
    expect(hand.handedness).toBe('Right');
    expect(hand.handednessScore).toBeGreaterThan(0.8);
    expect(hand.landmarks.length).toBe(21);
    let maxErr = 0;
    for (const [i, [x, y]] of Object.entries(THUMBS_UP_REFERENCE)) {
      const [lx, ly] = hand.landmarks[Number(i)];
      maxErr = Math.max(maxErr, Math.abs(lx - x), Math.abs(ly - y));
    }
    console.log(`thumbs_up (${model}): max landmark error ${maxErr.toFixed(4)}, handedness ${hand.handednessScore.toFixed(3)}, presence ${hand.score.toFixed(3)}`);
    expect(maxErr).toBeLessThan(0.03);
    // Every landmark lies on the hand, inside the picture.
    for (const [x, y] of hand.landmarks) {
      expect(x).toBeGreaterThan(0.3);
      expect(x).toBeLessThan(0.75);
      expect(y).toBeGreaterThan(0.2);
      expect(y).toBeLessThan(0.85);
    }
  });

});

describe('hand pipeline (default model) on gesture photos', () => {
  let pipe: HandPipeline;
  beforeAll(async () => {
    pipe = await createHandPipeline({ tracking: false });
  });
  afterAll(() => pipe.dispose());

  it.each(['call', 'four', 'rock'].flatMap((g) => [1, 2, 3].map((n) => `gesture_${g}_${n}.jpg`)))('finds a hand in %s', async (name) => {
    const img = await decodeImage(sharedData('images', name));
    const rec = await pipe.processFrame(img);
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
    for await (const f of dec.frames()) {
      const rec = await pipe.processFrame(f);
      expect(rec.index).toBe(f.index);
      frames++;
      if (rec.hands.length) withHand++;
      if (rec.hands.some((h) => h.handedness === 'Right')) right++;
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
    if (tracking) expect(palmFraction).toBeLessThan(0.2);
    else expect(pipe.stats.palmDetectionFrames).toBe(frames);
    await pipe.dispose();
  });
});
