import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { StudioError } from '../errors';
import { predictionVideo } from '../inference/project-predictions';
import { importVideoFolder, type ProjectStore } from '../project';
import { ffmpegPath } from '../video/binaries';
import { LOCAL_FILES_ONLY, fileInput } from '../video/untrusted-input';

const run = promisify(execFile);

/**
 * A clip recorded in the Capture view (uploaded as the browser's MediaRecorder webm) becomes a real
 * video file in its class's folder: converted to H.264 MP4 (a webm from MediaRecorder has no duration
 * or index, which players and the prober handle badly), named by the time it was taken, then the
 * folder is imported again so that the clip is in the class at once and extracted like any other.
 */
export async function saveCapture(store: ProjectStore, uploadId: string, className: string): Promise<{ relPath: string; clipId: number | null }> {
  const root = store.videoRoot();
  const known = store.summary().classes.map((c) => c.name);
  if (!known.includes(className)) throw new StudioError('invalid_input', `There is no class "${className}" in this project (classes: ${known.join(', ') || 'none yet'})`);
  // The class's own folder (a renamed class keeps its folder's name on disk); a class made in the studio gets one of its name.
  const folder = store.classes.captureFolder(store.classId(className));
  const upload = predictionVideo(store.dir, uploadId).path;
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  let name = `capture-${stamp}.mp4`;
  for (let k = 2; existsSync(join(root, folder, name)); k++) name = `capture-${stamp}-${k}.mp4`;
  const dest = join(root, folder, name);
  const tmp = join(dirname(dest), `.${name}.part.mp4`);
  mkdirSync(dirname(dest), { recursive: true });
  try {
    await run(ffmpegPath(), ['-v', 'error', '-y', ...LOCAL_FILES_ONLY, '-i', fileInput(upload), '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', tmp]);
  } catch (e) {
    rmSync(tmp, { force: true });
    // The upload stays where it is: nothing recorded is lost.
    throw new StudioError('invalid_input', `The recording could not be converted to a video file (${String((e as { stderr?: string }).stderr ?? e).trim().split('\n').pop()}); it is kept at ${upload}`);
  }
  renameSync(tmp, dest);
  rmSync(dirname(upload), { recursive: true, force: true });
  await importVideoFolder(store, root);
  const relPath = `${folder}/${name}`;
  const clip = store.listClips({ limit: 100_000 }).items.find((c) => c.relPath === relPath);
  return { relPath, clipId: clip?.id ?? null };
}
