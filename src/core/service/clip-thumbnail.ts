import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../errors';
import type { ProjectStore } from '../project';
import { ffmpegPath } from '../video/binaries';
import { LOCAL_FILES_ONLY, fileInput } from '../video/untrusted-input';
import { resolveClipMedia, type MediaFile } from './media-file';

// Thumbnails are made on demand by ffmpeg; a list scrolled fast asks for dozens at once.
const MAX_AT_ONCE = 2;
let running = 0;
const waiting: (() => void)[] = [];
const pending = new Map<string, Promise<void>>();

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_AT_ONCE) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function render(video: string, seconds: number, out: string): Promise<void> {
  const tmp = `${out}.tmp.jpg`;
  return new Promise((resolve, reject) => {
    execFile(
      ffmpegPath(),
      ['-v', 'error', '-y', '-ss', seconds.toFixed(2), ...LOCAL_FILES_ONLY, '-i', fileInput(video), '-frames:v', '1', '-vf', 'scale=112:-2', '-q:v', '6', tmp],
      { timeout: 30_000 },
      (err) => {
        if (err || !existsSync(tmp)) return reject(new StudioError('thumbnail', `No thumbnail for ${video}`));
        renameSync(tmp, out);
        resolve();
      },
    );
  });
}

/** A small JPEG of a clip's middle frame (capped at 0.5 s in), cached in the project's .cache folder. */
export async function clipThumbnail(store: ProjectStore, clipId: number): Promise<MediaFile> {
  const clip = store.getClip(clipId);
  if (clip.status !== 'ok') throw new StudioError('not_found', 'This clip has no picture: it could not be read');
  const dir = join(store.dir, '.cache', 'thumbs');
  const out = join(dir, `${clipId}-${clip.sizeBytes ?? 0}.jpg`);
  if (!existsSync(out)) {
    mkdirSync(dir, { recursive: true });
    const video = resolveClipMedia(store, clipId).path;
    let job = pending.get(out);
    if (!job) {
      job = slot(() => render(video, Math.min(0.5, (clip.duration ?? 0) / 2), out)).finally(() => pending.delete(out));
      pending.set(out, job);
    }
    await job;
  }
  return { path: out, size: statSync(out).size, contentType: 'image/jpeg' };
}
