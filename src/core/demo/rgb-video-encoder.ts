import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { tempPathFor } from '../dataset/atomic-file';
import { CancelledError, InvalidInputError, StudioError } from '../errors';
import { ffmpegPath } from '../video/binaries';

export interface EncodeOptions {
  width: number;
  height: number;
  fps: number;
  signal?: AbortSignal;
}

/**
 * Encodes packed RGB frames (width × height × 3 bytes each) to an H.264 mp4 by piping them into
 * ffmpeg. The file appears only when complete (written beside it under a hidden name, then renamed),
 * so a folder scan never sees a half-written clip. Returns the number of frames written.
 */
export async function encodeRgbVideo(path: string, frames: Iterable<Uint8Array>, o: EncodeOptions): Promise<number> {
  if (o.signal?.aborted) throw new CancelledError();
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  const args = [
    '-v', 'error', '-y', '-nostdin',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${o.width}x${o.height}`, '-r', String(o.fps), '-i', '-',
    '-an', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast',
    // One thread per encoder: clips are encoded in parallel instead, and tiny frames gain nothing from slices.
    '-threads', '1',
    // Index at the front: the studio streams the clip to a <video> element with range requests.
    '-movflags', '+faststart', '-f', 'mp4', temp,
  ];
  const child = spawn(ffmpegPath(), args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  // EPIPE when ffmpeg stops early; its exit status and stderr say why, so the write error itself is not the news.
  child.stdin!.on('error', () => undefined);
  let spawnError: Error | null = null;
  let closed = false;
  const exit = new Promise<number | null>((resolve) => {
    child.once('error', (err) => {
      spawnError = err;
      closed = true;
      resolve(null);
    });
    child.once('close', (code) => {
      closed = true;
      resolve(code);
    });
  });
  const kill = () => child.kill('SIGKILL');
  o.signal?.addEventListener('abort', kill);
  const frameBytes = o.width * o.height * 3;
  let count = 0;
  try {
    for (const frame of frames) {
      if (o.signal?.aborted) throw new CancelledError();
      if (closed) break;
      if (frame.length !== frameBytes) throw new RangeError(`frame ${count} has ${frame.length} bytes, ${o.width}×${o.height} RGB needs ${frameBytes}`);
      count++;
      if (!child.stdin!.write(frame)) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            child.stdin!.off('drain', wake);
            child.off('close', wake);
            child.off('error', wake);
            resolve();
          };
          child.stdin!.once('drain', wake);
          child.once('close', wake);
          child.once('error', wake);
        });
      }
    }
    child.stdin!.end();
    if (count === 0 && !closed) throw new InvalidInputError(`no frames to write to ${path}`);
    const code = await exit;
    if (o.signal?.aborted) throw new CancelledError();
    if (spawnError) throw new StudioError('video_encode', `Cannot start ffmpeg to write ${path}: ${(spawnError as Error).message}; check GSTUDIO_FFMPEG or reinstall`);
    if (code !== 0) {
      const reason = stderr.trim().split('\n').pop() || `exit status ${code}`;
      throw new StudioError('video_encode', `ffmpeg could not write ${path}: ${reason}`);
    }
    renameSync(temp, path);
    return count;
  } catch (err) {
    kill();
    await exit;
    throw err;
  } finally {
    o.signal?.removeEventListener('abort', kill);
    rmSync(temp, { force: true });
  }
}
