import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../errors';
import { scanVideoFolder } from '../project/scan-videos';
import { decodeVideo } from '../video/decode';
import { probeClip } from '../video/probe';
import type { RgbImage } from '../vision/rgb-image';
import { workerScript } from '../../workers/worker-script';
import { encodeRgbVideo, generateDemoDataset, renderDemoFrame, renderDemoVideos, trueHands, type DemoClip, type RenderDemoOptions } from './index';

const dir = mkdtempSync(join(tmpdir(), 'gstudio-demo-videos-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const allFiles = (root: string): string[] => readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(join(root, p)).isFile());
/** Mean absolute difference of two pictures' pixels around (x, y) (a 3 × 3 patch), 0-255. */
function patchDifference(a: RgbImage, b: RgbImage, x: number, y: number): number {
  let sum = 0;
  let n = 0;
  for (let dy = -1; dy <= 1; dy++)
    for (let dx = -1; dx <= 1; dx++) {
      const px = Math.min(a.width - 1, Math.max(0, Math.round(x) + dx));
      const py = Math.min(a.height - 1, Math.max(0, Math.round(y) + dy));
      const p = (py * a.width + px) * 3;
      for (let k = 0; k < 3; k++) sum += Math.abs(a.data[p + k] - b.data[p + k]);
      n += 3;
    }
  return sum / n;
}

/** The clip's backdrop (wall and body, no arms) as its frames would show it. */
function backdropPicture(clip: DemoClip): RgbImage {
  const empty = { ...clip, scene: [{ Right: null, Left: null }] };
  // Arms out of the picture still hang from the shoulders: compare only away from the body's sides.
  return renderDemoFrame(empty, 0);
}

describe('renderDemoVideos', () => {
  const clips = generateDemoDataset({ seed: 4, classes: ['wave', 'clap'], clipsPerClass: 2 });
  const root = join(dir, 'videos');

  it('renders each clip as an H.264 mp4 under <class>/, one video frame per record, a valid videos root', async () => {
    const progress: string[] = [];
    const summary = await renderDemoVideos(clips, root, { concurrency: 2, onProgress: (p) => progress.push(`${p.done}/${p.total}`) });
    expect(progress).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(summary.rendered).toBe(4);
    expect(summary.frames).toBe(clips.reduce((n, c) => n + c.frames.length, 0));
    expect(summary.videos).toEqual(clips.map((c) => join(root, c.relativePath)));
    for (const clip of clips) {
      const info = await probeClip(join(root, clip.relativePath));
      expect(info).toMatchObject({ codec: 'h264', width: 320, height: 240, frameCount: clip.frames.length, rotation: 0 });
      expect(info.fps).toBeCloseTo(25, 6);
      expect(info.duration).toBeCloseTo(clip.frames.length / 25, 1);
    }
    const scan = await scanVideoFolder(root);
    expect(scan.classes).toEqual(['clap', 'wave']);
    expect(scan.clips.map((c) => c.relPath).sort()).toEqual(clips.map((c) => c.relativePath).sort());
    expect(scan.skipped).toEqual([]);
    // Only the videos: no temporary files left in the class folders.
    expect(allFiles(root).sort()).toEqual(clips.map((c) => c.relativePath).sort());
  });

  it('shows the hands where the generator put them, frame for frame', async () => {
    const clip = clips[0];
    const backdrop = backdropPicture(clip);
    let i = 0;
    let diff = 0;
    let joints = 0;
    let covered = 0;
    for await (const frame of decodeVideo(join(root, clip.relativePath))) {
      const drawn = renderDemoFrame(clip, i);
      let sum = 0;
      for (let p = 0; p < drawn.data.length; p++) sum += Math.abs(drawn.data[p] - frame.data[p]);
      diff = Math.max(diff, sum / drawn.data.length);
      // Every joint of every hand in the picture is drawn over the backdrop (a hand may hide a few of its own).
      for (const hand of trueHands(clip, i)) {
        for (const [x, y] of hand.landmarks) {
          if (x < 0 || x >= 1 || y < 0 || y >= 1) continue;
          joints++;
          if (patchDifference(frame, backdrop, x * frame.width, y * frame.height) > 12) covered++;
        }
      }
      // The top corners are the wall: the same as the backdrop but for sensor noise.
      expect(patchDifference(frame, backdrop, 4, 4)).toBeLessThan(8);
      expect(patchDifference(frame, backdrop, frame.width - 5, 4)).toBeLessThan(8);
      i++;
    }
    expect(i).toBe(clip.frames.length);
    expect(joints).toBeGreaterThan(21 * clip.frames.length - 1);
    expect(covered / joints).toBeGreaterThan(0.97);
    // Lossy H.264 and 4:2:0 chroma change the picture a little; it is the same picture.
    expect(diff).toBeLessThan(4);
  });

  it('draws a frame the same way every time (an interrupted render resumes with the same pictures)', () => {
    const clip = clips[1];
    expect(Buffer.from(renderDemoFrame(clip, 3).data).equals(Buffer.from(renderDemoFrame(clip, 3).data))).toBe(true);
    expect(Buffer.from(renderDemoFrame(clip, 3).data).equals(Buffer.from(renderDemoFrame(clip, 4).data))).toBe(false);
  });

  it('skips videos already there when asked, and re-renders them otherwise', async () => {
    const before = clips.map((c) => statSync(join(root, c.relativePath)).mtimeMs);
    const kept = await renderDemoVideos(clips, root, { skipExisting: true });
    expect([kept.rendered, kept.skipped, kept.frames]).toEqual([0, 4, 0]);
    expect(clips.map((c) => statSync(join(root, c.relativePath)).mtimeMs)).toEqual(before);
    rmSync(join(root, clips[1].relativePath));
    const again = await renderDemoVideos(clips, root, { skipExisting: true });
    expect([again.rendered, again.skipped]).toEqual([1, 3]);
    expect((await probeClip(join(root, clips[1].relativePath))).frameCount).toBe(clips[1].frames.length);
  });

  it('draws the same videos in worker processes as in this thread', async () => {
    const out = join(dir, 'workers');
    const progress: string[] = [];
    const summary = await renderDemoVideos(clips, out, { concurrency: 2, workerScript: workerScript('render-worker'), onProgress: (p) => progress.push(`${p.done}/${p.total}`) });
    expect(progress).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect([summary.rendered, summary.frames]).toEqual([4, clips.reduce((n, c) => n + c.frames.length, 0)]);
    expect(allFiles(out).sort()).toEqual(clips.map((c) => c.relativePath).sort());
    // One x264 thread per encoder: the same frames make the same file, byte for byte.
    for (const c of clips) expect(readFileSync(join(out, c.relativePath)).equals(readFileSync(join(root, c.relativePath))), c.relativePath).toBe(true);
  }, 120_000);

  /** Cancels a render of 12 clips after 2 are done: complete videos only, each of its clip's frames. */
  async function cancelHalfway(out: string, options: Partial<RenderDemoOptions> = {}) {
    const more = generateDemoDataset({ seed: 4, classes: 2, clipsPerClass: 6 });
    const abort = new AbortController();
    const run = renderDemoVideos(more, out, { concurrency: 2, ...options, signal: abort.signal, onProgress: (p) => p.done === 2 && abort.abort() });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    const files = allFiles(out);
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files.length).toBeLessThan(more.length);
    expect(files.every((f) => !f.split('/').pop()!.startsWith('.'))).toBe(true);
    for (const f of files) expect((await probeClip(join(out, f))).frameCount).toBe(more.find((c) => c.relativePath === f)!.frames.length);
  }

  it('stops its worker processes on cancel, leaving only complete videos', async () => {
    await cancelHalfway(join(dir, 'cancelled-workers'), { workerScript: workerScript('render-worker') });
  }, 120_000);

  it("reports a worker's failure with its reason (a folder that cannot be made)", async () => {
    writeFileSync(join(dir, 'not-a-folder'), 'x');
    const run = renderDemoVideos(clips.slice(0, 1), join(dir, 'not-a-folder'), { workerScript: workerScript('render-worker') });
    await expect(run).rejects.toThrow(/not-a-folder/);
  }, 120_000);

  it('stops on cancel, leaving only complete videos', async () => {
    await cancelHalfway(join(dir, 'cancelled'));
  });
});

describe('encodeRgbVideo', () => {
  it('refuses frames of the wrong size and leaves no file', async () => {
    const path = join(dir, 'bad', 'clip.mp4');
    const frames = [new Uint8Array(16 * 16 * 3), new Uint8Array(10)];
    await expect(encodeRgbVideo(path, frames, { width: 16, height: 16, fps: 25 })).rejects.toThrow(/frame 1 has 10 bytes/);
    expect(readdirSync(join(dir, 'bad'))).toEqual([]);
  });

  it("reports ffmpeg's reason when it cannot write", async () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    // A size H.264 in 4:2:0 cannot take (odd width): ffmpeg refuses, and says why.
    const odd = [new Uint8Array(15 * 16 * 3)];
    await expect(encodeRgbVideo(join(dir, 'odd', 'clip.mp4'), odd, { width: 15, height: 16, fps: 25 })).rejects.toThrow(/ffmpeg could not write .*clip\.mp4: .+/);
    expect(readdirSync(join(dir, 'odd'))).toEqual([]);
    await expect(encodeRgbVideo(join(dir, 'a-file', 'clip.mp4'), odd, { width: 15, height: 16, fps: 25 })).rejects.toThrow();
  });
});
