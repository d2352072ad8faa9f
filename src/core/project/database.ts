import Database from 'better-sqlite3';
import { betterSqliteBinding } from '../native/native-binding';
import { migrate } from './migrations';

/**
 * Opens the project's SQLite file in WAL mode, so that the UI reads while a job process writes.
 * busy_timeout makes a second writer wait for the first instead of failing at once. The driver's
 * native build is the one for this runtime (Node or Electron).
 */
export function openDatabase(file: string, options: { readonly?: boolean } = {}): Database.Database {
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false, nativeBinding: betterSqliteBinding() });
  db.pragma('busy_timeout = 10000');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  }
  return db;
}
