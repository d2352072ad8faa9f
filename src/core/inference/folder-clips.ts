import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidInputError } from '../errors';
import { identity, VideoTreeWalk, type SkippedEntry } from '../project/video-tree';

export interface FolderClip {
  /** Place in the folder's list (sorted by path). */
  index: number;
  /** Relative to the folder, with '/'. */
  relPath: string;
  sizeBytes: number;
  /** The top sub-folder's name when it is one of the model's classes (the folder is laid out as a project's). */
  trueClass: string | null;
}

export interface FolderScan {
  /** The folder, resolved. */
  root: string;
  clips: FolderClip[];
  skipped: SkippedEntry[];
}

/**
 * Every video below `folder`, at any depth, walked as import walks (links followed, each real folder
 * once, the rest reported with why). A clip's true class is its top sub-folder's name when the model
 * has a class of that name: a folder of new clips can then be laid out like the project's.
 */
export async function scanPredictFolder(folder: string, labels: readonly string[]): Promise<FolderScan> {
  const root = resolve(folder);
  const st = await stat(root).catch((e: NodeJS.ErrnoException) => {
    throw new InvalidInputError(e.code === 'ENOENT' ? `The folder ${folder} does not exist` : `Cannot read the folder ${folder}: ${e.code}`);
  });
  if (!st.isDirectory()) throw new InvalidInputError(`${folder} is a file, not a folder: give the folder that holds the videos (or predict this one video on its own)`);
  const tree = new VideoTreeWalk(root);
  tree.firstVisit(st, root);
  const known = new Set(labels);
  const clips: FolderClip[] = [];
  await tree.walk(root, [identity(st)], (v) => {
    const parts = v.relPath.split('/');
    clips.push({ index: clips.length, relPath: v.relPath, sizeBytes: v.sizeBytes, trueClass: parts.length > 1 && known.has(parts[0]) ? parts[0] : null });
  });
  if (clips.length === 0) {
    const others = tree.skipped.length;
    throw new InvalidInputError(`No video files in ${folder}${others ? ` (${others} other entr${others === 1 ? 'y' : 'ies'}, such as ${tree.skipped[0].path}: ${tree.skipped[0].reason})` : ': it is empty'}`);
  }
  return { root, clips, skipped: tree.skipped };
}
