import { describe, expect, it } from 'vitest';
import { datasetWarnings } from './dataset-warnings';

describe('warnings before training', () => {
  it('say when the test split is too small to mean much, and name the classes with very few clips', () => {
    const w = datasetWarnings([{ name: 'wave', extracted: 4 }, { name: 'point', extracted: 30 }, { name: 'none yet', extracted: 0 }], 0.15);
    expect(w[0]).toMatch(/about 6 clips: each one moves the test accuracy by 17%/);
    expect(w[1]).toMatch(/Very few clips in wave \(4\)/);
    expect(w[1]).not.toMatch(/point|none yet/);
  });

  it('say nothing for a dataset of a fair size', () => {
    expect(datasetWarnings([{ name: 'a', extracted: 80 }, { name: 'b', extracted: 80 }], 0.15)).toEqual([]);
  });
});
