import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunExport, RunExportKind } from '../../api';
import { StudioError } from '../errors';
import type { ProjectStore } from '../project';
import { csvRows } from '../report/csv';
import { runReportHtml } from '../report/run-report';
import { storedZip } from '../vision/stored-zip';
import { runEvaluation } from './run-views';

export { csvField, csvRows } from '../report/csv';

/** A file name from a run's name: letters, digits, dots and dashes kept, the rest one dash. */
function stem(name: string): string {
  return name.replace(/[^\p{L}\p{N}.-]+/gu, '-').replace(/^-+|-+$/g, '') || 'run';
}

/** Per-class precision, recall, F1 and support on each split, then accuracy and macro F1. */
export function metricsCsv(store: ProjectStore, id: number): string {
  const rows: (string | number)[][] = [['split', 'class', 'precision', 'recall', 'f1', 'support']];
  for (const split of ['test', 'val', 'train'] as const) {
    const e = runEvaluation(store, id, split);
    if (e.predictions.length === 0) continue;
    for (const c of e.perClass) rows.push([split, c.label, c.precision.toFixed(4), c.recall.toFixed(4), c.f1.toFixed(4), c.support]);
    rows.push([split, '(accuracy)', '', '', e.accuracy.toFixed(4), e.predictions.length]);
    rows.push([split, '(macro F1)', '', '', e.macroF1.toFixed(4), e.predictions.length]);
  }
  return csvRows(rows);
}

/** One row per clip the run predicted, in every split: the label it trained on, the label now, its answer. */
export function predictionsCsv(store: ProjectStore, id: number): string {
  const rows: (string | number)[][] = [['clip', 'split', 'trained_label', 'current_label', 'predicted', 'confidence', 'probability_of_label', 'correct']];
  for (const split of ['train', 'val', 'test'] as const) {
    for (const p of runEvaluation(store, id, split).predictions) {
      rows.push([p.relPath, split, p.trueClass, p.currentClass, p.predictedClass, p.confidence.toFixed(4), p.trueProbability.toFixed(4), p.predictedClass === p.trueClass ? 1 : 0]);
    }
  }
  return csvRows(rows);
}

/** The run's model folder (weights, metadata, the ONNX file if exported) as one zip. */
export function modelZip(runDir: string): Uint8Array {
  const dir = join(runDir, 'model');
  if (!existsSync(dir)) throw new StudioError('not_found', `The run has no model folder (${dir}): it did not finish training`);
  const files = readdirSync(dir)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => ({ name: `model/${f}`, data: new Uint8Array(readFileSync(join(dir, f))) }));
  return storedZip(files, 1);
}

/** What the Evaluation view's Export offers, as a file to save. */
export async function exportRun(store: ProjectStore, id: number, what: RunExportKind): Promise<RunExport> {
  const run = store.run(id);
  if (run.status !== 'done') throw new StudioError('invalid_input', `${run.name} has not finished training: there is nothing to export yet`);
  const base = stem(run.name);
  switch (what) {
    case 'report':
      return { fileName: `${base}-report.html`, mimeType: 'text/html', text: await runReportHtml(run.run_dir) };
    case 'metrics_csv':
      return { fileName: `${base}-metrics.csv`, mimeType: 'text/csv', text: metricsCsv(store, id) };
    case 'predictions_csv':
      return { fileName: `${base}-predictions.csv`, mimeType: 'text/csv', text: predictionsCsv(store, id) };
    case 'model':
      return { fileName: `${base}-model.zip`, mimeType: 'application/zip', base64: Buffer.from(modelZip(run.run_dir)).toString('base64') };
  }
}
