import { CancelledError } from '../errors';
import { openVideo } from '../video/decode';
import { createHandPipeline, type HandPipeline, type HandPipelineOptions } from '../vision/hand-pipeline';
import type { FrameRecord } from './frame-record';

export interface ExtractClipOptions extends HandPipelineOptions {
  /** A pipeline to reuse across clips (models load once per process); created and disposed here when absent. */
  pipeline?: HandPipeline;
  /** Downscale decoded frames so the long side is at most this (landmarks stay normalised to the frame). */
  maxSide?: number;
  signal?: AbortSignal;
}

export interface ClipProgress {
  done: number;
  /** Frame count from the container; null when it does not say. */
  total: number | null;
}

export interface ClipExtraction {
  path: string;
  /** One record per decoded frame, in order. */
  frames: FrameRecord[];
  /** Size of the frames as shown (after rotation metadata, before any downscale for detection). */
  width: number;
  height: number;
  rotation: number;
  fps: number;
  duration: number;
  isImage: boolean;
  stats: {
    frames: number;
    framesWithHands: number;
    palmDetectionFrames: number;
    landmarkRuns: number;
    personDetectionRuns: number;
    seconds: number;
  };
  /** Set when person regions were asked for but are unavailable (the whole frame was used). */
  detectorWarning?: string;
}

/**
 * Keypoints of one clip (or image), frame by frame as PIPELINE.md §2. The extraction job calls
 * this once per clip from a worker, with one pipeline per worker. Throws UnreadableVideoError
 * for a clip from which no frame can be read and CancelledError when `signal` aborts.
 */
export async function extractClip(
  path: string,
  options: ExtractClipOptions = {},
  onFrame?: (record: FrameRecord, progress: ClipProgress) => void,
): Promise<ClipExtraction> {
  const t0 = performance.now();
  const dec = await openVideo(path, { maxSide: options.maxSide, signal: options.signal });
  const own = !options.pipeline;
  const pipe = options.pipeline ?? (await createHandPipeline(options));
  const before = { ...pipe.stats };
  pipe.reset();
  const frames: FrameRecord[] = [];
  const total = Number.isFinite(dec.info.frameCount) ? dec.info.frameCount : null;
  try {
    for await (const f of dec.frames()) {
      if (options.signal?.aborted) throw new CancelledError();
      const rec = await pipe.processFrame(f);
      frames.push(rec);
      onFrame?.(rec, { done: frames.length, total });
    }
  } finally {
    if (own) await pipe.dispose();
  }
  const rotated = dec.info.rotation === 90 || dec.info.rotation === 270;
  return {
    path,
    frames,
    width: rotated ? dec.info.codedHeight : dec.info.codedWidth,
    height: rotated ? dec.info.codedWidth : dec.info.codedHeight,
    rotation: dec.info.rotation,
    fps: dec.info.fps,
    duration: dec.info.duration,
    isImage: dec.info.isImage,
    stats: {
      frames: frames.length,
      framesWithHands: frames.filter((f) => f.hands.length > 0).length,
      palmDetectionFrames: pipe.stats.palmDetectionFrames - before.palmDetectionFrames,
      landmarkRuns: pipe.stats.landmarkRuns - before.landmarkRuns,
      personDetectionRuns: pipe.stats.personDetectionRuns - before.personDetectionRuns,
      seconds: (performance.now() - t0) / 1000,
    },
    ...(pipe.detectorStatus.warning ? { detectorWarning: pipe.detectorStatus.warning } : {}),
  };
}
