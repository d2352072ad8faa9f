import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { screenshot } from './support/browser';
import type { Served } from './support/serve';
import { openStudio, type Studio } from './support/studio';
import { makeTrainedProject } from './support/trained-project';

let tmp: string;
let studio: Studio;
let server: Served;
let page: Page;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-compare-'));
  const made = await makeTrainedProject(tmp, [
    { name: 'base' },
    { name: 'faster lr', settings: { lr: 0.01 } },
    { name: 'wider', settings: { hiddenSize: 16, epochs: 3 } },
  ]);
  studio = await openStudio(['--project', made.dir], { width: 1400, height: 1400 });
  ({ server, page } = studio);
}, 120_000);

afterAll(async () => {
  await studio?.close();
  rmSync(tmp, { recursive: true, force: true });
});

it('compares three ticked runs: three curves in each chart, their metrics, and only the settings that differ', async () => {
  await page.goto(`${server.url}#/training`);
  const runs = page.getByRole('table', { name: 'Runs' });
  await runs.getByRole('checkbox', { name: 'Compare base' }).check();
  // One run ticked is no comparison yet.
  expect(await page.getByRole('region', { name: 'Compared runs' }).count()).toBe(0);
  await runs.getByRole('checkbox', { name: 'Compare faster lr' }).check();
  await runs.getByRole('checkbox', { name: 'Compare wider' }).check();
  const compare = page.getByRole('region', { name: 'Compared runs' });
  await compare.getByRole('heading', { name: 'Comparing 3 runs' }).waitFor();
  for (const title of ['Validation loss by run', 'Validation F1 by run']) {
    const chart = compare.getByRole('figure', { name: title });
    // uPlot's legend: the x series plus one row per run, named for it.
    await chart.locator('.u-legend .u-series').nth(3).waitFor();
    const names = await chart.locator('.u-legend .u-series .u-label').allTextContents();
    expect(names.slice(1)).toEqual(['base', 'faster lr', 'wider']);
  }
  const metrics = compare.getByRole('table', { name: 'Metrics of the compared runs' });
  expect(await metrics.locator('tbody tr').count()).toBe(3);
  expect(await metrics.locator('tbody tr').nth(2).locator('td').nth(4).textContent()).toBe('3');
  const diff = compare.getByRole('table', { name: 'Settings that differ across the runs' });
  expect(await diff.locator('tbody th').allTextContents()).toEqual(['epochs', 'hiddenSize', 'lr']);
  expect(await diff.locator('tbody tr').nth(2).locator('td').allTextContents()).toEqual(['0.001', '0.01', '0.001']);
  await compare.scrollIntoViewIfNeeded();
  await screenshot(page, 'runs-compare-three');
  // Unticking one leaves two.
  await runs.getByRole('checkbox', { name: 'Compare faster lr' }).uncheck();
  await compare.getByRole('heading', { name: 'Comparing 2 runs' }).waitFor();
  expect(await diff.locator('tbody th').allTextContents()).toEqual(['epochs', 'hiddenSize']);
});
