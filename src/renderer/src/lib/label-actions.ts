import { api } from './studio.svelte';

export type LabelAction = 'labels.undo' | 'labels.redo';

/** Ctrl+Z undoes, Ctrl+Shift+Z and Ctrl+Y redo (Cmd on a Mac), in every view that relabels. */
export function labelActionForKey(e: KeyboardEvent): LabelAction | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const k = e.key.toLowerCase();
  if (k === 'z') return e.shiftKey ? 'labels.redo' : 'labels.undo';
  if (k === 'y') return 'labels.redo';
  return null;
}

/** Undoes or redoes the last relabel anywhere in the project; returns the notice to show. */
export async function runLabelAction(action: LabelAction): Promise<string> {
  const change = await api.call(action, {});
  return change ? change.description : action === 'labels.undo' ? 'Nothing to undo' : 'Nothing to redo';
}

/** Keys typed into a field belong to the field (a text box has its own undo). */
export function isTypingTarget(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && Boolean(target.closest('input, select, textarea, [contenteditable="true"]'));
}
