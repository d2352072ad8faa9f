import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseRelativePath } from '../dataset/clip-name';
import { CancelledError, InvalidInputError, StudioError } from '../errors';
import { startClipProcess } from '../extraction/clip-process';
import { SeededRandom } from '../dataset/seeded-random';
import type { RgbImage } from '../vision/rgb-image';
import { drawBackdrop, drawHand, drawUpperArm, elbowFor, shoulders } from './demo-figure';
import type { DemoClip } from './generate-demo-dataset';
import { copyCanvas, createCanvas, developFrame, shadePixels, type Canvas } from './shaded-raster';
import { encodeRgbVideo } from './rgb-video-encoder';
import { FromRenderWorker } from './render-protocol';

export interface RenderProgress {
  done: number;
  total: number;
  /** The clip just finished (rendered or skipped). */
  relativePath: string;
  path: string;
}

export interface RenderDemoOptions {
  /** Clips drawn at once (each into its own ffmpeg process); default 2, or one per worker process. */
  concurrency?: number;
  /**
   * The render worker entry (src/workers/render-worker): clips are drawn in `concurrency` worker
   * processes instead of this thread, which draws one frame at a time however many encoders run.
   */
  workerScript?: string;
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

/** Draws every frame of a clip into an H.264 mp4 at `path` (complete or absent); the number of frames written. */
export async function renderDemoClip(clip: DemoClip, path: string, signal?: AbortSignal): Promise<number> {
  const backdrop = demoBackdropCanvas(clip);
  const canvas = createCanvas(clip.width, clip.height);
  function* draw() {
    for (let k = 0; k < clip.frames.length; k++) yield renderDemoFrame(clip, k, backdrop, canvas).data;
  }
  return encodeRgbVideo(path, draw(), { width: clip.width, height: clip.height, fps: clip.fps, signal });
}

/** Renders clips one at a time: in this thread, or in a worker process of its own. */
interface RenderLane {
  render(clip: DemoClip, path: string): Promise<number>;
  /** Stops the clip in hand (its render rejects with CancelledError). */
  cancel(): void;
  close(): void;
}

function threadLane(signal: AbortSignal): RenderLane {
  return { render: (clip, path) => renderDemoClip(clip, path, signal), cancel: () => undefined, close: () => undefined };
}

function processLane(script: string): RenderLane {
  const child = startClipProcess(script);
  let next = 0;
  let pending: { id: number; resolve: (frames: number) => void; reject: (e: Error) => void } | null = null;
  let exited: string | null = null;
  let closing = false;
  child.onMessage((raw) => {
    const parsed = FromRenderWorker.safeParse(raw);
    if (!parsed.success || !pending || parsed.data.id !== pending.id) return;
    const m = parsed.data;
    const job = pending;
    pending = null;
    if (m.type === 'done') job.resolve(m.frames);
    else if (m.type === 'cancelled') job.reject(new CancelledError());
    else job.reject(new StudioError(m.code, m.message));
  });
  child.onExit((code, signal) => {
    exited = `exit ${code ?? signal}`;
    if (closing && !pending) return;
    pending?.reject(new StudioError('worker_exit', `A demo render worker stopped (${exited})`));
    pending = null;
  });
  return {
    render(clip, path) {
      if (exited) return Promise.reject(new StudioError('worker_exit', `A demo render worker stopped (${exited})`));
      return new Promise<number>((resolve, reject) => {
        pending = { id: next++, resolve, reject };
        child.send({ type: 'clip', id: pending.id, clip, path });
      });
    },
    cancel: () => void (pending && child.send({ type: 'cancel' })),
    close() {
      closing = true;
      child.kill();
    },
  };
}

/**
 * Renders every demo clip as an H.264 mp4 at `<videosRoot>/<class>/<clip>.mp4`, so the folder is a
 * videos root like any other (one sub-folder per class). One frame per record, at the clip's fps and
 * size: the video's frame k is the record k. Several clips are drawn and encoded at once (in worker
 * processes when `workerScript` is given, else this thread draws for several ffmpeg processes); the
 * first failure stops the rest and is thrown.
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
  const lanes: RenderLane[] = [];
  const lane = async (l: RenderLane) => {
    const onStop = () => l.cancel();
    stop.signal.addEventListener('abort', onStop);
    try {
      while (!stop.signal.aborted && next < clips.length) {
        const i = next++;
        const clip = clips[i];
        const path = paths[i];
        if (options.skipExisting && existsSync(path) && statSync(path).size > 0) {
          done++;
          options.onProgress?.({ done, total: clips.length, relativePath: clip.relativePath, path });
          continue;
        }
        try {
          // Not `frames += await ...`: that reads `frames` before the other lanes add theirs.
          const written = await l.render(clip, path);
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
    } finally {
      stop.signal.removeEventListener('abort', onStop);
    }
  };
  try {
    const n = Math.min(concurrency, clips.length);
    for (let k = 0; k < n; k++) lanes.push(options.workerScript ? processLane(options.workerScript) : threadLane(stop.signal));
    await Promise.all(lanes.map(lane));
  } finally {
    for (const l of lanes) l.close();
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure;
  if (options.signal?.aborted) throw new CancelledError();
  return { videosRoot, videos: paths, rendered, skipped: done - rendered, frames, seconds: (performance.now() - started) / 1000 };
}
