import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectStore } from '../project';
import { runInfo } from '../runs/run-views';
import { recordRunEnd } from './run-end';

let dir: string;
let store: ProjectStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gs-run-end-'));
  store = ProjectStore.create(dir);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function runningRun(epochs: number): number {
  const id = store.createRun('run 1 · lstm', 'lstm', { epochs: 50 }, join(dir, 'runs', '1'));
  store.setRunStatus(id, 'running');
  for (let e = 1; e <= epochs; e++) store.addEpoch(id, { epoch: e, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.5, valF1: 0.4, lr: 1e-3, seconds: e });
  return id;
}
const info = (id: number) => runInfo(store.runs().find((r) => r.id === id)!);

describe('a run whose job ended', () => {
  it('is recorded as cancelled at once, with its last finished epoch, when the worker was stopped before it could say so', () => {
    const id = runningRun(3);
    recordRunEnd(store, id, { state: 'cancelled', error: 'Cancelled' });
    expect(info(id)).toMatchObject({ status: 'cancelled', epochs: 3 });
    expect(info(id).error).toMatch(/after epoch 3.*Resume/);
    // Reopening the project no longer turns it into "failed — Interrupted".
    store.markInterruptedRuns();
    expect(info(id).status).toBe('cancelled');
  });

  it('is recorded as failed with the job error when the worker crashed', () => {
    const id = runningRun(1);
    recordRunEnd(store, id, { state: 'failed', error: 'The train worker stopped unexpectedly (exit code 9)' });
    expect(info(id)).toMatchObject({ status: 'failed', epochs: 1 });
    expect(info(id).error).toMatch(/exit code 9.*1 finished epoch is kept/);
  });

  it('keeps what the worker recorded itself', () => {
    const id = runningRun(2);
    store.setRunStatus(id, 'done');
    recordRunEnd(store, id, { state: 'done', error: null });
    expect(info(id).status).toBe('done');
  });
});
