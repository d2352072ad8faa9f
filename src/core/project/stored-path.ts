import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * A path as the project records it: relative to the project folder where it sits below it (so
 * that the project opens from another machine mounting the folder elsewhere), absolute otherwise.
 */
export function toStoredPath(projectDir: string, path: string): string {
  const rel = relative(projectDir, resolve(path));
  if (rel === '') return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) return resolve(path);
  return rel.split(sep).join('/');
}

export function fromStoredPath(projectDir: string, stored: string): string {
  return isAbsolute(stored) ? stored : resolve(projectDir, stored);
}

/** From the project to a folder beside or above it ("../videos"): a second way to find it after a move. */
export function pathFromProject(projectDir: string, path: string): string {
  return relative(projectDir, resolve(path)).split(sep).join('/') || '.';
}
