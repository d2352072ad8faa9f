import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeVideoFolder, type GeneratedFolder } from '../src/test-support/make-clips';
import { screenshot } from './support/browser';
import type { Served } from './support/serve';
import { openStudio, type Studio } from './support/studio';

let tmp: string;
let folder: GeneratedFolder;
let studio: Studio;
let server: Served;
let page: Page;
let consoleErrors: string[];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-e2e-'));
  folder = makeVideoFolder(join(tmp, 'videos'));
  studio = await openStudio([], { width: 1400, height: 900 });
  ({ server, page, consoleErrors } = studio);
});

afterAll(async () => {
  await studio?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('a researcher creates a project and imports clips', () => {
  it('opens the studio through the tokened URL, with the six views', async () => {
    await page.goto(server.url);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Project', 'Clips', 'Extraction', 'Training', 'Evaluation', 'Predict']) {
      expect(await nav.getByRole('link', { name, exact: true }).count()).toBe(1);
    }
    expect(page.url()).not.toContain('token='); // traded for a cookie
    // Before a project is open, every view says where to start.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Training', exact: true }).click();
    await page.getByRole('heading', { name: 'Training' }).waitFor();
    expect(await page.getByText('Open or create a project first').isVisible()).toBe(true);
  });

  it('creates a project and imports the folder: right classes and counts', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Project', exact: true }).click();
    await page.getByLabel('Project folder', { exact: true }).fill(join(tmp, 'project'));
    await page.getByLabel('Name (optional)').fill('E2E signs');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'E2E signs' }).waitFor();

    await page.getByLabel('Video folder').fill(folder.root);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByText('6 new or changed').waitFor();
    await page.getByText(/^done$/i).waitFor({ timeout: 60_000 });

    const table = page.getByRole('table', { name: 'Classes' });
    const rows = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.children).slice(0, 4).map((c) => c.textContent?.trim())),
    );
    expect(rows).toEqual([
      ['point', '2', '2', '0'],
      ['thumbs up', '2', '1', '1'],
      ['wave', '2', '2', '0'],
    ]);
    // Numeric columns are right-aligned, their headers too.
    const headerAlign = await table.locator('thead th').evaluateAll((ths) => ths.slice(0, 6).map((th) => getComputedStyle(th).textAlign));
    expect(headerAlign).toEqual(['left', 'right', 'right', 'right', 'right', 'right']);
    await page.getByText('2 file(s) skipped').click();
    expect(await page.getByText('point/session 1/notes.txt').isVisible()).toBe(true);
    await screenshot(page, 'project-imported');
  });

  it('lists clips, filters them, and plays one', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clips', exact: true }).click();
    const list = page.getByRole('listbox', { name: 'Clips' });
    await list.getByRole('option').first().waitFor();
    expect(await page.getByText('6 clips').isVisible()).toBe(true);

    await page.getByLabel('Class').selectOption({ label: 'wave (2)' });
    await page.getByText('2 clips').waitFor();
    await list.getByRole('option', { name: /wave_01\.mp4/ }).click();
    const video = page.getByLabel('Clip video');
    await video.waitFor();
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 0.3, null, { timeout: 20_000 });
    const state = await video.evaluate((v: HTMLVideoElement) => ({ t: v.currentTime, w: v.videoWidth, d: v.duration }));
    expect(state.w).toBe(96);
    expect(state.d).toBeCloseTo(3, 0);
    // Seek: the server answers byte ranges, so the element can jump.
    await video.evaluate((v: HTMLVideoElement) => {
      v.pause();
      v.currentTime = 2.5;
    });
    await page.waitForFunction(() => {
      const v = document.querySelector('video');
      return v && !v.seeking && Math.abs(v.currentTime - 2.5) < 0.1;
    });
    await screenshot(page, 'clip-playing');
  });

  it('flags the corrupt clip with its reason', async () => {
    await page.getByLabel('Class').selectOption({ label: 'All classes' });
    await page.getByLabel('Status').selectOption('failed');
    await page.getByText('1 clip', { exact: true }).waitFor();
    const list = page.getByRole('listbox', { name: 'Clips' });
    await list.getByRole('option', { name: /broken\.mp4/ }).click();
    const alert = page.getByRole('alert', { name: 'Clip error' });
    expect(await alert.textContent()).toMatch(/cannot be read: .*Invalid data found/);
    await screenshot(page, 'clip-failed');
  });

  it('keeps the non-ASCII clip findable by search', async () => {
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Search', { exact: true }).fill('ñandú');
    await page.getByText('1 clip', { exact: true }).waitFor();
    expect(await page.getByRole('option', { name: /señal ñandú 手\.mp4/ }).count()).toBe(1);
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});

