import { writeFileSync } from 'node:fs';
import { replaceAtomically } from '../dataset/atomic-file';

/** One row of metrics.csv: the reference's logged metrics, one per epoch. */
export interface EpochMetrics {
  epoch: number;
  train_loss: number;
  train_acc: number;
  val_loss: number;
  val_acc: number;
  val_f1: number;
  lr: number;
}

export const METRICS_COLUMNS = ['epoch', 'train_loss', 'train_acc', 'val_loss', 'val_acc', 'val_f1', 'lr'] as const;

export function metricsCsv(rows: EpochMetrics[]): string {
  // Full precision (shortest round-trip form): a repeated run must match to the last digit.
  return [METRICS_COLUMNS.join(','), ...rows.map((r) => METRICS_COLUMNS.map((c) => String(r[c])).join(','))].join('\n') + '\n';
}

/** Rewrites the whole log atomically: a resumed run's log is exactly the rows of its finished epochs. */
export async function writeMetricsCsv(path: string, rows: EpochMetrics[]): Promise<void> {
  await replaceAtomically(path, (temp) => writeFileSync(temp, metricsCsv(rows)));
}

export function parseMetricsCsv(text: string): EpochMetrics[] {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const cols = header.split(',');
  return lines.map((line) => {
    const values = line.split(',').map(Number);
    return Object.fromEntries(cols.map((c, i) => [c, values[i]])) as unknown as EpochMetrics;
  });
}
