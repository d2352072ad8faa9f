import type { FrameRecord } from '../keypoints/frame-record';

/**
 * A clip with fewer frames than a quarter of the model's window would reach the model as mostly zero
 * padding: its answer would be a guess, so it gets a reason instead of a class.
 */
export const MIN_WINDOW_SHARE = 0.25;

/** The fewest decoded frames a clip needs for a model that looks at `seqLen` frames (and never less than 2). */
export function minFramesFor(seqLen: number): number {
  return Math.max(2, Math.ceil(seqLen * MIN_WINDOW_SHARE));
}

export type Unclassifiable = { code: 'unreadable' | 'too_short' | 'no_hands'; reason: string };

/** Why a clip's keypoints cannot be classified by a model of window `seqLen`; null when they can. */
export function whyUnclassifiable(records: readonly FrameRecord[], seqLen: number): Unclassifiable | null {
  const n = records.length;
  if (n === 0) return { code: 'unreadable', reason: 'no frame could be read from it' };
  const min = minFramesFor(seqLen);
  if (n < min) return { code: 'too_short', reason: `too short: ${n} frame${n === 1 ? '' : 's'}, where the model looks at ${seqLen} and needs at least ${min}` };
  if (!records.some((f) => f.hands.length > 0)) return { code: 'no_hands', reason: `no hands were found in any of its ${n} frames` };
  return null;
}
