import type Database from 'better-sqlite3';

/**
 * Schema history. Append only: a released migration is never edited, so that every project file,
 * however old, reaches the current schema by running the ones it has not seen, in order.
 */
export const migrations: readonly string[] = [
  // 1: the whole first schema. Tables that later issues fill start empty.
  `
  CREATE TABLE project (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    video_root TEXT,
    created_at TEXT NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}'
  );
  CREATE TABLE classes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  );
  CREATE TABLE clips (
    id INTEGER PRIMARY KEY,
    rel_path TEXT NOT NULL UNIQUE,
    folder_class_id INTEGER NOT NULL REFERENCES classes(id),
    class_id INTEGER NOT NULL REFERENCES classes(id),
    size_bytes INTEGER,
    mtime_ms INTEGER,
    duration REAL,
    fps REAL,
    frame_count INTEGER,
    width INTEGER,
    height INTEGER,
    codec TEXT,
    rotation INTEGER,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ok', 'failed', 'missing')),
    error TEXT,
    extract_status TEXT NOT NULL DEFAULT 'pending'
      CHECK (extract_status IN ('pending', 'done', 'failed', 'stale')),
    extract_error TEXT,
    h5_key TEXT,
    hands_fraction REAL,
    label_dirty INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX clips_class ON clips(class_id);
  CREATE INDEX clips_status ON clips(status);
  CREATE TABLE label_events (
    id INTEGER PRIMARY KEY,
    clip_id INTEGER NOT NULL REFERENCES clips(id),
    old_class_id INTEGER NOT NULL REFERENCES classes(id),
    new_class_id INTEGER NOT NULL REFERENCES classes(id),
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    batch TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'applied' CHECK (state IN ('applied', 'undone', 'dropped')),
    changed_at TEXT
  );
  CREATE INDEX label_events_clip ON label_events(clip_id);
  CREATE INDEX label_events_batch ON label_events(batch);
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    model_type TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'queued'
      CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    backend TEXT,
    run_dir TEXT,
    summary TEXT,
    error TEXT,
    started_at TEXT,
    finished_at TEXT,
    created_at TEXT NOT NULL
  );
  CREATE TABLE epochs (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    train_loss REAL, train_acc REAL, val_loss REAL, val_acc REAL, val_f1 REAL, lr REAL,
    seconds REAL,
    PRIMARY KEY (run_id, epoch)
  );
  CREATE TABLE predictions (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    clip_id INTEGER NOT NULL REFERENCES clips(id),
    split TEXT NOT NULL CHECK (split IN ('train', 'val', 'test')),
    true_class_id INTEGER NOT NULL REFERENCES classes(id),
    pred_class_id INTEGER NOT NULL REFERENCES classes(id),
    confidence REAL NOT NULL,
    probs TEXT NOT NULL,
    PRIMARY KEY (run_id, clip_id)
  );
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled', 'interrupted')),
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    result TEXT,
    error TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT
  );
  `,
  // 2: label audits (issue 12): each audit's out-of-fold scores per clip, and review actions in the
  // label history (a "keep" is an event that leaves the label as it is, tied to the audit it answers).
  `
  CREATE TABLE audits (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
    settings TEXT NOT NULL,
    audit_dir TEXT NOT NULL,
    report TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
  );
  CREATE TABLE audit_clips (
    audit_id INTEGER NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    clip_id INTEGER NOT NULL REFERENCES clips(id),
    given_class_id INTEGER NOT NULL REFERENCES classes(id),
    fold INTEGER NOT NULL,
    probs TEXT NOT NULL,
    flagged INTEGER NOT NULL,
    suggested_class_id INTEGER REFERENCES classes(id),
    quality REAL NOT NULL,
    rank INTEGER,
    PRIMARY KEY (audit_id, clip_id)
  );
  CREATE INDEX audit_clips_rank ON audit_clips(audit_id, flagged, rank);
  ALTER TABLE label_events ADD COLUMN kind TEXT NOT NULL DEFAULT 'relabel' CHECK (kind IN ('relabel', 'keep'));
  ALTER TABLE label_events ADD COLUMN audit_id INTEGER REFERENCES audits(id);
  `,
  // 3: a researcher's note on a run.
  `
  ALTER TABLE runs ADD COLUMN note TEXT;
  `,
  // 4: classes managed in the studio (issue 14). A class keeps its id and row for ever (runs,
  // predictions and the label history point at it); a merged class or an undone "add" is hidden,
  // so names are unique among active classes only. SQLite cannot drop the old UNIQUE(name), so the
  // table is rebuilt: with the foreign keys deferred, the rows that point at it are checked again
  // at commit, once the same ids are back. Folders are stored apart from names (a rename leaves the
  // folder on disk alone; a merge hands the folder to the class it went into); every class so far
  // was made from a folder of its name. One undo stack (label_actions) orders relabels and class
  // changes as they happened; a run's own label list (run_labels) keeps its views readable after
  // its classes are renamed or merged.
  `
  PRAGMA defer_foreign_keys = ON;
  CREATE TEMP TABLE classes_v3 AS SELECT id, name, created_at FROM classes;
  DROP TABLE classes;
  CREATE TABLE classes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'merged', 'removed')),
    merged_into INTEGER REFERENCES classes(id)
  );
  INSERT INTO classes (id, name, created_at) SELECT id, name, created_at FROM classes_v3 ORDER BY id;
  DROP TABLE classes_v3;
  CREATE UNIQUE INDEX classes_active_name ON classes(name) WHERE state = 'active';

  CREATE TABLE class_folders (
    folder TEXT PRIMARY KEY,
    class_id INTEGER NOT NULL REFERENCES classes(id)
  );
  CREATE INDEX class_folders_class ON class_folders(class_id);
  INSERT INTO class_folders (folder, class_id) SELECT name, id FROM classes;

  CREATE VIEW class_now AS
    WITH RECURSIVE t(id, now_id) AS (
      SELECT id, id FROM classes WHERE merged_into IS NULL
      UNION ALL SELECT k.id, t.now_id FROM classes k JOIN t ON k.merged_into = t.id
    )
    SELECT id, now_id FROM t;

  CREATE TABLE label_actions (
    id INTEGER PRIMARY KEY,
    batch TEXT NOT NULL UNIQUE,
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'applied' CHECK (state IN ('applied', 'undone', 'dropped')),
    changed_at TEXT
  );
  INSERT INTO label_actions (batch, author, at, state, changed_at)
    SELECT batch, MIN(author), MIN(at), MIN(state), MAX(changed_at) FROM label_events GROUP BY batch ORDER BY MIN(id);

  CREATE TABLE class_events (
    id INTEGER PRIMARY KEY,
    batch TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('add', 'rename', 'merge')),
    class_id INTEGER NOT NULL REFERENCES classes(id),
    into_class_id INTEGER REFERENCES classes(id),
    old_name TEXT,
    new_name TEXT,
    folders TEXT NOT NULL DEFAULT '[]',
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'applied' CHECK (state IN ('applied', 'undone', 'dropped')),
    changed_at TEXT
  );
  CREATE INDEX class_events_batch ON class_events(batch);

  CREATE TABLE run_labels (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    label INTEGER NOT NULL,
    name TEXT NOT NULL,
    class_id INTEGER REFERENCES classes(id),
    PRIMARY KEY (run_id, label)
  );
  INSERT INTO run_labels (run_id, label, name, class_id)
    SELECT r.id, CAST(j.key AS INTEGER), j.value, k.id
    FROM runs r JOIN json_each(CASE WHEN json_valid(r.summary) THEN r.summary ELSE '{}' END, '$.labels') j
      LEFT JOIN classes k ON k.name = j.value
    WHERE j.key IS NOT NULL AND j.type = 'text';
  `,
];

export const SCHEMA_VERSION = migrations.length;

/** Brings the file to the current schema, one transaction per migration. */
export function migrate(db: Database.Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  let version = row?.version ?? 0;
  if (!row) db.prepare('INSERT INTO schema_version (version) VALUES (0)').run();
  if (version > migrations.length) {
    throw new Error(
      `This project was written by a newer Gesture Studio (schema ${version}, this build knows ${migrations.length}): update the studio to open it`,
    );
  }
  while (version < migrations.length) {
    const next = version + 1;
    db.transaction(() => {
      db.exec(migrations[version]);
      db.prepare('UPDATE schema_version SET version = ?').run(next);
    })();
    version = next;
  }
  return version;
}
