import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AuditSettings, type AuditReport } from '../../api/audit';
import { journalDirFor, journalWriter } from '../dataset/clip-journal';
import { readSequenceFile } from '../dataset/sequence-file-reader';
import { recoverJournal } from '../dataset/sequence-file-writer';
import { saveSplit } from '../dataset/split';
import { replaceAtomically } from '../dataset/atomic-file';
import { CancelledError, StudioError } from '../errors';
import { train, type TrainingCallbacks } from '../training/train';
import type { TrainingOptionsInput } from '../training/training-options';
import { trainingOptionsFromSettings } from '../runs/training-options-from-settings';
import { confidentLearning, labelQuality } from './confident-learning';
import { foldTrainVal, stratifiedFolds, type FoldItem } from './stratified-folds';

export const AuditKeypointsOptions = z.object({
  dataPath: z.string().min(1),
  /** Where each fold's run and its out-of-fold probabilities go; a second call with the same plan resumes. */
  outDir: z.string().min(1),
  settings: AuditSettings,
});
export type AuditKeypointsOptions = z.input<typeof AuditKeypointsOptions>;

export interface AuditProgress {
  fold: number;
  folds: number;
  foldsDone: number;
  epoch: number;
  epochs: number;
  /** Work units (batches over every fold and epoch, an upper bound: early stopping ends folds sooner). */
  done: number;
  total: number;
  samplesPerSecond: number;
  etaSeconds?: number;
  message: string;
}

export interface AuditCallbacks {
  signal?: AbortSignal;
  onProgress?: (p: AuditProgress) => void;
  log?: (message: string) => void;
  kernels?: TrainingCallbacks['kernels'];
}

export interface AuditedClip {
  key: string;
  /** Given label (index into labels). */
  label: number;
  fold: number;
  probabilities: number[];
  flagged: boolean;
  suggested: number | null;
  /** Label quality under the audit's ranking (lower = more likely wrong). */
  quality: number;
  /** 1 = most likely wrong; null when not flagged. */
  rank: number | null;
}

export interface AuditResult {
  report: AuditReport;
  clips: AuditedClip[];
  /** Folds whose probabilities came from an earlier, interrupted call. */
  resumedFolds: number;
}

const FoldFile = z.object({ planKey: z.string(), fold: z.number().int(), keys: z.array(z.string()), probabilities: z.array(z.array(z.number())), seconds: z.number() });
type FoldFile = z.infer<typeof FoldFile>;

/** Further attempts at a fold whose model stayed at chance. */
const FOLD_RETRIES = 2;

/** A validation macro F1 no better than guessing would get (about 1 / classes), with some margin. */
export function atChance(valF1: number, classes: number): boolean {
  return classes >= 2 && valF1 < 1.5 / classes;
}

/** Options of one fold's training run: the Training view's settings, this fold's split. */
function foldTrainingOptions(s: AuditSettings, dataPath: string, runDir: string, splitPath: string): TrainingOptionsInput {
  // A fold a crash stopped continues from its last finished epoch.
  return trainingOptionsFromSettings(s, { dataPath, runDir, splitPath, resume: true });
}

function readFoldFile(path: string, planKey: string): FoldFile | null {
  if (!existsSync(path)) return null;
  try {
    const f = FoldFile.parse(JSON.parse(readFileSync(path, 'utf8')));
    return f.planKey === planKey ? f : null;
  } catch {
    return null;
  }
}

/**
 * The label audit of one keypoint file: stratified seeded k-fold, the chosen model trained on k-1
 * folds and run on the held-out one, so every clip gets an out-of-fold probability vector; then
 * confident learning on those. Each finished fold's probabilities are written to `outDir` at once,
 * so an interrupted audit resumes without training those folds again.
 */
