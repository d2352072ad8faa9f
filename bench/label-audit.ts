/**
 * The label audit on real data with known noise: point_history.csv, a clean stratified test part
 * (15%) kept aside, a seeded 10% of the other labels flipped uniformly to another class. Runs the
 * audit (k-fold out-of-fold LSTM + confident learning) on the noisy part and prints precision and
 * recall of the flagged set against the flipped set, and why the missed flips were missed; then the
 * clean-test macro F1 of a model trained on the noisy labels, on the labels after accepting every
 * suggestion, and on the clean labels; and for the audit and each training its wall time, the CPU
 * time of this process (every thread) and the load average over it.
 *
 *   npx tsx bench/label-audit.ts [--dir D] [--train noisy,accepted,clean] [--no-audit] [--epochs 50] [--lr 1e-3] [--batch 32] [--folds 5] [--noise 0.1] [--seed 7] [--per-class N]
 *
 * Every setting not given is the Training view's default, as `gstudio audit` and the studio's Audit
 * labels button use it (LSTM 128 × 2, 50 epochs at lr 1e-3, batch 32, dropout 0.3, early stopping
 * after 10 epochs without a better validation F1).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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
const defaults = AuditSettings.parse({});
const epochs = Number(arg('epochs', String(defaults.epochs)));
const lr = Number(arg('lr', String(defaults.lr)));
const batchSize = Number(arg('batch', String(defaults.batchSize)));
const folds = Number(arg('folds', String(defaults.folds)));
const noise = Number(arg('noise', '0.1'));
const seed = Number(arg('seed', '7'));
const perClass = process.argv.includes('--per-class') ? Number(arg('per-class', '0')) : undefined;
// Which of the three models to train, and whether to audit: to run the noisy and clean trainings in a
// second process beside the audit (same seed, same data and split) when the machine is short of time.
const trainWhich = new Set(arg('train', 'noisy,accepted,clean').split(','));
const withAudit = !process.argv.includes('--no-audit');

/** Wall time, CPU time of this process (all its threads: the training engine's workers too) and the 1-minute load average sampled over a phase. */
interface Timing { wallSeconds: number; cpuSeconds: number; load: { min: number; mean: number; max: number } }
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; timing: Timing }> {
  const loads: number[] = [loadavg()[0]];
  const sampler = setInterval(() => loads.push(loadavg()[0]), 10_000);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const value = await work();
    const cpu = process.cpuUsage(cpu0);
    loads.push(loadavg()[0]);
    const load = { min: Math.min(...loads), mean: loads.reduce((a, b) => a + b, 0) / loads.length, max: Math.max(...loads) };
    return { value, timing: { wallSeconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, load } };
  } finally {
    clearInterval(sampler);
  }
}
const timingText = (t: Timing) => `${t.wallSeconds.toFixed(0)} s wall, ${t.cpuSeconds.toFixed(0)} s CPU, load ${t.load.min.toFixed(1)}-${t.load.max.toFixed(1)} (mean ${t.load.mean.toFixed(1)})`;

// --dir reuses a folder: an interrupted audit there resumes from its finished folds.
const dir = process.argv.includes('--dir') ? arg('dir', '') : mkdtempSync(join(tmpdir(), 'gs-label-audit-'));
mkdirSync(dir, { recursive: true });
const data = loadNoisyPointHistory({ noise, seed, testFraction: 0.15, perClass });
console.log(`point_history: ${data.poolKeys.length} clips audited (${data.flipped.size} flipped = ${(100 * noise).toFixed(0)}%), ${data.testKeys.length} clean test clips; ${epochs} epochs at lr ${lr}, batch ${batchSize}, ${folds} folds; ${dir}`);
const settings = AuditSettings.parse({ epochs, lr, batchSize, folds, seed });

