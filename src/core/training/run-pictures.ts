import { writeFileSync } from 'node:fs';
import { confusionMatrixSvg, lineChartSvg } from '../evaluation/svg-charts';
import type { EpochMetrics } from './metrics-log';
import type { runFiles } from './run-files';

/** The run's pictures (PIPELINE.md §8): loss curves, accuracy and validation F1 curves, the test confusion matrix. */
export function writeRunPictures(files: ReturnType<typeof runFiles>, rows: EpochMetrics[], confusion: number[][], classNames: string[]): void {
  writeFileSync(files.lossCurves, lineChartSvg('Loss', 'epoch', [
    { name: 'train loss', values: rows.map((r) => r.train_loss), color: '#1f77b4' },
    { name: 'validation loss', values: rows.map((r) => r.val_loss), color: '#ff7f0e' },
  ]));
  writeFileSync(files.accuracyCurves, lineChartSvg('Accuracy and validation macro F1', 'epoch', [
    { name: 'train accuracy', values: rows.map((r) => r.train_acc), color: '#1f77b4' },
    { name: 'validation accuracy', values: rows.map((r) => r.val_acc), color: '#ff7f0e' },
    { name: 'validation F1', values: rows.map((r) => r.val_f1), color: '#2ca02c' },
  ], { yMin: 0, yMax: 1 }));
  writeFileSync(files.confusionMatrix, confusionMatrixSvg(confusion, classNames));
}
