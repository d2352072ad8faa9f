import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CancelledError, DecodeTimeLimitError, UnreadableVideoError } from '../errors';
import { ffmpegPath, ffprobePath } from './binaries';
import { DecodeWatchdog, decodeLimitSeconds, decodeStallSeconds } from './decode-watchdog';
import { LOCAL_FILES_ONLY, fileInput, referringFormatReason } from './untrusted-input';

export { decodeLimitSeconds, decodeStallSeconds } from './decode-watchdog';

/** One decoded frame: packed RGB, 3 bytes per pixel, rows without padding. */
export interface RgbFrame {
  /** 0-based index in decode (presentation) order. */
  index: number;
  /** Presentation time in seconds from the start of the stream. */
  time: number;
  width: number;
  height: number;
  data: Uint8Array;
}

export interface VideoInfo {
  /** Size of the frames as decoded: after rotation and optional downscale. */
  width: number;
  height: number;
  /** Size as stored in the file (before rotation metadata is applied). */
  codedWidth: number;
  codedHeight: number;
  /** Clockwise degrees the player turns the picture (0, 90, 180, 270). */
  rotation: number;
  /** Average frame rate; NaN when unknown (single images report 0). */
  fps: number;
  /** Seconds; NaN when unknown. */
  duration: number;
  /** Frame count from the container when it says; NaN otherwise. */
  frameCount: number;
  codec: string;
  isImage: boolean;
}

export interface DecodeOptions {
  /** Downscale so that the longer side is at most this many pixels (never upscale). */
  maxSide?: number;
  signal?: AbortSignal;
  /**
   * ffmpeg is killed when it delivers no frame for this long while a frame is awaited (time spent
   * by the caller on a frame does not count, log lines do not renew it): a hostile file cannot hang
   * a worker. Default GSTUDIO_DECODE_STALL_S or 60 s; ffprobe gets the same limit in all (10 s at least).
   */
  stallSeconds?: number;
  /** ffmpeg's time for the whole clip, counted the same way. Default GSTUDIO_DECODE_LIMIT_S or scaled from the clip (`decodeLimitSeconds`). */
  limitSeconds?: number;
}

const IMAGE_CODECS = new Set(['png', 'mjpeg', 'jpegls', 'bmp', 'webp', 'tiff', 'gif', 'ppm', 'pgm', 'pam']);

function fail(path: string, reason: string): never {
  throw new UnreadableVideoError(path, reason);
}

// ffmpeg's words for a file cut short: an mp4 whose index (moov) never arrived, or whose data stops early.
const INCOMPLETE = /moov atom not found|partial file/i;
// Lines that only say that something above failed.
const GENERIC = /^(Conversion failed!|Error marking filters as finished|Cannot determine format of input stream .* after EOF|Consider increasing the value for the 'analyzeduration' and 'probesize' options)$/;

/**
 * ffmpeg's reason from its stderr, for a message that already names the file: without ffmpeg's
 * own `file:/path: ` and `[demuxer @ 0x…] ` prefixes, repeated and generic lines, the last `n` kept.
 */
function ffmpegReason(stderr: string, path: string, n: number): string {
  const abs = resolve(path);
  const prefixes = [`file:${abs}: `, `${abs}: `, `file:${path}: `, `${path}: `];
  const lines: string[] = [];
  for (const raw of stderr.split(/\r?\n/)) {
    let line = raw.trim().replace(/^\[[^\]]* @ (0x)?[0-9a-f]+\]\s*/i, '');
    for (const p of prefixes) if (line.startsWith(p)) line = line.slice(p.length);
    if (line && !GENERIC.test(line) && lines[lines.length - 1] !== line) lines.push(line);
  }
  return lines.slice(-n).join(' | ');
}

/** Starts as an MP4 / MOV does (a top-level box such as ftyp): what ffmpeg says about it is about an MP4. */
function startsLikeMp4(path: string): boolean {
  const head = Buffer.alloc(8);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    if (readSync(fd, head, 0, 8, 0) < 8) return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return ['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot'].includes(head.toString('latin1', 4, 8));
}

/** "The file looks incomplete …" when ffmpeg's stderr says an MP4 is cut short, else null. */
function incompleteReason(stderr: string, path: string): string | null {
  // ffmpeg reads any *.mp4 as MP4 and then misses its index; only a real MP4 header makes that "cut short".
  if (!INCOMPLETE.test(stderr) || !startsLikeMp4(path)) return null;
  return `the file looks incomplete, as a truncated download or copy leaves it (${ffmpegReason(stderr, path, 2)}): copy or download it again`;
}

function parseRate(r: unknown): number {
  if (typeof r !== 'string') return NaN;
  const [a, b] = r.split('/').map(Number);
  const v = b ? a / b : a;
  return Number.isFinite(v) && v > 0 ? v : NaN;
}

