import type { Dirent, Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { InvalidInputError } from '../errors';

export const VIDEO_EXTENSIONS = new Set(['.mp4', '.m4v', '.mov', '.avi', '.mkv', '.webm', '.mpg', '.mpeg', '.wmv', '.flv', '.3gp', '.ogv']);

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

/** A file or folder's identity, the same whichever link led to it. */
const identity = (st: Stats) => `${st.dev}:${st.ino}`;

/**
 * One sub-folder per class (PIPELINE.md §1); every video file below a class folder, at any depth,
 * is a clip of that class. Whatever else is found is reported, never silently dropped.
 * Symbolic links are followed (datasets are often assembled from links), but each real folder is
 * walked once: a link loop or a second link to the same folder is reported, not walked again.
 * Asynchronous, so that a server scanning a large folder goes on answering.
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
  const toRel = (p: string) => relative(root, p).split(sep).join('/');
  const result: ScanResult = { classes: [], clips: [], skipped: [] };
  // Where each real folder was first seen (relative path), by identity.
  const seen = new Map<string, string>();
  const rootStat = await stat(root);
  seen.set(identity(rootStat), '.');
  for (const entry of top.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(root, entry.name);
    if (entry.name.startsWith('.')) continue;
    const st = entry.isDirectory() || entry.isSymbolicLink() ? await stat(full).catch(() => null) : null;
    if (!st?.isDirectory()) {
      result.skipped.push({ path: toRel(full), reason: 'not inside a class folder' });
      continue;
    }
    if (!firstVisit(st, full)) continue;
    const before = result.clips.length;
    await walk(full, entry.name, [identity(rootStat), identity(st)]);
    if (result.clips.length > before) result.classes.push(entry.name);
    else result.skipped.push({ path: toRel(full), reason: 'class folder without video files' });
  }
  if (result.clips.length === 0) {
    let loose = 0;
    for (const e of top) {
      if (e.name.startsWith('.') || !VIDEO_EXTENSIONS.has(extname(e.name).toLowerCase())) continue;
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

  /** False (and the reason recorded) when this folder was already walked through another path. */
  function firstVisit(st: Stats, full: string, ancestors: string[] = []): boolean {
    const id = identity(st);
    if (ancestors.includes(id)) {
      result.skipped.push({ path: toRel(full), reason: 'symbolic link loop: it leads back to a folder that contains it' });
      return false;
    }
    const first = seen.get(id);
    if (first !== undefined) {
      result.skipped.push({ path: toRel(full), reason: `the same folder as ${first} (linked twice): taken once` });
      return false;
    }
    seen.set(id, toRel(full));
    return true;
  }

  async function walk(dir: string, className: string, ancestors: string[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      result.skipped.push({ path: toRel(dir), reason: `unreadable folder (${(e as NodeJS.ErrnoException).code})` });
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      let st: Stats;
      try {
        st = await stat(full);
      } catch {
        result.skipped.push({ path: toRel(full), reason: 'broken link or unreadable entry' });
        continue;
      }
      if (st.isDirectory()) {
        if (firstVisit(st, full, ancestors)) await walk(full, className, [...ancestors, identity(st)]);
      } else if (st.isFile() && VIDEO_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        // Files are not de-duplicated: hard links to one file are distinct clips to some datasets.
        result.clips.push({ relPath: toRel(full), className, sizeBytes: st.size, mtimeMs: st.mtimeMs });
      } else result.skipped.push({ path: toRel(full), reason: 'not a video file' });
    }
  }
}
