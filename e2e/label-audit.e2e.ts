import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditQueue, Clip, LabelEvent } from '../src/api';
import { screenshot } from './support/browser';
import { gstudio } from './support/cli';
import { apiCall as call, openStudio, type Studio } from './support/studio';

let tmp: string;
let studio: Studio;
let page: Page;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-audit-'));
  // A small demo project (3 signs × 12 clips), made by the real CLI.
  gstudio('demo', '--out', join(tmp, 'demo'), '--keypoints-only', '--classes', '3', '--clips', '12', '--epochs', '2');
  studio = await openStudio(['--project', join(tmp, 'demo', 'project')], { width: 1400, height: 1100 });
  page = studio.page;
  await page.goto(studio.server.url);
});

afterAll(async () => {
  await studio?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('label audit in the studio', () => {
  it('audits, then accepts a suggestion by Enter, undoes it, and keeps a label by K; the queue survives a reload', async () => {
    // Three clips given a wrong label, as a tired annotator would.
    const { items } = await call<{ items: Clip[] }>(page, 'clips.list', { limit: 100 });
    const classes = [...new Set(items.map((c) => c.classId))];
    const wrong = [items[0], items[13], items[26]];
    for (const c of wrong) await call(page, 'clips.relabel', { clipIds: [c.id], classId: classes.find((k) => k !== c.classId)! });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Evaluation', exact: true }).click();
    await page.getByLabel('Folds').fill('3');
    await page.getByLabel('Epochs per fold').fill('12');
    await page.getByRole('button', { name: 'Audit labels' }).click();
    await page.getByRole('table', { name: 'Audit queue' }).waitFor({ timeout: 170_000 });
    await page.locator('[data-audit-summary]').waitFor();
    await page.getByRole('heading', { name: /Likely mislabelled/ }).scrollIntoViewIfNeeded();
    await screenshot(page, 'label-audit');
    const queue = await call<AuditQueue>(page, 'audit.queue', {});
    expect(queue.rows.length).toBeGreaterThan(0);
    expect(queue.rows.map((r) => r.rank)).toEqual([...queue.rows.map((r) => r.rank)].sort((a, b) => a - b));
    const flaggedWrong = queue.rows.filter((r) => wrong.some((w) => w.id === r.clipId));
    console.log(`audit: ${queue.rows.length} flagged, ${flaggedWrong.length} of the 3 relabelled clips among them`);

    // Enter on the first row: its label becomes the suggestion.
    const first = queue.rows[0];
    await page.getByRole('group', { name: /Audit queue/ }).focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-audit-notice]').filter({ hasText: 'as suggested' }).waitFor();
    expect((await call<Clip>(page, 'clips.get', { id: first.clipId })).className).toBe(first.suggestedClass);
    await expect.poll(async () => (await call<AuditQueue>(page, 'audit.queue', {})).rows.some((r) => r.clipId === first.clipId)).toBe(false);

    // Undo: the given label is back, and so is the row.
    await page.getByRole('group', { name: 'Audit queue (keyboard: Enter, 1-9, K)' }).getByRole('button', { name: 'Undo' }).click();
    await page.locator('[data-audit-notice]').filter({ hasText: 'Undid' }).waitFor();
    expect((await call<Clip>(page, 'clips.get', { id: first.clipId })).className).toBe(first.givenClass);
    await page.locator(`tr[data-clip-id="${first.clipId}"]`).waitFor();

    // K keeps the label: off the queue, recorded with who and when.
    await page.locator(`tr[data-clip-id="${first.clipId}"]`).click();
    await page.getByRole('group', { name: /Audit queue/ }).focus();
    await page.keyboard.press('k');
    await page.locator('[data-audit-notice]').filter({ hasText: 'Kept the label' }).waitFor();
    await page.locator(`tr[data-clip-id="${first.clipId}"]`).waitFor({ state: 'detached' });
    expect((await call<Clip>(page, 'clips.get', { id: first.clipId })).className).toBe(first.givenClass);
    const history = await call<LabelEvent[]>(page, 'labels.history', { clipId: first.clipId });
    expect(history.at(-1)).toMatchObject({ kind: 'keep', state: 'applied', oldClass: first.givenClass, newClass: first.givenClass });
    expect(history.at(-1)!.author.length).toBeGreaterThan(0);

    // A reload (a restart of the UI) shows the same queue, without the kept clip.
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Evaluation', exact: true }).click();
    await page.locator('[data-audit-summary]').waitFor();
    const after = await call<AuditQueue>(page, 'audit.queue', {});
    expect(after.rows.map((r) => r.clipId)).toEqual(queue.rows.map((r) => r.clipId).filter((id) => id !== first.clipId));

    // Accept one suggestion for good, then one click retrains with the same settings, and the
    // Evaluation view compares the new run with the old one.
    await page.getByRole('group', { name: /Audit queue/ }).focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-audit-notice]').filter({ hasText: 'as suggested' }).waitFor();
    await page.getByRole('button', { name: 'Retrain with the same settings' }).click();
    await page.locator('[data-audit-notice]').filter({ hasText: 'Retraining as run' }).waitFor();
    await expect.poll(async () => (await call<{ status: string }[]>(page, 'runs.list', {})).map((r) => r.status).join(','), { timeout: 150_000, interval: 1000 }).toBe('done,done');
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Evaluation', exact: true }).click();
    // The retrained run (named "… · active" when its validation F1 makes it the one the views use).
    const retrained = await page.getByLabel('Run', { exact: true }).locator('option', { hasText: /^run 2 · gru/ }).getAttribute('value');
    await page.getByLabel('Run', { exact: true }).selectOption(retrained!);
    await page.locator('[data-compare-f1]').waitFor();
    await page.getByRole('table', { name: 'Per-class F1 compared' }).waitFor();
    await page.getByRole('heading', { name: /Clips whose prediction changed/ }).waitFor();
    await screenshot(page, 'label-audit-compare');

    // The Clips view's review filter lists the same clips.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clips', exact: true }).click();
    await page.getByLabel('Review').selectOption('mislabelled');
    const listed = await call<{ total: number }>(page, 'clips.list', { review: 'mislabelled' });
    expect(listed.total).toBe(after.rows.length - 1);
    expect(studio.consoleErrors).toEqual([]);
  });
});