/** Reads size, rotation, rate and duration with ffprobe; throws UnreadableVideoError for anything ffmpeg can't open. */
export async function probeVideo(path: string, opts: { maxSide?: number; stallSeconds?: number } = {}): Promise<VideoInfo> {
  const abs = resolve(path);
  let size: number;
  try {
    const st = statSync(abs);
    if (!st.isFile()) fail(path, 'not a file');
    size = st.size;
  } catch (e) {
    if (e instanceof UnreadableVideoError) throw e;
    fail(path, 'the file does not exist or cannot be opened; check the path and permissions');
  }
  if (size === 0) fail(path, 'the file is empty (0 bytes)');

  const args = ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', '-select_streams', 'v:0', ...LOCAL_FILES_ONLY, fileInput(abs)];
  const out = await new Promise<string>((res, rej) => {
    // Probing a large file on a busy machine takes seconds: never less than 10 s.
    const limit = Math.max(10, decodeStallSeconds(opts));
    execFile(ffprobePath(), args, { maxBuffer: 16 << 20, timeout: limit * 1000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err && (err as { killed?: boolean }).killed) rej(new UnreadableVideoError(path, `ffprobe gave no answer within ${limit} s and was stopped: the file may be built to hang decoders`));
      else if (err) rej(new UnreadableVideoError(path, incompleteReason(stderr, path) ?? `not a video or image ffmpeg can read (${ffmpegReason(stderr, path, 1) || err.message})`));
      else res(stdout);
    });
  });
  let json: { streams?: Record<string, any>[]; format?: Record<string, any> };
  try {
    json = JSON.parse(out);
  } catch {
    fail(path, 'ffprobe gave no readable answer');
  }
  const formatName = String(json.format?.format_name ?? '');
  const referring = referringFormatReason(formatName);
  if (referring) fail(path, referring);
  const s = json.streams?.[0];
  if (!s || !(s.width > 0) || !(s.height > 0)) fail(path, 'it contains no video stream');

  // Rotation lives in a display matrix (side data; ffprobe gives it counter-clockwise) or, as
  // older ffprobe builds show it, a clockwise `rotate` tag.
  let rot = 0;
  for (const sd of s.side_data_list ?? []) if (typeof sd.rotation === 'number') rot = -sd.rotation;
  if (!rot && s.tags?.rotate) rot = Number(s.tags.rotate) || 0;
  rot = ((Math.round(rot / 90) * 90) % 360 + 360) % 360;

  const codedWidth = Number(s.width);
  const codedHeight = Number(s.height);
  let width = rot === 90 || rot === 270 ? codedHeight : codedWidth;
  let height = rot === 90 || rot === 270 ? codedWidth : codedHeight;
  if (opts.maxSide && Math.max(width, height) > opts.maxSide) {
    const k = opts.maxSide / Math.max(width, height);
    width = Math.max(1, Math.round(width * k));
    height = Math.max(1, Math.round(height * k));
  }
  const codec = String(s.codec_name ?? '');
  const isImage = IMAGE_CODECS.has(codec) && (/image2|_pipe|png|jpeg|webp/.test(formatName) || !s.duration);
  const duration = Number(s.duration ?? json.format?.duration);
  return {
    width,
    height,
    codedWidth,
    codedHeight,
    rotation: rot,
    fps: isImage ? 0 : parseRate(s.avg_frame_rate) || parseRate(s.r_frame_rate),
    duration: Number.isFinite(duration) ? duration : NaN,
    frameCount: Number(s.nb_frames) > 0 ? Number(s.nb_frames) : isImage ? 1 : NaN,
    codec,
    isImage,
  };
}

const SHOWINFO = /\[Parsed_showinfo_\d+ @ [^\]]*\]\s*n:\s*(\d+)\s+pts:\s*(-?\d+)\s+pts_time:\s*(-?[\d.eE+-]+)/;

/**
 * A decode session: `info` is known before the first frame; iterate `frames()` once.
 * Frames stream through a pipe (the clip is never held in memory). Breaking out of the loop,
 * an abort signal or an error kills ffmpeg.
 */
export interface VideoDecoder {
  info: VideoInfo;
  frames(): AsyncGenerator<RgbFrame, void, undefined>;
}

export async function openVideo(path: string, opts: DecodeOptions = {}): Promise<VideoDecoder> {
  const info = await probeVideo(path, opts);
  return { info, frames: () => decodeFrames(path, info, opts) };
}

/** Convenience: probe and iterate in one call. */
export async function* decodeVideo(path: string, opts: DecodeOptions = {}): AsyncGenerator<RgbFrame, void, undefined> {
  const dec = await openVideo(path, opts);
  yield* dec.frames();
}

