import { join } from 'node:path';

/** The files of a run directory. */
export function runFiles(runDir: string) {
  return {
    metrics: join(runDir, 'metrics.csv'),
    split: join(runDir, 'split.json'),
    model: join(runDir, 'model'),
    summary: join(runDir, 'summary.json'),
    lossCurves: join(runDir, 'loss_curves.svg'),
    accuracyCurves: join(runDir, 'accuracy_curves.svg'),
    confusionMatrix: join(runDir, 'confusion_matrix.svg'),
    state: join(runDir, 'state'),
  };
}
