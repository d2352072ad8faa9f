import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FolderClipResult } from '../src/api';
import { makeClip } from '../src/test-support/make-clips';
import { screenshot } from './support/browser';
import { gstudio } from './support/cli';
import type { Served } from './support/serve';
import { openStudio, type Studio } from './support/studio';

// A small demo project (its clips are rendered signers whose hands MediaPipe finds) with one run;
// a new folder laid out as the project's (two clips of each sign), plus a loose clip, a clip without
// hands, a corrupt one, a text file and a link loop.
let tmp: string;
let studio: Studio;
let server: Served;
let page: Page;
let consoleErrors: string[];
let folder: string;
let runDir: string;
let videos: string;
const files: string[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-folder-'));
  gstudio('demo', '--out', join(tmp, 'demo'), '--keypoints-only', '--classes', '3', '--clips', '12', '--epochs', '4');
  runDir = join(tmp, 'demo', 'project', 'runs', '001-gru-demo');
  videos = join(tmp, 'demo', 'videos');
  folder = join(tmp, 'new signs');
  for (const sign of readdirSync(videos).sort()) {
    for (const clip of readdirSync(join(videos, sign)).sort().slice(0, 2)) {
      mkdirSync(join(folder, sign), { recursive: true });
      copyFileSync(join(videos, sign, clip), join(folder, sign, clip));
      files.push(`${sign}/${clip}`);
    }
  }
  const anySign = readdirSync(videos).sort()[0];
  copyFileSync(join(videos, anySign, readdirSync(join(videos, anySign)).sort()[5]), join(folder, 'loose clip.mp4'));
  makeClip(join(folder, anySign, 'zz empty room.mp4'), { seconds: 1.5, size: '320x240', source: 'smptebars' });
  writeFileSync(join(folder, anySign, 'broken.mp4'), Buffer.concat([Buffer.from('000000206674797069736f6d', 'hex'), Buffer.alloc(2000, 7)]));
  writeFileSync(join(folder, 'notes.txt'), 'recorded on Monday');
  symlinkSync('..', join(folder, anySign, 'loop'));
  studio = await openStudio(['--project', join(tmp, 'demo', 'project')], { width: 1400, height: 1000 });
  ({ server, page, consoleErrors } = studio);
  await page.goto(server.url);
}, 600_000);

afterAll(async () => {
  await studio?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

async function tableRows() {
  return page.getByRole('table', { name: 'Folder clips' }).locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const cells = [...tr.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim());
      return { file: tr.getAttribute('data-file'), trueClass: cells[1], predicted: cells[2], confidence: cells[3], right: cells[4] };
    }),
  );
}

