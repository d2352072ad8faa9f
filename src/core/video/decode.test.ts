import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnreadableVideoError } from '../errors';
import { sharedData } from '../../test-support/shared-data';
import { ffmpegPath } from './binaries';
import { decodeImage, decodeVideo, openVideo, probeVideo, type RgbFrame } from './decode';

let dir: string;
const ff = (...args: string[]) => execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', ...args]);

async function collect(path: string, opts = {}): Promise<RgbFrame[]> {
  const out: RgbFrame[] = [];
  for await (const f of decodeVideo(path, opts)) out.push(f);
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gstudio-decode-'));
  // Odd size: 4:4:4 lets H.264 store 161×121 exactly.
  ff('-f', 'lavfi', '-i', 'testsrc=size=161x121:rate=25', '-t', '0.4', '-c:v', 'libx264', '-pix_fmt', 'yuv444p', join(dir, 'odd.mp4'));
  // A landscape clip whose display matrix says "turn 90°": players (and we) show it portrait.
  ff('-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '0.4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(dir, 'plain.mp4'));
  ff('-i', join(dir, 'plain.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', join(dir, 'rotated.mp4'));
  // Variable frame rate: 10 frames at 25 fps, then 5 frames 0.12 s apart (on the encoder's 1/25 s clock).
  // Matroska, because this ffmpeg's mp4 muxer writes an edit list that cuts such a clip short.
  ff('-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=25', '-frames:v', '15',
    '-vf', "setpts='if(lt(N,10),N,10+(N-10)*3)/(25*TB)'", '-vsync', 'vfr', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(dir, 'vfr.mkv'));
  ff('-f', 'lavfi', '-i', 'color=c=red:size=64x48:rate=25', '-frames:v', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(dir, 'one.mp4'));
  // Corrupt: the first half of a clip whose index (moov) sits at the end.
  ff('-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '2', '-c:v', 'libx264', join(dir, 'whole.mp4'));
  const whole = readFileSync(join(dir, 'whole.mp4'));
  writeFileSync(join(dir, 'corrupt.mp4'), whole.subarray(0, whole.length >> 1));
  // Cut short too, but with its index first (faststart): the index and a few bytes of the first frame.
  ff('-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '2', '-c:v', 'libx264', '-movflags', '+faststart', join(dir, 'faststart.mp4'));
  const fast = readFileSync(join(dir, 'faststart.mp4'));
  let moovEnd = 0;
  for (let at = 0; at + 8 <= fast.length && !moovEnd; at += fast.readUInt32BE(at)) {
    if (fast.toString('latin1', at + 4, at + 8) === 'moov') moovEnd = at + fast.readUInt32BE(at);
  }
  writeFileSync(join(dir, 'cut.mp4'), fast.subarray(0, moovEnd + 200));
  writeFileSync(join(dir, 'empty.mp4'), '');
  writeFileSync(join(dir, 'notes.mp4'), 'this is a text file, not a video\n');
  copyFileSync(join(dir, 'one.mp4'), join(dir, 'clip with spaces ñandú 手.mp4'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('decodeVideo', () => {
  it('streams every frame of the test video with sizes and times', async () => {
    const dec = await openVideo(sharedData('video', 'hand_test_640x360.mp4'));
    expect(dec.info).toMatchObject({ width: 640, height: 360, rotation: 0, isImage: false });
    expect(dec.info.fps).toBeCloseTo(25, 1);
    let n = 0;
    let last = -1;
    for await (const f of dec.frames()) {
      expect(f.index).toBe(n++);
      expect(f.data.length).toBe(640 * 360 * 3);
      expect(f.time).toBeGreaterThan(last);
      last = f.time;
    }
    expect(n).toBe(202);
    expect(last).toBeCloseTo(201 / 25, 2);
  });

  it('keeps odd widths and heights exact', async () => {
    const frames = await collect(join(dir, 'odd.mp4'));
    expect(frames.length).toBe(10);
    for (const f of frames) {
      expect([f.width, f.height]).toEqual([161, 121]);
      expect(f.data.length).toBe(161 * 121 * 3);
    }
    // testsrc draws a colour bar pattern: the rows must not be skewed by padding.
    const f = frames[0];
    const px = (x: number, y: number) => Array.from(f.data.subarray((y * 161 + x) * 3, (y * 161 + x) * 3 + 3));
    expect(px(2, 60)).toEqual(px(2, 61));
  });

  it('applies rotation metadata and reports the rotated size', async () => {
    const info = await probeVideo(join(dir, 'rotated.mp4'));
    expect(info).toMatchObject({ codedWidth: 320, codedHeight: 240, width: 240, height: 320 });
    expect([90, 270]).toContain(info.rotation);
    const frames = await collect(join(dir, 'rotated.mp4'));
    expect(frames.length).toBe(10);
    expect([frames[0].width, frames[0].height]).toEqual([240, 320]);
    expect(frames[0].data.length).toBe(240 * 320 * 3);
    // Pixels land where the reported clockwise rotation puts them (testsrc's corners differ).
    const plain = (await collect(join(dir, 'plain.mp4')))[0];
    const at = (fr: RgbFrame, x: number, y: number) => Array.from(fr.data.subarray((y * fr.width + x) * 3, (y * fr.width + x) * 3 + 3));
    for (const [x, y] of [[5, 5], [314, 5], [5, 234], [160, 120]]) {
      const [rx, ry] = info.rotation === 90 ? [240 - 1 - y, x] : [y, 320 - 1 - x];
      const a = at(plain, x, y);
      const b = at(frames[0], rx, ry);
      for (let c = 0; c < 3; c++) expect(Math.abs(a[c] - b[c])).toBeLessThan(40);
    }
  });

  it('takes times from the frames themselves for variable frame rate', async () => {
    const frames = await collect(join(dir, 'vfr.mkv'));
    expect(frames.length).toBe(15);
    const t = frames.map((f) => f.time);
    expect(t[1] - t[0]).toBeCloseTo(0.04, 3);
    expect(t[9] - t[8]).toBeCloseTo(0.04, 3);
    expect(t[11] - t[10]).toBeCloseTo(0.12, 3);
    expect(t[14] - t[13]).toBeCloseTo(0.12, 3);
    expect(t[14]).toBeCloseTo(0.88, 3);
  });

  it('downscales on request, keeping aspect ratio', async () => {
    const frames = await collect(sharedData('video', 'hand_test_640x360.mp4'), { maxSide: 320 });
    expect([frames[0].width, frames[0].height]).toEqual([320, 180]);
    expect(frames.length).toBe(202);
  });

  it('decodes a one-frame clip', async () => {
    const frames = await collect(join(dir, 'one.mp4'));
    expect(frames.length).toBe(1);
    expect(frames[0].time).toBe(0);
    expect(frames[0].data[0]).toBeGreaterThan(200); // red
  });

  it('reads paths with spaces and non-ASCII letters', async () => {
    const frames = await collect(join(dir, 'clip with spaces ñandú 手.mp4'));
    expect(frames.length).toBe(1);
  });

  it('decodes png and jpg images through the same path', async () => {
    const png = await decodeImage(sharedData('images', 'thumbs_up.png'));
    expect([png.width, png.height]).toEqual([1920, 1280]);
    const jpg = await decodeImage(sharedData('images', 'two_hands_test.jpg'));
    expect([jpg.width, jpg.height]).toEqual([640, 427]);
    const info = await probeVideo(sharedData('images', 'two_hands_test.jpg'));
    expect(info.isImage).toBe(true);
  });

  it('stops ffmpeg when the consumer stops early', async () => {
    const dec = await openVideo(sharedData('video', 'hand_test_640x360.mp4'));
    const it = dec.frames();
    const first = await it.next();
    expect(first.done).toBe(false);
    await it.return(undefined);
    const after = await it.next();
    expect(after.done).toBe(true);
    // The ffmpeg child is gone (Node drops its process handle once the child has exited).
    const alive = () => process.getActiveResourcesInfo().includes('ProcessWrap');
    for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive()).toBe(false);
  });

  it('stops on an abort signal with a cancellation error', async () => {
    const ac = new AbortController();
    let n = 0;
    await expect(
      (async () => {
        for await (const _ of decodeVideo(sharedData('video', 'hand_test_640x360.mp4'), { signal: ac.signal })) {
          if (++n === 3) ac.abort();
        }
      })(),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(n).toBeLessThan(202);
  });

  it.each([
    ['empty.mp4', /empty/],
    ['notes.mp4', /^Cannot read video .*notes\.mp4: not a video or image ffmpeg can read \(Invalid data found when processing input\)$/],
    ['corrupt.mp4', /corrupt\.mp4: the file looks incomplete, as a truncated download or copy leaves it \(moov atom not found \| Invalid data found when processing input\): copy or download it again$/],
    ['cut.mp4', /cut\.mp4: the file looks incomplete, as a truncated download or copy leaves it \(.*partial file.*\): copy or download it again$/],
    ['missing.mp4', /does not exist/],
  ])('gives a typed, readable error for %s', async (name, re) => {
    const err = await collect(join(dir, name)).catch((e) => e);
    expect(err).toBeInstanceOf(UnreadableVideoError);
    expect(err.code).toBe('unreadable_video');
    expect(err.message).toMatch(re);
    // The file is named once, by the message; ffmpeg's own "file:/path: " prefix is gone.
    expect(err.message.split(name)).toHaveLength(2);
  });
});
