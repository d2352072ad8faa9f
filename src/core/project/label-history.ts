import type Database from 'better-sqlite3';
import { basename } from 'node:path';
import type { LabelChange, LabelEvent } from '../../api';
import { NotFoundError, ProjectError } from '../errors';
import { firstUndone, lastApplied, newBatch, recordAction, setActionState } from './action-log';

/** What undoing or redoing a batch did to classes (class-store.ts answers it). */
export interface ClassMove {
  /** "Undid renaming class hello to greeting"; the relabelled clips are added by the caller. */
  description: string;
}
export type ClassMover = (batch: string, to: 'applied' | 'undone', at: string, clipCount: number) => ClassMove | null;

/**
 * Relabels as an append-only event log. Undo and redo move whole actions (one user action may
 * relabel many clips, or add, rename or merge a class) between 'applied' and 'undone', in the one
 * stack of action-log.ts; a new action drops what could be redone. Nothing is ever deleted, so
 * every label a clip ever had stays in its history.
 */
export class LabelHistory {
  constructor(
    private readonly db: Database.Database,
    /** Class changes of a batch, undone after its clips went back and redone before they move again. */
    private readonly classMoves: ClassMover = () => null,
  ) {}

  relabel(clipIds: number[], classId: number, author: string): LabelChange {
    const name = this.activeClassName(classId);
    const now = new Date().toISOString();
    const batch = newBatch();
    let changed: number[] = [];
    this.db.transaction(() => {
      changed = this.relabelIn(batch, clipIds, classId, author, now);
      if (changed.length > 0) recordAction(this.db, batch, author, now);
    })();
    return { clipIds: changed, description: `Relabelled ${clipsText(changed.length)} as ${name}${namedClips(this.db, changed)}` };
  }

