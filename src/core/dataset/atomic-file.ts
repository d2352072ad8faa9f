import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isProcessAlive } from '../process-alive';

/** A temporary file this recent may belong to a writer on another machine (shared disk): left alone. */
const STALE_AFTER_MS = 2 * 60_000;

/** A temporary path beside `path` (same directory, so that rename is atomic). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`);
}

/**
 * Removes the temporary files of `path` whose writer is gone (a kill -9 during a merge leaves
 * `.keypoints.h5.tmp-<pid>-…`, as large as the file): the pid in the name is not running here and
 * the file has not changed for `minAgeMs` (a writer on another machine sharing the disk has a pid
 * that is not running here; a caller holding the file's writer lock knows there is none and passes 0).
 * Returns the names removed.
 */
export function removeStaleTemps(path: string, minAgeMs = STALE_AFTER_MS, now = Date.now()): string[] {
  const prefix = `.${basename(path)}.tmp-`;
  const dir = dirname(path);
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isProcessAlive(pid)) continue;
    try {
      if (now - statSync(join(dir, name)).mtimeMs < minAgeMs) continue;
      rmSync(join(dir, name), { force: true, recursive: true });
      removed.push(name);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `path` through a temporary file and a rename: a crash or cancel leaves either the old file
 * or the new one, never a half-written one; the temporary files such a crash left are removed first.
 */
export async function replaceAtomically(path: string, write: (tempPath: string) => Promise<void> | void): Promise<void> {
  removeStaleTemps(path);
  const temp = tempPathFor(path);
  try {
    await write(temp);
    fsyncPath(temp);
    renameSync(temp, path);
    fsyncPath(dirname(path));
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

