import { describe, expect, it } from 'vitest';
import type { JobProgress } from '../../api';
import { ProgressMeter } from './progress-meter';

describe('ProgressMeter', () => {
  it('measures an extraction in frames even when clips finish between two frame reports', () => {
    let t = 0;
    const meter = new ProgressMeter(250, () => undefined, 0, 0, () => t);
    // 40 frames a clip, 80 frames/s: a clip ends every half second, reported by tick in between.
    const seen: JobProgress[] = [];
    for (let frames = 0; t < 60; ) {
      t += 0.25;
      frames += 20;
      seen.push(meter.snapshot(undefined, { done: frames, total: 10_000, unit: 'frames' }));
      if (frames % 40 === 0) meter.tick('a clip');
    }
    const measured = seen.filter((p) => p.workRate !== undefined);
    expect(measured.length).toBeGreaterThan(100);
    for (const p of measured) expect(p.workRate!).toBeCloseTo(80, 0);
    // Time left counts down with the frames: 10,000 frames at 80/s, 60 s in.
    expect(seen.at(-1)!.etaSeconds!).toBeGreaterThan(60);
    expect(seen.at(-1)!.etaSeconds!).toBeLessThan(70);
    expect(Math.abs(seen.at(-1)!.rate! - 2)).toBeLessThan(0.1);
  });

  it('measures in items when it knows no finer work', () => {
    let t = 0;
    const seen: JobProgress[] = [];
    const meter = new ProgressMeter(40, (p) => seen.push(p), 0, 0, () => t);
    for (let i = 0; i < 20; i++) {
      t += 0.5;
      meter.tick();
    }
    expect(seen.at(-1)).toMatchObject({ done: 20, total: 40 });
    expect(seen.at(-1)!.rate!).toBeCloseTo(2, 1);
    expect(seen.at(-1)!.etaSeconds!).toBeCloseTo(10, 0);
  });
});
