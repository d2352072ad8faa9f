import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClipKeypoints } from '../src/api';
import { ffmpegPath } from '../src/core/video/binaries';
import { makeClip } from '../src/test-support/make-clips';
import { sharedData } from '../src/test-support/shared-data';
import { screenshot } from './support/browser';
import { gstudio } from './support/cli';
import type { Served } from './support/serve';
import { openStudio, type Studio } from './support/studio';

let tmp: string;
let studio: Studio;
let server: Served;
let page: Page;
let consoleErrors: string[];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-viewer-'));
  const videos = join(tmp, 'videos');
  mkdirSync(join(videos, 'hand'), { recursive: true });
  // Two seconds of the real test video: a hand in every frame.
  execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-ss', '2', '-i', sharedData('video', 'hand_test_640x360.mp4'), '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', join(videos, 'hand', 'hand clip.mp4')]);
  makeClip(join(videos, 'nothing', 'bars.mp4'), { seconds: 1, source: 'smptebars' });
  const project = join(tmp, 'project');
  gstudio('init', project);
  gstudio('import', project, videos);
  gstudio('extract', project, '--detector', 'none', '--model', 'lite', '--frames', '30', '--workers', '1');
  studio = await openStudio(['--project', project], { width: 1400, height: 900 });
  ({ server, page, consoleErrors } = studio);
});

afterAll(async () => {
  await studio?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Colours of the drawn landmark dots under each stored landmark of the frame on screen. */
async function overlayMatches(p: Page): Promise<{ frame: number; matched: number; total: number }> {
  return p.evaluate(async () => {
    const canvas = document.querySelector('canvas.overlay') as HTMLCanvasElement;
    const video = document.querySelector('video') as HTMLVideoElement;
    const frame = Number(canvas.dataset.frame);
    const id = Number(new URLSearchParams(location.hash.split('?')[1]).get('clip'));
    const res = await fetch('/api/clips.keypoints', { method: 'POST', body: JSON.stringify({ id }) });
    const data = (await res.json()).result as ClipKeypoints;
    const record = data.frames![frame];
    const ctx = canvas.getContext('2d')!;
    const dpr = canvas.width / canvas.clientWidth;
    const scale = Math.min(video.clientWidth / video.videoWidth, video.clientHeight / video.videoHeight);
    const [w, h] = [video.videoWidth * scale, video.videoHeight * scale];
    const [ox, oy] = [(video.clientWidth - w) / 2, (video.clientHeight - h) / 2];
    const expected = { Left: [0x1f, 0x8f, 0xff], Right: [0xff, 0x7a, 0x1a] };
    let matched = 0;
    let total = 0;
    for (const hand of record.hands) {
      for (const [x, y] of hand.landmarks) {
        total++;
        const px = ctx.getImageData(Math.round((ox + x * w) * dpr), Math.round((oy + y * h) * dpr), 1, 1).data;
        const [r, g, b] = expected[hand.handedness];
        if (Math.abs(px[0] - r) < 40 && Math.abs(px[1] - g) < 40 && Math.abs(px[2] - b) < 40 && px[3] > 200) matched++;
      }
    }
    return { frame, matched, total };
  });
}

describe('the clip viewer', () => {
  it('draws the stored landmarks of the frame on screen, paused and stepping', async () => {
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clips', exact: true }).click();
    await page.getByRole('option', { name: /hand clip\.mp4/ }).click();
    await page.getByText(/Frame \d+ \/ 50/).waitFor();
    const video = page.getByLabel('Clip video');
    await video.evaluate((v: HTMLVideoElement) => new Promise((r) => (v.readyState >= 2 ? r(null) : v.addEventListener('loadeddata', () => r(null), { once: true }))));

    // Seek to frame 20 through the timeline's own stepping, then check the drawing against the data.
    for (let i = 0; i < 20; i++) await page.getByRole('button', { name: 'Next frame ▶' }).click();
    await page.getByText('Frame 21 / 50').waitFor();
    await page.waitForFunction(() => !document.querySelector('video')!.seeking);
    const at20 = await overlayMatches(page);
    expect(at20.frame).toBe(20);
    expect(at20.total).toBe(21);
    expect(at20.matched).toBeGreaterThanOrEqual(18);
    await screenshot(page, 'viewer-frame-20');

    await page.getByRole('button', { name: '◀ Previous frame' }).click();
    await page.getByText('Frame 20 / 50').waitFor();
    await page.waitForFunction(() => !document.querySelector('video')!.seeking);
    const at19 = await overlayMatches(page);
    expect(at19.frame).toBe(19);
    expect(at19.matched).toBeGreaterThanOrEqual(18);

    // Skeletons off: nothing drawn where the landmarks are.
    await page.getByLabel('Skeletons').uncheck();
    expect((await overlayMatches(page)).matched).toBe(0);
    await page.getByLabel('Skeletons').check();
  });

  it('keeps drawing in sync while the video plays', async () => {
    const video = page.getByLabel('Clip video');
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      v.currentTime = 0;
      return v.play();
    });
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0.8);
    const playing = await page.evaluate(() => {
      const v = document.querySelector('video')!;
      const frame = Number((document.querySelector('canvas.overlay') as HTMLCanvasElement).dataset.frame);
      return { frame, time: v.currentTime };
    });
    // The overlay follows the presented frame (25 fps): within two frames of the clock.
    expect(Math.abs(playing.frame - playing.time * 25)).toBeLessThanOrEqual(2);
    await video.evaluate((v: HTMLVideoElement) => v.pause());
  });

  it('plays, pauses and seeks with its own controls, which the overlay never covers', async () => {
    const video = page.getByLabel('Clip video');
    // The browser's controls are drawn inside the picture, under the person boxes: the viewer has its own.
    expect(await video.evaluate((v: HTMLVideoElement) => v.controls)).toBe(false);
    const overlay = (await page.getByLabel('Keypoint overlay').boundingBox())!;
    for (const name of ['Play', 'Position', 'Playback speed']) {
      const box = (await page.getByLabel(name, { exact: true }).boundingBox())!;
      expect(box.y, name).toBeGreaterThanOrEqual(overlay.y + overlay.height);
    }
    await video.evaluate((v: HTMLVideoElement) => (v.muted = true));
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0.3);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    expect(await video.evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);
    await page.getByLabel('Position', { exact: true }).fill('1.2');
    await page.waitForFunction(() => Math.abs((document.querySelector('video')?.currentTime ?? 0) - 1.2) < 0.05);
    await page.getByText('Frame 31 / 50').waitFor();
    // What the extraction searched, recorded with the clip (extracted with --detector none).
    expect(await page.getByLabel('Hand search regions').textContent()).toMatch(/Hands searched in the whole frame/);
    await screenshot(page, 'viewer-controls');
  });

  it('shows per-frame hands and the sequence window on the timeline', async () => {
    const legend = await page.locator('.timeline .legend').textContent();
    expect(legend).toMatch(/sequence window \(30 frames\)/);
    expect(legend).toMatch(/hands in (4[5-9]|50) of 50 frames/);
    expect(consoleErrors).toEqual([]);
  });
});
