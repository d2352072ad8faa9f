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

const TEXT_INPUTS = new Set(['text', 'search', 'number', 'email', 'url', 'password', 'tel', '']);

/**
 * Keys typed into a text field belong to the field (it has its own undo, digits are its value).
 * A focused select, checkbox or button does not stop the view's shortcuts: after choosing a filter
 * the researcher's next key press is for the view.
 */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('textarea, [contenteditable="true"]')) return true;
  return target instanceof HTMLInputElement && TEXT_INPUTS.has(target.type);
}
