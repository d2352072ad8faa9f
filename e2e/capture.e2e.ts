import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../src/core/video/binaries';
import { sharedData } from '../src/test-support/shared-data';
import { launchBrowser, screenshot, watchConsole } from './support/browser';
import { serve, type Served } from './support/serve';

// Chromium's fake camera plays a y4m file: two seconds of the test video (one right hand).
let tmp: string;
let camera: string;
let server: Served;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-capture-'));
  camera = join(tmp, 'hand.y4m');
  execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-ss', '1', '-i', sharedData('video', 'hand_test_640x360.mp4'), '-t', '2', '-pix_fmt', 'yuv420p', camera]);
  server = await serve();
});
afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Capture view', () => {
  it('shows the fake camera with the hand skeleton drawn live by MediaPipe Tasks (served by the studio)', async () => {
    const browser = await launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${camera}`]);
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors = watchConsole(page);
      const external: string[] = [];
      page.on('request', (r) => !r.url().startsWith(server.origin) && !r.url().startsWith('blob:') && !r.url().startsWith('data:') && external.push(r.url()));
      await page.goto(server.url);
      await page.goto(`${server.origin}/#/capture`);
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
      expect(external).toEqual([]);
      expect(errors.filter((e) => !/WebGL|GPU|gl_context|OpenGL/i.test(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('says clearly when camera permission is refused', async () => {
    const browser = await launchBrowser(['--use-fake-device-for-media-stream', '--deny-permission-prompts']);
    try {
      const page = await browser.newPage();
      await page.goto(server.url);
      await page.goto(`${server.origin}/#/capture`);
      await page.getByRole('button', { name: 'Start camera' }).click();
      await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 30_000 }).toMatch(/Camera permission was refused/);
      await expect(page.getByRole('button', { name: 'Start camera' }).isEnabled()).resolves.toBe(true);
    } finally {
      await browser.close();
    }
  });
});
