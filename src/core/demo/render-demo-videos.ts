import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseRelativePath } from '../dataset/clip-name';
import { CancelledError, InvalidInputError } from '../errors';
import { SeededRandom } from '../dataset/seeded-random';
import type { RgbImage } from '../vision/rgb-image';
import { drawBackdrop, drawHand, drawUpperArm, elbowFor, shoulders } from './demo-figure';
import type { DemoClip } from './generate-demo-dataset';
import { copyCanvas, createCanvas, developFrame, shadePixels, type Canvas } from './shaded-raster';
import { encodeRgbVideo } from './rgb-video-encoder';

export interface RenderProgress {
  done: number;
  total: number;
  /** The clip just finished (rendered or skipped). */
  relativePath: string;
  path: string;
}

export interface RenderDemoOptions {
  /** ffmpeg processes at once; default 2. */
  concurrency?: number;
  /** Keep videos that already exist (an interrupted run resumes); default false: render all again. */
  skipExisting?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: RenderProgress) => void;
  /** Where a clip's video goes instead of <videosRoot>/<class>/<file> (undefined: there). */
  pathFor?: (clip: DemoClip) => string | undefined;
}

export interface RenderDemoSummary {
  videosRoot: string;
  /** Absolute paths, in the order of the clips. */
  videos: string[];
  rendered: number;
  skipped: number;
  frames: number;
  seconds: number;
}

/** A clip's still picture (wall and body), drawn once and copied under every frame. */
export function demoBackdropCanvas(clip: DemoClip): Canvas {
  const c = createCanvas(clip.width, clip.height);
  drawBackdrop(c, clip.signer, clip.appearance);
  shadePixels(c);
  return c;
}

/**
 * Frame `i` of a demo clip as its video shows it: the signer's arms and hands shaded in 3D over
 * the clip's backdrop, through a slightly soft and noisy camera. `canvas` is reused between frames.
 */
export function renderDemoFrame(clip: DemoClip, i: number, backdrop = demoBackdropCanvas(clip), canvas = createCanvas(clip.width, clip.height)): RgbImage {
  copyCanvas(backdrop, canvas);
  const { width: w, height: h } = clip;
  const scene = clip.scene[i];
  for (const side of ['Right', 'Left'] as const) {
    const pose = scene[side];
    if (pose) {
      const wrist: [number, number, number] = [pose.x * h, pose.y * h, 0];
      const elbow = elbowFor(clip.signer, side, wrist, w, h);
      drawUpperArm(canvas, clip.signer, side, elbow, clip.appearance);
      drawHand(canvas, pose, side, clip.appearance, elbow);
    } else {
      // A hand out of the picture: the arm hangs down past the frame's lower edge.
      const sh = shoulders(clip.signer, w, h)[side];
      drawUpperArm(canvas, clip.signer, side, [sh[0] + (side === 'Right' ? -1 : 1) * 0.05 * h, sh[1] + 0.7 * h, sh[2]], clip.appearance);
    }
  }
  shadePixels(canvas);
  const noise = new SeededRandom(((clip.signer.phase * 1e6) ^ (i * 2654435761)) >>> 0);
  return { width: w, height: h, data: developFrame(canvas, clip.appearance.noise, () => noise.next()) };
}

function videoPathFor(videosRoot: string, clip: DemoClip): string {
  const rel = normaliseRelativePath(clip.relativePath);
  if (rel.split('/').includes('..') || rel.split('/').length !== 2) throw new InvalidInputError(`demo clip path "${clip.relativePath}" must be <class>/<file>`);
  return join(videosRoot, ...rel.split('/'));
}

/**
 * Renders every demo clip as an H.264 mp4 at `<videosRoot>/<class>/<clip>.mp4`, so the folder is a
 * videos root like any other (one sub-folder per class). One frame per record, at the clip's fps and
 * size: the video's frame k is the record k. Several ffmpeg processes encode at once while this
 * thread draws; the first failure stops the rest and is thrown.
 */
export async function renderDemoVideos(clips: readonly DemoClip[], videosRoot: string, options: RenderDemoOptions = {}): Promise<RenderDemoSummary> {
  const started = performance.now();
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 2));
  const paths = clips.map((c) => options.pathFor?.(c) ?? videoPathFor(videosRoot, c));
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) stop.abort();
  let next = 0;
  let done = 0;
  let rendered = 0;
  let frames = 0;
  let failure: unknown = null;
  const lane = async () => {
    while (!stop.signal.aborted && next < clips.length) {
      const i = next++;
      const clip = clips[i];
      const path = paths[i];
      if (options.skipExisting && existsSync(path) && statSync(path).size > 0) {
        done++;
        options.onProgress?.({ done, total: clips.length, relativePath: clip.relativePath, path });
        continue;
      }
      const backdrop = demoBackdropCanvas(clip);
      const canvas = createCanvas(clip.width, clip.height);
      function* draw() {
        for (let k = 0; k < clip.frames.length; k++) yield renderDemoFrame(clip, k, backdrop, canvas).data;
      }
      try {
        const written = await encodeRgbVideo(path, draw(), { width: clip.width, height: clip.height, fps: clip.fps, signal: stop.signal });
        frames += written;
      } catch (err) {
        if (!failure && !(err instanceof CancelledError && !options.signal?.aborted)) failure = err;
        stop.abort();
        return;
      }
      rendered++;
      done++;
      options.onProgress?.({ done, total: clips.length, relativePath: clip.relativePath, path });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, clips.length) }, lane));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure;
  if (options.signal?.aborted) throw new CancelledError();
  return { videosRoot, videos: paths, rendered, skipped: done - rendered, frames, seconds: (performance.now() - started) / 1000 };
}