describe('web mode security', () => {
  it('refuses calls without the token and from another origin', async () => {
    const noToken = await fetch(`${server.origin}/api/project.summary`, { method: 'POST', body: '{}' });
    expect(noToken.status).toBe(401);
    const media = await fetch(`${server.origin}/media/clip/1`);
    expect(media.status).toBe(401);
    const cookie = (await page.context().cookies())[0];
    const foreign = await fetch(`${server.origin}/api/project.summary`, {
      method: 'POST',
      body: '{}',
      headers: { cookie: `${cookie.name}=${cookie.value}`, origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
    // The browser's cookie belongs to the launch host; replayed to 127.0.0.1 it opens nothing.
    expect(cookie.domain).toBe(new URL(server.browserOrigin).hostname);
    const replayed = await fetch(`${server.origin}/api/project.summary`, { method: 'POST', body: '{}', headers: { cookie: `${cookie.name}=${cookie.value}` } });
    expect(replayed.status).toBe(401);
    const invalid = await fetch(`${server.origin}/api/clips.get`, {
      method: 'POST',
      body: JSON.stringify({ id: 'x' }),
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { code: string } }).error.code).toBe('invalid_params');
  });
});

describe('extracting keypoints', () => {
  it('runs from the Extraction view with progress, and the coverage updates', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Extraction', exact: true }).click();
    await page.getByLabel('Hand model').selectOption('lite');
    await page.getByLabel('Person detector').selectOption('none');
    await page.getByLabel('Frames per sequence').fill('16');
    await page.getByRole('button', { name: 'Extract pending clips' }).click();
    await page.getByText(/^done$/i).waitFor({ timeout: 120_000 });
    const coverage = page.getByLabel('Extraction coverage');
    await coverage.getByText('Extracted').waitFor();
    expect(await coverage.locator('dd').first().textContent()).toBe('5');
    expect(await page.getByText(/frames\/s/).first().isVisible()).toBe(true);
    // Finished: the state says Done once, and with nothing pending the button says so instead of starting an empty job.
    expect((await page.getByRole('main').innerText()).match(/\bdone\b/gi)).toHaveLength(1);
    const extractPending = page.getByRole('button', { name: 'Extract pending clips' });
    await expect.poll(() => extractPending.isDisabled()).toBe(true);
    expect(await extractPending.getAttribute('title')).toMatch(/nothing is pending/i);
    await screenshot(page, 'extraction-done');

    // Clips in which no frame had a hand (these test patterns have none) are pointed out, with a link to review them.
    const jobs = await page.evaluate(async () => {
      const r = await fetch('/api/jobs.list', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      return ((await r.json()) as { result: { kind: string; result?: { noHands?: number } }[] }).result;
    });
    const noHands = jobs.filter((j) => j.kind === 'extract').at(-1)?.result?.noHands;
    // All five readable clips are test patterns.
    expect(noHands).toBe(5);
    const note = page.getByRole('note', { name: 'Clips without hands' });
    expect(await note.textContent()).toMatch(/^\s*5 clips have no hands in any frame/);
    await note.getByRole('link', { name: /Clips view \(filter: No hands\)/ }).click();
    await page.getByRole('heading', { name: 'Clips', exact: true }).waitFor();
    expect(await page.getByLabel('Review').inputValue()).toBe('no_hands');
    await page.getByText('5 clips', { exact: true }).waitFor();
    // Other settings than the file's are pointed out before anything starts.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Extraction', exact: true }).click();
    const differs = page.getByRole('note', { name: 'Settings differ from the keypoints file' });
    expect(await differs.count()).toBe(0);
    await page.getByLabel('Frames per sequence').fill('12');
    await differs.waitFor();
    expect(await differs.textContent()).toContain('frames per sequence 16 -> 12');
    await page.getByLabel('Frames per sequence').fill('16');
    await differs.waitFor({ state: 'detached' });
    // Extracting everything again asks first; declined, nothing starts.
    let question = '';
    page.once('dialog', (d) => {
      question = d.message();
      void d.dismiss();
    });
    await page.getByRole('button', { name: 'Extract all again' }).click();
    expect(question).toMatch(/^Extract all clips again\? The 5 extracted clips are done again/);
    expect(await page.getByText('Last extraction').count()).toBe(1);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Project', exact: true }).click();
    await page.getByText('5 of 5 extracted').waitFor();
  });
});

describe('relabelling while reviewing', () => {
  it('relabels with a key, undoes with Ctrl+Z, and both survive a reload', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clips', exact: true }).click();
    await page.getByLabel('Search', { exact: true }).fill('');
    await page.getByLabel('Status').selectOption('ok');
    await page.getByLabel('Class').selectOption({ label: 'wave (2)' });
    const list = page.getByRole('listbox', { name: 'Clips' });
    await list.getByRole('option', { name: /wave_02\.mp4/ }).click();
    // Classes in order: 1 point, 2 thumbs up, 3 wave. Key 1 relabels the clip as "point".
    await page.keyboard.press('1');
    await page.getByRole('status').filter({ hasText: 'Relabelled 1 clip as point' }).waitFor();
    await page.reload();
    // The reload keeps the "wave" filter (it is in the address), which the relabelled clip left.
    expect(await page.getByLabel('Class').locator('option:checked').textContent()).toMatch(/^wave/);
    await page.getByLabel('Class').selectOption({ index: 0 });
    await page.getByLabel('Search', { exact: true }).fill('wave_02');
    await list.getByRole('option', { name: /wave_02\.mp4/ }).click();
    expect(await page.getByLabel('Label', { exact: true }).inputValue()).toBe('point');
    expect(await list.getByRole('option', { name: /wave_02\.mp4/ }).textContent()).toContain('point');
    await page.getByText('Label history (1)').click();
    expect(await page.getByRole('list', { name: 'Label history' }).textContent()).toMatch(/wave → point/);
    await screenshot(page, 'clip-relabelled');

    await list.focus();
    await page.keyboard.press('Control+z');
    await page.getByRole('status').filter({ hasText: /Undid relabel of 1 clip \(back to wave\)/ }).waitFor();
    await page.reload();
    await page.getByLabel('Search', { exact: true }).fill('wave_02');
    expect(await list.getByRole('option', { name: /wave_02\.mp4/ }).textContent()).toContain('wave');
    await list.focus();
    await page.keyboard.press('Control+Shift+Z');
    await page.getByRole('status').filter({ hasText: 'Redid relabel of 1 clip as point' }).waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
