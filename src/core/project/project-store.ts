import type Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { LOW_CONFIDENCE, type Clip, type ClipFilter, type ClipPage, type ClassSummary, type JobInfo, type ProjectInfo, type ProjectSummary, type ActiveRun } from '../../api';
import { NotFoundError, ProjectError, StudioError } from '../errors';
import { clipFrom, clipSelect, toClip, type ClipRow } from './clip-row';
import { openDatabase } from './database';
import { AuditStore, LATEST_AUDIT, PENDING_AUDIT_CLIP } from './audit-store';
import { ClassStore } from './class-store';
import { LabelHistory } from './label-history';
import { SCHEMA_VERSION } from './migrations';
import { projectFiles } from './paths';
import { fromStoredPath, pathFromProject, toStoredPath } from './stored-path';

/** Metadata that probing fills in. */
export interface ProbeFields {
  duration: number | null;
  fps: number | null;
  frameCount: number | null;
  width: number | null;
  height: number | null;
  codec: string | null;
  rotation: number | null;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
  valF1: number;
  lr: number;
  seconds?: number;
}

export interface RunRow {
  id: number;
  name: string;
  model_type: string;
  params: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  backend: string | null;
  run_dir: string;
  summary: string | null;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
  created_at: string;
  note?: string | null;
}

export interface PredictionRecord {
  clipId: number;
  split: 'train' | 'val' | 'test';
  trueClassId: number;
  predClassId: number;
  confidence: number;
  probs: number[];
}

const now = () => new Date().toISOString();

/**
 * Everything the studio remembers about one project, in one SQLite file inside the project folder.
 * All SQL lives in core/project so that the driver can change without touching callers.
 */
export class ProjectStore {
  readonly labels: LabelHistory;
  readonly classes: ClassStore;
  readonly audits: AuditStore;

  private constructor(
    readonly dir: string,
    readonly db: Database.Database,
  ) {
    // Class actions sit on the relabels' undo stack: undo hands their part back to the class store.
    this.labels = new LabelHistory(db, (batch, to, at, clips) => this.classes.move(batch, to, at, clips));
    this.classes = new ClassStore(db, this.labels);
    this.audits = new AuditStore(db, dir);
  }

  static create(dir: string, name?: string): ProjectStore {
    const abs = resolve(dir);
    const files = projectFiles(abs);
    if (existsSync(files.database)) throw new ProjectError(`${abs} already holds a project: open it instead`);
    if (existsSync(abs) && !statSync(abs).isDirectory()) throw new ProjectError(`${abs} is a file, not a folder`);
    mkdirSync(abs, { recursive: true });
    const store = new ProjectStore(abs, openDatabase(files.database));
    store.db
      .prepare('INSERT INTO project (id, name, created_at) VALUES (1, ?, ?)')
      .run(name ?? basename(abs), now());
    return store;
  }

  static open(dir: string): ProjectStore {
    const abs = resolve(dir);
    const files = projectFiles(abs);
    if (!existsSync(files.database)) {
      throw new ProjectError(`No project in ${abs}: create one with "gstudio init ${dir}" or the Project view`);
    }
    const store = new ProjectStore(abs, openDatabase(files.database));
    if (!store.db.prepare('SELECT 1 FROM project WHERE id = 1').get()) {
      throw new ProjectError(`${files.database} has no project record: the file is damaged`);
    }
    return store;
  }

