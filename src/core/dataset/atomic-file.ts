import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
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

/**
 * Removes temporary files beside `path` left by writers that died (kill -9, power loss): those whose
 * pid (in the name, see `tempPathFor`) is no longer a live process on this machine. Returns their names.
 */
export function removeStaleTemps(path: string): string[] {
  const prefix = `.${basename(path)}.tmp-`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    rmSync(join(dirname(path), name), { force: true });
    removed.push(name);
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
