/** Clips per class below which a class is "very few" (its metrics move by whole tens of percent). */
export const FEW_CLIPS = 10;
/** A test split smaller than this says little: one clip more or less changes the accuracy by 5%+. */
export const SMALL_TEST_SPLIT = 20;

/**
 * What to say before training on a dataset too small to mean much: the expected test split
 * (as the split draws it: at least one clip of each class) and the classes with very few clips.
 */
export function datasetWarnings(classes: { name: string; extracted: number }[], testFraction: number): string[] {
  const used = classes.filter((c) => c.extracted > 0);
  if (used.length === 0) return [];
  const test = used.reduce((a, c) => a + Math.max(1, Math.round(c.extracted * testFraction)), 0);
  const out: string[] = [];
  if (test < SMALL_TEST_SPLIT) {
    out.push(`The test split will hold about ${test} clip${test === 1 ? '' : 's'}: each one moves the test accuracy by ${Math.round(100 / test)}%, so its metrics say little. Extract more clips, or read them as a rough guide.`);
  }
  const few = used.filter((c) => c.extracted < FEW_CLIPS);
  if (few.length) out.push(`Very few clips in ${few.map((c) => `${c.name} (${c.extracted})`).join(', ')}: the model sees too little of ${few.length === 1 ? 'this class' : 'these classes'} to learn ${few.length === 1 ? 'it' : 'them'} reliably.`);
  return out;
}
