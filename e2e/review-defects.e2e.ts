import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { makeVideoFolder } from '../src/test-support/make-clips';
import { screenshot } from './support/browser';
import { gstudio } from './support/cli';
import { apiCall, navTo, openStudio, type Studio } from './support/studio';

// One small trained demo project for every test of this file (issue 14's review defects).
let tmp: string;
let studio: Studio;
let page: Page;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-review-'));
  gstudio('demo', '--out', join(tmp, 'demo'), '--keypoints-only', '--classes', '3', '--clips', '12', '--epochs', '3');
  studio = await openStudio(['--project', join(tmp, 'demo', 'project')], { width: 1400, height: 1000 });
  page = studio.page;
  page.setDefaultTimeout(15_000);
  await page.goto(studio.server.url);
});

afterAll(async () => {
  await studio?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const call = (m: string, p: unknown) => apiCall<any>(page, m, p);
const nav = (name: string) => navTo(page, name);
const status = () => page.getByRole('status').first();

describe('reviewing in the Evaluation view', () => {
  it('"Relabel as X" takes the clip out of the queue, Ctrl+Z brings it back with its old label', async () => {
    await nav('Evaluation');
    const queue = page.getByRole('table', { name: 'Review queue' });
    await queue.waitFor();
    const rows = queue.locator('tbody tr');
    const before = await rows.count();
    expect(before).toBeGreaterThan(0);
    const first = rows.first();
    const clip = (await first.locator('td').first().textContent())!;
    const button = first.getByRole('button', { name: /^Relabel as / });
    const target = (await button.textContent())!.replace('Relabel as ', '');
    await button.click();
    // The notice names the clip, and the row leaves the queue (it stays gone after the refetch).
    await page.getByRole('status').filter({ hasText: `Relabelled 1 clip as ${target}: ${clip.split('/').pop()}` }).waitFor();
    await page.waitForTimeout(500);
    expect(await queue.getByText(clip, { exact: true }).count()).toBe(0);
    expect(await rows.count()).toBe(before - 1);
    await screenshot(page, 'evaluation-relabelled');

    await page.locator('body').press('Control+z');
    await page.getByRole('status').filter({ hasText: /Undid relabel of 1 clip/ }).waitFor();
    await queue.getByText(clip, { exact: true }).waitFor();
    expect(await rows.count()).toBe(before);
  });
});

describe('relabelling by key in the Clips view', () => {
  it('keeps the place in a filtered list: the next clip is selected and named, a second key does not hit another clip silently', async () => {
    const summary = (await call('project.summary', {})) as { classes: { id: number; name: string; clips: number }[] };
    const [first, second] = summary.classes;
    await nav('Clips');
    await page.getByLabel('Class').selectOption({ label: `${first.name} (${first.clips})` });
    const list = page.getByRole('listbox', { name: 'Clips' });
    await page.getByText(`${first.clips} clips`, { exact: true }).waitFor();
    const options = list.getByRole('option');
    await options.nth(1).click();
    const relabelled = (await options.nth(1).locator('.clip-name').textContent())!;
    const next = (await options.nth(2).locator('.clip-name').textContent())!;
    // Key 2 relabels as the second class: the clip leaves this class's list.
    await page.keyboard.press('2');
    await page.getByRole('status').filter({ hasText: `Relabelled 1 clip as ${second.name}: ${relabelled}. It left this list; now on ${next}` }).waitFor();
    await page.getByText(`${first.clips - 1} clips`, { exact: true }).waitFor();
    expect(await list.locator('[aria-selected="true"] .clip-name').textContent()).toBe(next);
    expect(await page.getByRole('article', { name: 'Clip details' }).getByRole('heading').first().textContent()).toBe(next);
    await screenshot(page, 'clips-relabel-next');
    await page.keyboard.press('Control+z');
    await page.getByRole('status').filter({ hasText: `Undid relabel of 1 clip (back to ${first.name}): ${relabelled}` }).waitFor();
    await page.getByText(`${first.clips} clips`, { exact: true }).waitFor();
  });
});

describe('empty filter results', () => {
  it('say that no clip matches and what the review filter means', async () => {
    await nav('Clips');
    await page.getByLabel('Class').selectOption({ index: 0 });
    await page.getByLabel('Review').selectOption('low_confidence');
    await expect.poll(() => page.getByTestId('review-help').textContent()).toMatch(/below 60%/);
    await page.getByLabel('Search', { exact: true }).fill('no-such-clip-anywhere');
    const empty = page.getByRole('note', { name: 'No clips' });
    await empty.waitFor();
    expect(await empty.textContent()).toMatch(/No clips match these filters \(low confidence, “no-such-clip-anywhere”\)/);
    await screenshot(page, 'clips-no-match');
    await page.getByLabel('Search', { exact: true }).fill('');
    await page.getByLabel('Review').selectOption('');
    await empty.waitFor({ state: 'detached' });
  });
});

describe('the Clips view in the address', () => {
  it('opens a clip linked from Evaluation where it is in the list: selected, scrolled to, highlighted', async () => {
    await nav('Evaluation');
    await page.getByLabel('Split').selectOption('train');
    // A clip of the last class (alphabetically), far down the list of every clip.
    const summary = (await call('project.summary', {})) as { classes: { name: string }[] };
    const last = summary.classes.at(-1)!.name;
    await page.getByRole('button', { name: new RegExp(`^true ${last}, predicted \\w+: [1-9]\\d* clips`) }).first().click();
    const link = page.getByRole('table', { name: 'Clips in the selected cell' }).getByRole('link').last();
    const name = (await link.textContent())!.split('/').pop()!;
    await link.click();
    const list = page.getByRole('listbox', { name: 'Clips' });
    const row = list.locator('[aria-selected="true"]');
    await row.locator('.clip-name', { hasText: name }).waitFor();
    expect(await row.getAttribute('class')).toMatch(/flash/);
    const [box, rowBox] = [await list.boundingBox(), await row.boundingBox()];
    expect(rowBox!.y).toBeGreaterThanOrEqual(box!.y);
    expect(rowBox!.y + rowBox!.height).toBeLessThanOrEqual(box!.y + box!.height);
    expect(await list.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    await screenshot(page, 'clips-linked-from-evaluation');
  });

  it('keeps the filter, the open clip and the scroll over a reload', async () => {
    await page.getByLabel('Search', { exact: true }).fill('_0');
    await page.getByLabel('Status').selectOption('ok');
    const list = page.getByRole('listbox', { name: 'Clips' });
    await list.getByRole('option').nth(3).click();
    const open = (await list.locator('[aria-selected="true"] .clip-name').textContent())!;
    await list.evaluate((el) => (el.scrollTop = 150));
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/top=150/);
    await page.reload();
    await list.locator('[aria-selected="true"] .clip-name', { hasText: open }).waitFor();
    expect(await page.getByLabel('Search', { exact: true }).inputValue()).toBe('_0');
    expect(await page.getByLabel('Status').inputValue()).toBe('ok');
    // The open clip is scrolled into view; without one the list goes back to its offset.
    await page.evaluate(() => history.replaceState(null, '', location.hash.replace(/&?clip=\d+/, '')));
    await page.reload();
    await page.getByText(/\d+ clips/).first().waitFor();
    await expect.poll(() => list.evaluate((el) => el.scrollTop)).toBe(150);
    await page.getByLabel('Search', { exact: true }).fill('');
    await page.getByLabel('Status').selectOption('');
  });
});

describe('keyboard shortcuts', () => {
  it('step frames with , and . from anywhere in the view, and ? lists every shortcut', async () => {
    await nav('Clips');
    const list = page.getByRole('listbox', { name: 'Clips' });
    await list.getByRole('option').first().click();
    const overlay = page.getByLabel('Keypoint overlay');
    await page.getByText(/^Frame \d+ \/ \d+$/).waitFor();
    await expect.poll(async () => Number(await overlay.getAttribute('data-frame'))).toBeGreaterThanOrEqual(0);
    await page.getByLabel('Clip video').evaluate((v: HTMLVideoElement) => new Promise((r) => (v.readyState >= 2 ? r(null) : v.addEventListener('loadeddata', () => r(null), { once: true }))));
    const before = Number(await overlay.getAttribute('data-frame'));
    // The focus is on a filter, not on the video.
    await page.getByLabel('Review').focus();
    await page.keyboard.press('.');
    await page.keyboard.press('.');
    await expect.poll(async () => Number(await overlay.getAttribute('data-frame'))).toBe(before + 2);
    await page.keyboard.press(',');
    await expect.poll(async () => Number(await overlay.getAttribute('data-frame'))).toBe(before + 1);
    expect(await page.getByLabel('Review').inputValue()).toBe('');

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    const clips = help.getByRole('table', { name: 'Clips shortcuts' });
    for (const k of [',', '.', 'Ctrl+Z', 'N or J', '1 – 9']) expect(await clips.getByRole('rowheader', { name: k, exact: true }).count()).toBe(1);
    await screenshot(page, 'shortcut-help');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    // Typing "?" into the search box types it.
    await page.getByLabel('Search', { exact: true }).fill('');
    await page.getByLabel('Search', { exact: true }).press('?');
    expect(await help.count()).toBe(0);
    expect(await page.getByLabel('Search', { exact: true }).inputValue()).toBe('?');
    await page.getByLabel('Search', { exact: true }).fill('');
  });
});

describe('smaller things', () => {
  it('a metric without meaning is "–": precision of a class no clip was predicted as, recall without clips', async () => {
    await nav('Evaluation');
    for (const split of ['test', 'val']) {
      await page.getByLabel('Split').selectOption(split);
      await page.waitForTimeout(300);
      const runId = Number(await page.getByLabel('Run', { exact: true }).inputValue());
      const e = (await call('runs.evaluation', { id: runId, split })) as { labels: string[]; confusion: number[][]; perClass: { label: string; support: number }[] };
      const table = page.getByRole('table', { name: 'Per-class report' });
      for (const [j, label] of e.labels.entries()) {
        const predicted = e.confusion.reduce((a, row) => a + row[j], 0);
        const cells = await table.getByRole('row', { name: new RegExp(`^${label} `) }).locator('td').allTextContents();
        expect(cells[0], `${split} ${label}`).toBe(predicted === 0 ? '–' : (cells[0].match(/^\d\.\d{3}$/)?.[0] ?? 'a number'));
        const support = e.perClass.find((c) => c.label === label)!.support;
        expect(cells[1]).toBe(support === 0 ? '–' : (cells[1].match(/^\d\.\d{3}$/)?.[0] ?? 'a number'));
      }
    }
    await page.getByLabel('Split').selectOption('test');
  });

  it('the Extraction and Project views say before a run what the regions will be made with', async () => {
    await nav('Extraction');
    expect(await page.getByTestId('regions-plan').textContent()).toMatch(/^\s*Regions: (YOLOX-nano person boxes \(the model is on this machine\)|YOLOX-nano person boxes once downloaded|the whole frame)/);
    await nav('Project');
    expect(await page.getByTestId('regions').textContent()).toMatch(/^Next extraction: (YOLOX-nano|the whole frame)/);
  });

  it('the folder fields show examples, not values, and the new-project form is empty after creating one', async () => {
    await nav('Project');
    const video = page.getByLabel('Video folder', { exact: true });
    expect(await video.inputValue()).toBe('');
    expect(await video.getAttribute('placeholder')).toMatch(/^e\.g\. /);
    const dir = page.getByLabel('Project folder', { exact: true });
    expect(await dir.getAttribute('placeholder')).toMatch(/^e\.g\. /);
    await dir.fill(join(tmp, 'second'));
    await page.getByLabel('Name (optional)').fill('Second project');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.locator('.project-name', { hasText: 'Second project' }).waitFor();
    expect(await dir.inputValue()).toBe('');
    expect(await page.getByLabel('Name (optional)').inputValue()).toBe('');
  });

  it('the import result lists the clips that could not be read, with why, and identical files', async () => {
    const folder = makeVideoFolder(join(tmp, 'videos'));
    copyFileSync(join(folder.root, 'wave', 'wave_02.mp4'), join(folder.root, 'point', 'wave_02 copy.mp4'));
    await page.getByLabel('Video folder', { exact: true }).fill(folder.root);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const dupes = page.getByRole('note', { name: 'Duplicate files' });
    await dupes.waitFor();
    expect(await dupes.textContent()).toMatch(/point\/wave_02 copy\.mp4, wave\/wave_02\.mp4 — in different classes \(point, wave\)/);
    const unreadable = page.getByRole('note', { name: 'Clips that could not be read' });
    await unreadable.waitFor({ timeout: 60_000 });
    expect(await unreadable.textContent()).toMatch(/1 clip could not be read.*thumbs up\/broken\.mp4: \S+/s);
    await screenshot(page, 'import-report');
  });
});

describe('the page', () => {
  it('logged no console error', () => {
    expect(studio.consoleErrors).toEqual([]);
  });
});