export async function auditKeypoints(raw: AuditKeypointsOptions, cb: AuditCallbacks = {}): Promise<AuditResult> {
  const o = AuditKeypointsOptions.parse(raw);
  const s = o.settings;
  const started = performance.now();
  const log = cb.log ?? (() => {});
  const writer = journalWriter(journalDirFor(o.dataPath));
  if (writer !== null) throw new StudioError('busy', `An extraction (process ${writer}) is still writing ${o.dataPath}: audit when it is done`);
  const merged = await recoverJournal(o.dataPath);
  if (merged > 0) log(`${merged} clip(s) an interrupted extraction finished were merged into ${o.dataPath}`);
  const file = await readSequenceFile(o.dataPath);
  const labels = file.classNames;
  const warnings = [...file.warnings];
  const excluded: AuditReport['excluded'] = [];

  // A sequence without a single keypoint tells the model nothing about its label.
  const items: FoldItem[] = [];
  const empty: string[] = [];
  for (const c of file.clips) {
    if (c.data.some((v) => v !== 0)) items.push({ key: c.key, label: c.label });
    else empty.push(c.key);
  }
  if (empty.length > 0) {
    excluded.push({ what: `${empty.length} clip(s) without keypoints (${empty.slice(0, 3).join(', ')}${empty.length > 3 ? ', …' : ''})`, reason: 'no hand was found in any frame, so there is nothing to judge the label by' });
  }
  const plan = stratifiedFolds(items, s.folds, s.seed, (l) => labels[l]);
  warnings.push(...plan.warnings);
  for (const e of plan.excludedClasses) excluded.push({ what: `class "${labels[e.label]}"`, reason: e.reason });
  const kept = items.filter((it) => plan.foldOf.has(it.key));
  const labelOf = new Map(kept.map((it) => [it.key, it.label]));
  const kinds = new Set(kept.map((it) => it.label)).size;

  // Same settings, same clips, same labels, same folds: the only case in which finished folds are reused.
  const planKey = createHash('sha256')
    .update(JSON.stringify({ s: { ...s, ranking: undefined }, folds: [...plan.foldOf.entries()].sort(), labels: kept.map((it) => [it.key, it.label]) }))
    .digest('hex');
  mkdirSync(o.outDir, { recursive: true });
  const planPath = join(o.outDir, 'plan.json');
  const previous = existsSync(planPath) ? (JSON.parse(readFileSync(planPath, 'utf8')) as { planKey?: string }).planKey : undefined;
  if (previous !== undefined && previous !== planKey) {
    log('The clips, labels or settings changed since the audit in this folder was started: starting it afresh');
    for (const name of readdirSync(o.outDir)) rmSync(join(o.outDir, name), { recursive: true, force: true });
  }
  writeFileSync(planPath, JSON.stringify({ planKey, folds: plan.folds, settings: s }, null, 1) + '\n');

  const probabilities = new Map<string, number[]>();
  const foldSeconds: number[] = [];
  let resumedFolds = 0;
  let batchesPerEpoch = 0;
  let foldsDone = 0;
  const runStart = performance.now();
  let unitsThisCall = 0;
  for (let fold = 0; fold < plan.folds; fold++) {
    const foldPath = join(o.outDir, `fold-${fold + 1}.json`);
    const saved = readFoldFile(foldPath, planKey);
    if (saved) {
      saved.keys.forEach((k, i) => probabilities.set(k, saved.probabilities[i]));
      foldSeconds.push(saved.seconds);
      resumedFolds++;
      foldsDone++;
      log(`Fold ${fold + 1}/${plan.folds}: finished earlier, its probabilities are reused`);
      continue;
    }
    if (cb.signal?.aborted) throw new CancelledError(`Audit cancelled before fold ${fold + 1}; ${foldsDone} finished fold(s) are kept: run it again to resume`);
    const split = foldTrainVal(kept, plan, fold, s.valFraction, s.seed);
    const runDir = join(o.outDir, `fold-${fold + 1}`);
    mkdirSync(runDir, { recursive: true });
    const splitPath = join(runDir, 'audit-split.json');
    saveSplit(splitPath, split);
    const foldStart = performance.now();
    const trainFold = (seed: number, dir: string) => train(foldTrainingOptions({ ...s, seed }, o.dataPath, dir, splitPath), {
      signal: cb.signal,
      kernels: cb.kernels,
      onBatch: (b) => {
        batchesPerEpoch = b.batches;
        unitsThisCall++;
        const total = plan.folds * s.epochs * b.batches;
        const done = foldsDone * s.epochs * b.batches + (b.epoch - 1) * b.batches + b.batch;
        const seconds = (performance.now() - runStart) / 1000;
        const rate = unitsThisCall / Math.max(seconds, 1e-9);
        cb.onProgress?.({
          fold: fold + 1,
          folds: plan.folds,
          foldsDone,
          epoch: b.epoch,
          epochs: s.epochs,
          done,
          total,
          samplesPerSecond: b.samplesPerSecond,
          etaSeconds: seconds > 2 ? Math.max(0, total - done) / rate : undefined,
          message: `Fold ${fold + 1}/${plan.folds}, epoch ${b.epoch}/${s.epochs}, batch ${b.batch}/${b.batches}`,
        });
      },
      onEpoch: (e) => log(`Fold ${fold + 1}/${plan.folds}, epoch ${e.epoch}: val F1 ${e.metrics.val_f1.toFixed(3)}${e.isBest ? ' (best)' : ''}`),
    });
    let result = await trainFold(s.seed, runDir);
    // A fold whose model never left chance (an unlucky start: seen on point_history, where one fold's
    // LSTM stayed at F1 0.04 while the others reached 0.95) would score every clip of it as doubtful:
    // train it again from other initial weights, on the same split.
    for (let attempt = 1; attempt <= FOLD_RETRIES && atChance(result.summary.bestValF1, kinds); attempt++) {
      if (cb.signal?.aborted) break;
      log(`Fold ${fold + 1}/${plan.folds}: its model stayed at chance (best val F1 ${result.summary.bestValF1.toFixed(3)}); training it again from other initial weights (attempt ${attempt + 1})`);
      const retryDir = join(o.outDir, `fold-${fold + 1}-retry-${attempt}`);
      mkdirSync(retryDir, { recursive: true });
      result = await trainFold(s.seed + 7919 * attempt, retryDir);
    }
    if (atChance(result.summary.bestValF1, kinds)) warnings.push(`fold ${fold + 1}'s model stayed at chance after ${FOLD_RETRIES + 1} attempts (best val F1 ${result.summary.bestValF1.toFixed(3)}): its clips' scores mean little; audit with more epochs or another learning rate`);
    const seconds = (performance.now() - foldStart) / 1000;
    const keys = result.testPredictions.map((p) => p.key);
    const probs = result.testPredictions.map((p) => p.probabilities);
    keys.forEach((k, i) => probabilities.set(k, probs[i]));
    await replaceAtomically(foldPath, (tmp) => writeFileSync(tmp, JSON.stringify({ planKey, fold, keys, probabilities: probs, seconds } satisfies FoldFile)));
    foldSeconds.push(seconds);
    foldsDone++;
    if (batchesPerEpoch > 0) {
      const units = foldsDone * s.epochs * batchesPerEpoch;
      cb.onProgress?.({ fold: fold + 1, folds: plan.folds, foldsDone, epoch: s.epochs, epochs: s.epochs, done: units, total: plan.folds * s.epochs * batchesPerEpoch, samplesPerSecond: 0, message: `Fold ${fold + 1}/${plan.folds} done (test macro F1 ${result.summary.test.macro_f1.toFixed(3)})` });
    }
    log(`Fold ${fold + 1}/${plan.folds} done in ${seconds.toFixed(0)} s: macro F1 ${result.summary.test.macro_f1.toFixed(3)} on its ${keys.length} held-out clips`);
  }

  const audited = kept.filter((it) => probabilities.has(it.key));
  if (audited.length !== kept.length) throw new StudioError('audit_incomplete', `${kept.length - audited.length} clip(s) got no out-of-fold prediction; run the audit again`);
  const cl = confidentLearning(audited.map((it) => it.label), audited.map((it) => probabilities.get(it.key)!), labels.length, s.ranking);
  const clips: AuditedClip[] = audited.map((it) => {
    const p = probabilities.get(it.key)!;
    return { key: it.key, label: it.label, fold: plan.foldOf.get(it.key)!, probabilities: p, flagged: false, suggested: null, quality: labelQuality(p, it.label, s.ranking), rank: null };
  });
  cl.issues.forEach((issue, r) => {
    const c = clips[issue.index];
    c.flagged = true;
    c.suggested = issue.suggested;
    c.rank = r + 1;
  });
  let agree = 0;
  for (const c of clips) if (c.probabilities.indexOf(Math.max(...c.probabilities)) === c.label) agree++;
  const outOfFoldAccuracy = clips.length ? agree / clips.length : 0;
  if (outOfFoldAccuracy < Math.min(0.9, 2 / kinds)) {
    warnings.push(`the fold models agree with only ${(100 * outOfFoldAccuracy).toFixed(0)}% of the labels (chance is about ${(100 / kinds).toFixed(0)}%): they have not learned enough for the scores to mean much; audit with more epochs`);
  }
  const counts = labels.map((_, j) => audited.filter((it) => it.label === j).length);
  const flaggedBy = labels.map((_, j) => cl.issues.filter((i) => i.given === j).length);
  const report: AuditReport = {
    labels,
    folds: plan.folds,
    foldsRequested: plan.requested,
    ranking: s.ranking,
    clips: audited.length,
    flagged: cl.issues.length,
    noiseOverall: cl.noiseOverall,
    outOfFoldAccuracy,
    perClass: labels.map((label, j) => ({
      label,
      clips: counts[j],
      flagged: flaggedBy[j],
      estimatedNoise: cl.noiseByClass[j],
      threshold: Number.isFinite(cl.thresholds[j]) ? cl.thresholds[j] : null,
    })),
    confidentJoint: cl.confidentJoint,
    overlaps: cl.overlaps.slice(0, 5).map((x) => ({ a: labels[x.a], b: labels[x.b], share: x.share })),
    excluded,
    warnings,
    foldSeconds,
    durationSeconds: (performance.now() - started) / 1000,
  };
  // For `gstudio report --audit`: the report and the flagged clips, most likely wrong first.
  const flagged = clips
    .filter((c) => c.flagged)
    .sort((a, b) => a.rank! - b.rank!)
    .map((c) => ({ clip: file.clips.find((x) => x.key === c.key)?.originalPath ?? c.key, given: labels[c.label], suggested: labels[c.suggested!], score: c.quality, rank: c.rank! }));
  writeFileSync(join(o.outDir, 'audit.json'), JSON.stringify({ report, flagged }) + '\n');
  return { report, clips, resumedFolds };
}
