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
 * (the confusion matrix's cells and the review queue are made from these rows).
 */
export function runEvaluation(store: ProjectStore, id: number, split: 'train' | 'val' | 'test'): RunEvaluation {
  const run = store.run(id);
  const clips = new Map(store.listClips({ limit: 1_000_000 }).items.map((c) => [c.id, c]));
  const names = new Map(store.summary().classes.map((c) => [c.id, c.name]));
  const stored = store.predictions(id).filter((p) => p.split === split);
  const labels = parseSummary(run.summary).labels ?? [...new Set(stored.flatMap((p) => [names.get(p.trueClassId)!, names.get(p.predClassId)!]))].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const yTrue = stored.map((p) => index.get(names.get(p.trueClassId) ?? '') ?? -1);
  const yPred = stored.map((p) => index.get(names.get(p.predClassId) ?? '') ?? -1);
  const report = classificationReport(yTrue, yPred, labels);
  const predictions: ClipPredictionRow[] = stored.map((p, i) => ({
    clipId: p.clipId,
    relPath: clips.get(p.clipId)?.relPath ?? `#${p.clipId}`,
    split: p.split,
    trueClass: names.get(p.trueClassId) ?? '?',
    currentClass: clips.get(p.clipId)?.className ?? names.get(p.trueClassId) ?? '?',
    predictedClass: names.get(p.predClassId) ?? '?',
    confidence: p.confidence,
    trueProbability: yTrue[i] >= 0 ? (p.probs[yTrue[i]] ?? 0) : 0,
  }));
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