const poolFile = join(dir, 'pool-noisy.h5');
await data.write(poolFile, data.noisy, false);
const { value: audit, timing: auditTiming } = await timed(async () =>
  !withAudit
    ? null
    : auditKeypoints(
        { dataPath: poolFile, outDir: join(dir, 'audit'), settings },
        { log: (m) => (m.includes(' done in ') || m.includes('reused') || m.includes('stayed at chance')) && console.log(`  ${m}`) },
      ),
);
const flagged = new Set((audit?.clips ?? []).filter((c) => c.flagged).map((c) => c.key));
const scores = flagScores(flagged, data.flipped);
const suggestedRight = (audit?.clips ?? []).filter((c) => c.flagged && data.flipped.has(c.key) && c.suggested === data.clean.get(c.key)).length;
// Why flips were missed: a clip left out (no keypoints), or its out-of-fold probability of its
// clean class below that class's threshold t_j (then: was the clean class still the top one?).
const audited = new Map((audit?.clips ?? []).map((c) => [c.key, c]));
const missed = [...data.flipped].filter((k) => !flagged.has(k));
const missedLeftOut = missed.filter((k) => !audited.has(k)).length;
const missedTopClean = missed.filter((k) => {
  const c = audited.get(k);
  return c !== undefined && c.probabilities.indexOf(Math.max(...c.probabilities)) === data.clean.get(k);
}).length;
const flippedAudited = [...data.flipped].filter((k) => audited.has(k)).length;
const recallAudited = flippedAudited ? scores.truePositives / flippedAudited : 0;
if (audit) {
  console.log(`audit: ${flagged.size} flagged, ${scores.truePositives} of them flipped; precision ${scores.precision.toFixed(3)}, recall ${scores.recall.toFixed(3)} (${recallAudited.toFixed(3)} of the ${flippedAudited} flips in audited clips); suggestion = clean label for ${suggestedRight}/${scores.truePositives}; ${timingText(auditTiming)}`);
  console.log(`  estimated noise overall ${audit.report.noiseOverall.toFixed(3)} (true ${(data.flipped.size / data.poolKeys.length).toFixed(3)}); per class ${audit.report.perClass.map((c) => `${c.label} ${c.estimatedNoise.toFixed(3)} (t ${c.threshold?.toFixed(3)})`).join(', ')}; out-of-fold accuracy ${audit.report.outOfFoldAccuracy.toFixed(3)}`);
  console.log(`  missed ${missed.length} flips: ${missedLeftOut} in clips left out (${audit.report.excluded.map((e) => e.what).join('; ') || 'none'}), ${missedTopClean} whose clean class was the fold model's top class but below its threshold, ${missed.length - missedLeftOut - missedTopClean} where another class was on top; ${flagged.size - scores.truePositives} false alarms`);
  for (const w of audit.report.warnings) console.log(`  warning: ${w}`);
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

const results: Record<string, { f1: number; bestEpoch: number; epochsRun: number; timing: Timing }> = {};
for (const [name, labels] of [['noisy', data.noisy], ['accepted', accepted], ['clean', cleanPool]] as const) {
  if (!trainWhich.has(name) || (name === 'accepted' && !audit)) continue;
  const file = join(dir, `${name}.h5`);
  await data.write(file, labels, true);
  const { value: summary, timing } = await timed(async () => (await train({ ...settings, dataPath: file, runDir: join(dir, `run-${name}`), splitPath, augmentation: {} })).summary);
  results[name] = { f1: summary.test.macro_f1, bestEpoch: summary.bestEpoch, epochsRun: summary.epochsRun, timing };
  console.log(`train on ${name} labels: clean-test macro F1 ${summary.test.macro_f1.toFixed(4)} (best epoch ${summary.bestEpoch} of ${summary.epochsRun}; ${timingText(timing)})`);
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
  recallOfAuditedFlips: recallAudited,
  missed: { total: missed.length, leftOut: missedLeftOut, cleanClassOnTop: missedTopClean },
  suggestionsRight: suggestedRight,
  perClass: audit?.report.perClass ?? null,
  noiseEstimate: audit?.report.noiseOverall ?? null,
  outOfFoldAccuracy: audit?.report.outOfFoldAccuracy ?? null,
  macroF1: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.f1])),
  foldSeconds: audit?.report.foldSeconds ?? null,
  audit: audit ? auditTiming : null,
  training: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { ...v.timing, bestEpoch: v.bestEpoch, epochsRun: v.epochsRun }])),
};
writeFileSync(join(dir, 'result.json'), JSON.stringify(out, null, 1));
console.log(JSON.stringify(out));
for (const [name, r] of Object.entries(results)) {
  if (audit) console.log(`audit vs training on ${name} labels: wall ${(auditTiming.wallSeconds / r.timing.wallSeconds).toFixed(1)}×, CPU ${(auditTiming.cpuSeconds / r.timing.cpuSeconds).toFixed(1)}×`);
}
