import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidInputError } from '../errors';
import type { ProjectStore } from './project-store';

/**
 * Points the project to its video folder where it is on this machine (another mount point, a
 * copy): refused unless the folder holds the project's clips, so that a wrong folder is not taken.
 * Returns how many of the readable clips it found there.
 */
export function relinkVideoRoot(store: ProjectStore, videoRoot: string): { found: number; clips: number } {
  const root = resolve(videoRoot);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new InvalidInputError(`${root} is not a folder: give the folder that holds the class folders of the clips`);
  // Every clip the project knows, probed or not.
  const clips = store.db.prepare('SELECT rel_path AS relPath FROM clips ORDER BY id').all() as { relPath: string }[];
  const found = clips.filter((c) => existsSync(join(root, c.relPath))).length;
  if (clips.length > 0 && found === 0) {
    throw new InvalidInputError(`None of the project's ${clips.length} clips (e.g. ${clips[0].relPath}) is under ${root}: is it the folder that holds the class folders?`);
  }
  store.setVideoRoot(root);
  return { found, clips: clips.length };
}
