import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath, ffprobePath } from '../src/core/video/binaries';
import { makeClip } from '../src/test-support/make-clips';
import { sharedData } from '../src/test-support/shared-data';
import { gstudio } from './support/cli';
import { launchBrowser, screenshot, watchConsole } from './support/browser';
import { serve, type Served } from './support/serve';

// Chromium's fake camera plays a y4m file: two seconds of the test video (one right hand).
let tmp: string;
let camera: string;
let server: Served;
let project: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-capture-'));
  camera = join(tmp, 'hand.y4m');
  execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-ss', '1', '-i', sharedData('video', 'hand_test_640x360.mp4'), '-t', '2', '-pix_fmt', 'yuv420p', camera]);
  // A project with two classes to record into.
  const videos = join(tmp, 'videos');
  makeClip(join(videos, 'wave', 'bars.mp4'), { seconds: 1, source: 'smptebars' });
  makeClip(join(videos, 'still', 'bars.mp4'), { seconds: 1, source: 'smptebars' });
  project = join(tmp, 'project');
  gstudio('init', project);
  gstudio('import', project, videos);
  server = await serve(['--project', project]);
});
afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Capture view', () => {
  it('shows the fake camera with the hand skeleton drawn live by MediaPipe Tasks (served by the studio), records a clip into a class', { timeout: 300_000 }, async () => {
    const browser = await launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${camera}`]);
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors = watchConsole(page);
      const external: string[] = [];
      page.on('request', (r) => !r.url().startsWith(server.browserOrigin) && !r.url().startsWith('blob:') && !r.url().startsWith('data:') && external.push(r.url()));
      await page.goto(server.url);
      await page.goto(`${server.browserOrigin}/#/capture`);
      await page.getByRole('button', { name: 'Start camera' }).click();
      await page.locator('canvas[data-hands="1"]').waitFor({ timeout: 90_000 });
      await expect.poll(() => page.getByTestId('hands-seen').textContent(), { timeout: 30_000 }).toMatch(/hands in ([1-9]\d*) of/);
      await expect(page.getByText(/Tasks on (GPU|CPU)/)).toBeDefined();
      // Skeleton pixels were drawn: the overlay is not blank.
      const drawn = await page.locator('canvas').evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
      });
      expect(drawn).toBeGreaterThan(500);
      await screenshot(page, 'capture-live');

      // Key 2 picks the second class, space records (3 s countdown, then the chosen length).
      await page.locator('select').nth(2).selectOption('2');
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      const second = await page.locator('select[aria-label="Class"] option').nth(1).getAttribute('value');
      await page.keyboard.press('2');
      await expect.poll(() => page.locator('select[aria-label="Class"]').inputValue()).toBe(second);
      await page.keyboard.press('Space');
      await page.getByText(`Saved ${second}/capture-`).waitFor({ timeout: 90_000 });
      const files = readdirSync(join(tmp, 'videos', second!)).filter((f) => f.startsWith('capture-'));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.mp4$/);
      // In the class at once, as a clip of the project.
      const clips = await page.evaluate(async () => (await (await fetch('/api/clips.list', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({}) })).json()) as { ok: boolean; result: { items: { relPath: string; className: string }[] } });
      expect(clips.result.items.filter((c) => c.relPath.includes('capture-')).map((c) => c.className)).toEqual([second]);
      // A real video with the hand in it: the extraction finds it.
      const out = JSON.parse(gstudio('landmarks', join(tmp, 'videos', second!, files[0]), '--detector', 'none', '--model', 'lite', '--json')) as { frames: { hands: unknown[] }[] };
      expect(out.frames.length).toBeGreaterThanOrEqual(30);
      expect(out.frames.filter((f) => f.hands.length > 0).length / out.frames.length).toBeGreaterThan(0.8);
      await screenshot(page, 'capture-saved');

      // Hold to record: the clip lasts as long as space is held, without a countdown.
      await page.getByLabel('Length').selectOption('hold');
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      const pressed = Date.now();
      await page.keyboard.down('Space');
      await page.getByText('● Recording: release to stop').waitFor({ timeout: 10_000 });
      await page.waitForTimeout(1_600);
      await page.keyboard.up('Space');
      // How long space was really held (a loaded machine delivers the key later than asked).
      const heldFor = (Date.now() - pressed) / 1000;
      await expect.poll(() => page.getByRole('list', { name: 'Recorded clips' }).getByRole('listitem').count(), { timeout: 90_000 }).toBe(2);
      const held = readdirSync(join(tmp, 'videos', second!)).filter((f) => f.startsWith('capture-') && f !== files[0]);
      expect(held).toHaveLength(1);
      const length = Number(execFileSync(ffprobePath(), ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', join(tmp, 'videos', second!, held[0])]).toString());
      expect(length).toBeGreaterThan(1.2);
      expect(length).toBeLessThan(heldFor + 0.5);
      // A tap is too short to be a clip: nothing saved, and it says why.
      await page.keyboard.press('Space');
      await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 10_000 }).toMatch(/hold space .* at least half a second/);
      expect(readdirSync(join(tmp, 'videos', second!)).filter((f) => f.startsWith('capture-'))).toHaveLength(2);
      await screenshot(page, 'capture-hold');
      expect(external).toEqual([]);
      expect(errors.filter((e) => !/WebGL|GPU|gl_context|OpenGL/i.test(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('says clearly when there is no camera', async () => {
    // No fake device: this machine has no camera, so Chromium finds none.
    const browser = await launchBrowser(['--use-fake-ui-for-media-stream']);
    try {
      const page = await browser.newPage();
      await page.goto(server.url);
      await page.goto(`${server.browserOrigin}/#/capture`);
      await page.getByRole('button', { name: 'Start camera' }).click();
      await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 30_000 }).toMatch(/No camera was found\. Connect a camera, then press Start camera again\./);
      await expect(page.getByRole('button', { name: 'Start camera' }).isEnabled()).resolves.toBe(true);
    } finally {
      await browser.close();
    }
  });

  it('says clearly when camera permission is refused', async () => {
    const browser = await launchBrowser(['--use-fake-device-for-media-stream', '--deny-permission-prompts']);
    try {
      const page = await browser.newPage();
      await page.goto(server.url);
      await page.goto(`${server.browserOrigin}/#/capture`);
      await page.getByRole('button', { name: 'Start camera' }).click();
      await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 30_000 }).toMatch(/Camera permission was refused/);
      await expect(page.getByRole('button', { name: 'Start camera' }).isEnabled()).resolves.toBe(true);
    } finally {
      await browser.close();
    }
  });
});
