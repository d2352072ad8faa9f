import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatasetSplit } from '../src/core/dataset/split';
import { screenshot } from './support/browser';
import { makeTrainedProject } from './support/trained-project';
import type { Served } from './support/serve';
import { openStudio, type Studio } from './support/studio';

let tmp: string;
let studio: Studio;
let server: Served;
let page: Page;
let split: DatasetSplit;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-gallery-'));
  const made = await makeTrainedProject(tmp, [{ name: 'run 1' }]);
  split = made.splits[0];
  studio = await openStudio(['--project', made.dir], { width: 1400, height: 900 });
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
  expect(await page.locator('.vlist-row .clip-split').first().textContent()).toMatch(/^(train|val|test)$/);

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
