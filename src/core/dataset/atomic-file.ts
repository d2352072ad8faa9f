import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A temporary path beside `path` (same directory, so that rename is atomic). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`);
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
 * or the new one, never a half-written one.
 */
export async function replaceAtomically(path: string, write: (tempPath: string) => Promise<void> | void): Promise<void> {
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