describe('predicting a whole folder in the studio', () => {
  it('refuses a folder that does not exist and one without videos, saying why', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Predict', exact: true }).click();
    const form = page.getByRole('form', { name: 'Predict a folder' });
    await form.getByLabel('Folder of videos').fill(join(tmp, 'nowhere'));
    await form.getByRole('button', { name: 'Predict folder' }).click();
    await page.getByRole('alert').filter({ hasText: /The folder .*nowhere does not exist/ }).waitFor();
    mkdirSync(join(tmp, 'texts'));
    writeFileSync(join(tmp, 'texts', 'a.txt'), 'a');
    await form.getByLabel('Folder of videos').fill(join(tmp, 'texts'));
    await form.getByRole('button', { name: 'Predict folder' }).click();
    await page.getByRole('alert').filter({ hasText: /No video files in .*texts \(1 other entry, such as a\.txt: not a video file\)/ }).waitFor();
    // Chromium logs each refused call (HTTP 400): those two, nothing else.
    expect(consoleErrors).toEqual(Array(2).fill('Failed to load resource: the server responded with a status of 400 (Bad Request)'));
    consoleErrors.length = 0;
  });

  it('predicts the folder as a job, each clip with its answer or reason, the same as gstudio predict', { timeout: 600_000 }, async () => {
    const form = page.getByRole('form', { name: 'Predict a folder' });
    await form.getByLabel('Folder of videos').fill(folder);
    await form.getByRole('button', { name: 'Predict folder' }).click();
    await page.getByLabel('Predicting the folder').first().waitFor();
    await page.getByTestId('job-count').filter({ hasText: /^\d+ \/ 9 clips$/ }).waitFor();
    await screenshot(page, 'folder-predict-running');
    const results = page.locator('[aria-label="Folder results"]');
    await results.getByText(/· done · 9 of 9 clips/).waitFor({ timeout: 400_000 });
    const shown = await tableRows();
    const anySign = readdirSync(videos).sort()[0];
    expect(shown.map((r) => r.file)).toEqual([...files, `${anySign}/broken.mp4`, `${anySign}/zz empty room.mp4`, 'loose clip.mp4'].sort(byWalk));

    // The same run and folder through the CLI, which extracts and classifies on its own.
    const cli = JSON.parse(gstudio('predict', runDir, folder, '--json', '--csv', join(tmp, 'cli.csv'))) as { clips: FolderClipResult[]; summary: { accuracy: number; correct: number; withTrueClass: number } };
    expect(cli.clips.map((c) => c.file)).toEqual(shown.map((r) => r.file));
    for (const c of cli.clips) {
      const row = shown.find((r) => r.file === c.file)!;
      expect(row.trueClass).toBe(c.trueClass ?? '–');
      if (c.status === 'ok') {
        expect(row.predicted).toBe(c.predicted);
        expect(row.confidence).toBe(pct(c.confidence!));
        expect(row.right).toBe(c.trueClass === null ? '' : c.predicted === c.trueClass ? '✓' : '✗');
      } else {
        expect(row.predicted).toBe(`${c.status.replace('_', ' ')} ${c.reason}`);
        expect(row.confidence).toBe('');
      }
    }
    expect(cli.clips.filter((c) => c.status !== 'ok').map((c) => [c.file.split('/').pop(), c.status])).toEqual([
      ['broken.mp4', 'unreadable'],
      ['zz empty room.mp4', 'no_hands'],
    ]);
    expect(cli.summary.withTrueClass).toBe(6);
    await expect.poll(() => results.getByTestId('folder-accuracy').textContent()).toMatch(new RegExp(`^\\s*Accuracy ${pct(cli.summary.accuracy).replace('.', '\\.')} \\(${cli.summary.correct} of 6 clips in class folders\\)`));
    await results.getByText('2 entries skipped').click();
    await results.getByText(/loop: symbolic link loop/).waitFor();
    await results.getByText(/notes\.txt: not a video file/).waitFor();
    await screenshot(page, 'folder-predict-results');
  });

  it('sorts the table, and a row opens the clip\'s prediction with the video and overlays', async () => {
    const results = page.locator('[aria-label="Folder results"]');
    await results.getByRole('button', { name: 'Confidence' }).click();
    const byConfidence = await tableRows();
    const values = byConfidence.map((r) => (r.confidence ? Number(r.confidence.replace('%', '')) : -1));
    expect(values).toEqual([...values].sort((a, b) => b - a));
    const top = byConfidence[0];
    await results.getByRole('button', { name: top.file!, exact: true }).click();
    await page.getByTestId('predicted-label').filter({ hasText: top.predicted }).waitFor();
    const head = await page.locator('[aria-label="Prediction"] .prediction-head').textContent();
    expect(head).toContain(top.file);
    expect(await page.getByLabel('Prediction on the video').textContent()).toMatch(new RegExp(`^${top.predicted} \\d+\\.\\d%$`));
    await page.getByText(/Frame \d+ \/ \d+/).first().waitFor();
    await screenshot(page, 'folder-predict-clip');
  });

  it('keeps the results over a reload, and exports the CSV the CLI writes', async () => {
    await page.reload();
    const results = page.locator('[aria-label="Folder results"]');
    await results.getByText(/· done · 9 of 9 clips/).waitFor();
    expect((await tableRows()).length).toBe(9);
    const [file] = await Promise.all([page.waitForEvent('download'), results.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(file.suggestedFilename()).toBe('new-signs-predictions.csv');
    const path = join(tmp, 'studio.csv');
    await file.saveAs(path);
    expect(readFileSync(path, 'utf8')).toBe(readFileSync(join(tmp, 'cli.csv'), 'utf8'));
    await results.getByRole('status', { name: 'Folder export status' }).filter({ hasText: 'Saved new-signs-predictions.csv' }).waitFor();
  });

  it('cancels a second folder halfway: the clips done are kept, it says cancelled, the first results stay', { timeout: 600_000 }, async () => {
    const form = page.getByRole('form', { name: 'Predict a folder' });
    await form.getByLabel('Folder of videos').fill(videos);
    await form.getByRole('button', { name: 'Predict folder' }).click();
    await page.getByTestId('job-count').filter({ hasText: /^([3-9]|1\d) \/ 36 clips$/ }).waitFor({ timeout: 400_000 });
    await page.getByLabel('Predicting the folder').first().locator('xpath=ancestor::div[contains(@class,"job")]').getByRole('button', { name: 'Cancel' }).click();
    const results = page.locator('[aria-label="Folder results"]');
    await results.getByText(/· cancelled · \d+ of 36 clips/).waitFor({ timeout: 60_000 });
    const kept = await tableRows();
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThan(36);
    expect(kept.every((r) => r.right === '✓' || r.right === '✗')).toBe(true);
    await screenshot(page, 'folder-predict-cancelled');
    // The first folder's results are still there to pick.
    await page.getByLabel('Folder results shown').selectOption({ index: 1 });
    await results.getByText(/new signs .*· done · 9 of 9 clips/).waitFor();
    expect(consoleErrors).toEqual([]);
  });
});

/** The walk's order: names sorted at each level. */
function byWalk(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i].localeCompare(pb[i]);
  }
  return pa.length - pb.length;
}
