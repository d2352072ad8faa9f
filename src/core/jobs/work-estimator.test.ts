import { describe, expect, it } from 'vitest';
import { WorkEstimator, type WorkEstimate } from './work-estimator';
import { SeededRandom } from '../dataset/seeded-random';

/** A job on a simulated clock: `rate(t)` work units per second, with noise, reported every `tick` s. */
function simulate(total: number, rate: (t: number) => number, { tick = 0.25, noise = 0.3, seed = 1, perItem = 50 } = {}) {
  let t = 0;
  const est = new WorkEstimator(() => t);
  const rng = new SeededRandom(seed);
  const out: (WorkEstimate & { t: number; done: number })[] = [];
  let done = 0;
  while (done < total) {
    t += tick;
    done = Math.min(total, done + rate(t) * tick * (1 + noise * (2 * rng.next() - 1)));
    out.push({ t, done, ...est.update(done, total, Math.floor(done / perItem)) });
  }
  return { out, end: t };
}

describe('WorkEstimator', () => {
  it('says nothing before a second of work is measured, then the true rate (work and items)', () => {
    const { out } = simulate(3000, () => 100);
    expect(out.filter((e) => e.t < 1).every((e) => e.workRate === undefined && e.etaSeconds === undefined)).toBe(true);
    const later = out.filter((e) => e.t > 5);
    expect(later.every((e) => Math.abs(e.workRate! - 100) < 15)).toBe(true);
    expect(later.every((e) => Math.abs(e.itemRate! - 2) < 0.4)).toBe(true);
  });

  it('counts time left down steadily under noisy progress, close to the truth', () => {
    const { out, end } = simulate(6000, () => 100, { noise: 0.5 });
    const etas = out.filter((e) => e.etaSeconds !== undefined);
    for (let i = 1; i < etas.length; i++) expect(etas[i].etaSeconds!).toBeLessThanOrEqual(etas[i - 1].etaSeconds! + 1e-9);
    for (const e of etas.filter((x) => x.t > 15)) expect(Math.abs(e.etaSeconds! - (end - e.t))).toBeLessThan(0.1 * end);
  });

  it('moves the bar with the work, not only at item ends', () => {
    const { out } = simulate(1000, () => 50, { perItem: 1000 });
    const halfway = out.find((e) => e.t >= 10)!;
    expect(halfway.fraction).toBeGreaterThan(0.4);
    expect(halfway.fraction).toBeLessThan(0.6);
  });

  it('follows a real slowdown: the time left rises to the new truth within a minute', () => {
    const { out, end } = simulate(20000, (t) => (t < 30 ? 200 : 50), { noise: 0.2 });
    const at = (s: number) => out.find((e) => e.t >= s)!;
    expect(at(60).etaSeconds!).toBeGreaterThan(at(31).etaSeconds!);
    expect(Math.abs(at(120).etaSeconds! - (end - 120))).toBeLessThan(0.2 * (end - 120));
  });

  it('comes down to the truth within a minute after a slow start (a second worker still loading its models)', () => {
    // 40 units/s for 10 s, then 100 units/s: the first measure says over 8 minutes, the truth is under 4.
    const { out, end } = simulate(20000, (t) => (t < 10 ? 40 : 100), { noise: 0.2 });
    const at = (s: number) => out.find((e) => e.t >= s)!;
    expect(at(2).etaSeconds!).toBeGreaterThan(1.5 * (end - 2));
    for (const s of [60, 90, 120]) expect(Math.abs(at(s).etaSeconds! - (end - s)), `at ${s} s`).toBeLessThan(0.1 * (end - s));
  });

  it('takes a lower measure at once while its first window fills (workers warming up give a wild first guess)', () => {
    // A folder prediction: 1 frame/s for the first 2 s (the workers' first frames), then 35 frames/s, 1,230 frames.
    const { out, end } = simulate(1230, (t) => (t < 2 ? 1 : 35), { noise: 0.2, perItem: 34 });
    const at = (s: number) => out.find((e) => e.t >= s)!;
    expect(at(1.5).etaSeconds!).toBeGreaterThan(5 * (end - 1.5));
    for (const s of [6, 10, 20]) expect(Math.abs(at(s).etaSeconds! - (end - s)), `at ${s} s`).toBeLessThan(0.4 * (end - s));
  });

  it('gives the rate of work that ends within its first second', () => {
    let t = 0;
    const est = new WorkEstimator(() => t);
    est.update(0, 6, 0);
    t = 0.5;
    expect(est.update(6, 6, 6)).toEqual({ fraction: 1, workRate: 12, itemRate: 12, etaSeconds: 0 });
  });

  it('does not count the wait before work starts (models loading) in the rate or the time left', () => {
    let t = 0;
    const est = new WorkEstimator(() => t);
    // 15 s of loading, then 100 frames/s on 30,000 frames: 300 s of work.
    for (; t < 15; t += 0.25) est.update(0, 30_000, 0);
    let last: WorkEstimate = { fraction: 0 };
    for (let done = 0; t < 20; t += 0.25) last = est.update((done += 25), 30_000, Math.floor(done / 100));
    expect(last.workRate!).toBeCloseTo(100, 0);
    expect(last.etaSeconds!).toBeGreaterThan(270);
    expect(last.etaSeconds!).toBeLessThan(300);
  });

  it('says nothing is left once the work is done, whatever the smoothing counted down', () => {
    let t = 0;
    const est = new WorkEstimator(() => t);
    // Six items: slow at first, then the rest at once (a probe whose last clips are quick).
    est.update(0, 6, 0);
    for (let i = 1; i <= 3; i++) {
      t += 2;
      est.update(i / 3, 6, 0);
    }
    t += 0.5;
    expect(est.update(6, 6, 6).etaSeconds).toBe(0);
  });

  it('stops claiming a rate when the work stalls', () => {
    let t = 0;
    const est = new WorkEstimator(() => t);
    for (; t < 10; t += 0.5) est.update(t * 10, 1000);
    const stalled = [];
    for (; t < 40; t += 0.5) stalled.push(est.update(100, 1000));
    expect(stalled.at(-1)).toMatchObject({ fraction: 0.1 });
    expect(stalled.at(-1)!.workRate).toBeUndefined();
    expect(stalled.at(-1)!.etaSeconds).toBeUndefined();
  });
});
