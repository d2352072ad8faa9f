import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './support/browser';
import { apiCall, navTo, openStudio, type Studio } from './support/studio';
import { makeTrainedProject } from './support/trained-project';

// Classes managed in the studio (issue 14): a trained project of class_0, class_1, class_2 (12 clips each).
let tmp: string;
let studio: Studio;
let page: Page;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-classes-'));
  const { dir } = await makeTrainedProject(tmp, [{ name: 'run 1 · lstm' }]);
  studio = await openStudio(['--project', dir], { width: 1400, height: 1000 });
  page = studio.page;
  page.setDefaultTimeout(15_000);
  await page.goto(studio.server.url);
});

afterAll(async () => {
  await studio?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const call = <T>(m: string, p: unknown) => apiCall<T>(page, m, p);
const nav = (name: string) => navTo(page, name);
const status = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).waitFor();
/** Each clip's class by the folder it came from: what the project holds, not what a notice says. */
async function classesByFolder(): Promise<Record<string, string[]>> {
  const clips = (await call<{ items: { relPath: string; className: string }[] }>('clips.list', { limit: 1000 })).items;
  const out: Record<string, Set<string>> = {};
  for (const c of clips) (out[c.relPath.split('/')[0]] ??= new Set()).add(c.className);
  return Object.fromEntries(Object.entries(out).map(([f, s]) => [f, [...s].sort()]));
}
const classRows = () => page.getByRole('table', { name: 'Classes' }).locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.children[0].textContent?.trim(), tr.children[1].textContent?.trim()]));

describe('managing classes in the Project view', () => {
  it('renames a class: the name changes everywhere, the folder stays, and the old run keeps its own labels', async () => {
    await nav('Project');
    await page.getByRole('button', { name: 'Rename class_0' }).click();
    await page.getByLabel('New name for class_0').fill('hello');
    await page.keyboard.press('Enter');
    await status('Renamed class class_0 to hello (its folder class_0/ keeps its name on disk)');
    await expect.poll(classRows).toEqual([
      ['class_1', '12'],
      ['class_2', '12'],
      ['hello (folder class_0/)', '12'],
    ]);
    // A name in use is refused, and nothing changes.
    await page.getByRole('button', { name: 'Rename class_1' }).click();
    await page.getByLabel('New name for class_1').fill('Hello');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'There is already a class called "hello"' }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await classesByFolder()).toEqual({ class_0: ['hello'], class_1: ['class_1'], class_2: ['class_2'] });
    await screenshot(page, 'classes-renamed');

    // The Clips view's filter lists the new name.
    await nav('Clips');
    expect(await page.getByLabel('Class').locator('option').allTextContents()).toEqual(['All classes', 'class_1 (12)', 'class_2 (12)', 'hello (12)']);
    // The run trained on class_0: its report keeps that label, and the queue says what it is now.
    await nav('Evaluation');
    const report = page.getByRole('table', { name: 'Per-class report' });
    await report.waitFor();
    expect((await report.locator('tbody tr th, tbody tr td:first-child').allTextContents()).join(' ')).toContain('class_0');
    expect(await report.textContent()).not.toContain('hello');
    // The tiny run calls every clip class_1: class_0's clips are in the review queue, named as the run knew them.
    const queue = page.getByRole('table', { name: 'Review queue' });
    const row = queue.locator('tbody tr').filter({ hasText: 'class_0/' }).first();
    await row.waitFor();
    // Renaming alone relabels nothing: no row shows a struck-out label.
    expect(await queue.locator('s').count()).toBe(0);
    expect(await row.locator('td').nth(2).textContent()).toBe('class_0 (now hello)');
    await screenshot(page, 'classes-renamed-evaluation');
    // "Relabel as" goes to the class the answer is now, and Ctrl+Z gives the clip back to hello.
    const clipPath = (await row.locator('td').first().textContent())!;
    const id = (await call<{ items: { id: number; relPath: string }[] }>('clips.list', { search: clipPath })).items[0].id;
    await row.getByRole('button', { name: 'Relabel as class_1' }).click();
    await status(`Relabelled 1 clip as class_1: ${clipPath.split('/')[1]}`);
    expect((await call<{ className: string }>('clips.get', { id })).className).toBe('class_1');
    await page.locator('body').press('Control+z');
    await status(/^Undid relabel of 1 clip \(back to hello\)/);
    expect((await call<{ className: string }>('clips.get', { id })).className).toBe('hello');
  });

  it('merges a class into another, undoes and redoes it with the keys, and keeps the history', async () => {
    await nav('Project');
    await page.getByRole('button', { name: 'Merge class_2 into another class' }).click();
    await page.getByRole('combobox', { name: 'Merge class_2 into', exact: true }).selectOption({ label: 'class_1' });
    await page.getByRole('button', { name: 'Merge', exact: true }).click();
    await status(/^Merged class class_2 into class_1: 12 clips relabelled: clip_\d\d\.mp4, clip_\d\d\.mp4, clip_\d\d\.mp4 and 9 more$/);
    await expect.poll(classRows).toEqual([
      ['class_1 (folder class_1/, class_2/)', '24'],
      ['hello (folder class_0/)', '12'],
    ]);
    expect(await classesByFolder()).toEqual({ class_0: ['hello'], class_1: ['class_1'], class_2: ['class_1'] });
    await screenshot(page, 'classes-merged');

    await page.locator('body').press('Control+z');
    await status('Undid merging class class_2 into class_1: 12 clips back in class_2');
    await expect.poll(async () => (await classRows()).map((r) => r[0])).toEqual(['class_1', 'class_2', 'hello (folder class_0/)']);
    expect(await classesByFolder()).toEqual({ class_0: ['hello'], class_1: ['class_1'], class_2: ['class_2'] });

    await page.locator('body').press('Control+Shift+Z');
    await status(/^Redid merging class class_2 into class_1/);
    expect(await classesByFolder()).toEqual({ class_0: ['hello'], class_1: ['class_1'], class_2: ['class_1'] });

    await page.getByText(/^Class history \(\d+\)$/).click();
    const history = await page.getByRole('list', { name: 'Class history' }).locator('li').allTextContents();
    expect(history[0]).toMatch(/^merged class_2 into class_1 \(12 clips\) by \S+/);
    expect(history[1]).toMatch(/^renamed class_0 → hello by \S+/);
  });
});

