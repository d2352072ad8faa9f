import type Database from 'better-sqlite3';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { AuditReport, type AuditInfo, type AuditQueueRow } from '../../api/audit';
import { NotFoundError } from '../errors';
import { fromStoredPath, toStoredPath } from './stored-path';

export interface AuditClipRecord {
  clipId: number;
  givenClassId: number;
  fold: number;
  probs: number[];
  flagged: boolean;
  suggestedClassId: number | null;
  quality: number;
  rank: number | null;
}

interface AuditRow {
  id: number;
  status: AuditInfo['status'];
  settings: string;
  /** Absolute, where the project is now (stored relative to it: see `auditDirFromStored`). */
  audit_dir: string;
  report: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

const now = () => new Date().toISOString();

/**
 * SQL to flag: a clip the audit flagged, still carrying the label it was audited with, that no
 * applied "keep" for this audit answers. Used by the queue and by the Clips view's review filter.
 */
export const PENDING_AUDIT_CLIP = `a.flagged = 1 AND c.class_id = a.given_class_id
  AND NOT EXISTS (SELECT 1 FROM label_events e WHERE e.clip_id = a.clip_id AND e.audit_id = a.audit_id AND e.kind = 'keep' AND e.state = 'applied')`;

/** The latest finished audit's id (the one the review views show). */
export const LATEST_AUDIT = "(SELECT MAX(id) FROM audits WHERE status = 'done')";

/**
 * An audit's folder where the project is now. Audits have always been made in the project's own
 * `audits/` folder; builds before stored paths recorded it absolute, which names the project's old
 * place once the project is moved or opened from another mount. Such a value is read as the folder
 * of that name in this project's `audits/` (never the old place: a copy left there is another project's).
 */
export function auditDirFromStored(projectDir: string, stored: string): string {
  if (isAbsolute(stored) && basename(dirname(stored)) === 'audits') return join(projectDir, 'audits', basename(stored));
  return fromStoredPath(projectDir, stored);
}

/** Label audits and their per-clip scores, in the project's SQLite file. */
export class AuditStore {
  constructor(
    private readonly db: Database.Database,
    private readonly projectDir: string,
  ) {}

  /** `auditDir` is recorded relative to the project (stored-path.ts), so the audit resumes where the project is opened. */
  create(settings: unknown, auditDir: string): number {
    const info = this.db
      .prepare("INSERT INTO audits (status, settings, audit_dir, created_at) VALUES ('running', ?, ?, ?)")
      .run(JSON.stringify(settings), toStoredPath(this.projectDir, auditDir), now());
    return Number(info.lastInsertRowid);
  }

  row(id: number): AuditRow {
    const row = this.db.prepare('SELECT * FROM audits WHERE id = ?').get(id) as AuditRow | undefined;
    if (!row) throw new NotFoundError(`Audit ${id}`);
    return { ...row, audit_dir: auditDirFromStored(this.projectDir, row.audit_dir) };
  }

  setStatus(id: number, status: AuditInfo['status'], error: string | null = null): void {
    this.db.prepare("UPDATE audits SET status = ?, error = ?, finished_at = CASE WHEN ? = 'running' THEN NULL ELSE ? END WHERE id = ?").run(status, error, status, now(), id);
  }

