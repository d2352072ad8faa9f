import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';

/**
 * The undo stack: one row per user action (a relabel, an audit review, a class added, renamed or
 * merged), in the order they happened, whatever tables its changes live in. Each action's rows in
 * label_events and class_events share its batch id and its state.
 */
export type ActionState = 'applied' | 'undone' | 'dropped';

/** A new action's batch id, shared by every row it writes. */
export function newBatch(): string {
  return randomUUID();
}

/**
 * Puts an action that changed something on the stack (inside its transaction); what could be
 * redone is dropped, as in any editor. An action that changed nothing is never recorded.
 */
export function recordAction(db: Database.Database, batch: string, author: string, at: string): void {
  dropRedo(db, at);
  db.prepare('INSERT INTO label_actions (batch, author, at) VALUES (?, ?, ?)').run(batch, author, at);
}

function dropRedo(db: Database.Database, at: string): void {
  for (const table of ['label_actions', 'label_events', 'class_events']) {
    db.prepare(`UPDATE ${table} SET state = 'dropped', changed_at = ? WHERE state = 'undone'`).run(at);
  }
}

/** The action undo takes back: the latest applied one. */
export function lastApplied(db: Database.Database): string | null {
  const row = db.prepare("SELECT batch FROM label_actions WHERE state = 'applied' ORDER BY id DESC LIMIT 1").get() as { batch: string } | undefined;
  return row?.batch ?? null;
}

/** The action redo applies again: undone actions always follow the applied ones, so the earliest undone is the last one undone. */
export function firstUndone(db: Database.Database): string | null {
  const row = db.prepare("SELECT batch FROM label_actions WHERE state = 'undone' ORDER BY id ASC LIMIT 1").get() as { batch: string } | undefined;
  return row?.batch ?? null;
}

export function setActionState(db: Database.Database, batch: string, state: ActionState, at: string): void {
  db.prepare('UPDATE label_actions SET state = ?, changed_at = ? WHERE batch = ?').run(state, at, batch);
}
