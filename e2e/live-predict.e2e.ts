import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../src/core/video/binaries';
import { sharedData } from '../src/test-support/shared-data';
import { launchBrowser, screenshot } from './support/browser';
import { gstudio } from './support/cli';
import { serve, type Served } from './support/serve';

// A model trained on clips of the test video (two classes: its first and second half), then the
// same video as the fake camera: the Capture view classifies the live keypoints with it.
let tmp: string;
let camera: string;
let server: Served;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-live-'));
  const video = sharedData('video', 'hand_test_640x360.mp4');
  for (const [cls, offsets] of [['early', [0, 1, 2]], ['late', [5, 6, 7]]] as const) {
    mkdirSync(join(tmp, 'videos', cls), { recursive: true });
    for (const o of offsets) execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-ss', String(o), '-i', video, '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', join(tmp, 'videos', cls, `at${o}.mp4`)]);
  }
  gstudio('demo', '--out', join(tmp, 'demo'), '--videos', join(tmp, 'videos'), '--epochs', '2');
  camera = join(tmp, 'hand.y4m');
  execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-ss', '1', '-i', video, '-t', '2', '-pix_fmt', 'yuv420p', camera]);
  server = await serve(['--project', join(tmp, 'demo', 'project')]);
}, 600_000);
afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Capture view, live predict', () => {
  it('classifies the live camera keypoints with a trained run: a class, its confidence and the top five', { timeout: 300_000 }, async () => {
    const browser = await launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${camera}`]);
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.goto(server.url);
      await page.goto(`${server.browserOrigin}/#/capture`);
      await page.getByRole('button', { name: 'Start camera' }).click();
      await page.locator('canvas[data-hands="1"]').waitFor({ timeout: 120_000 });
      const model = page.locator('select[aria-label="Model"]');
      await expect.poll(() => model.locator('option').count(), { timeout: 30_000 }).toBeGreaterThan(1);
      await model.selectOption({ index: 1 });
      await expect.poll(() => page.getByTestId('live-label').textContent().catch(() => ''), { timeout: 120_000 }).toMatch(/^(early|late) \d+%$/);
      const top = await page.locator('ol[aria-label="Top five"] li').allTextContents();
      expect(top.map((t) => t.split(' ')[0]).sort()).toEqual(['early', 'late']);
      await screenshot(page, 'capture-live-predict');
    } finally {
      await browser.close();
    }
  });
});
