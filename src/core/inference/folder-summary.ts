import type { FolderClipResult, FolderSummary } from '../../api/folder-predictions';

const inTop = (r: FolderClipResult, k: number) => r.top.slice(0, k).some((t) => t.label === r.trueClass);

/**
 * Accuracy, top-3 / top-5 accuracy and the confusion matrix over the clips that were predicted and
 * whose true class is known; failed clips are counted by reason, never as wrong answers.
 */
export function summariseFolder(results: readonly FolderClipResult[], labels: readonly string[]): FolderSummary {
  const predicted = results.filter((r) => r.status === 'ok');
  const failures: Record<string, number> = {};
  for (const r of results) if (r.status !== 'ok') failures[r.status] = (failures[r.status] ?? 0) + 1;
  const known = predicted.filter((r) => r.trueClass !== null);
  const index = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  let correct = 0;
  let top3 = 0;
  let top5 = 0;
  for (const r of known) {
    const t = index.get(r.trueClass!);
    const p = index.get(r.predicted!);
    if (t !== undefined && p !== undefined) confusion[t][p]++;
    if (r.predicted === r.trueClass) correct++;
    if (inTop(r, 3)) top3++;
    if (inTop(r, 5)) top5++;
  }
  const share = (n: number) => (known.length > 0 ? n / known.length : null);
  return {
    clips: results.length,
    predicted: predicted.length,
    failed: results.length - predicted.length,
    failures,
    withTrueClass: known.length,
    correct,
    accuracy: share(correct),
    top3Accuracy: share(top3),
    top5Accuracy: share(top5),
    labels: [...labels],
    confusion,
  };
}
