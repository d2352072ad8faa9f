import { createWriteStream, realpathSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StudioError, errorMessage } from '../errors';
import { newPrediction } from '../inference/project-predictions';
import { probeClip } from '../video/probe';

/** The largest video web mode takes as an upload (GSTUDIO_MAX_UPLOAD_MB overrides): 2 GiB. */
export function maxUploadBytes(): number {
  const mb = Number(process.env.GSTUDIO_MAX_UPLOAD_MB);
  return Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : 2 * 1024 ** 3;
}

/** Throws a clear error unless ffprobe finds a video stream in the file. */
async function ensureVideo(path: string, shownAs: string): Promise<void> {
  try {
    await probeClip(path);
  } catch (err) {
    throw new StudioError('invalid_input', `${shownAs} is not a video the studio can read, so it was not taken: ${errorMessage(err).replace(path, shownAs)}`);
  }
}

/**
 * A video chosen by path for a prediction: the file the path leads to (links resolved) must be a
 * regular file and a video, checked before anything is copied into the project.
 */
export async function checkPredictionSource(video: string): Promise<string> {
  let real: string;
  try {
    real = realpathSync(video);
  } catch {
    throw new StudioError('not_found', `${video} does not exist`);
  }
  if (!statSync(real).isFile()) throw new StudioError('invalid_input', `${video} is not a file`);
  await ensureVideo(real, video);
  return real;
}

/**
 * Web mode's upload into a new prediction folder: at most `maxBytes`, and checked to be a video.
 * An upload that is aborted, too large or not a video leaves nothing behind.
 */
export async function takeUpload(projectDir: string, name: string, body: NodeJS.ReadableStream, maxBytes = maxUploadBytes()): Promise<string> {
  const { id, videoPath } = newPrediction(projectDir, name);
  const folder = dirname(videoPath);
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) done(new StudioError('too_large', `The upload is larger than ${Math.round(maxBytes / 1024 / 1024)} MB: classify it from the CLI ("gstudio predict"), or set GSTUDIO_MAX_UPLOAD_MB`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(body, limit, createWriteStream(videoPath));
    if (size === 0) throw new StudioError('invalid_input', 'The upload was empty');
    await ensureVideo(videoPath, name);
    return id;
  } catch (err) {
    rmSync(folder, { recursive: true, force: true });
    if (err instanceof StudioError) throw err;
    throw new StudioError('upload', `The upload of ${name} did not arrive whole (${errorMessage(err)}): nothing was kept, try again`);
  }
}
