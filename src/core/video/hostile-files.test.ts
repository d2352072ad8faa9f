import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecodeTimeLimitError, UnreadableVideoError } from '../errors';
import { fakeBinary, withEnv } from '../../test-support/fake-binary';
import { makeClip } from '../../test-support/make-clips';
import { chooseBinary } from './binaries';
import { decodeLimitSeconds, decodeVideo, probeVideo } from './decode';

// Files built to keep a decoder busy or to make it read what it should not. Stand-ins for ffmpeg
// (GSTUDIO_FFMPEG) play the hostile decoder; the clip itself is real, so the probe is ffprobe's.
const tmp = mkdtempSync(join(tmpdir(), 'gstudio-hostile-'));
const clip = join(tmp, 'clip.mp4'); // 96×64, 0.2 s: 5 frames of 18,432 bytes
beforeAll(() => makeClip(clip, { seconds: 0.2 }));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Decodes to the end; the error it ends with (null if none), the frames before it and the time taken. */
async function decodeAll(path: string, opts = {}): Promise<{ err: unknown; frames: number; seconds: number }> {
  const started = performance.now();
  let frames = 0;
  const err = await (async () => {
    for await (const _f of decodeVideo(path, opts)) frames++;
  })().then(() => null, (e: unknown) => e);
  return { err, frames, seconds: (performance.now() - started) / 1000 };
}

// What ffmpeg prints on a broken stream, forever, without a frame.
const ERRORS_FOREVER = 'while :; do echo "[h264 @ 0x55] error while decoding MB 3 2, bytestream -7" >&2; sleep 0.02; done';
// A frame of the clip (96×64 RGB) every 0.2 s, each announced by showinfo as ffmpeg does, forever.
const FRAMES_FOREVER =
  'n=0; while :; do echo "[Parsed_showinfo_1 @ 0x55] n: $n pts: $n pts_time:$n" >&2; head -c 18432 /dev/zero; n=$((n+1)); sleep 0.2; done';

