import type { ActiveRun } from '../../../api';

/** "run 3 · lstm (val F1 0.912, best by validation F1)": which run a view's predictions come from. */
export function activeRunText(run: ActiveRun | null | undefined): string {
  if (!run) return 'no finished run yet';
  const f1 = run.bestValF1 === null ? '' : `val F1 ${run.bestValF1.toFixed(3)}, `;
  return `${run.name} (${f1}${run.chosen ? 'chosen in Training' : 'best by validation F1'})`;
}
