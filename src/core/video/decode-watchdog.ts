import type { VideoInfo } from './decode';

// Two time limits on one clip's decode, both counted only while a frame is awaited from ffmpeg:
// the caller's time on a frame (the hand models, 40+ ms a frame on loaded cores) is the machine's
// pace, not the file's, and must not fail a good clip.

/** Default seconds without a frame: GSTUDIO_DECODE_STALL_S or 60. */
export function decodeStallSeconds(opts: { stallSeconds?: number } = {}): number {
  return opts.stallSeconds ?? envSeconds('GSTUDIO_DECODE_STALL_S') ?? 60;
}

/**
 * Seconds of ffmpeg's time one clip may take in all: GSTUDIO_DECODE_LIMIT_S, else scaled from
 * what the clip declares (20× its duration, half a second a frame) with a floor of 120 s, so a
 * file that trickles frames just inside the stall limit still ends.
 */
export function decodeLimitSeconds(info: Pick<VideoInfo, 'duration' | 'frameCount' | 'fps'>, opts: { limitSeconds?: number } = {}): number {
  const fixed = opts.limitSeconds ?? envSeconds('GSTUDIO_DECODE_LIMIT_S');
  if (fixed !== undefined) return fixed;
  const duration = info.duration > 0 ? info.duration : 0;
  const frames = info.frameCount > 0 ? info.frameCount : duration * (info.fps > 0 ? info.fps : 0);
  return Math.ceil(Math.max(120, 20 * duration, 0.5 * frames));
}

function envSeconds(name: string): number | undefined {
  const v = Number(process.env[name]);
  return process.env[name] && Number.isFinite(v) && v > 0 ? v : undefined;
}

export type DecodeLimit = 'stall' | 'total';

/**
 * Runs only between `resume()` and `pause()`. `frame()` marks a delivered frame, the one thing
 * that renews the stall budget: ffmpeg's log lines do not, or a file that makes it print errors
 * forever without a frame would never be stopped. `onTrip` kills ffmpeg; `tripped` says which limit.
 */
export class DecodeWatchdog {
  tripped: DecodeLimit | null = null;
  private timer: NodeJS.Timeout | undefined;
  private since = 0;
  private sinceFrameMs = 0;
  private totalMs = 0;

  constructor(
    readonly stallMs: number,
    readonly limitMs: number,
    private readonly onTrip: () => void,
  ) {}

  /** ffmpeg's time in this clip so far, in seconds. */
  get spentSeconds(): number {
    return (this.totalMs + (this.timer ? performance.now() - this.since : 0)) / 1000;
  }

  resume(): void {
    if (this.timer || this.tripped) return;
    this.since = performance.now();
    const stallLeft = this.stallMs - this.sinceFrameMs;
    const totalLeft = this.limitMs - this.totalMs;
    const which: DecodeLimit = totalLeft <= stallLeft ? 'total' : 'stall';
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tripped = which;
      this.onTrip();
    }, Math.max(0, Math.min(stallLeft, totalLeft)));
  }

  pause(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const waited = performance.now() - this.since;
    this.sinceFrameMs += waited;
    this.totalMs += waited;
  }

  /** A whole frame came from ffmpeg: paused (the caller takes it) with a fresh stall budget. */
  frame(): void {
    this.pause();
    this.sinceFrameMs = 0;
  }
}
