import { describe, expect, it } from 'vitest';
import { trainingProgress } from './training-progress';

describe('training progress', () => {
  it('counts batches/s and samples/s apart, and time left from the first epoch trained here', () => {
    let t = 0;
    const pace = trainingProgress(() => t);
    // 4 epochs of 20 batches of 32 samples, 5 batches a second (a resumed run starting at epoch 2).
    const seen = [];
    for (let epoch = 2; epoch <= 4; epoch++) {
      for (let batch = 1; batch <= 20; batch++) {
        t += 0.2;
        seen.push(pace.batch({ epoch, epochs: 4, batch, batches: 20, done: batch * 32, total: 640, samplesPerSecond: 0, loss: 1 }));
      }
      seen.push(pace.epoch({ epoch, epochs: 4, metrics: {} as never, isBest: false, bestEpoch: 1, bestValF1: 0, samplesPerSecond: 0, elapsedSeconds: t, etaSeconds: 0 }));
    }
    const first = seen[0];
    expect(first).toMatchObject({ done: 21, total: 80 });
    expect(first.rate).toBeUndefined();
    const mid = seen[30];
    expect(mid.rate).toBeCloseTo(5, 1);
    expect(mid.workRate).toBeCloseTo(160, 0);
    expect(mid.workUnit).toBe('samples');
    // 3 epochs × 4 s here: halfway through epoch 3 (t ≈ 6.2 s) about 5.8 s are left.
    expect(Math.abs(mid.etaSeconds! - (12 - 6.2))).toBeLessThan(1);
    expect(seen.at(-1)).toMatchObject({ done: 80, total: 80, fraction: 1 });
  });
});
