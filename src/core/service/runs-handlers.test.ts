import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectStore, projectFiles } from '../project';
import { runHandlers } from './runs-handlers';

let dir: string;
let store: ProjectStore;
let changes: number;
let h: ReturnType<typeof runHandlers>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gs-runs-'));
  store = ProjectStore.create(dir);
  changes = 0;
  h = runHandlers(() => store, () => changes++);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function doneRun(name: string, runDir: string): number {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'metrics.csv'), 'epoch\n');
  const id = store.createRun(name, 'lstm', { epochs: 5 }, runDir);
  store.setRunStatus(id, 'done');
  return id;
}

describe('managing runs', () => {
  it('renames (refusing a name in use) and keeps a note', () => {
    const a = doneRun('run 1 · lstm', join(projectFiles(dir).runs, '001'));
    doneRun('run 2 · lstm', join(projectFiles(dir).runs, '002'));
    expect(h['runs.rename']({ id: a, name: 'baseline' }).name).toBe('baseline');
    expect(() => h['runs.rename']({ id: a, name: 'run 2 · lstm' })).toThrow(/already called/);
    expect(h['runs.annotate']({ id: a, note: '  hidden 64, before the relabels  ' }).note).toBe('hidden 64, before the relabels');
    expect(h['runs.annotate']({ id: a, note: '' }).note).toBeNull();
    expect(changes).toBe(3);
  });

  it('deletes a run with its epochs, predictions and folder, never a folder outside the project, never a running run', () => {
    const inside = join(projectFiles(dir).runs, '001');
    const a = doneRun('run 1 · lstm', inside);
    store.addEpoch(a, { epoch: 1, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.5, valF1: 0.5, lr: 1e-3 });
    expect(h['runs.delete']({ id: a })).toEqual({ name: 'run 1 · lstm', filesRemoved: true });
    expect(existsSync(inside)).toBe(false);
    expect(store.runs()).toHaveLength(0);
    expect(store.epochs(a)).toEqual([]);

    const outside = mkdtempSync(join(tmpdir(), 'gs-elsewhere-'));
    const b = doneRun('run 2 · lstm', outside);
    expect(h['runs.delete']({ id: b })).toEqual({ name: 'run 2 · lstm', filesRemoved: false });
    expect(existsSync(join(outside, 'metrics.csv'))).toBe(true);
    rmSync(outside, { recursive: true, force: true });

    const c = store.createRun('run 3 · lstm', 'lstm', {}, join(projectFiles(dir).runs, '003'));
    store.setRunStatus(c, 'running');
    expect(() => h['runs.delete']({ id: c })).toThrow(/still training/);
  });
});
