/**
 * The label audit on real data with known noise: point_history.csv, a clean stratified test part
 * (15%) kept aside, a seeded 10% of the other labels flipped uniformly to another class. Runs the
 * audit (k-fold out-of-fold LSTM + confident learning) on the noisy part and prints precision and
 * recall of the flagged set against the flipped set; then the clean-test macro F1 of a model trained
 * on the noisy labels, on the labels after accepting every suggestion, and on the clean labels; and
 * the audit's wall time next to one training run's.
 *
 *   npx tsx bench/label-audit.ts [--dir D] [--train noisy,accepted,clean] [--no-audit] [--epochs 12] [--lr 3e-3] [--batch 32] [--folds 5] [--noise 0.1] [--seed 7] [--per-class N]
 *
 * Other settings are the Training view's defaults (LSTM 128 × 2, batch 32, dropout 0.3).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditSettings } from '../src/api/audit';
import { auditKeypoints } from '../src/core/audit/audit-keypoints';
import { SeededRandom } from '../src/core/dataset/seeded-random';
import { saveSplit } from '../src/core/dataset/split';
import { train } from '../src/core/training/train';
import { flagScores, loadNoisyPointHistory } from '../src/test-support/noisy-point-history';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const epochs = Number(arg('epochs', '12'));
const lr = Number(arg('lr', '3e-3'));
const batchSize = Number(arg('batch', '32'));
const folds = Number(arg('folds', '5'));
const noise = Number(arg('noise', '0.1'));
const seed = Number(arg('seed', '7'));
const perClass = process.argv.includes('--per-class') ? Number(arg('per-class', '0')) : undefined;
// Which of the three models to train, and whether to audit: to run the noisy and clean trainings in a
// second process beside the audit (same seed, same data and split) when the machine is short of time.
const trainWhich = new Set(arg('train', 'noisy,accepted,clean').split(','));
const withAudit = !process.argv.includes('--no-audit');

// --dir reuses a folder: an interrupted audit there resumes from its finished folds.
const dir = process.argv.includes('--dir') ? arg('dir', '') : mkdtempSync(join(tmpdir(), 'gs-label-audit-'));
mkdirSync(dir, { recursive: true });
const data = loadNoisyPointHistory({ noise, seed, testFraction: 0.15, perClass });
console.log(`point_history: ${data.poolKeys.length} clips audited (${data.flipped.size} flipped = ${(100 * noise).toFixed(0)}%), ${data.testKeys.length} clean test clips; ${epochs} epochs at lr ${lr}, batch ${batchSize}, ${folds} folds; ${dir}`);
const settings = AuditSettings.parse({ epochs, lr, batchSize, folds, seed });

const poolFile = join(dir, 'pool-noisy.h5');
await data.write(poolFile, data.noisy, false);
const t0 = performance.now();
const audit = !withAudit ? null : await auditKeypoints(
  { dataPath: poolFile, outDir: join(dir, 'audit'), settings },
  { log: (m) => (m.includes(' done in ') || m.includes('reused')) && console.log(`  ${m}`) },
);
const auditSeconds = (performance.now() - t0) / 1000;
const flagged = new Set((audit?.clips ?? []).filter((c) => c.flagged).map((c) => c.key));
const scores = flagScores(flagged, data.flipped);
const suggestedRight = (audit?.clips ?? []).filter((c) => c.flagged && data.flipped.has(c.key) && c.suggested === data.clean.get(c.key)).length;
if (audit) {
  console.log(`audit: ${flagged.size} flagged, ${scores.truePositives} of them flipped; precision ${scores.precision.toFixed(3)}, recall ${scores.recall.toFixed(3)}; suggestion = clean label for ${suggestedRight}/${scores.truePositives}; ${auditSeconds.toFixed(0)} s`);
  console.log(`  estimated noise overall ${audit.report.noiseOverall.toFixed(3)} (true ${(data.flipped.size / data.poolKeys.length).toFixed(3)}); per class ${audit.report.perClass.map((c) => `${c.label} ${c.estimatedNoise.toFixed(3)}`).join(', ')}; out-of-fold accuracy ${audit.report.outOfFoldAccuracy.toFixed(3)}`);
}

// One split for every model: train/val from the pool, the clean test part as test.
const rng = new SeededRandom(seed + 1);
const pool = rng.shuffle([...data.poolKeys]);
const nVal = Math.round(pool.length * 0.15);
const splitPath = join(dir, 'split.json');
saveSplit(splitPath, { train: pool.slice(nVal), val: pool.slice(0, nVal), test: data.testKeys });
const accepted = new Map(data.noisy);
for (const c of audit?.clips ?? []) if (c.flagged && c.suggested !== null) accepted.set(c.key, c.suggested);
const cleanPool = new Map(data.poolKeys.map((k) => [k, data.clean.get(k)!]));

const results: Record<string, { f1: number; seconds: number }> = {};
for (const [name, labels] of [['noisy', data.noisy], ['accepted', accepted], ['clean', cleanPool]] as const) {
  if (!trainWhich.has(name) || (name === 'accepted' && !audit)) continue;
  const file = join(dir, `${name}.h5`);
  await data.write(file, labels, true);
  const t = performance.now();
  const { summary } = await train({ ...settings, dataPath: file, runDir: join(dir, `run-${name}`), splitPath, augmentation: {} });
  results[name] = { f1: summary.test.macro_f1, seconds: (performance.now() - t) / 1000 };
  console.log(`train on ${name} labels: clean-test macro F1 ${summary.test.macro_f1.toFixed(4)} (best epoch ${summary.bestEpoch}, ${results[name].seconds.toFixed(0)} s)`);
}
const out = {
  clips: data.poolKeys.length,
  testClips: data.testKeys.length,
  flipped: data.flipped.size,
  epochs,
  lr,
  batchSize,
  folds: audit?.report.folds ?? null,
  flagged: flagged.size,
  precision: scores.precision,
  recall: scores.recall,
  suggestionsRight: suggestedRight,
  noiseEstimate: audit?.report.noiseOverall ?? null,
  outOfFoldAccuracy: audit?.report.outOfFoldAccuracy ?? null,
  macroF1: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.f1])),
  auditSeconds: audit ? auditSeconds : null,
  trainingSeconds: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.seconds])),
};
writeFileSync(join(dir, 'result.json'), JSON.stringify(out, null, 1));
console.log(JSON.stringify(out));
const one = Object.values(results)[0];
if (audit && one) console.log(`audit wall time ${auditSeconds.toFixed(0)} s vs one training run ${one.seconds.toFixed(0)} s (${(auditSeconds / one.seconds).toFixed(1)}×)`);