async function* decodeFrames(path: string, info: VideoInfo, opts: DecodeOptions): AsyncGenerator<RgbFrame, void, undefined> {
  if (opts.signal?.aborted) throw new CancelledError();
  const { width, height } = info;
  const frameBytes = width * height * 3;
  // ffmpeg autorotates by default (transpose before our filters), so forcing the probed,
  // rotated size here only ever rescales; showinfo reports each frame's pts on stderr, which
  // keeps variable frame rate timestamps without a second pass. `-vsync passthrough` stops the
  // rawvideo muxer from duplicating or dropping frames to make a constant rate.
  const args = [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info',
    // One thread per decode: the pool runs one ffmpeg per worker, and a system build's default
    // (threads per core, for decoder and filters) only fights the hand models for the cores.
    '-threads', '1', '-filter_threads', '1',
    ...LOCAL_FILES_ONLY, '-i', fileInput(path),
    '-map', '0:v:0', '-an', '-sn',
    '-vf', `scale=${width}:${height}:flags=bilinear,showinfo`,
    '-vsync', 'passthrough',
    '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
  ];
  const child: ChildProcess = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });

  const times: number[] = [];
  let stderrTail = '';
  let incomplete = '';
  let wake: (() => void) | null = null;
  let stderrEnded = false;
  let pending = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.search(/[\r\n]/)) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      const m = SHOWINFO.exec(line);
      if (m) times.push(Number(m[3]));
      else if (line.trim()) {
        stderrTail = (stderrTail + '\n' + line).slice(-4000);
        if (INCOMPLETE.test(line)) incomplete ||= line;
      }
    }
    wake?.();
  });
  child.stderr!.on('end', () => {
    stderrEnded = true;
    wake?.();
  });
  const exited = new Promise<number | null>((res) => {
    child.once('error', () => res(-1));
    child.once('close', (code) => res(code));
  });
  const onAbort = () => child.kill('SIGKILL');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  // Runs while a frame is awaited from ffmpeg; only a delivered frame renews the stall budget.
  const watchdog = new DecodeWatchdog(decodeStallSeconds(opts) * 1000, decodeLimitSeconds(info, opts) * 1000, () => child.kill('SIGKILL'));

  // The showinfo line for a frame is written before the frame itself, but the two pipes are
  // read independently, so a frame may arrive a moment before its timestamp.
  const nextTime = async (index: number): Promise<number> => {
    while (times.length === 0 && !stderrEnded) await new Promise<void>((r) => (wake = r));
    wake = null;
    const t = times.shift();
    if (t !== undefined && Number.isFinite(t)) return t;
    return info.fps > 0 ? index / info.fps : 0;
  };

  // A file that decodes to far more frames than it declares (a hostile loop) is stopped too.
  const declared = Number.isFinite(info.frameCount) && info.frameCount > 0 ? info.frameCount : info.duration > 0 && info.fps > 0 ? info.duration * info.fps : 0;
  const maxFrames = declared > 0 ? Math.ceil(declared * 2) + 250 : Infinity;
  let index = 0;
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  try {
    watchdog.resume();
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
      let off = 0;
      while (off < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - off);
        frame.set(chunk.subarray(off, off + n), filled);
        filled += n;
        off += n;
        if (filled === frameBytes) {
          if (index >= maxFrames) fail(path, `it decodes to more than ${maxFrames} frames, far more than the ${Math.round(declared)} it declares: stopped, as a file built to keep a decoder busy would be`);
          const time = await nextTime(index);
          watchdog.frame();
          yield { index, time, width, height, data: frame };
          watchdog.resume();
          index++;
          frame = new Uint8Array(frameBytes);
          filled = 0;
        }
      }
    }
    const code = await exited;
    watchdog.pause();
    if (opts.signal?.aborted) throw new CancelledError();
    if (watchdog.tripped) throw new DecodeTimeLimitError(path, watchdog.tripped, watchdog.tripped === 'stall' ? watchdog.stallMs / 1000 : watchdog.limitMs / 1000, index);
    if (index === 0) {
      const cut = incomplete ? incompleteReason(`${incomplete}\n${stderrTail}`, path) : null;
      if (cut) fail(path, cut);
      const reason = ffmpegReason(stderrTail, path, 2);
      fail(path, code === 0 ? 'no frame could be decoded' : `decoding failed (${reason || `ffmpeg exit code ${code}`})`);
    }
    // A clip that breaks after some good frames keeps them, as the reference pipeline does
    // (it reads until the first failed read).
  } finally {
    watchdog.pause();
    opts.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Decodes a single image (png, jpg, ...) through the same path as video: its first frame. */
export async function decodeImage(path: string, opts: DecodeOptions = {}): Promise<RgbFrame> {
  for await (const f of decodeVideo(path, opts)) return f;
  fail(path, 'no frame could be decoded');
}
