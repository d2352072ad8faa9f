import { INPUT_SIZE, NUM_COORDS_PER_KEYPOINT, NUM_KEYPOINTS_PER_HAND, type FrameRecord, type HandRecord } from './frame-record';

const PER_HAND = NUM_KEYPOINTS_PER_HAND * NUM_COORDS_PER_KEYPOINT;

/**
 * Hand slots as PIPELINE.md §2: slot 0 the left hand, slot 1 the right, by the detector's
 * handedness; a hand whose slot is taken (or with no handedness) goes to the next free slot;
 * hands beyond the two slots are dropped. Returns the hand in each slot, or null.
 */
export function assignHandSlots(hands: readonly Pick<HandRecord, 'handedness'>[]): (number | null)[] {
  const slots: (number | null)[] = [null, null];
  hands.forEach((h, i) => {
    const wanted = h.handedness === 'Left' ? 0 : h.handedness === 'Right' ? 1 : -1;
    if (wanted >= 0 && slots[wanted] === null) slots[wanted] = i;
    else {
      const free = slots.indexOf(null);
      if (free >= 0) slots[free] = i;
    }
  });
  return slots;
}

/** The frame's 84 features: slot 0 then slot 1, each 21 × (x, y) in landmark order; zeros for a missing hand. */
export function frameFeatures(record: Pick<FrameRecord, 'hands'>, out = new Float32Array(INPUT_SIZE)): Float32Array {
  out.fill(0);
  const slots = assignHandSlots(record.hands);
  slots.forEach((hi, s) => {
    if (hi === null) return;
    const lm = record.hands[hi].landmarks;
    const o = s * PER_HAND;
    for (let k = 0; k < NUM_KEYPOINTS_PER_HAND; k++) {
      out[o + 2 * k] = lm[k][0];
      out[o + 2 * k + 1] = lm[k][1];
    }
  });
  return out;
}
