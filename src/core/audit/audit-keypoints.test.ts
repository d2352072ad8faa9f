import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditSettings } from '../../api/audit';
import { relabelClips } from '../dataset/relabel';
import { SeededRandom } from '../dataset/seeded-random';
import { readSequenceFile } from '../dataset/sequence-file-reader';
import { writeSyntheticSequences } from '../dataset/synthetic-sequences';
import { CancelledError } from '../errors';
import { hasSharedData } from '../../test-support/shared-data';
import { flagScores, flipLabels, loadNoisyPointHistory } from '../../test-support/noisy-point-history';
import { atChance, auditKeypoints } from './audit-keypoints';

/*
 * Small versions of bench/label-audit.ts: 10% of the labels flipped with a known seed, uniformly to
 * another class, then the audit. The bench runs all of point_history.csv with the Training view's
 * defaults (LSTM 128 × 2, 50 epochs at lr 1e-3: precision 0.970, recall 0.931); below, first a small
 * LSTM on a learnable synthetic set (runs without ../shared/data), then 400 clips a class of
 * point_history.csv itself with a one-layer LSTM of 64 trained for 60 epochs (measured over five flip
 * seeds: precision 0.87-0.95, recall 0.84-0.89, 25-30 s of CPU).
 */
const small = { model: 'lstm', hiddenSize: 16, numLayers: 1, dropout: 0, batchSize: 16, lr: 1e-2, epochs: 20, patience: 20, lrPatience: 20 } as const;
/** Enough for the point_history LSTM to leave its loss plateau on 1,000 training clips, in seconds a fold. */
const pointHistorySmall = { model: 'lstm', hiddenSize: 64, numLayers: 1, dropout: 0.1, batchSize: 16, lr: 3e-3, epochs: 60, patience: 60, lrPatience: 60 } as const;

describe('label audit with known flips', () => {
  it('flags most flipped labels, with few false alarms, and suggests their true class', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-audit-'));
    const file = join(dir, 'noisy.h5');
    // Noise 0.15 makes neighbouring classes overlap a little, so that the audit has some real doubt.
    await writeSyntheticSequences({ path: file, classes: 4, perClass: 50, seqLen: 12, features: 6, seed: 3, noise: 0.15 });
    const cleanFile = await readSequenceFile(file);
    const clean = new Map(cleanFile.clips.map((c) => [c.key, c.label]));
    const { noisy, flipped } = flipLabels([...clean.keys()], clean, 4, 0.1, new SeededRandom(11));
    await relabelClips(file, Object.fromEntries([...flipped].map((k) => [k, cleanFile.classNames[noisy.get(k)!]])));
    const t = performance.now();
    const { report, clips } = await auditKeypoints({ dataPath: file, outDir: join(dir, 'audit'), settings: AuditSettings.parse({ ...small, folds: 3 }) });
    const flagged = new Set(clips.filter((c) => c.flagged).map((c) => c.key));
    const s = flagScores(flagged, flipped);
    const rightSuggestion = clips.filter((c) => c.flagged && flipped.has(c.key) && c.suggested === clean.get(c.key)).length;
    console.log(`audit of ${clips.length} clips (${flipped.size} flipped): ${flagged.size} flagged, precision ${s.precision.toFixed(2)}, recall ${s.recall.toFixed(2)}, ${rightSuggestion} right suggestions, out-of-fold accuracy ${report.outOfFoldAccuracy.toFixed(2)}, ${((performance.now() - t) / 1000).toFixed(0)} s`);
    expect(flipped.size).toBe(20);
    expect(s.recall).toBeGreaterThanOrEqual(0.8);
    expect(s.precision).toBeGreaterThanOrEqual(0.8);
    expect(rightSuggestion).toBeGreaterThanOrEqual(0.9 * s.truePositives);
    expect(report.noiseOverall).toBeGreaterThan(0.05);
    expect(report.noiseOverall).toBeLessThan(0.2);
    expect(report.perClass.reduce((a, c) => a + c.clips, 0)).toBe(clips.length);
  });

});

