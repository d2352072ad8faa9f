import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { UnreadableVideoError } from '../errors';
import { ffprobePath } from './binaries';

export interface VideoInfo {
  duration: number | null;
  fps: number | null;
  frameCount: number | null;
  /** Displayed size: after the rotation in the file's metadata is applied. */
  width: number;
  height: number;
  codec: string;
  rotation: number;
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  nb_read_packets?: string;
  duration?: string;
  tags?: { rotate?: string };
  side_data_list?: { rotation?: number }[];
}

function rate(s: string | undefined): number | null {
  if (!s) return null;
  const [n, d] = s.split('/').map(Number);
  const v = d ? n / d : n;
  return Number.isFinite(v) && v > 0 ? v : null;
}

function firstLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  // ffprobe prefixes the path; what follows the last ': ' is the reason a user can act on.
  const last = lines[lines.length - 1] ?? '';
  const i = last.lastIndexOf(': ');
  return i >= 0 ? last.slice(i + 2) : last;
}

/** Reads a clip's container and first video stream; throws UnreadableVideoError with ffprobe's reason. */
export function probeVideo(path: string, signal?: AbortSignal): Promise<VideoInfo> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    return Promise.reject(new UnreadableVideoError(path, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(e)));
  }
  if (size === 0) return Promise.reject(new UnreadableVideoError(path, 'the file is empty (0 bytes)'));
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-select_streams', 'v:0', path];
  return new Promise((resolvePromise, reject) => {
    execFile(ffprobePath(), args, { maxBuffer: 8 << 20, signal, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) {
        if (signal?.aborted) return reject(err);
        return reject(new UnreadableVideoError(path, firstLine(stderr) || err.message));
      }
      let parsed: { streams?: FfprobeStream[]; format?: { duration?: string } };
      try {
        parsed = JSON.parse(stdout);
      } catch {
        return reject(new UnreadableVideoError(path, 'ffprobe returned no readable description'));
      }
      const v = parsed.streams?.find((s) => s.codec_type === 'video');
      if (!v || !v.width || !v.height) return reject(new UnreadableVideoError(path, 'no video stream in the file'));
      const rot = v.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation ?? Number(v.tags?.rotate ?? 0);
      const rotation = ((Math.round(rot) % 360) + 360) % 360;
      const swap = rotation === 90 || rotation === 270;
      const fps = rate(v.avg_frame_rate) ?? rate(v.r_frame_rate);
      const durationText = v.duration ?? parsed.format?.duration;
      const duration = durationText !== undefined && Number.isFinite(Number(durationText)) ? Number(durationText) : null;
      const nb = Number(v.nb_frames);
      const frameCount = Number.isFinite(nb) && nb > 0 ? nb : duration !== null && fps ? Math.round(duration * fps) : null;
      resolvePromise({
        duration,
        fps,
        frameCount,
        width: swap ? v.height : v.width,
        height: swap ? v.width : v.height,
        codec: v.codec_name ?? 'unknown',
        rotation,
      });
    });
  });
}
