import { writeFileSync } from 'node:fs';
import type { FolderClipResult, FolderSummary } from '../../api/folder-predictions';
import { ExtractionSettings } from '../../api/extraction';
import { CancelledError, InvalidInputError } from '../../core/errors';
import { scanPredictFolder, type FolderScan } from '../../core/inference/folder-clips';
import { folderCsv } from '../../core/inference/folder-csv';
import { summariseFolder } from '../../core/inference/folder-summary';
import { predictFolder, type FolderPredictionRun } from '../../core/inference/predict-folder';
import { checkInput, modelDirOf } from '../../core/inference/predict-video';
import { readModelMetadata } from '../../core/models/model-files';
import { workerScript } from '../../workers/worker-script';
import { flagIssueMessage } from '../extraction-options';
import { withProgress } from '../in-process-job';

export interface FolderFlags {
  json?: boolean;
  csv?: string;
  workers?: number;
}

/**
 * `gstudio predict <run> <folder>`: every video below the folder, a table (or JSON) of each clip's
 * answer or reason, the accuracy where the clips sit in class folders, and the CSV. Ctrl+C keeps
 * the clips finished so far: they are printed and written, then the command says it was cancelled.
 */
export async function predictFolderCommand(runDir: string, folder: string, flags: FolderFlags): Promise<void> {
  const workers = ExtractionSettings.shape.workers.safeParse(flags.workers ?? 0);
  if (!workers.success) throw new InvalidInputError(flagIssueMessage({ ...workers.error.issues[0], path: ['workers'] }));
  const meta = readModelMetadata(modelDirOf(runDir));
  checkInput(meta);
  const scan = await scanPredictFolder(folder, meta.labels);
  const finished: FolderClipResult[] = [];
  let run: FolderPredictionRun | null = null;
  let cancelled = false;
  try {
    run = await withProgress(
      'Predicting',
      'clips',
      (ctx) => predictFolder(runDir, scan, ctx, { workerScript: workerScript('clip-worker'), workers: flags.workers, onClip: (r) => finished.push(r) }),
      { onCancel: 'the clips finished so far are printed and written' },
    );
  } catch (err) {
    if (!(err instanceof CancelledError)) throw err;
    cancelled = true;
  }
  const results = run?.results ?? [...finished].sort((a, b) => a.index - b.index);
  const summary = run?.summary ?? summariseFolder(results, meta.labels);
  if (flags.csv) writeFileSync(flags.csv, folderCsv(results));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ folder: scan.root, run: runDir, cancelled, engine: run?.engine, clips: results, skipped: scan.skipped, summary })}\n`);
  } else {
    printTable(results);
    printSummary(scan, summary, run);
    if (flags.csv) console.log(`CSV: ${flags.csv}`);
  }
  if (cancelled) throw new CancelledError(`Cancelled after ${results.length} of ${scan.clips.length} clips${flags.csv ? ` (they are in ${flags.csv})` : ''}`);
}

const FAILURE_ORDER = ['unreadable', 'too_short', 'no_hands', 'failed'] as const;

const pct = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)}%`);

function printTable(results: FolderClipResult[]): void {
  const fileWidth = Math.min(60, Math.max(4, ...results.map((r) => r.file.length)));
  const classWidth = Math.max(9, ...results.map((r) => Math.max((r.trueClass ?? '').length, (r.predicted ?? '').length)));
  console.log(`${'file'.padEnd(fileWidth)}  ${'true'.padEnd(classWidth)}  ${'predicted'.padEnd(classWidth)}  confidence`);
  for (const r of results) {
    const file = r.file.padEnd(fileWidth);
    const truth = (r.trueClass ?? '–').padEnd(classWidth);
    if (r.status !== 'ok') {
      console.log(`${file}  ${truth}  ${'–'.padEnd(classWidth)}  ${r.status.replace('_', ' ')}: ${r.reason}`);
      continue;
    }
    const mark = r.trueClass === null ? '' : r.predicted === r.trueClass ? '  ✓' : '  ✗';
    console.log(`${file}  ${truth}  ${r.predicted!.padEnd(classWidth)}  ${pct(r.confidence).padStart(10)}${mark}`);
  }
}

function printSummary(scan: FolderScan, s: FolderSummary, run: FolderPredictionRun | null): void {
  const failures = FAILURE_ORDER.filter((k) => s.failures[k]).map((k) => `${s.failures[k]} ${k.replace('_', ' ')}`);
  console.log(`\n${s.predicted} of ${scan.clips.length} clips predicted${failures.length ? `; failed: ${failures.join(', ')}` : ''}.`);
  if (run) console.log(`Regions: ${run.regionsUsed}; run by ${run.engine === 'onnxruntime' ? 'onnxruntime-node (the exported model.onnx)' : 'TensorFlow.js'}; ${run.frames} frames in ${run.seconds.toFixed(1)} s.`);
  if (s.withTrueClass > 0) {
    // Top-k only says something when the model has more than k classes.
    const topK = [s.labels.length > 3 ? `top-3 ${pct(s.top3Accuracy)}` : '', s.labels.length > 5 ? `top-5 ${pct(s.top5Accuracy)}` : ''].filter(Boolean).join(', ');
    console.log(`Accuracy ${s.correct}/${s.withTrueClass} (${pct(s.accuracy)}) over the predicted clips in class folders${topK ? `; ${topK}` : ''}.`);
    const rows = s.labels.map((l, i) => [l, s.confusion[i]] as const).filter(([, row]) => row.some((v) => v > 0));
    const w = Math.max(5, ...s.labels.map((l) => l.length));
    const cw = s.labels.map((l) => Math.max(4, l.length));
    console.log('Confusion matrix (rows: true, columns: predicted)');
    console.log(`${''.padEnd(w)}  ${s.labels.map((l, j) => l.padStart(cw[j])).join(' ')}`);
    for (const [l, row] of rows) console.log(`${l.padEnd(w)}  ${row.map((v, j) => String(v).padStart(cw[j])).join(' ')}`);
  } else console.log('No clip is in a sub-folder named as one of the model\'s classes: no accuracy (lay the folder out as <class>/<clip> to get one).');
  for (const sk of scan.skipped) console.log(`  skipped ${sk.path}: ${sk.reason}`);
}
