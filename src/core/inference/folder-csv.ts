import type { FolderClipResult } from '../../api/folder-predictions';
import { csvRows } from '../report/csv';

export const FOLDER_CSV_HEADER = [
  'file',
  'true_class',
  'predicted',
  'confidence',
  'correct',
  'in_top3',
  'in_top5',
  'top5_labels',
  'top5_probabilities',
  'frames',
  'frames_with_hands',
  'status',
  'reason',
];

/** 1 / 0 when the true class is known and the clip was predicted; empty otherwise (not a wrong answer). */
const flag = (r: FolderClipResult, k: number) => (r.trueClass === null || r.status !== 'ok' ? '' : r.top.slice(0, k).some((t) => t.label === r.trueClass) ? 1 : 0);

/**
 * One row per clip, in the folder's order, for a researcher's script (Python's csv, pandas): the
 * top five as ';'-joined labels and probabilities, a failed clip with its status and reason.
 */
export function folderCsv(results: readonly FolderClipResult[]): string {
  const rows: (string | number)[][] = [FOLDER_CSV_HEADER];
  for (const r of [...results].sort((a, b) => a.index - b.index)) {
    rows.push([
      r.file,
      r.trueClass ?? '',
      r.predicted ?? '',
      r.confidence === null ? '' : r.confidence.toFixed(4),
      flag(r, 1),
      flag(r, 3),
      flag(r, 5),
      r.top.map((t) => t.label).join(';'),
      r.top.map((t) => t.probability.toFixed(4)).join(';'),
      r.frames ?? '',
      r.framesWithHands ?? '',
      r.status,
      r.reason ?? '',
    ]);
  }
  return csvRows(rows);
}
