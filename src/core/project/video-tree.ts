import type { Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';

export const VIDEO_EXTENSIONS = new Set(['.mp4', '.m4v', '.mov', '.avi', '.mkv', '.webm', '.mpg', '.mpeg', '.wmv', '.flv', '.3gp', '.ogv']);

export const isVideoName = (name: string) => VIDEO_EXTENSIONS.has(extname(name).toLowerCase());

export interface TreeVideo {
  /** Relative to the walk's root, always with '/' so that it is the same key on every OS. */
  relPath: string;
  sizeBytes: number;
  mtimeMs: number;
}

export interface SkippedEntry {
  path: string;
  reason: string;
}

/** A file or folder's identity, the same whichever link led to it. */
export const identity = (st: Stats) => `${st.dev}:${st.ino}`;

/**
 * A walk over a folder of videos, shared by import and folder prediction. Symbolic links are
 * followed (datasets are often assembled from links), but each real folder is walked once: a link
 * loop or a second link to the same folder is reported in `skipped`, not walked again; so is every
 * file that is not a video, a broken link and an unreadable folder. Asynchronous, so that a server
 * walking a large folder goes on answering.
 */
export class VideoTreeWalk {
  readonly skipped: SkippedEntry[] = [];
  /** Where each real folder was first seen (relative path), by identity. */
  private readonly seen = new Map<string, string>();

  constructor(readonly root: string) {}

  rel(p: string): string {
    return relative(this.root, p).split(sep).join('/');
  }

  /** False (and the reason recorded) when this folder was already walked through another path. */
  firstVisit(st: Stats, full: string, ancestors: string[] = []): boolean {
    const id = identity(st);
    if (ancestors.includes(id)) {
      this.skipped.push({ path: this.rel(full), reason: 'symbolic link loop: it leads back to a folder that contains it' });
      return false;
    }
    const first = this.seen.get(id);
    if (first !== undefined) {
      this.skipped.push({ path: this.rel(full), reason: `the same folder as ${first} (linked twice): taken once` });
      return false;
    }
    this.seen.set(id, this.rel(full) || '.');
    return true;
  }

  /** Every video below `dir` (whose identity and its ancestors' are `ancestors`), in name order. */
  async walk(dir: string, ancestors: string[], onVideo: (video: TreeVideo) => void): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      this.skipped.push({ path: this.rel(dir), reason: `unreadable folder (${(e as NodeJS.ErrnoException).code})` });
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      let st: Stats;
      try {
        st = await stat(full);
      } catch {
        this.skipped.push({ path: this.rel(full), reason: 'broken link or unreadable entry' });
        continue;
      }
      if (st.isDirectory()) {
        if (this.firstVisit(st, full, ancestors)) await this.walk(full, [...ancestors, identity(st)], onVideo);
      } else if (st.isFile() && isVideoName(entry.name)) {
        // Files are not de-duplicated: hard links to one file are distinct clips to some datasets.
        onVideo({ relPath: this.rel(full), sizeBytes: st.size, mtimeMs: st.mtimeMs });
      } else this.skipped.push({ path: this.rel(full), reason: 'not a video file' });
    }
  }
}