  /** The results of a finished audit, replacing any earlier ones of the same audit. */
  finish(id: number, report: AuditReport, clips: AuditClipRecord[]): void {
    const insert = this.db.prepare(
      `INSERT INTO audit_clips (audit_id, clip_id, given_class_id, fold, probs, flagged, suggested_class_id, quality, rank)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM audit_clips WHERE audit_id = ?').run(id);
      for (const c of clips) insert.run(id, c.clipId, c.givenClassId, c.fold, JSON.stringify(c.probs), c.flagged ? 1 : 0, c.suggestedClassId, c.quality, c.rank);
      this.db.prepare("UPDATE audits SET status = 'done', report = ?, error = NULL, finished_at = ? WHERE id = ?").run(JSON.stringify(report), now(), id);
    })();
  }

  /** Audits a crashed process left 'running'. */
  markInterrupted(): void {
    this.db.prepare("UPDATE audits SET status = 'failed', error = 'Interrupted: the studio stopped during the audit; run it again to resume (finished folds are kept)' WHERE status = 'running'").run();
  }

  latestId(which: 'done' | 'any' = 'done'): number | null {
    const row = this.db.prepare(`SELECT MAX(id) AS id FROM audits ${which === 'done' ? "WHERE status = 'done'" : ''}`).get() as { id: number | null };
    return row.id;
  }

  info(id: number): AuditInfo {
    const r = this.row(id);
    const counts = this.db
      .prepare(
        `SELECT COALESCE(SUM(a.flagged = 0 AND c.class_id != a.given_class_id), 0) AS changed,
           COALESCE(SUM(${PENDING_AUDIT_CLIP}), 0) AS pending
         FROM audit_clips a JOIN clips c ON c.id = a.clip_id WHERE a.audit_id = ?`,
      )
      .get(id) as { changed: number; pending: number };
    const parsed = r.report ? AuditReport.safeParse(JSON.parse(r.report)) : null;
    return {
      id: r.id,
      status: r.status,
      settings: JSON.parse(r.settings) as Record<string, unknown>,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
      error: r.error,
      report: parsed?.success ? parsed.data : null,
      changedElsewhere: counts.changed,
      stale: counts.changed > 0,
      pending: counts.pending,
    };
  }

  /**
   * Flagged clips still to review, most likely wrong first. A suggestion names the class it is now
   * (a class merged since is followed to the class it went into; one that became the clip's own is no suggestion).
   */
  queue(id: number): AuditQueueRow[] {
    const rows = this.db
      .prepare(
        `SELECT a.clip_id, c.rel_path, g.name AS given, s.name AS suggested, sn.now_id AS suggested_class_id, a.quality, a.rank, a.fold
         FROM audit_clips a JOIN clips c ON c.id = a.clip_id JOIN classes g ON g.id = a.given_class_id
           JOIN class_now sn ON sn.id = a.suggested_class_id JOIN classes s ON s.id = sn.now_id
         WHERE a.audit_id = ? AND ${PENDING_AUDIT_CLIP} AND sn.now_id != c.class_id ORDER BY a.rank`,
      )
      .all(id) as { clip_id: number; rel_path: string; given: string; suggested: string; suggested_class_id: number; quality: number; rank: number; fold: number }[];
    return rows.map((r) => ({
      clipId: r.clip_id,
      relPath: r.rel_path,
      name: basename(r.rel_path),
      givenClass: r.given,
      suggestedClass: r.suggested,
      suggestedClassId: r.suggested_class_id,
      score: r.quality,
      rank: r.rank,
      fold: r.fold,
    }));
  }

  /** Suggested class of each given clip in this audit (for "accept"). */
  suggestions(id: number, clipIds: number[]): { clipId: number; classId: number }[] {
    const get = this.db.prepare(
      'SELECT n.now_id AS suggested_class_id FROM audit_clips a JOIN class_now n ON n.id = a.suggested_class_id WHERE a.audit_id = ? AND a.clip_id = ? AND a.flagged = 1',
    );
    return clipIds.map((clipId) => {
      const row = get.get(id, clipId) as { suggested_class_id: number } | undefined;
      if (!row) throw new NotFoundError(`Clip ${clipId} among the clips audit ${id} flagged`);
      return { clipId, classId: row.suggested_class_id };
    });
  }

  clips(id: number): (AuditClipRecord & { relPath: string; givenClass: string; suggestedClass: string | null })[] {
    const rows = this.db
      .prepare(
        `SELECT a.*, c.rel_path, g.name AS given, s.name AS suggested FROM audit_clips a JOIN clips c ON c.id = a.clip_id
           JOIN classes g ON g.id = a.given_class_id LEFT JOIN classes s ON s.id = a.suggested_class_id
         WHERE a.audit_id = ? ORDER BY a.rank IS NULL, a.rank, a.clip_id`,
      )
      .all(id) as { clip_id: number; given_class_id: number; fold: number; probs: string; flagged: number; suggested_class_id: number | null; quality: number; rank: number | null; rel_path: string; given: string; suggested: string | null }[];
    return rows.map((r) => ({
      clipId: r.clip_id,
      givenClassId: r.given_class_id,
      fold: r.fold,
      probs: JSON.parse(r.probs) as number[],
      flagged: r.flagged === 1,
      suggestedClassId: r.suggested_class_id,
      quality: r.quality,
      rank: r.rank,
      relPath: r.rel_path,
      givenClass: r.given,
      suggestedClass: r.suggested,
    }));
  }
}
