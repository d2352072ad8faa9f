import { linkSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ProjectStore, scanVideoFolder } from '../src/core/project';
import { makeClip } from '../src/test-support/make-clips';
import { screenshot } from './support/browser';
import type { Served } from './support/serve';
import { openStudio, type Studio } from './support/studio';

const N = 20_000;
let tmp: string;
let studio: Studio;
let server: Served;
let page: Page;
let consoleErrors: string[];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-scale-'));
  // 20,000 real, playable files: hard links to one short clip, recorded as already probed.
  const videos = join(tmp, 'videos');
  const source = join(tmp, 'source.mp4');
  makeClip(source, { seconds: 1 });
  const rel = (i: number) => `class_${i % 25}/clip_${String(i).padStart(5, '0')}.mp4`;
  for (let c = 0; c < 25; c++) mkdirSync(join(videos, `class_${c}`), { recursive: true });
  for (let i = 0; i < N; i++) linkSync(source, join(videos, rel(i)));
  const store = ProjectStore.create(join(tmp, 'big'), 'Big');
  store.setVideoRoot(videos);
  store.syncClips((await scanVideoFolder(videos)).clips);
  const info = { duration: 1, fps: 25, frameCount: 25, width: 96, height: 64, codec: 'h264', rotation: 0 };
  store.db.transaction(() => store.listClips({ limit: N }).items.forEach((c) => store.setProbeResult(c.id, info)))();
  store.close();
  studio = await openStudio(['--project', join(tmp, 'big')], { width: 1400, height: 900 });
  ({ server, page, consoleErrors } = studio);
});

afterAll(async () => {
  await studio?.close();
  rmSync(tmp, { recursive: true, force: true });
});

it('browses 20,000 clips with only the visible rows in the page', async () => {
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clips', exact: true }).click();
  const list = page.getByRole('listbox', { name: 'Clips' });
  await list.getByRole('option', { name: /clip_00000\.mp4/ }).waitFor();
  expect(await page.getByText(`${N} clips`).isVisible()).toBe(true);
  expect(await list.getByRole('option').count()).toBeLessThan(80);

  // Jump to the end with the keyboard: the last clip appears, fetched on demand.
  await list.focus();
  await page.keyboard.press('End');
  const last = list.getByRole('option', { selected: true });
  await page.waitForFunction(() => document.querySelector('[role=option][aria-selected=true]')?.textContent?.includes('.mp4'));
  expect(await last.textContent()).toMatch(/class_9\b|clip_\d{5}\.mp4/);
  expect(await list.getByRole('option').count()).toBeLessThan(80);
  const scrolled = await list.evaluate((el) => el.scrollTop);
  expect(scrolled).toBeGreaterThan(N * 40);

  // And back up a page with the keyboard, still a handful of rows in the DOM.
  await page.keyboard.press('PageUp');
  await page.keyboard.press('ArrowUp');
  expect(await list.getByRole('option').count()).toBeLessThan(80);
  await screenshot(page, 'clips-20000');
  expect(consoleErrors).toEqual([]);
});