describe('the class picker while relabelling', () => {
  it('filters as you type, chooses with the keys, and makes a class for the clip in one undoable step', async () => {
    await nav('Clips');
    await page.getByLabel('Search', { exact: true }).fill('class_0/clip_03');
    const list = page.getByRole('listbox', { name: 'Clips' });
    await list.getByRole('option', { name: /clip_03\.mp4/ }).click();
    const clip = (await call<{ items: { id: number }[] }>('clips.list', { search: 'class_0/clip_03' })).items[0];
    const picker = page.getByRole('combobox', { name: 'Label' });
    await expect.poll(() => picker.inputValue()).toBe('hello');

    // Typing filters: class_2 was merged away, so "cla" finds class_1 only, and offers to make "cla".
    await picker.click();
    await page.keyboard.type('cla');
    const options = page.getByRole('listbox', { name: 'Label' }).getByRole('option');
    expect(await options.allTextContents()).toEqual([expect.stringMatching(/^class_1/), 'Create class “cla”']);
    await screenshot(page, 'class-picker-filtered');
    // Nothing matches "waving": the only choice is to make it, and Enter does.
    await page.keyboard.press('Control+a');
    await page.keyboard.type('waving');
    expect(await options.allTextContents()).toEqual(['Create class “waving”']);
    await page.keyboard.press('Enter');
    await status('Added class waving and relabelled 1 clip as waving: clip_03.mp4');
    expect((await call<{ className: string }>('clips.get', { id: clip.id })).className).toBe('waving');
    await expect.poll(() => picker.inputValue()).toBe('waving');
    expect((await call<{ classes: { name: string }[] }>('project.summary', {})).classes.map((c) => c.name)).toEqual(['class_1', 'hello', 'waving']);

    // Arrow keys and Enter choose among the matches.
    await picker.click();
    await page.keyboard.type('l');
    expect(await options.allTextContents()).toEqual([expect.stringMatching(/^class_1/), expect.stringMatching(/^hello/), 'Create class “l”']);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await status('Relabelled 1 clip as hello: clip_03.mp4');
    expect((await call<{ className: string }>('clips.get', { id: clip.id })).className).toBe('hello');
    await screenshot(page, 'class-picker-relabelled');

    // One Ctrl+Z per action: the relabel, then the class made with its relabel.
    await page.keyboard.press('Control+z');
    await status(/^Undid relabel of 1 clip \(back to waving\)/);
    await page.keyboard.press('Control+z');
    await status('Undid adding class waving and relabelling 1 clip: clip_03.mp4');
    expect((await call<{ className: string }>('clips.get', { id: clip.id })).className).toBe('hello');
    expect((await call<{ classes: { name: string }[] }>('project.summary', {})).classes.map((c) => c.name)).toEqual(['class_1', 'hello']);
    expect(await classesByFolder()).toEqual({ class_0: ['hello'], class_1: ['class_1'], class_2: ['class_1'] });
    // The one refused call of this file (the rename to a name in use) is the browser's one logged error.
    expect(studio.consoleErrors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });
});
