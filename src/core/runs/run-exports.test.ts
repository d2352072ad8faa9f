import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../demo/demo-project';
import { ProjectStore } from '../project';
import { csvField, exportRun } from './run-exports';
import { runEvaluation } from './run-views';

let tmp: string;
let store: ProjectStore;
let runId: number;

/** Parsed by Python's csv module, as a researcher's script would read the file. */
function pythonCsv(text: string): string[][] {
  const file = join(tmp, `t${Math.random()}.csv`);
  writeFileSync(file, text);
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', 'import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))))', file]).toString());
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gs-exports-'));
  const demo = await runDemo({
    out: join(tmp, 'demo'),
    keypointsOnly: true,
    classes: 3,
    clipsPerClass: 10,
    training: { epochs: 3, hiddenSize: 16, numLayers: 1 },
    stage: () => ({ signal: new AbortController().signal, progress: () => undefined, log: () => undefined }),
  });
  store = ProjectStore.open(demo.projectDir);
  runId = store.runs()[0].id;
}, 300_000);
afterAll(() => {
  store?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('exporting a run from the Evaluation view', () => {
  it('quotes CSV fields that need it', () => {
    expect(['plain', 'a,b', 'say "hi"', 'two\nlines', 'ñandú'].map(csvField)).toEqual(['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', 'ñandú']);
  });

  it('writes the metrics as CSV: every class on every split, then accuracy and macro F1, as the view shows them', async () => {
    const out = await exportRun(store, runId, 'metrics_csv');
    expect(out.fileName).toBe('run-1-gru-metrics.csv');
    const rows = pythonCsv(out.text!);
    expect(rows[0]).toEqual(['split', 'class', 'precision', 'recall', 'f1', 'support']);
    for (const split of ['test', 'val', 'train'] as const) {
      const e = runEvaluation(store, runId, split);
      const mine = rows.filter((r) => r[0] === split);
      expect(mine).toHaveLength(e.perClass.length + 2);
      for (const c of e.perClass) expect(mine.find((r) => r[1] === c.label)).toEqual([split, c.label, c.precision.toFixed(4), c.recall.toFixed(4), c.f1.toFixed(4), String(c.support)]);
      expect(mine.find((r) => r[1] === '(macro F1)')![4]).toBe(e.macroF1.toFixed(4));
      expect(mine.find((r) => r[1] === '(accuracy)')![4]).toBe(e.accuracy.toFixed(4));
    }
  });

  it('writes one row per clip with its split, labels and the model\'s answer, names with commas and quotes intact', async () => {
    // A clip whose name needs quoting, as a researcher's files may have.
    const clip = store.listClips({ limit: 1 }).items[0];
    const odd = clip.relPath.replace(/[^/]+$/, 'take 1, "best".mp4');
    store.db.prepare('UPDATE clips SET rel_path = ? WHERE id = ?').run(odd, clip.id);
    const rows = pythonCsv((await exportRun(store, runId, 'predictions_csv')).text!);
    expect(rows[0]).toEqual(['clip', 'split', 'trained_label', 'current_label', 'predicted', 'confidence', 'probability_of_label', 'correct']);
    expect(rows).toHaveLength(1 + 30);
    expect(rows.find((r) => r[0] === odd)).toBeDefined();
    const test = runEvaluation(store, runId, 'test').predictions;
    const testRows = rows.filter((r) => r[1] === 'test');
    expect(testRows.map((r) => r[0]).sort()).toEqual(test.map((p) => p.relPath).sort());
    for (const p of test) {
      const r = testRows.find((x) => x[0] === p.relPath)!;
      expect(r.slice(2)).toEqual([p.trueClass, p.currentClass, p.predictedClass, p.confidence.toFixed(4), p.trueProbability.toFixed(4), p.predictedClass === p.trueClass ? '1' : '0']);
    }
    store.db.prepare('UPDATE clips SET rel_path = ? WHERE id = ?').run(clip.relPath, clip.id);
  });

  it('gives the HTML report and the model folder as a zip that unzips to the model', async () => {
    const report = await exportRun(store, runId, 'report');
    expect(report.mimeType).toBe('text/html');
    expect(report.text).toMatch(/<html/i);
    expect(report.text).toContain('macro F1');
    const zip = await exportRun(store, runId, 'model');
    const file = join(tmp, 'model.zip');
    writeFileSync(file, Buffer.from(zip.base64!, 'base64'));
    const names = JSON.parse(execFileSync('/usr/bin/python3', ['-c', 'import zipfile, json, sys; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps(z.namelist()))', file]).toString()) as string[];
    expect(names).toContain('model/model.json');
    expect(names.some((n) => n.endsWith('.bin'))).toBe(true);
  });

  it('refuses a run without a model, saying why', async () => {
    const run = store.run(runId);
    renameSync(join(run.run_dir, 'model'), join(run.run_dir, 'model-gone'));
    try {
      await expect(exportRun(store, runId, 'model')).rejects.toThrow(/has no model folder/);
    } finally {
      renameSync(join(run.run_dir, 'model-gone'), join(run.run_dir, 'model'));
    }
  });
});