describe('a fold whose model does not learn', () => {
  it('is trained again from other initial weights, and the report says when it never left chance', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-audit-chance-'));
    const file = join(dir, 'k.h5');
    await writeSyntheticSequences({ path: file, classes: 3, perClass: 12, seqLen: 6, features: 4, seed: 5, noise: 0.1 });
    const logs: string[] = [];
    // A learning rate too small to move the weights: every attempt stays where it started.
    const frozen = AuditSettings.parse({ ...small, folds: 2, epochs: 2, lr: 1e-9 });
    const { report } = await auditKeypoints({ dataPath: file, outDir: join(dir, 'audit'), settings: frozen }, { log: (m) => logs.push(m) });
    const retries = logs.filter((m) => /stayed at chance .*training it again from other initial weights/.test(m));
    expect(retries.map((m) => m.match(/^Fold (\d)/)![1])).toEqual(['1', '1', '2', '2']);
    expect(report.warnings.filter((w) => /stayed at chance after 3 attempts/.test(w))).toHaveLength(2);
    // Each attempt is its own run, beside the first.
    expect(existsSync(join(dir, 'audit', 'fold-1-retry-2'))).toBe(true);
  });

  it('counts as at chance only when no better than guessing', () => {
    expect(atChance(0.3, 3)).toBe(true);
    expect(atChance(0.6, 3)).toBe(false);
    expect(atChance(0.1, 10)).toBe(true);
    expect(atChance(0.2, 10)).toBe(false);
    expect(atChance(0.2, 1)).toBe(false);
  });
});

describe.skipIf(!hasSharedData)('label audit on point_history.csv', () => {
  it('flags most of the flipped labels of real trajectories, with few false alarms, and suggests their true class', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-audit-ph-'));
    const data = loadNoisyPointHistory({ noise: 0.1, seed: 5, testFraction: 0, perClass: 400 });
    const file = join(dir, 'noisy.h5');
    await data.write(file, data.noisy, false);
    const t = performance.now();
    const logs: string[] = [];
    const { report, clips } = await auditKeypoints({ dataPath: file, outDir: join(dir, 'audit'), settings: AuditSettings.parse({ ...pointHistorySmall, folds: 3 }) }, { log: (m) => logs.push(m) });
    const flagged = new Set(clips.filter((c) => c.flagged).map((c) => c.key));
    const s = flagScores(flagged, data.flipped);
    const rightSuggestion = clips.filter((c) => c.flagged && data.flipped.has(c.key) && c.suggested === data.clean.get(c.key)).length;
    console.log(`point_history audit of ${clips.length} clips (${data.flipped.size} flipped): ${flagged.size} flagged, precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}, ${rightSuggestion}/${s.truePositives} right suggestions, out-of-fold accuracy ${report.outOfFoldAccuracy.toFixed(3)}, estimated noise ${report.noiseOverall.toFixed(3)}, ${((performance.now() - t) / 1000).toFixed(0)} s`);
    expect(data.flipped.size).toBe(160);
    // Every fold model learned (none at chance, none retried): near the 0.9 a perfect model scores on 10% flipped labels.
    expect(logs.filter((m) => /stayed at chance/.test(m))).toEqual([]);
    expect(report.outOfFoldAccuracy).toBeGreaterThan(0.8);
    expect(s.recall).toBeGreaterThanOrEqual(0.8);
    expect(s.precision).toBeGreaterThanOrEqual(0.85);
    expect(rightSuggestion).toBeGreaterThanOrEqual(0.95 * s.truePositives);
    expect(report.noiseOverall).toBeGreaterThan(0.07);
    expect(report.noiseOverall).toBeLessThan(0.14);
  });

  it('resumes a cancelled audit without training its finished folds again', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-audit-resume-'));
    const data = loadNoisyPointHistory({ noise: 0.1, seed: 5, testFraction: 0, perClass: 12 });
    const file = join(dir, 'noisy.h5');
    await data.write(file, data.noisy, false);
    const settings = AuditSettings.parse({ ...small, hiddenSize: 8, epochs: 2, folds: 3 });
    const outDir = join(dir, 'audit');
    const stop = new AbortController();
    await expect(
      auditKeypoints({ dataPath: file, outDir, settings }, { signal: stop.signal, onProgress: (p) => p.foldsDone === 1 && p.fold === 2 && stop.abort() }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(readdirSync(outDir)).toContain('fold-1.json');
    expect(readdirSync(outDir)).not.toContain('fold-3.json');
    const trained: number[] = [];
    const again = await auditKeypoints({ dataPath: file, outDir, settings }, { onProgress: (p) => trained.push(p.fold) });
    expect(again.resumedFolds).toBe(1);
    expect(new Set(trained)).toEqual(new Set([2, 3]));
    expect(again.clips).toHaveLength(data.poolKeys.length);
  });

  it('refuses a file with one class only, saying why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gs-audit-one-'));
    const data = loadNoisyPointHistory({ noise: 0, seed: 1, testFraction: 0, perClass: 5 });
    const file = join(dir, 'one.h5');
    const stop = data.poolKeys.filter((k) => data.clean.get(k) === 0);
    await data.write(file, new Map(data.poolKeys.map((k) => [k, 0])), false);
    expect(stop.length).toBe(5);
    await expect(auditKeypoints({ dataPath: file, outDir: join(dir, 'a'), settings: AuditSettings.parse({ ...small, folds: 3 }) })).rejects.toThrow(/only one class \("Stop"\)/);
  });
});