describe('a decoder kept busy', () => {
  it('printing errors without a frame is stopped by the stall limit: log lines do not renew it', { timeout: 30_000 }, async () => {
    const ffmpeg = fakeBinary(join(tmp, 'errors'), 'ffmpeg', 2026, ERRORS_FOREVER);
    const { err, frames, seconds } = await withEnv({ GSTUDIO_FFMPEG: ffmpeg }, () => decodeAll(clip, { stallSeconds: 1 }));
    expect(err).toBeInstanceOf(DecodeTimeLimitError);
    expect((err as DecodeTimeLimitError).limit).toBe('stall');
    expect((err as Error).message).toMatch(/ffmpeg delivered no frame for 1 s after frame 0 and was stopped: .*GSTUDIO_DECODE_STALL_S/);
    expect(frames).toBe(0);
    expect(seconds).toBeLessThan(15);
  });

  it('printing errors without a frame is stopped by the per-clip limit (GSTUDIO_DECODE_LIMIT_S) well before the stall limit', { timeout: 30_000 }, async () => {
    const ffmpeg = fakeBinary(join(tmp, 'errors'), 'ffmpeg', 2026, ERRORS_FOREVER);
    const { err, seconds } = await withEnv({ GSTUDIO_FFMPEG: ffmpeg, GSTUDIO_DECODE_LIMIT_S: '2', GSTUDIO_DECODE_STALL_S: '600' }, () => decodeAll(clip));
    expect(err).toBeInstanceOf(DecodeTimeLimitError);
    expect((err as DecodeTimeLimitError).limit).toBe('total');
    expect((err as Error).message).toMatch(/decoding took more than 2 s of ffmpeg's time and was stopped after frame 0: .*GSTUDIO_DECODE_LIMIT_S/);
    expect(seconds).toBeGreaterThanOrEqual(1.9);
    expect(seconds).toBeLessThan(15);
  });

  it('delivering frames slowly but forever, never stalling, is stopped by the per-clip limit', { timeout: 30_000 }, async () => {
    const ffmpeg = fakeBinary(join(tmp, 'trickle'), 'ffmpeg', 2026, FRAMES_FOREVER);
    const { err, frames, seconds } = await withEnv({ GSTUDIO_FFMPEG: ffmpeg, GSTUDIO_DECODE_LIMIT_S: '2' }, () => decodeAll(clip, { stallSeconds: 1 }));
    expect(err).toBeInstanceOf(DecodeTimeLimitError);
    expect((err as DecodeTimeLimitError).limit).toBe('total');
    expect(frames).toBeGreaterThan(3);
    expect((err as Error).message).toContain(`stopped after frame ${frames}`);
    expect(seconds).toBeLessThan(15);
  });

  it('the per-clip limit scales with what the clip declares, 120 s at least', () => {
    expect(decodeLimitSeconds({ duration: 2, frameCount: 50, fps: 25 })).toBe(120);
    expect(decodeLimitSeconds({ duration: 60, frameCount: 1800, fps: 30 })).toBe(1200);
    // Many frames a second (slow motion): half a second a frame.
    expect(decodeLimitSeconds({ duration: 20, frameCount: 4800, fps: 240 })).toBe(2400);
    expect(decodeLimitSeconds({ duration: NaN, frameCount: NaN, fps: NaN })).toBe(120);
    expect(decodeLimitSeconds({ duration: 60, frameCount: 1800, fps: 30 }, { limitSeconds: 5 })).toBe(5);
  });

  it('one that decodes to far more frames than it declares is stopped with a clear error', { timeout: 60_000 }, async () => {
    // An 11 s clip (275 frames) whose container, as ffprobe reads it, says 5 frames.
    const long = join(tmp, 'long.mp4');
    makeClip(long, { seconds: 11, size: '32x32' });
    const ffprobe = fakeBinary(join(tmp, 'liar'), 'ffprobe', 2026, `"${chooseBinary('ffprobe').path}" "$@" | sed 's/"nb_frames": "[0-9]*"/"nb_frames": "5"/'`);
    const { err, frames } = await withEnv({ GSTUDIO_FFPROBE: ffprobe }, () => decodeAll(long));
    expect(err).toBeInstanceOf(UnreadableVideoError);
    expect((err as Error).message).toMatch(/decodes to more than 260 frames, far more than the 5 it declares/);
    expect(frames).toBe(260);
  });
});

describe('a file that names other files or addresses', () => {
  const dir = join(tmp, 'lists');
  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    makeClip(join(dir, 'other.mp4'), { seconds: 1 });
  });

  it.each([
    ['a concat list saved as .mp4', 'concat.mp4', 'ffconcat version 1.0\nfile other.mp4\nfile other.mp4\n', /it is a concat list, which names other files/],
    ['an HLS playlist saved as .mp4', 'playlist.mp4', '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nother.mp4\n#EXT-X-ENDLIST\n', /it is a hls playlist or manifest, which names other files/],
  ])('%s is refused, not decoded from the file it names', async (_what, name, text, reason) => {
    writeFileSync(join(dir, name), text);
    const { err, frames } = await decodeAll(join(dir, name));
    expect(err).toBeInstanceOf(UnreadableVideoError);
    expect((err as Error).message).toMatch(reason);
    expect((err as Error).message).toMatch(/convert it to a single video file$/);
    expect(frames).toBe(0);
  });

  it('an HLS playlist naming a web address makes no request, in the probe or the decode', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const path = join(dir, 'remote.mp4');
      writeFileSync(path, `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nhttp://127.0.0.1:${port}/segment.mp4\n#EXT-X-ENDLIST\n`);
      await expect(probeVideo(path)).rejects.toBeInstanceOf(UnreadableVideoError);
      const { err } = await decodeAll(path);
      expect(err).toBeInstanceOf(UnreadableVideoError);
      expect(requests).toBe(0);
    } finally {
      server.close();
    }
  });
});
