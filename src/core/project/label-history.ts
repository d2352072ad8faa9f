import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { LabelChange, LabelEvent } from '../../api';
import { NotFoundError } from '../errors';

/**
 * Relabels as an append-only event log. Undo and redo move whole batches (one user action may
 * relabel many clips) between 'applied' and 'undone'; a new relabel drops what could be redone.
 * Nothing is ever deleted, so every label a clip ever had stays in its history.
 */
export class LabelHistory {
  constructor(private readonly db: Database.Database) {}

  relabel(clipIds: number[], classId: number, author: string): LabelChange {
    const cls = this.db.prepare('SELECT name FROM classes WHERE id = ?').get(classId) as { name: string } | undefined;
    if (!cls) throw new NotFoundError(`Class ${classId}`);
    const now = new Date().toISOString();
    const batch = randomUUID();
    const changed: number[] = [];
    this.db.transaction(() => {
      const current = this.db.prepare('SELECT class_id FROM clips WHERE id = ?');
      const insert = this.db.prepare(
        'INSERT INTO label_events (clip_id, old_class_id, new_class_id, author, at, batch) VALUES (?, ?, ?, ?, ?, ?)',
      );
      const update = this.db.prepare(
        "UPDATE clips SET class_id = ?, label_dirty = 1, updated_at = ? WHERE id = ?",
      );
      for (const id of clipIds) {
        const row = current.get(id) as { class_id: number } | undefined;
        if (!row) throw new NotFoundError(`Clip ${id}`);
        if (row.class_id === classId) continue;
        insert.run(id, row.class_id, classId, author, now, batch);
        update.run(classId, now, id);
        changed.push(id);
      }
      if (changed.length > 0) {
        this.db.prepare("UPDATE label_events SET state = 'dropped', changed_at = ? WHERE state = 'undone'").run(now);
      }
    })();
    const what = changed.length === 1 ? '1 clip' : `${changed.length} clips`;
    return { clipIds: changed, description: `Relabelled ${what} as ${cls.name}${this.named(changed)}` };
  }