  /**
   * The relabel part of an action, inside the caller's transaction (a class added from the picker
   * and its clips, a merge): events in `batch`, clips already in the class skipped.
   */
  relabelIn(batch: string, clipIds: number[], classId: number, author: string, at: string): number[] {
    this.activeClassName(classId);
    const changed: number[] = [];
    const current = this.db.prepare('SELECT class_id FROM clips WHERE id = ?');
    const insert = this.db.prepare(
      'INSERT INTO label_events (clip_id, old_class_id, new_class_id, author, at, batch) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const update = this.db.prepare('UPDATE clips SET class_id = ?, label_dirty = 1, updated_at = ? WHERE id = ?');
    for (const id of clipIds) {
      const row = current.get(id) as { class_id: number } | undefined;
      if (!row) throw new NotFoundError(`Clip ${id}`);
      if (row.class_id === classId) continue;
      insert.run(id, row.class_id, classId, author, at, batch);
      update.run(classId, at, id);
      changed.push(id);
    }
    return changed;
  }

  /**
   * One undoable batch from a label audit's queue: suggestions accepted (each clip to its own class)
   * or labels kept. A keep changes no label; it is recorded (who, when, which audit) so that the
   * audit does not flag the clip again, and undoing it puts the clip back in the queue.
   */
  review(kind: 'relabel' | 'keep', items: { clipId: number; classId: number }[], author: string, auditId: number): LabelChange {
    const now = new Date().toISOString();
    const batch = newBatch();
    const changed: number[] = [];
    const names = new Set<string>();
    this.db.transaction(() => {
      const current = this.db.prepare('SELECT c.class_id, k.name FROM clips c JOIN classes k ON k.id = c.class_id WHERE c.id = ?');
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
          const target = this.activeClassName(classId);
          if (row.class_id === classId) continue;
          insert.run(clipId, row.class_id, classId, author, now, batch, 'relabel', auditId);
          update.run(classId, now, clipId);
          names.add(target);
        }
        changed.push(clipId);
      }
      if (changed.length > 0) recordAction(this.db, batch, author, now);
    })();
    const what = clipsText(changed.length);
    const as = [...names].join(', ');
    return { clipIds: changed, description: kind === 'keep' ? `Kept the label of ${what} (${as})` : `Relabelled ${what} as suggested (${as})` };
  }

  undo(): LabelChange | null {
    const batch = lastApplied(this.db);
    return batch === null ? null : this.move(batch, 'undone');
  }

  redo(): LabelChange | null {
    const batch = firstUndone(this.db);
    return batch === null ? null : this.move(batch, 'applied');
  }

  history(clipId: number): LabelEvent[] {
    const rows = this.db
      .prepare(
        `SELECT e.id, e.clip_id, o.name AS old_class, n.name AS new_class, e.author, e.at, e.state, e.kind,
           (SELECT ce.kind FROM class_events ce WHERE ce.batch = e.batch LIMIT 1) AS cause
         FROM label_events e JOIN classes o ON o.id = e.old_class_id JOIN classes n ON n.id = e.new_class_id
         WHERE e.clip_id = ? ORDER BY e.id`,
      )
      .all(clipId) as { id: number; clip_id: number; old_class: string; new_class: string; author: string; at: string; state: LabelEvent['state']; kind: LabelEvent['kind']; cause: 'add' | 'merge' | null }[];
    return rows.map((r) => ({
      id: r.id,
      clipId: r.clip_id,
      oldClass: r.old_class,
      newClass: r.new_class,
      author: r.author,
      at: r.at,
      state: r.state,
      kind: r.kind,
      ...(r.cause ? { cause: r.cause } : {}),
    }));
  }

  /** The class's name; a merged or removed class takes no clips (the error says where they go instead). */
  private activeClassName(classId: number): string {
    const cls = this.db
      .prepare('SELECT k.name, k.state, i.name AS into_name FROM classes k LEFT JOIN classes i ON i.id = k.merged_into WHERE k.id = ?')
      .get(classId) as { name: string; state: string; into_name: string | null } | undefined;
    if (!cls) throw new NotFoundError(`Class ${classId}`);
    if (cls.state === 'merged') throw new ProjectError(`Class "${cls.name}" was merged into "${cls.into_name}": relabel as "${cls.into_name}"`);
    if (cls.state === 'removed') throw new NotFoundError(`Class "${cls.name}"`, 'its adding was undone');
    return cls.name;
  }

  /** Undo or redo one action, all or nothing: a class change that cannot be made leaves every clip as it was. */
  private move(batch: string, to: 'applied' | 'undone'): LabelChange {
    const now = new Date().toISOString();
    const events = this.db
      .prepare(
        `SELECT e.id, e.clip_id, e.old_class_id, e.new_class_id, n.name AS new_name, o.name AS old_name, e.kind
         FROM label_events e JOIN classes n ON n.id = e.new_class_id JOIN classes o ON o.id = e.old_class_id
         WHERE e.batch = ? ORDER BY e.id ${to === 'undone' ? 'DESC' : 'ASC'}`,
      )
      .all(batch) as { id: number; clip_id: number; old_class_id: number; new_class_id: number; new_name: string; old_name: string; kind: 'relabel' | 'keep' }[];
    let classMove: ClassMove | null = null;
    this.db.transaction(() => {
      // Redo: a class exists again before clips go into it; undo: clips leave it before it goes.
      if (to === 'applied') classMove = this.classMoves(batch, to, now, events.length);
      const setClass = this.db.prepare('UPDATE clips SET class_id = ?, label_dirty = 1, updated_at = ? WHERE id = ?');
      const setState = this.db.prepare('UPDATE label_events SET state = ?, changed_at = ? WHERE id = ?');
      for (const e of events) {
        // A keep changed no label; moving it only puts the clip back in (or out of) its audit's queue.
        if (e.kind !== 'keep') setClass.run(to === 'undone' ? e.old_class_id : e.new_class_id, now, e.clip_id);
        setState.run(to, now, e.id);
      }
      if (to === 'undone') classMove = this.classMoves(batch, to, now, events.length);
      setActionState(this.db, batch, to, now);
    })();
    const ids = events.map((e) => e.clip_id);
    const moved = classMove as ClassMove | null;
    if (moved) return { clipIds: ids, description: moved.description + namedClips(this.db, ids) };
    const what = clipsText(events.length);
    if (events.length > 0 && events.every((e) => e.kind === 'keep')) {
      return { clipIds: ids, description: `${to === 'undone' ? 'Undid' : 'Redid'} keeping the label of ${what}` };
    }
    const description =
      to === 'undone'
        ? `Undid relabel of ${what} (back to ${events[0]?.old_name ?? '?'})`
        : `Redid relabel of ${what} as ${events[0]?.new_name ?? '?'}`;
    return { clipIds: ids, description: description + namedClips(this.db, ids) };
  }
}

export const clipsText = (n: number) => (n === 1 ? '1 clip' : `${n} clips`);

/** ": a.mp4, b.mp4 and 3 more": which clips a change touched, so that the notice names them. */
export function namedClips(db: Database.Database, ids: number[]): string {
  if (ids.length === 0) return '';
  const get = db.prepare('SELECT rel_path FROM clips WHERE id = ?');
  const names = ids.slice(0, 3).map((id) => basename((get.get(id) as { rel_path: string } | undefined)?.rel_path ?? `#${id}`));
  return `: ${names.join(', ')}${ids.length > 3 ? ` and ${ids.length - 3} more` : ''}`;
}
