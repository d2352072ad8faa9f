import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvaluation } from '../src/api';
import { sharedData } from '../src/test-support/shared-data';
import { screenshot } from './support/browser';
import { gstudio } from './support/cli';
import type { Served } from './support/serve';
import { openStudio, type Studio } from './support/studio';

let tmp: string;
let demoOutput: string;
let studio: Studio;
let server: Served;
let browser: Browser;
let page: Page;
let consoleErrors: string[];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-flow-'));
  // A small demo project with one finished run: the real CLI, as a researcher would make it.
  demoOutput = gstudio('demo', '--out', join(tmp, 'demo'), '--keypoints-only', '--classes', '3', '--clips', '12', '--epochs', '4');
  studio = await openStudio(['--project', join(tmp, 'demo', 'project')], { width: 1400, height: 1000 });
  ({ server, browser, page, consoleErrors } = studio);
  await page.goto(server.url);
});

afterAll(async () => {
  await studio?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the studio on a trained project', () => {
  it('trains with one click, and the curves grow while it runs', async () => {
    expect(demoOutput).toMatch(/test macro F1/);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Training', exact: true }).click();
    await page.getByLabel('Epochs').fill('30');
    await page.getByLabel('Hidden size').fill('32');
    await page.getByLabel('Early-stopping patience').fill('50');
    await page.getByRole('button', { name: 'Train' }).click();
    await page.getByRole('heading', { name: 'run 2 · lstm', exact: true }).waitFor();
    // Record every epoch count the loss chart shows, as the page renders it: the fused kernels train
    // this small project in a couple of seconds, faster than a polling loop samples.
    await page.evaluate(() => {
      const w = window as unknown as { __epochsSeen: number[] };
      w.__epochsSeen = [];
      const note = () => {
        const el = document.querySelector('.charts');
        if (el) w.__epochsSeen.push(Number(el.getAttribute('data-epochs')));
      };
      note();
      new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-epochs'] });
    });
    await page.waitForFunction(() => Number(document.querySelector('.charts')?.getAttribute('data-epochs')) >= 30, null, { timeout: 150_000 });
    const seen = await page.evaluate(() => (window as unknown as { __epochsSeen: number[] }).__epochsSeen);
    expect(new Set(seen.filter((n) => n > 0 && n < 30)).size).toBeGreaterThanOrEqual(2);
    expect(Math.max(...seen)).toBe(30);
    await page.getByRole('table', { name: 'Runs' }).getByText('done').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Runs"] tbody tr').length === 2 && ![...document.querySelectorAll('table[aria-label="Runs"] tbody tr td:nth-child(2)')].some((td) => td.textContent !== 'done'), null, { timeout: 120_000 });
    await screenshot(page, 'training');
    await page.getByLabel('Compare with').selectOption({ label: 'run 1 · gru' });
    await page.getByText('val F1 (run 1 · gru)').first().waitFor();
  });

  it('says when early stopping ended a run, and which epoch it kept', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Training', exact: true }).click();
    await page.getByLabel('Epochs').fill('80');
    await page.getByLabel('Hidden size').fill('16');
    await page.getByLabel('Early-stopping patience').fill('2');
    // At the default 1e-3 the validation loss creeps down for 80 epochs, and a tie on F1 with a lower
    // loss counts as a new best (EarlyStopping): a faster rate lets the loss settle too.
    await page.locator('#tr-lr').fill('0.01');
    await page.getByRole('button', { name: 'Train' }).click();
    const note = page.getByRole('note', { name: 'Early stopping' });
    await note.waitFor({ timeout: 150_000 }).catch(async (e) => {
      await screenshot(page, 'early-stopping-missing');
      throw e;
    });
    const run = await page.evaluate(async () => {
      const runs = (await (await fetch('/api/runs.list', { method: 'POST', body: '{}' })).json()).result as { id: number; stoppedEarly: boolean; bestEpoch: number; epochs: number }[];
      return runs.reduce((a, b) => (b.id > a.id ? b : a));
    });
    expect(run.stoppedEarly).toBe(true);
    expect(run.epochs).toBeLessThan(80);
    expect(await note.textContent()).toMatch(new RegExp(`Stopped early after ${run.epochs} of 80 epochs: validation F1 did not improve for 2 epochs\\. The model kept is epoch ${run.bestEpoch}'s\\.`));
    // Set back, so the runs after this one train as before.
    await page.getByLabel('Epochs').fill('6');
    await page.getByLabel('Early-stopping patience').fill('50');
    await page.locator('#tr-lr').fill('0.001');
  });

  it('lists exactly the clips of a confusion-matrix cell', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Evaluation', exact: true }).click();
    await page.getByLabel('Run', { exact: true }).selectOption({ label: 'run 1 · gru' });
    await page.getByRole('table', { name: 'Confusion matrix' }).waitFor();
    const evaluation = (await page.evaluate(async () => {
      const runs = (await (await fetch('/api/runs.list', { method: 'POST', body: '{}' })).json()).result as { id: number; name: string }[];
      const id = runs.find((r) => r.name === 'run 1 · gru')!.id;
      return (await (await fetch('/api/runs.evaluation', { method: 'POST', body: JSON.stringify({ id, split: 'test' }) })).json()).result;
    })) as RunEvaluation;
    // The biggest cell: click it and compare the listed clips with the stored predictions.
    let best: [number, number] = [0, 0];
    evaluation.confusion.forEach((row, i) => row.forEach((v, j) => v > evaluation.confusion[best[0]][best[1]] && (best = [i, j])));
    const [t, p] = best;
    const count = evaluation.confusion[t][p];
    await page.getByRole('button', { name: `true ${evaluation.labels[t]}, predicted ${evaluation.labels[p]}: ${count} clips` }).click();
    const listed = await page.getByRole('table', { name: 'Clips in the selected cell' }).locator('tbody tr td:first-child').allTextContents();
    const expected = evaluation.predictions.filter((x) => x.trueClass === evaluation.labels[t] && x.predictedClass === evaluation.labels[p]).map((x) => x.relPath);
    expect(listed.sort()).toEqual(expected.sort());
    expect(listed).toHaveLength(count);
    // The per-class table sorts by a column.
    await page.getByRole('button', { name: /^Support/ }).click();
    const supports = (await page.getByRole('table', { name: 'Per-class report' }).locator('tbody td:last-child').allTextContents()).map(Number);
    expect(supports).toEqual([...supports].sort((a, b) => b - a));
    await screenshot(page, 'evaluation');
    // A listed clip opens in the clip viewer.
    await page.getByRole('table', { name: 'Clips in the selected cell' }).getByRole('link').first().click();
    await page.getByRole('heading', { name: 'Clips', exact: true }).waitFor();
    await page.getByLabel('Clip video').waitFor();
    expect(await page.getByRole('article', { name: 'Clip details' }).getByRole('heading').textContent()).toBe(listed[0].split('/').pop());
  });

  it('filters the clips by the part of the shown run\'s split they were in, and shows each clip\'s split', async () => {
    const sizes = await page.evaluate(async () => {
      const call = async (m: string, p: unknown) => (await (await fetch(`/api/${m}`, { method: 'POST', body: JSON.stringify(p) })).json()).result;
      const run = ((await call('project.summary', {})) as { activeRun: { id: number } }).activeRun.id;
      const out: Record<string, number> = {};
      for (const split of ['train', 'val', 'test']) out[split] = ((await call('runs.evaluation', { id: run, split })) as { predictions: unknown[] }).predictions.length;
      return out;
    });
    expect(sizes.train + sizes.val + sizes.test).toBe(36);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clips', exact: true }).click();
    for (const [split, n] of Object.entries(sizes)) {
      await page.getByLabel('Split').selectOption(split);
      await page.getByText(`${n} ${n === 1 ? 'clip' : 'clips'}`, { exact: true }).waitFor();
      // The rows follow the count: every one shows the split filtered for.
      await expect.poll(async () => [...new Set(await page.getByRole('listbox', { name: 'Clips' }).locator('.clip-split').allTextContents())], { timeout: 10_000 }).toEqual([split]);
    }
    // In the address: a reload keeps the filter.
    await page.reload();
    await page.getByText(`${sizes.test} ${sizes.test === 1 ? 'clip' : 'clips'}`, { exact: true }).waitFor();
    expect(await page.getByLabel('Split').inputValue()).toBe('test');
    await screenshot(page, 'clips-split-filter');
    await page.getByLabel('Split').selectOption('');
  });

  it('filters the clips the active run gets wrong, and relabels several at once', async () => {
    const expected = await page.evaluate(async () => {
      const call = async (m: string, p: unknown) => (await (await fetch(`/api/${m}`, { method: 'POST', body: JSON.stringify(p) })).json()).result;
      // The run the Clips view uses: the best by validation F1 (none was chosen here).
      const latest = ((await call('project.summary', {})) as { activeRun: { id: number } }).activeRun.id;
      let wrong = 0;
      for (const split of ['train', 'val', 'test']) {
        const e = (await call('runs.evaluation', { id: latest, split })) as { predictions: { trueClass: string; predictedClass: string }[] };
        wrong += e.predictions.filter((p) => p.trueClass !== p.predictedClass).length;
      }
      return wrong;
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clips', exact: true }).click();
    await page.getByLabel('Review').selectOption('misclassified');
    await page.getByText(`${expected} ${expected === 1 ? 'clip' : 'clips'}`, { exact: true }).waitFor();

    await page.getByLabel('Review').selectOption('');
    await page.getByText('36 clips', { exact: true }).waitFor();
    const list = page.getByRole('listbox', { name: 'Clips' });
    const rows = list.getByRole('option');
    // The three clips about to be marked, and their classes, as the store has them.
    const classesOf = () =>
      page.evaluate(async () => {
        const page = (await (await fetch('/api/clips.list', { method: 'POST', body: JSON.stringify({ limit: 2000 }) })).json()).result as { items: { relPath: string; className: string }[] };
        return Object.fromEntries(page.items.map((c) => [c.relPath, c.className]));
      });
    const marked = await Promise.all([0, 1, 2].map((i) => rows.nth(i).locator('.clip-name').getAttribute('title')));
    const before = await classesOf();
    const classes = await page.evaluate(async () => ((await (await fetch('/api/project.summary', { method: 'POST', body: '{}' })).json()).result as { classes: { name: string }[] }).classes.map((c) => c.name));
    // A class none of the three has, when there is one: then every one of them changes.
    const target = classes.find((c) => c && !marked.some((m) => before[m!] === c)) ?? 'wave';
    const changing = marked.filter((m) => before[m!] !== target).length;
    await rows.nth(0).click({ modifiers: ['Control'] });
    await rows.nth(2).click({ modifiers: ['Shift'] });
    await page.getByText('3 clips marked').waitFor();
    // The bulk picker: open it, and click the class among those listed.
    await page.getByRole('combobox', { name: 'Relabel as' }).click();
    await page.getByRole('listbox', { name: 'Relabel as' }).getByRole('option', { name: new RegExp(`^${target}\\b`) }).click();
    await page.getByRole('status').filter({ hasText: `Relabelled ${changing} clip${changing === 1 ? '' : 's'} as ${target}` }).waitFor();
    expect(changing).toBeGreaterThan(0);
    const after = await classesOf();
    expect(marked.map((m) => after[m!])).toEqual([target, target, target]);
    // Nothing else moved.
    for (const [path, cls] of Object.entries(before)) if (!marked.includes(path)) expect(after[path], path).toBe(cls);
    // The list shows the new class too.
    const shown = () => Promise.all(marked.map((m) => rows.filter({ has: page.locator(`.clip-name[title="${m}"]`) }).locator('.clip-class').textContent()));
    await expect.poll(shown, { timeout: 10_000 }).toEqual([target, target, target]);
    await list.focus();
    await page.keyboard.press('Control+z');
    await page.getByRole('status').filter({ hasText: /Undid relabel/ }).waitFor();
    expect(await classesOf()).toEqual(before);
    await expect.poll(shown, { timeout: 10_000 }).toEqual(marked.map((m) => before[m!]));
    expect(await list.locator('img.thumb').count()).toBeGreaterThan(0);
    await screenshot(page, 'clips-review');
  });

  it('predicts a dropped video and shows the class with the overlay', { timeout: 400_000 }, async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Predict', exact: true }).click();
    const option = await page.getByLabel('Model').locator('option', { hasText: 'run 1 · gru' }).getAttribute('value');
    await page.getByLabel('Model').selectOption(option!);
    await page.locator('input[type=file]').setInputFiles(sharedData('video', 'hand_test_640x360.mp4'));
    await page.getByTestId('predicted-label').waitFor({ timeout: 180_000 });
    const label = await page.getByTestId('predicted-label').textContent();
    const t0 = Date.now();
    // The same model and video through the CLI, which extracts and classifies on its own: same class.
    const cli = JSON.parse(gstudio('predict', '--json', join(tmp, 'demo', 'project', 'runs', '001-gru-demo'), sharedData('video', 'hand_test_640x360.mp4')));
    console.log(`gstudio predict: ${cli.label} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(label).toBe(cli.label);
    expect(await page.getByRole('list', { name: 'Top classes' }).locator('li').first().textContent()).toContain(cli.label);
    const top = await page.getByRole('list', { name: 'Top classes' }).locator('li').count();
    expect(top).toBe(3);
    expect(await page.getByLabel('Prediction on the video').textContent()).toMatch(new RegExp(`^${label} \\d+\\.\\d%$`));
    await page.getByText(/Frame \d+ \/ 202/).waitFor();
    await screenshot(page, 'predict');
    expect(await page.getByRole('table', { name: 'Recent predictions' }).getByText('hand_test_640x360.mp4').count()).toBe(1);
  });

  it('exports the run from the Evaluation view: report, metrics and predictions as CSV, the confusion matrix as PNG, the model', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Evaluation', exact: true }).click();
    const exportsBar = page.getByRole('group', { name: 'Export' });
    await exportsBar.waitFor();
    const shown = await page.evaluate(async () => {
      const run = Number(new URLSearchParams(location.hash.split('?')[1]).get('run'));
      return (await (await fetch('/api/runs.evaluation', { method: 'POST', body: JSON.stringify({ id: run, split: 'test' }) })).json()).result as { macroF1: number; labels: string[]; predictions: { relPath: string }[] };
    });
    const download = async (name: string) => {
      const [file] = await Promise.all([page.waitForEvent('download'), exportsBar.getByRole('button', { name, exact: true }).click()]);
      const path = join(tmp, file.suggestedFilename());
      await file.saveAs(path);
      return { name: file.suggestedFilename(), bytes: readFileSync(path) };
    };
    const metrics = await download('Metrics CSV');
    expect(metrics.name).toMatch(/-metrics\.csv$/);
    const macro = metrics.bytes.toString().split('\r\n').find((l) => l.startsWith('test,(macro F1)'))!;
    expect(macro.split(',')[4]).toBe(shown.macroF1.toFixed(4));
    const predictions = (await download('Predictions CSV')).bytes.toString().trim().split('\r\n');
    expect(predictions).toHaveLength(1 + 36);
    expect(predictions.filter((l) => l.split(',')[1] === 'test')).toHaveLength(shown.predictions.length);
    const report = await download('HTML report');
    expect(report.bytes.toString()).toMatch(/<html[\s\S]*macro F1/i);
    const png = await download('Confusion matrix PNG');
    expect(png.name).toMatch(/-confusion-test\.png$/);
    expect(png.bytes.subarray(1, 4).toString()).toBe('PNG');
    // As wide as the class names and the cells need.
    expect(png.bytes.readUInt32BE(16)).toBeGreaterThan(3 * 44);
    const model = await download('Model (.zip)');
    expect(model.bytes.subarray(0, 2).toString()).toBe('PK');
    expect(model.bytes.includes(Buffer.from('model/model.json'))).toBe(true);
    await page.getByRole('status', { name: 'Export status' }).filter({ hasText: /Saved .*-model\.zip/ }).waitFor();
    await screenshot(page, 'evaluation-exports');
    writeFileSync(join('.artifacts', 'screenshots', 'confusion-export.png'), png.bytes);
  });

  it('opens the HTML report offline', async () => {
    const report = await browser.newPage();
    await report.goto(`file://${join(tmp, 'demo', 'report.html')}`);
    expect(await report.locator('#macro-f1').textContent()).toMatch(/^\d\.\d{4}$/);
    expect(await report.getByRole('table', { name: 'Per-class report' }).locator('tbody tr').count()).toBe(3);
    expect(await report.locator('svg').count()).toBeGreaterThanOrEqual(3);
    await report.screenshot({ path: join('.artifacts', 'screenshots', 'report.png'), fullPage: true });
    await report.close();
    expect(consoleErrors).toEqual([]);
  });
});