  /**
   * One undoable batch from a label audit's queue: suggestions accepted (each clip to its own class)
   * or labels kept. A keep changes no label; it is recorded (who, when, which audit) so that the
   * audit does not flag the clip again, and undoing it puts the clip back in the queue.
   */
  review(kind: 'relabel' | 'keep', items: { clipId: number; classId: number }[], author: string, auditId: number): LabelChange {
    const now = new Date().toISOString();
    const batch = randomUUID();
    const changed: number[] = [];
    const names = new Set<string>();
    this.db.transaction(() => {
      const current = this.db.prepare('SELECT c.class_id, k.name FROM clips c JOIN classes k ON k.id = c.class_id WHERE c.id = ?');
      const className = this.db.prepare('SELECT name FROM classes WHERE id = ?');
      const insert = this.db.prepare(
        'INSERT INTO label_events (clip_id, old_class_id, new_class_id, author, at, batch, kind, audit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const update = this.db.prepare('UPDATE clips SET class_id = ?, label_dirty = 1, updated_at = ? WHERE id = ?');
      for (const { clipId, classId } of items) {
        const row = current.get(clipId) as { class_id: number; name: string } | undefined;
        if (!row) throw new NotFoundError(`Clip ${clipId}`);
        if (kind === 'keep') {
          insert.run(clipId, row.class_id, row.class_id, author, now, batch, 'keep', auditId);
          names.add(row.name);
        } else {
          const target = className.get(classId) as { name: string } | undefined;
          if (!target) throw new NotFoundError(`Class ${classId}`);
          if (row.class_id === classId) continue;
          insert.run(clipId, row.class_id, classId, author, now, batch, 'relabel', auditId);
          update.run(classId, now, clipId);
          names.add(target.name);
        }
        changed.push(clipId);
      }
      if (changed.length > 0) {
        this.db.prepare("UPDATE label_events SET state = 'dropped', changed_at = ? WHERE state = 'undone'").run(now);
      }
    })();
    const what = changed.length === 1 ? '1 clip' : `${changed.length} clips`;
    const as = [...names].join(', ');
    return { clipIds: changed, description: kind === 'keep' ? `Kept the label of ${what} (${as})` : `Relabelled ${what} as suggested (${as})` };
  }

  undo(): LabelChange | null {
    const last = this.db
      .prepare("SELECT batch FROM label_events WHERE state = 'applied' ORDER BY id DESC LIMIT 1")
      .get() as { batch: string } | undefined;
    if (!last) return null;
    return this.move(last.batch, 'undone');
  }

  redo(): LabelChange | null {
    // Undone batches always follow the applied ones, so the earliest undone is the last one undone.
    const next = this.db
      .prepare("SELECT batch FROM label_events WHERE state = 'undone' ORDER BY id ASC LIMIT 1")
      .get() as { batch: string } | undefined;
    if (!next) return null;
    return this.move(next.batch, 'applied');
  }

  history(clipId: number): LabelEvent[] {
    const rows = this.db
      .prepare(
        `SELECT e.id, e.clip_id, o.name AS old_class, n.name AS new_class, e.author, e.at, e.state, e.kind
         FROM label_events e JOIN classes o ON o.id = e.old_class_id JOIN classes n ON n.id = e.new_class_id
         WHERE e.clip_id = ? ORDER BY e.id`,
      )
      .all(clipId) as { id: number; clip_id: number; old_class: string; new_class: string; author: string; at: string; state: LabelEvent['state']; kind: LabelEvent['kind'] }[];
    return rows.map((r) => ({
      id: r.id,
      clipId: r.clip_id,
      oldClass: r.old_class,
      newClass: r.new_class,
      author: r.author,
      at: r.at,
      state: r.state,
      kind: r.kind,
    }));
  }

  private move(batch: string, to: 'applied' | 'undone'): LabelChange {
    const now = new Date().toISOString();
    const events = this.db
      .prepare(
        `SELECT e.id, e.clip_id, e.old_class_id, e.new_class_id, n.name AS new_name, o.name AS old_name, e.kind
         FROM label_events e JOIN classes n ON n.id = e.new_class_id JOIN classes o ON o.id = e.old_class_id
         WHERE e.batch = ? ORDER BY e.id ${to === 'undone' ? 'DESC' : 'ASC'}`,
      )
      .all(batch) as { id: number; clip_id: number; old_class_id: number; new_class_id: number; new_name: string; old_name: string; kind: 'relabel' | 'keep' }[];
    this.db.transaction(() => {
      const setClass = this.db.prepare('UPDATE clips SET class_id = ?, label_dirty = 1, updated_at = ? WHERE id = ?');
      const setState = this.db.prepare('UPDATE label_events SET state = ?, changed_at = ? WHERE id = ?');
      for (const e of events) {
        // A keep changed no label; moving it only puts the clip back in (or out of) its audit's queue.
        if (e.kind !== 'keep') setClass.run(to === 'undone' ? e.old_class_id : e.new_class_id, now, e.clip_id);
        setState.run(to, now, e.id);
      }
    })();
    const n = events.length;
    const what = n === 1 ? '1 clip' : `${n} clips`;
    if (events.length > 0 && events.every((e) => e.kind === 'keep')) {
      return { clipIds: events.map((e) => e.clip_id), description: `${to === 'undone' ? 'Undid' : 'Redid'} keeping the label of ${what}` };
    }
    const description =
      to === 'undone'
        ? `Undid relabel of ${what} (back to ${events[0]?.old_name ?? '?'})`
        : `Redid relabel of ${what} as ${events[0]?.new_name ?? '?'}`;
    const ids = events.map((e) => e.clip_id);
    return { clipIds: ids, description: description + this.named(ids) };
  }

  /** ": a.mp4, b.mp4 and 3 more": which clips a change touched, so that the notice names them. */
  private named(ids: number[]): string {
    if (ids.length === 0) return '';
    const get = this.db.prepare('SELECT rel_path FROM clips WHERE id = ?');
    const names = ids.slice(0, 3).map((id) => basename((get.get(id) as { rel_path: string } | undefined)?.rel_path ?? `#${id}`));
    return `: ${names.join(', ')}${ids.length > 3 ? ` and ${ids.length - 3} more` : ''}`;
  }
}
