import type { ClipPredictionRow, RunDetail, RunEvaluation, RunInfo } from '../../api/runs';
import { classificationReport } from '../evaluation/classification-metrics';
import type { ProjectStore, RunRow } from '../project';

interface StoredSummary {
  labels?: string[];
  bestValF1?: number;
  status?: 'completed' | 'early_stopped';
  bestEpoch?: number;
  epochsRun?: number;
  test?: { accuracy: number; macro_f1: number };
}

function parseSummary(text: string | null): StoredSummary {
  if (!text) return {};
  try {
    return JSON.parse(text) as StoredSummary;
  } catch {
    return {};
  }
}

export function runInfo(row: RunRow & { epoch_count?: number; best_val_f1?: number | null }): RunInfo {
  const summary = parseSummary(row.summary);
  return {
    id: row.id,
    name: row.name,
    model: row.model_type,
    status: row.status,
    backend: row.backend,
    settings: JSON.parse(row.params) as Record<string, unknown>,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    error: row.error,
    note: row.note ?? null,
    epochs: row.epoch_count ?? 0,
    bestValF1: summary.bestValF1 ?? row.best_val_f1 ?? null,
    testAccuracy: summary.test?.accuracy ?? null,
    testMacroF1: summary.test?.macro_f1 ?? null,
    stoppedEarly: summary.status === 'early_stopped',
    bestEpoch: summary.bestEpoch ?? null,
  };
}

export function runDetail(store: ProjectStore, id: number): RunDetail {
  const row = store.runs().find((r) => r.id === id) ?? { ...store.run(id), epoch_count: 0, best_val_f1: null };
  return { run: runInfo(row), epochs: store.epochs(id).map((e) => ({ ...e, seconds: e.seconds ?? null })) };
}

/**
 * A run's metrics on one split, from the predictions stored when it finished, with every clip
 * (the confusion matrix's cells and the review queue are made from these rows). Classes are named
 * as the run knew them (its own label list): renaming or merging classes later changes none of its
 * numbers; each row also says which class its answer is now, for relabelling and the review queue.
 */
export function runEvaluation(store: ProjectStore, id: number, split: 'train' | 'val' | 'test'): RunEvaluation {
  const run = store.run(id);
  const clips = new Map(store.listClips({ limit: 1_000_000 }).items.map((c) => [c.id, c]));
  const stored = store.predictions(id).filter((p) => p.split === split);
  const own = store.runLabels(id);
  const inRun = new Map(own.filter((l) => l.classId !== null).map((l) => [l.classId!, l.name]));
  const nowCache = new Map<number, ReturnType<ProjectStore['classNow']>>();
  const now = (classId: number) => {
    if (!nowCache.has(classId)) nowCache.set(classId, store.classNow(classId));
    return nowCache.get(classId)!;
  };
  // Runs from before run_labels were kept only by name: their classes' names then (merged ones keep theirs).
  const nameInRun = (classId: number) => inRun.get(classId) ?? now(classId)?.name ?? '?';
  const labels =
    parseSummary(run.summary).labels ??
    (own.length ? own.map((l) => l.name) : [...new Set(stored.flatMap((p) => [nameInRun(p.trueClassId), nameInRun(p.predClassId)]))].sort());
  const index = new Map(labels.map((l, i) => [l, i]));
  const yTrue = stored.map((p) => index.get(nameInRun(p.trueClassId)) ?? -1);
  const yPred = stored.map((p) => index.get(nameInRun(p.predClassId)) ?? -1);
  const report = classificationReport(yTrue, yPred, labels);
  const predictions: ClipPredictionRow[] = stored.map((p, i) => {
    const clip = clips.get(p.clipId);
    const trueNow = now(p.trueClassId);
    const predNow = now(p.predClassId);
    const currentClassId = clip?.classId ?? trueNow?.nowId ?? p.trueClassId;
    return {
      clipId: p.clipId,
      relPath: clip?.relPath ?? `#${p.clipId}`,
      split: p.split,
      trueClass: nameInRun(p.trueClassId),
      currentClass: clip?.className ?? trueNow?.nowName ?? '?',
      currentClassId,
      predictedClass: nameInRun(p.predClassId),
      predictedClassNow: predNow?.nowName ?? nameInRun(p.predClassId),
      predictedClassId: predNow?.nowId ?? p.predClassId,
      relabelled: (trueNow?.nowId ?? p.trueClassId) !== currentClassId,
      confidence: p.confidence,
      trueProbability: yTrue[i] >= 0 ? (p.probs[yTrue[i]] ?? 0) : 0,
    };
  });
  return {
    runId: id,
    split,
    accuracy: report.accuracy,
    macroF1: report.macro_f1,
    labels,
    perClass: labels.map((l) => ({ label: l, ...report.per_class[l] })),
    confusion: report.confusion_matrix,
    predictions,
  };
}
