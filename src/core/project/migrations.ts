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
