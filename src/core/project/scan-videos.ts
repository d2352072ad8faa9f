import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError } from '../errors';
import { identity, isVideoName, VideoTreeWalk } from './video-tree';

export { VIDEO_EXTENSIONS } from './video-tree';

export interface FoundClip {
  /** Relative to the video root, always with '/' so that it is the same key on every OS. */
  relPath: string;
  className: string;
  sizeBytes: number;
  mtimeMs: number;
}

export interface ScanResult {
  classes: string[];
  clips: FoundClip[];
  skipped: { path: string; reason: string }[];
}

/**
 * One sub-folder per class (PIPELINE.md §1); every video file below a class folder, at any depth,
 * is a clip of that class. Whatever else is found is reported, never silently dropped.
 * Symbolic links are followed, each real folder walked once (VideoTreeWalk).
 */
export async function scanVideoFolder(root: string): Promise<ScanResult> {
  let top: Dirent[];
  try {
    top = await readdir(root, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      code === 'ENOENT' ? `The video folder ${root} does not exist` : code === 'ENOTDIR' ? `${root} is a file: choose the folder that holds one sub-folder per class` : `Cannot read the video folder ${root}: ${code}`,
    );
  }
  const tree = new VideoTreeWalk(root);
  const result: ScanResult = { classes: [], clips: [], skipped: tree.skipped };
  const rootStat = await stat(root);
  tree.firstVisit(rootStat, root);
  for (const entry of top.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(root, entry.name);
    if (entry.name.startsWith('.')) continue;
    const st = entry.isDirectory() || entry.isSymbolicLink() ? await stat(full).catch(() => null) : null;
    if (!st?.isDirectory()) {
      result.skipped.push({ path: tree.rel(full), reason: 'not inside a class folder' });
      continue;
    }
    if (!tree.firstVisit(st, full)) continue;
    const before = result.clips.length;
    await tree.walk(full, [identity(rootStat), identity(st)], (v) => result.clips.push({ ...v, className: entry.name }));
    if (result.clips.length > before) result.classes.push(entry.name);
    else result.skipped.push({ path: tree.rel(full), reason: 'class folder without video files' });
  }
  if (result.clips.length === 0) {
    let loose = 0;
    for (const e of top) {
      if (e.name.startsWith('.') || !isVideoName(e.name)) continue;
      if ((await stat(join(root, e.name)).catch(() => null))?.isFile()) loose++;
    }
    throw new InvalidInputError(
      loose > 0
        ? `No video files in class sub-folders of ${root}: found ${loose} video${loose === 1 ? '' : 's'} directly in it. ` +
            `Videos must be in one sub-folder per class (${join(root, '<class>', 'clip.mp4')}): move them into one folder per class, or choose the folder that holds the class folders`
        : `No video files in ${root}: it should hold one sub-folder per class with clips inside`,
    );
  }
  return result;
}
