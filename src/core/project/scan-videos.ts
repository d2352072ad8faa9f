import { readdirSync, statSync, type Dirent } from 'node:fs';
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

/**
 * One sub-folder per class (PIPELINE.md §1); every video file below a class folder, at any depth,
 * is a clip of that class. Whatever else is found is reported, never silently dropped.
 */
export function scanVideoFolder(root: string): ScanResult {
  let top: Dirent[];
  try {
    top = readdirSync(root, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      code === 'ENOENT' ? `The video folder ${root} does not exist` : code === 'ENOTDIR' ? `${root} is a file: choose the folder that holds one sub-folder per class` : `Cannot read the video folder ${root}: ${code}`,
    );
  }
  const toRel = (p: string) => relative(root, p).split(sep).join('/');
  const result: ScanResult = { classes: [], clips: [], skipped: [] };
  for (const entry of top.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(root, entry.name);
    if (entry.name.startsWith('.')) continue;
    if (!entry.isDirectory() && !(entry.isSymbolicLink() && statSync(full, { throwIfNoEntry: false })?.isDirectory())) {
      result.skipped.push({ path: toRel(full), reason: 'not inside a class folder' });
      continue;
    }
    const before = result.clips.length;
    walk(full, entry.name);
    if (result.clips.length > before) result.classes.push(entry.name);
    else result.skipped.push({ path: toRel(full), reason: 'class folder without video files' });
  }
  if (result.clips.length === 0) {
    const loose = top.filter((e) => !e.name.startsWith('.') && VIDEO_EXTENSIONS.has(extname(e.name).toLowerCase()) && statSync(join(root, e.name), { throwIfNoEntry: false })?.isFile()).length;
    throw new InvalidInputError(
      loose > 0
        ? `No video files in class sub-folders of ${root}: found ${loose} video${loose === 1 ? '' : 's'} directly in it. ` +
            `Videos must be in one sub-folder per class (${join(root, '<class>', 'clip.mp4')}): move them into one folder per class, or choose the folder that holds the class folders`
        : `No video files in ${root}: it should hold one sub-folder per class with clips inside`,
    );
  }
  return result;

  function walk(dir: string, className: string): void {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      // Symbolic links are followed (datasets are often assembled from links); broken ones are reported.
      let st;
      try {
        st = statSync(full);
      } catch {
        result.skipped.push({ path: toRel(full), reason: 'broken link or unreadable entry' });
        continue;
      }
      if (st.isDirectory()) walk(full, className);
      else if (st.isFile() && VIDEO_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        result.clips.push({ relPath: toRel(full), className, sizeBytes: st.size, mtimeMs: st.mtimeMs });
      } else result.skipped.push({ path: toRel(full), reason: 'not a video file' });
    }
  }
}
