import { probeVideo as probeMedia } from './decode';

/** What the project store records about a clip: unknown values are null, sizes as displayed. */
export interface ClipMetadata {
  duration: number | null;
  fps: number | null;
  frameCount: number | null;
  /** Displayed size: after the rotation in the file's metadata is applied. */
  width: number;
  height: number;
  codec: string;
  /** Clockwise degrees a player turns the picture. */
  rotation: number;
}

const known = (v: number) => (Number.isFinite(v) && v > 0 ? v : null);

/**
 * A clip's metadata for the project (import, prediction): the decoder's own probe, so that what
 * the studio records and what extraction decodes can never disagree. Throws UnreadableVideoError.
 */
export async function probeClip(path: string, signal?: AbortSignal): Promise<ClipMetadata> {
  signal?.throwIfAborted();
  const info = await probeMedia(path);
  const duration = known(info.duration);
  const fps = known(info.fps);
  return {
    duration,
    fps,
    frameCount: known(info.frameCount) ?? (duration !== null && fps !== null ? Math.round(duration * fps) : null),
    width: info.width,
    height: info.height,
    codec: info.codec || 'unknown',
    rotation: info.rotation,
  };
}
