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
 * A small version of bench/label-audit.ts: 10% of the labels flipped with a known seed, uniformly to
 * another class, then the audit. The bench runs point_history.csv with the Training view's defaults;
 * here a small LSTM on a learnable synthetic set, because the real trajectories (values ~0.01) need
 * thousands of clips and minutes of training before an LSTM leaves chance (measured: out-of-fold
 * accuracy 0.35 on 400 of them after 10 epochs), and this test must stay well under a minute.
 */
const small = { model: 'lstm', hiddenSize: 16, numLayers: 1, dropout: 0, batchSize: 16, lr: 1e-2, epochs: 20, patience: 20, lrPatience: 20 } as const;

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
