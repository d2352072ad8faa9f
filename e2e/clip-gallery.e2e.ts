import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TrainingSettings } from '../src/api/runs';
import { ProjectStore, projectFiles, scanVideoFolder } from '../src/core/project';
import { writeSyntheticSequences } from '../src/core/dataset/synthetic-sequences';
import type { DatasetSplit } from '../src/core/dataset/split';
import { trainProject } from '../src/core/runs/train-project';
import { makeClip } from '../src/test-support/make-clips';
import { screenshot } from './support/browser';
import type { Served } from './support/serve';
import { openStudio, type Studio } from './support/studio';

let tmp: string;
let studio: Studio;
let server: Served;
let page: Page;
let split: DatasetSplit;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-gallery-'));
  // 3 classes of 12 real, playable clips (hard links to one), keypoints made to match, and one real run.
  const videos = join(tmp, 'videos');
  const source = join(tmp, 'source.mp4');
  makeClip(source, { seconds: 2 });
  const relPaths = [0, 1, 2].flatMap((k) => Array.from({ length: 12 }, (_, i) => `class_${k}/clip_${String(i).padStart(2, '0')}.mp4`));
  for (let c = 0; c < 3; c++) mkdirSync(join(videos, `class_${c}`), { recursive: true });
  for (const r of relPaths) linkSync(source, join(videos, r));
  const dir = join(tmp, 'proj');
  const store = ProjectStore.create(dir, 'Gallery');
  store.setVideoRoot(videos);
  store.syncClips((await scanVideoFolder(videos)).clips);
  const info = { duration: 2, fps: 25, frameCount: 50, width: 96, height: 64, codec: 'h264', rotation: 0 };
  const ids = new Map(store.listClips({ limit: 1000 }).items.map((c) => [c.relPath, c.id]));
  for (const id of ids.values()) store.setProbeResult(id, info);
  const keys = await writeSyntheticSequences({ path: projectFiles(dir).keypoints, classes: 3, perClass: 12, seqLen: 6, features: 4, seed: 5 });
  relPaths.forEach((r, i) => store.setExtractResult(ids.get(r)!, { h5Key: keys[i], handsFraction: 1 }));
  const settings = TrainingSettings.parse({ epochs: 2, hiddenSize: 8, numLayers: 1, batchSize: 8, dropout: 0, valFraction: 0.25, testFraction: 0.25 });
  const runDir = join(projectFiles(dir).runs, '001-lstm');
  const runId = store.createRun('run 1', 'lstm', settings, runDir);
  store.close();
  await trainProject({ projectDir: dir, runId, settings }, { signal: new AbortController().signal, progress: () => {}, log: () => {} });
  split = JSON.parse(readFileSync(join(runDir, 'split.json'), 'utf8')) as DatasetSplit;
  studio = await openStudio(['--project', dir], { width: 1400, height: 900 });
  ({ server, page } = studio);
}, 120_000);

afterAll(async () => {
  await studio?.close();
  rmSync(tmp, { recursive: true, force: true });
});

it("shows a class's clips as a gallery that plays on hover, and the Split filter gives the run's split", async () => {
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clips', exact: true }).click();
  await page.getByRole('listbox', { name: 'Clips' }).getByRole('option', { name: /clip_00\.mp4/ }).first().waitFor();
  // The list shows each clip's split.
  expect(await page.locator('.vlist-row .split-badge').first().textContent()).toMatch(/^(train|validation|test)$/);

  await page.getByLabel('Class').selectOption({ label: 'class_1 (12)' });
  await page.getByRole('button', { name: 'Gallery' }).click();
  const gallery = page.getByRole('listbox', { name: 'Clip gallery' });
  await gallery.locator('.tile img').first().waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.gallery .tile .tile-name:not(.muted)').length === 12);
  expect(await gallery.locator('.tile').count()).toBe(12);
  expect(await gallery.locator('.tile').first().textContent()).toMatch(/clip_00\.mp4/);
  expect(page.url()).toContain('view=gallery');

  // Hover plays the clip, muted.
  const tile = gallery.locator('.tile').nth(2);
  await tile.hover();
  await page.waitForFunction(() => {
    const v = document.querySelector<HTMLVideoElement>('.gallery .tile video');
    return v !== null && !v.paused && v.currentTime > 0;
  });
  expect(await gallery.locator('video').evaluate((v: HTMLVideoElement) => v.muted)).toBe(true);
  await screenshot(page, 'clip-gallery-hover');

  // Clicking a tile selects the clip (the details panel opens), and a relabel key acts on it; undo puts it back.
  await tile.click();
  await page.locator('.clip-panel').getByText('clip_02.mp4').first().waitFor();
  await page.keyboard.press('1');
  await page.getByRole('status').getByText(/clip_02\.mp4|Relabelled/).first().waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.gallery .tile .tile-name:not(.muted)').length === 11);
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.querySelectorAll('.gallery .tile .tile-name:not(.muted)').length === 12);

  // The Split filter over all classes: exactly the counts of the run's split.
  await page.getByLabel('Class').selectOption({ label: 'All classes' });
  for (const [value, part] of [['train', 'train'], ['val', 'val'], ['test', 'test']] as const) {
    await page.getByLabel('Split').selectOption(value);
    await page.getByText(`${split[part].length} clips`, { exact: true }).waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('.gallery .tile .tile-name:not(.muted)').length === n, split[part].length);
    const badges = await gallery.locator('.split-badge').allTextContents();
    expect(new Set(badges)).toEqual(new Set([part === 'val' ? 'validation' : part]));
  }
  expect(page.url()).toContain('split=test');
  await screenshot(page, 'clip-gallery-split-test');
  // A reload keeps the gallery and the filter.
  await page.reload();
  await page.getByText(`${split.test.length} clips`, { exact: true }).waitFor();
  expect(await page.getByRole('listbox', { name: 'Clip gallery' }).isVisible()).toBe(true);
  await page.getByLabel('Split').selectOption('none');
  await page.getByText('No clips match').waitFor();
});