  static exists(dir: string): boolean {
    return existsSync(projectFiles(resolve(dir)).database);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  info(): ProjectInfo {
    const row = this.db.prepare('SELECT name, video_root, created_at FROM project WHERE id = 1').get() as {
      name: string;
      video_root: string | null;
      created_at: string;
    };
    return { dir: this.dir, name: row.name, videoRoot: row.video_root === null ? null : fromStoredPath(this.dir, row.video_root), createdAt: row.created_at, schemaVersion: SCHEMA_VERSION };
  }

  /** Recorded relative to the project where the folder is below it, and also as a path from the project (a way to find it after both moved). */
  setVideoRoot(root: string): void {
    this.db.prepare('UPDATE project SET video_root = ? WHERE id = 1').run(toStoredPath(this.dir, root));
    this.setSetting('videoRootFromProject', pathFromProject(this.dir, root));
  }

  /** The video folder on this machine; a clear error (and how to point it elsewhere) where it is missing. */
  videoRoot(): string {
    const root = this.info().videoRoot;
    if (!root) throw new ProjectError('This project has no video folder yet: import one first');
    if (existsSync(root)) return root;
    const fromProject = this.setting('videoRootFromProject');
    if (typeof fromProject === 'string' && existsSync(resolve(this.dir, fromProject))) return resolve(this.dir, fromProject);
    throw new StudioError(
      'video_root_missing',
      `The project's video folder ${root} is not on this machine: point the project to where the clips are with "gstudio relink ${this.dir} <videos folder>"`,
    );
  }

  summary(): ProjectSummary {
    const classes = this.db
      .prepare(
        `SELECT k.id, k.name,
           COUNT(c.id) AS clips,
           COALESCE(SUM(c.status = 'ok'), 0) AS ok,
           COALESCE(SUM(c.status = 'failed'), 0) AS failed,
           COALESCE(SUM(c.status = 'pending'), 0) AS pending,
           COALESCE(SUM(c.duration), 0) AS durationSeconds,
           COALESCE(SUM(c.status = 'ok' AND c.extract_status = 'done'), 0) AS extracted,
           COALESCE(SUM(c.status = 'ok' AND c.extract_status = 'failed'), 0) AS extractFailed,
           (SELECT json_group_array(f.folder) FROM class_folders f WHERE f.class_id = k.id) AS folders
         FROM classes k LEFT JOIN clips c ON c.class_id = k.id AND c.status != 'missing'
         WHERE k.state = 'active'
         GROUP BY k.id ORDER BY k.name`,
      )
      .all()
      .map((r) => {
        const row = r as Omit<ClassSummary, 'folders'> & { folders: string };
        return { ...row, folders: (JSON.parse(row.folders) as string[]).sort() };
      }) as ClassSummary[];
    const totals = classes.reduce(
      (t, c) => ({
        clips: t.clips + c.clips,
        ok: t.ok + c.ok,
        failed: t.failed + c.failed,
        pending: t.pending + c.pending,
        durationSeconds: t.durationSeconds + c.durationSeconds,
        extracted: t.extracted + c.extracted,
        extractFailed: t.extractFailed + c.extractFailed,
      }),
      { clips: 0, ok: 0, failed: 0, pending: 0, durationSeconds: 0, extracted: 0, extractFailed: 0 },
    );
    return { project: this.info(), classes, totals, activeRun: this.activeRun() };
  }

  /**
   * The run whose predictions the Clips view, the review filters, the Project view and Predict use:
   * the one the researcher chose (while it exists and is done), else the best by validation F1.
   */
  activeRun(): ActiveRun | null {
    const chosen = this.setting('activeRun');
    const pick = this.db.prepare(
      `SELECT r.id, r.name, (SELECT MAX(val_f1) FROM epochs e WHERE e.run_id = r.id) AS bestValF1 FROM runs r
       WHERE r.status = 'done' AND (? IS NULL OR r.id = ?) ORDER BY bestValF1 DESC, r.id DESC LIMIT 1`,
    );
    if (typeof chosen === 'number') {
      const row = pick.get(chosen, chosen) as Omit<ActiveRun, 'chosen'> | undefined;
      if (row) return { ...row, chosen: true };
    }
    const best = pick.get(null, null) as Omit<ActiveRun, 'chosen'> | undefined;
    return best ? { ...best, chosen: false } : null;
  }

  /** Chooses the active run (a finished one), or null to go back to the best by validation F1. */
  setActiveRun(id: number | null): void {
    if (id !== null && this.run(id).status !== 'done') throw new ProjectError(`Run ${id} has not finished training: choose a finished run`);
    this.setSetting('activeRun', id);
  }

  /** The class a folder of the video folder feeds, made when the folder is new (class-store.ts). */
  ensureClass(folder: string): number {
    return this.classes.forFolder(folder);
  }

  /** An active class's id by its name. */
  classId(name: string): number {
    const row = this.db.prepare("SELECT id FROM classes WHERE name = ? AND state = 'active'").get(name) as { id: number } | undefined;
    if (!row) throw new NotFoundError(`Class "${name}"`);
    return row.id;
  }

  /**
   * Records the clips found on disk. A known path whose size or mtime changed is probed again; its
   * label is kept (a relabel is never lost by a re-import). Known clips not on disk become 'missing'.
   */
  syncClips(found: { relPath: string; className: string; sizeBytes: number; mtimeMs: number }[]): {
    added: number;
    unchanged: number;
    missing: number;
  } {
    let added = 0;
    let unchanged = 0;
    let missing = 0;
    const t = now();
    this.db.transaction(() => {
      const get = this.db.prepare('SELECT id, size_bytes, mtime_ms, status FROM clips WHERE rel_path = ?');
      const insert = this.db.prepare(
        `INSERT INTO clips (rel_path, folder_class_id, class_id, size_bytes, mtime_ms, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      const reset = this.db.prepare(
        `UPDATE clips SET size_bytes = ?, mtime_ms = ?, status = 'pending', error = NULL,
           extract_status = 'pending', updated_at = ? WHERE id = ?`,
      );
      const seen = new Set<string>();
      for (const f of found) {
        seen.add(f.relPath);
        const row = get.get(f.relPath) as { id: number; size_bytes: number; mtime_ms: number; status: string } | undefined;
        if (!row) {
          const cls = this.ensureClass(f.className);
          insert.run(f.relPath, cls, cls, f.sizeBytes, Math.round(f.mtimeMs), t, t);
          added++;
        } else if (row.size_bytes !== f.sizeBytes || row.mtime_ms !== Math.round(f.mtimeMs) || row.status === 'missing') {
          reset.run(f.sizeBytes, Math.round(f.mtimeMs), t, row.id);
          added++;
        } else unchanged++;
      }
      const all = this.db.prepare("SELECT id, rel_path FROM clips WHERE status != 'missing'").all() as { id: number; rel_path: string }[];
      const markMissing = this.db.prepare("UPDATE clips SET status = 'missing', error = 'File no longer in the video folder', updated_at = ? WHERE id = ?");
      for (const r of all) {
        if (!seen.has(r.rel_path)) {
          markMissing.run(t, r.id);
          missing++;
        }
      }
    })();
    return { added, unchanged, missing };
  }

  listClips(filter: ClipFilter): ClipPage {
    const run = this.activeRun()?.id ?? null;
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.classId !== undefined) {
      where.push('c.class_id = ?');
      args.push(filter.classId);
    }
    if (filter.status !== undefined) {
      where.push('c.status = ?');
      args.push(filter.status);
    }
    if (filter.extractStatus !== undefined) {
      where.push('c.extract_status = ?');
      args.push(filter.extractStatus);
    }
    // Against the class the prediction is now: a prediction of a class merged since into the clip's class is right.
    if (filter.review === 'misclassified') where.push('pn.now_id IS NOT NULL AND pn.now_id != c.class_id');
    else if (filter.review === 'low_confidence') {
      where.push('p.confidence < ?');
      args.push(LOW_CONFIDENCE);
    } else if (filter.review === 'no_hands') where.push("c.extract_status = 'done' AND c.hands_fraction = 0");
    else if (filter.review === 'mislabelled') {
      where.push(`EXISTS (SELECT 1 FROM audit_clips a WHERE a.clip_id = c.id AND a.audit_id = ${LATEST_AUDIT} AND ${PENDING_AUDIT_CLIP})`);
    }
    if (filter.split === 'none') where.push('p.split IS NULL');
    else if (filter.split !== undefined) {
      where.push('p.split = ?');
      args.push(filter.split);
    }
    if (filter.search) {
      where.push("c.rel_path LIKE ? ESCAPE '\\'");
      args.push(`%${filter.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const offset = filter.offset ?? 0;
    const limit = filter.limit ?? 200;
    const total = (this.db.prepare(`SELECT COUNT(*) AS n ${clipFrom(run)} ${clause}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(`${clipSelect(run)} ${clause} ORDER BY ${filter.review === 'mislabelled' ? `(SELECT a.rank FROM audit_clips a WHERE a.clip_id = c.id AND a.audit_id = ${LATEST_AUDIT}),` : ''} k.name, c.rel_path LIMIT ? OFFSET ?`)
      .all(...args, limit, offset) as ClipRow[];
    const labels = this.runLabelNames(run);
    return { total, offset, items: rows.map((r) => toClip(r, labels)) };
  }

  /** Where a clip is in a filtered list (for a link that opens it in place), or null when the filter leaves it out. */
  clipPosition(id: number, filter: ClipFilter): number | null {
    this.getClip(id);
    const index = this.listClips({ ...filter, offset: 0, limit: 1_000_000 }).items.findIndex((c) => c.id === id);
    return index < 0 ? null : index;
  }

  getClip(id: number): Clip {
    const run = this.activeRun()?.id ?? null;
    const row = this.db.prepare(`${clipSelect(run)} WHERE c.id = ?`).get(id) as ClipRow | undefined;
    if (!row) throw new NotFoundError(`Clip ${id}`);
    return toClip(row, this.runLabelNames(run));
  }

  clipIdsWithStatus(status: Clip['status']): { id: number; relPath: string }[] {
    return this.db
      .prepare('SELECT id, rel_path AS relPath FROM clips WHERE status = ? ORDER BY id')
      .all(status) as { id: number; relPath: string }[];
  }

  setProbeResult(id: number, fields: ProbeFields): void {
    this.db
      .prepare(
        `UPDATE clips SET duration = ?, fps = ?, frame_count = ?, width = ?, height = ?, codec = ?, rotation = ?,
           status = 'ok', error = NULL, updated_at = ? WHERE id = ?`,
      )
      .run(fields.duration, fields.fps, fields.frameCount, fields.width, fields.height, fields.codec, fields.rotation, now(), id);
  }

  setProbeFailure(id: number, reason: string): void {
    this.db.prepare("UPDATE clips SET status = 'failed', error = ?, updated_at = ? WHERE id = ?").run(reason, now(), id);
  }

  // --- extraction ---

  /** Project settings are one JSON object; each part (e.g. 'extraction') is validated by its owner. */
  setting(key: string): unknown {
    const row = this.db.prepare('SELECT settings FROM project WHERE id = 1').get() as { settings: string };
    return (JSON.parse(row.settings) as Record<string, unknown>)[key];
  }

  setSetting(key: string, value: unknown): void {
    this.db.transaction(() => {
      const row = this.db.prepare('SELECT settings FROM project WHERE id = 1').get() as { settings: string };
      const all = JSON.parse(row.settings) as Record<string, unknown>;
      all[key] = value;
      this.db.prepare('UPDATE project SET settings = ? WHERE id = 1').run(JSON.stringify(all));
    })();
  }

  extractionCounts(): { done: number; failed: number; pending: number; stale: number; unreadable: number } {
    const row = this.db
      .prepare(
        `SELECT COALESCE(SUM(status = 'ok' AND extract_status = 'done'), 0) AS done,
           COALESCE(SUM(status = 'ok' AND extract_status = 'failed'), 0) AS failed,
           COALESCE(SUM(status IN ('ok', 'pending') AND extract_status = 'pending'), 0) AS pending,
           COALESCE(SUM(status = 'ok' AND extract_status = 'stale'), 0) AS stale,
           COALESCE(SUM(status = 'failed'), 0) AS unreadable
         FROM clips`,
      )
      .get() as { done: number; failed: number; pending: number; stale: number; unreadable: number };
    return row;
  }

  classNames(): string[] {
    return (this.db.prepare("SELECT name FROM classes WHERE state = 'active' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  }

  /**
   * Readable clips to extract: 'pending' (never extracted, or stale), 'failed' (retry), 'all', or
   * the given ids.
   */
  clipsForExtraction(which: 'pending' | 'failed' | 'all', ids?: number[]): { id: number; relPath: string; className: string; frameCount: number | null }[] {
    const where =
      ids !== undefined
        ? `c.id IN (${ids.map(() => '?').join(',') || 'NULL'})`
        : which === 'all'
          ? '1'
          : which === 'failed'
            ? "c.extract_status = 'failed'"
            : "c.extract_status IN ('pending', 'stale')";
    return this.db
      .prepare(`SELECT c.id, c.rel_path AS relPath, k.name AS className, c.frame_count AS frameCount FROM clips c JOIN classes k ON k.id = c.class_id WHERE c.status = 'ok' AND ${where} ORDER BY c.id`)
      .all(...(ids ?? [])) as { id: number; relPath: string; className: string; frameCount: number | null }[];
  }

  /** handsFraction null keeps what an earlier run recorded (a clip found already in the file). */
  setExtractResult(id: number, r: { h5Key: string; handsFraction: number | null }): void {
    this.db
      .prepare("UPDATE clips SET extract_status = 'done', extract_error = NULL, h5_key = ?, hands_fraction = COALESCE(?, hands_fraction), updated_at = ? WHERE id = ?")
      .run(r.h5Key, r.handsFraction, now(), id);
  }

  /**
   * Clips whose label (or class name) changed since their sequence was written. Any clip with a
   * dataset name: one whose latest extraction failed may still have its old sequence in the file.
   */
  labelDirtyClips(): { id: number; h5Key: string; className: string }[] {
    return this.db
      .prepare(
        `SELECT c.id, c.h5_key AS h5Key, k.name AS className FROM clips c JOIN classes k ON k.id = c.class_id
         WHERE c.label_dirty = 1 AND c.h5_key IS NOT NULL`,
      )
      .all() as { id: number; h5Key: string; className: string }[];
  }

  clearLabelDirty(ids: number[]): void {
    const stmt = this.db.prepare('UPDATE clips SET label_dirty = 0 WHERE id = ?');
    this.db.transaction(() => ids.forEach((id) => stmt.run(id)))();
  }

  /** Dataset name in the keypoints file -> clip id. */
  clipIdsByKey(): Map<string, number> {
    const rows = this.db.prepare('SELECT id, h5_key FROM clips WHERE h5_key IS NOT NULL').all() as { id: number; h5_key: string }[];
    return new Map(rows.map((r) => [r.h5_key, r.id]));
  }

  /** The clip's dataset name in the keypoints file, once extracted. */
  clipDatasetKey(id: number): string | null {
    return (this.db.prepare('SELECT h5_key FROM clips WHERE id = ?').get(id) as { h5_key: string | null } | undefined)?.h5_key ?? null;
  }

  /** Every extracted clip becomes 'stale' (to extract again: the keypoints file is being rebuilt with new settings). */
  markExtractedStale(): number {
    return this.db.prepare("UPDATE clips SET extract_status = 'stale', updated_at = ? WHERE extract_status = 'done'").run(now()).changes;
  }

  /** Readable clips whose extraction failed, with the reason. */
  extractFailures(): { id: number; relPath: string; reason: string }[] {
    return this.db
      .prepare("SELECT id, rel_path AS relPath, COALESCE(extract_error, '') AS reason FROM clips WHERE status = 'ok' AND extract_status = 'failed' ORDER BY rel_path")
      .all() as { id: number; relPath: string; reason: string }[];
  }

  setExtractFailure(id: number, reason: string): void {
    this.db.prepare("UPDATE clips SET extract_status = 'failed', extract_error = ?, updated_at = ? WHERE id = ?").run(reason, now(), id);
  }

  // --- runs, epochs, predictions (filled by training; the UI reads them) ---

  createRun(name: string, modelType: string, params: unknown, runDir: string): number {
    const info = this.db
      .prepare("INSERT INTO runs (name, model_type, params, status, run_dir, created_at) VALUES (?, ?, ?, 'queued', ?, ?)")
      .run(name, modelType, JSON.stringify(params), toStoredPath(this.dir, runDir), now());
    return Number(info.lastInsertRowid);
  }

  setRunStatus(id: number, status: 'running' | 'done' | 'failed' | 'cancelled', extra: { backend?: string; summary?: unknown; error?: string } = {}): void {
    const t = now();
    this.db
      .prepare(
        `UPDATE runs SET status = ?, backend = COALESCE(?, backend), summary = COALESCE(?, summary), error = ?,
           started_at = COALESCE(started_at, ?), finished_at = CASE WHEN ? = 'running' THEN NULL ELSE ? END WHERE id = ?`,
      )
      .run(status, extra.backend ?? null, extra.summary === undefined ? null : JSON.stringify(extra.summary), extra.error ?? null, t, status, t, id);
  }

  run(id: number): RunRow {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!row) throw new NotFoundError(`Run ${id}`);
    return { ...row, run_dir: row.run_dir && fromStoredPath(this.dir, row.run_dir) };
  }

  runs(): (RunRow & { epoch_count: number; best_val_f1: number | null })[] {
    return this.db
      .prepare(
        `SELECT r.*, (SELECT COUNT(*) FROM epochs e WHERE e.run_id = r.id) AS epoch_count,
           (SELECT MAX(val_f1) FROM epochs e WHERE e.run_id = r.id) AS best_val_f1
         FROM runs r ORDER BY r.id DESC`,
      )
      .all()
      .map((r) => ({ ...(r as RunRow), run_dir: (r as RunRow).run_dir && fromStoredPath(this.dir, (r as RunRow).run_dir) })) as (RunRow & { epoch_count: number; best_val_f1: number | null })[];
  }

  renameRun(id: number, name: string): void {
    this.run(id);
    const clash = this.db.prepare('SELECT id FROM runs WHERE name = ? AND id != ?').get(name, id);
    if (clash) throw new ProjectError(`Another run is already called "${name}": choose another name`);
    this.db.prepare('UPDATE runs SET name = ? WHERE id = ?').run(name, id);
  }

  annotateRun(id: number, note: string): void {
    this.run(id);
    this.db.prepare('UPDATE runs SET note = ? WHERE id = ?').run(note.trim() || null, id);
  }

  /** Removes a run with its epochs and predictions (the caller removes its files). */
  deleteRun(id: number): RunRow {
    const run = this.run(id);
    if (run.status === 'running' || run.status === 'queued') throw new ProjectError(`${run.name} is still training: cancel it before deleting it`);
    this.db.prepare('DELETE FROM runs WHERE id = ?').run(id);
    return run;
  }

  /** Runs a crashed process left 'running' or 'queued'. */
  markInterruptedRuns(): void {
    this.db.prepare("UPDATE runs SET status = 'failed', error = 'Interrupted: the studio stopped during training; start it again with resume' WHERE status IN ('running', 'queued')").run();
  }

  addEpoch(runId: number, e: EpochRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO epochs (run_id, epoch, train_loss, train_acc, val_loss, val_acc, val_f1, lr, seconds)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(runId, e.epoch, e.trainLoss, e.trainAcc, e.valLoss, e.valAcc, e.valF1, e.lr, e.seconds ?? null);
  }

  epochs(runId: number): EpochRecord[] {
    return this.db
      .prepare(
        `SELECT epoch, train_loss AS trainLoss, train_acc AS trainAcc, val_loss AS valLoss, val_acc AS valAcc,
           val_f1 AS valF1, lr, seconds FROM epochs WHERE run_id = ? ORDER BY epoch`,
      )
      .all(runId) as EpochRecord[];
  }

  putPredictions(runId: number, predictions: PredictionRecord[]): void {
    const insert = this.db.prepare(
      `INSERT OR REPLACE INTO predictions (run_id, clip_id, split, true_class_id, pred_class_id, confidence, probs)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const p of predictions) {
        insert.run(runId, p.clipId, p.split, p.trueClassId, p.predClassId, p.confidence, JSON.stringify(p.probs));
      }
    })();
  }

  /** The run's own labels in its model's order, with the class each stood for (kept as the classes change later). */
  putRunLabels(runId: number, labels: string[], classIds: number[]): void {
    const insert = this.db.prepare('INSERT OR REPLACE INTO run_labels (run_id, label, name, class_id) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => labels.forEach((name, i) => insert.run(runId, i, name, classIds[i] ?? null)))();
  }

  /** class id -> the run's own name for it. */
  private runLabelNames(runId: number | null): Map<number, string> {
    if (runId === null) return new Map();
    return new Map(this.runLabels(runId).filter((l) => l.classId !== null).map((l) => [l.classId!, l.name]));
  }

  runLabels(runId: number): { label: number; name: string; classId: number | null }[] {
    return this.db.prepare('SELECT label, name, class_id AS classId FROM run_labels WHERE run_id = ? ORDER BY label').all(runId) as { label: number; name: string; classId: number | null }[];
  }

  /** Any class's name (merged and removed ones too) and the class it is now (merges followed): for history views. */
  classNow(id: number): { name: string; nowId: number; nowName: string } | null {
    return (
      (this.db
        .prepare('SELECT k.name, n.now_id AS nowId, m.name AS nowName FROM classes k JOIN class_now n ON n.id = k.id JOIN classes m ON m.id = n.now_id WHERE k.id = ?')
        .get(id) as { name: string; nowId: number; nowName: string } | undefined) ?? null
    );
  }

  predictions(runId: number): PredictionRecord[] {
    const rows = this.db
      .prepare(
        `SELECT clip_id AS clipId, split, true_class_id AS trueClassId, pred_class_id AS predClassId, confidence, probs
         FROM predictions WHERE run_id = ? ORDER BY clip_id`,
      )
      .all(runId) as (Omit<PredictionRecord, 'probs'> & { probs: string })[];
    return rows.map((r) => ({ ...r, probs: JSON.parse(r.probs) as number[] }));
  }

  // --- jobs: what ran, so that a restarted UI can show it and an interrupted job can resume ---

  recordJob(job: JobInfo, params: unknown): void {
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, params, status, done, total, result, error, started_at, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, done = excluded.done, total = excluded.total,
           result = excluded.result, error = excluded.error, finished_at = excluded.finished_at`,
      )
      .run(
        job.id,
        job.kind,
        JSON.stringify(params ?? {}),
        job.state,
        job.progress.done,
        job.progress.total,
        job.result === undefined ? null : JSON.stringify(job.result),
        job.error,
        job.startedAt,
        job.finishedAt,
      );
  }

  /** Jobs left 'running' by a process that died: marked so that the UI offers to resume them. */
  markInterruptedJobs(): number {
    return this.db.prepare("UPDATE jobs SET status = 'interrupted', finished_at = ? WHERE status = 'running'").run(now()).changes;
  }
}
