import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunInfo } from '../src/api';
import { screenshot } from './support/browser';
import { gstudio } from './support/cli';
import { apiCall, navTo, openStudio, type Studio } from './support/studio';

// One small trained demo project for the whole file: runs cancelled, compared, chosen (issue 14).
let tmp: string;
let studio: Studio;
let page: Page;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-runs-'));
  gstudio('demo', '--out', join(tmp, 'demo'), '--keypoints-only', '--classes', '3', '--clips', '12', '--epochs', '3');
  studio = await openStudio(['--project', join(tmp, 'demo', 'project')], { width: 1400, height: 1000 });
  page = studio.page;
  page.setDefaultTimeout(20_000);
  await page.goto(studio.server.url);
});

afterAll(async () => {
  await studio?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const call = <T>(m: string, p: unknown) => apiCall<T>(page, m, p);
const nav = (name: string) => navTo(page, name);
const runsTable = () => page.getByRole('table', { name: 'Runs' });

async function train(epochs: number) {
  await nav('Training');
  // The demo project is small: the view says so before training (36 clips, about 6 in the test split).
  expect(await page.getByRole('note', { name: 'Dataset warnings' }).textContent()).toMatch(/test split will hold about \d+ clips/);
  await page.getByLabel('Epochs').fill(String(epochs));
  await page.getByLabel('Hidden size').fill('16');
  await page.getByLabel('Early-stopping patience').fill('500');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
}

describe('a training run', () => {
  it('shows batches/s and samples/s apart with a time left, and a cancelled run is recorded as cancelled at once, with Resume', async () => {
    await train(400);
    // Before the first batch the card says what is happening, not "0 / 0".
    const count = page.getByTestId('job-count');
    const rate = page.getByTestId('job-rate');
    await rate.filter({ hasText: /batches\/s/ }).waitFor({ timeout: 60_000 });
    const text = (await rate.textContent())!;
    const m = /([\d.]+) batches\/s · ([\d.]+) samples\/s/.exec(text);
    expect(m, text).not.toBeNull();
    // 24 or so training clips in batches of 32: one batch an epoch, so samples/s is many times batches/s.
    expect(Number(m![2])).toBeGreaterThan(5 * Number(m![1]));
    expect(await page.getByTestId('job-eta').textContent()).toMatch(/left$/);
    expect(await count.textContent()).not.toMatch(/^0 \/ 0/);
    await screenshot(page, 'training-progress');
    await page.waitForFunction(() => Number(document.querySelector('.charts')?.getAttribute('data-epochs')) >= 2, null, { timeout: 60_000 });
    await page.locator('.job').getByRole('button', { name: 'Cancel' }).click();
    const row = runsTable().getByRole('row', { name: /run 2 · lstm/ });
    await row.getByRole('cell', { name: 'cancelled', exact: true }).waitFor({ timeout: 15_000 });
    await row.getByRole('button', { name: 'Resume' }).waitFor();
    const run = (await call<RunInfo[]>('runs.list', {})).find((r) => r.name === 'run 2 · lstm')!;
    expect(run.status).toBe('cancelled');
    expect(run.epochs).toBeGreaterThanOrEqual(2);
    expect(Number(await row.locator('td').nth(1).textContent())).toBe(run.epochs);
    await screenshot(page, 'training-cancelled');
  });
});

describe('the run the views use', () => {
  it('is the best by validation F1 by default, can be chosen, and every view names it', async () => {
    await train(1);
    await page.waitForFunction(() => [...document.querySelectorAll('table[aria-label="Runs"] tbody tr')].some((tr) => /run 3/.test(tr.textContent ?? '') && /done/.test(tr.textContent ?? '')), null, { timeout: 120_000 });
    const runs = (await call<RunInfo[]>('runs.list', {})).filter((r) => r.status === 'done');
    expect(runs).toHaveLength(2);
    const best = [...runs].sort((a, b) => (b.bestValF1 ?? 0) - (a.bestValF1 ?? 0) || b.id - a.id)[0];
    const other = runs.find((r) => r.id !== best.id)!;
    await page.getByTestId('active-run').filter({ hasText: `${best.name} (val F1 ${best.bestValF1!.toFixed(3)}, best by validation F1)` }).waitFor();

    await page.getByRole('button', { name: `Use ${other.name} for predictions` }).click();
    await page.getByTestId('active-run').filter({ hasText: `${other.name}` }).filter({ hasText: 'chosen in Training' }).waitFor();
    expect(await runsTable().getByRole('row', { name: new RegExp(other.name) }).getByText('in use').count()).toBe(1);
    await screenshot(page, 'training-active-run');

    await nav('Clips');
    await page.getByTestId('predictions-from').filter({ hasText: `Predictions and review filters from ${other.name}` }).waitFor();
    // The misclassified filter counts the chosen run's mistakes.
    const wrong = await page.evaluate(async (id) => {
      let n = 0;
      for (const split of ['train', 'val', 'test']) {
        const e = (await (await fetch('/api/runs.evaluation', { method: 'POST', body: JSON.stringify({ id, split }) })).json()).result;
        n += e.predictions.filter((p: { currentClass: string; predictedClass: string }) => p.currentClass !== p.predictedClass).length;
      }
      return n;
    }, other.id);
    await page.getByLabel('Review').selectOption('misclassified');
    await page.locator('.count').filter({ hasText: `${wrong} ${wrong === 1 ? 'clip' : 'clips'}` }).waitFor();
    await page.getByLabel('Review').selectOption('');

    await nav('Project');
    await page.getByTestId('active-run').filter({ hasText: other.name }).waitFor();
    await nav('Predict');
    expect(await page.getByLabel('Model').inputValue()).toBe(String(other.id));
    await nav('Evaluation');
    expect(await page.getByLabel('Run', { exact: true }).inputValue()).toBe(String(other.id));

    // Back to the automatic choice.
    await nav('Training');
    await page.getByRole('button', { name: 'Use the best by validation F1' }).click();
    await page.getByTestId('active-run').filter({ hasText: `${best.name} (val F1` }).waitFor();
  });
});

describe('managing runs', () => {
  it('shows a run\'s settings, what differs from the compared run, renames, annotates, and deletes after asking', async () => {
    await nav('Training');
    await runsTable().getByRole('button', { name: 'run 1 · gru', exact: true }).click();
    const details = page.getByRole('region', { name: 'Run details' }).or(page.locator('[aria-label="Run details"]'));
    await details.getByRole('heading', { name: 'Settings of run 1 · gru' }).waitFor();
    const settings = details.getByRole('table', { name: 'Run settings' });
    expect(await settings.getByRole('row', { name: /^hiddenSize/ }).locator('td').first().textContent()).toBe('128');
    await page.getByLabel('Compare with').selectOption({ label: 'run 3 · lstm' });
    await details.getByRole('heading', { name: 'Settings of run 1 · gru, compared with run 3 · lstm' }).waitFor();
    const diff = (await page.getByTestId('settings-diff').textContent())!;
    expect(diff).toMatch(/settings differ: .*epochs.*hiddenSize/);
    expect(await settings.locator('tr.differs th').allTextContents()).toEqual(expect.arrayContaining(['epochs', 'hiddenSize', 'patience']));
    await screenshot(page, 'runs-settings-diff');
    await page.getByLabel('Compare with').selectOption({ label: 'no other run' });

    // A note, kept over a reload.
    await page.getByLabel('Note').fill('the demo run: a GRU');
    await page.getByRole('button', { name: 'Save note' }).click();
    await page.getByRole('status').filter({ hasText: 'Note saved' }).waitFor();
    await page.reload();
    await runsTable().getByRole('button', { name: 'run 1 · gru', exact: true }).click();
    await expect.poll(() => page.getByLabel('Note').inputValue()).toBe('the demo run: a GRU');

    // Rename run 3.
    await runsTable().getByRole('button', { name: 'run 3 · lstm', exact: true }).click();
    await details.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('Run name').fill('tiny model');
    await page.getByRole('button', { name: 'Save name' }).click();
    await runsTable().getByRole('button', { name: 'tiny model', exact: true }).waitFor();

    // Delete the cancelled run 2: it asks first, and "Keep it" keeps it.
    const runDirs = () => readdirSync(join(tmp, 'demo', 'project', 'runs')).length;
    const before = runDirs();
    await runsTable().getByRole('button', { name: 'run 2 · lstm', exact: true }).click();
    await details.getByRole('button', { name: 'Delete…' }).click();
    const ask = page.getByRole('alertdialog', { name: 'Confirm deletion' });
    await ask.getByRole('button', { name: 'Keep it' }).click();
    await ask.waitFor({ state: 'detached' });
    await details.getByRole('button', { name: 'Delete…' }).click();
    await ask.getByRole('button', { name: 'Delete run 2 · lstm' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted run 2 · lstm and its files' }).waitFor();
    expect(await runsTable().getByRole('button', { name: 'run 2 · lstm', exact: true }).count()).toBe(0);
    expect(runDirs()).toBe(before - 1);
    expect((await call<RunInfo[]>('runs.list', {})).map((r) => r.name).sort()).toEqual(['run 1 · gru', 'tiny model']);
  });
});

describe('the page', () => {
  it('logged no console error', () => {
    expect(studio.consoleErrors).toEqual([]);
  });
});
