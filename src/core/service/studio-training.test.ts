import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo, RunDetail, RunInfo } from '../../api';
import { readSequenceFile } from '../dataset/sequence-file-reader';
import type { DatasetSplit } from '../dataset/split';
import { writeSyntheticSequences } from '../dataset/synthetic-sequences';
import { evaluateRun } from '../evaluation/evaluate-run';
import { forkSpawner, type WorkerProcess } from '../jobs';
import { ProjectStore, projectFiles } from '../project';
import type { TrainingSummary } from '../training/train';
import { jobWorkerScript } from '../../workers/worker-script';
import { StudioService } from './studio-service';

/**
 * Training as the studio runs it: the service's handlers, a real job process per run, the project's
 * SQLite file and keypoints file. Tiny data (3 classes × 8 clips of 6 frames × 4 features) and
 * tiny models, so each run takes a few seconds.
 */
const TINY = { hiddenSize: 8, numLayers: 1, batchSize: 8, dropout: 0, valFraction: 0.25, testFraction: 0.25 };
const PER_CLASS = 8;

let tmp: string;
let dir: string;
let service: StudioService;
/** Every job process the service started, newest last. */
const workers: WorkerProcess[] = [];
const jobEnds = new Map<string, JobInfo>();
const jobWaiters = new Map<string, (j: JobInfo) => void>();

async function call<T>(method: string, params: unknown = {}): Promise<T> {
  const out = await service.call(method, params);
  if (!out.ok) throw new Error(`${method}: ${out.error.code} ${out.error.message}`);
  return out.result as T;
}

function jobEnd(id: string): Promise<JobInfo> {
  const seen = jobEnds.get(id);
  return seen ? Promise.resolve(seen) : new Promise((r) => jobWaiters.set(id, r));
}

/** Resolves once the run has at least n epochs recorded. */
async function epochsRecorded(runId: number, n: number): Promise<void> {
  for (;;) {
    const detail = await call<RunDetail>('runs.get', { id: runId });
    if (detail.epochs.length >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the project's SQLite file says of a run and of its job, read fresh from the file. */
function recorded(runId: number, jobId: string) {
  const store = ProjectStore.open(dir);
  try {
    const job = store.db.prepare('SELECT status, error FROM jobs WHERE id = ?').get(jobId) as { status: string; error: string | null };
    return { run: store.run(runId).status, job: job.status, jobError: job.error };
  } finally {
    store.close();
  }
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gs-studio-training-'));
  dir = join(tmp, 'project');
  const store = ProjectStore.create(dir);
  const keys = await writeSyntheticSequences({ path: projectFiles(dir).keypoints, classes: 3, perClass: PER_CLASS, seqLen: 6, features: 4, seed: 3 });
  const relPaths = [0, 1, 2].flatMap((k) => Array.from({ length: PER_CLASS }, (_, i) => `class_${k}/clip_${i}.mp4`));
  store.syncClips(relPaths.map((relPath) => ({ relPath, className: relPath.split('/')[0], sizeBytes: 1, mtimeMs: 1 })));
  const ids = new Map(store.listClips({ limit: 1000 }).items.map((c) => [c.relPath, c.id]));
  store.db.prepare("UPDATE clips SET status = 'ok'").run();
  relPaths.forEach((relPath, i) => store.setExtractResult(ids.get(relPath)!, { h5Key: keys[i], handsFraction: 1 }));
  store.close();
  const spawn = forkSpawner(jobWorkerScript());
  service = new StudioService(
    {
      mode: 'web',
      version: 'test',
      cancelGraceMs: 1500,
      spawner: (name) => {
        const w = spawn(name);
        workers.push(w);
        return w;
      },
    },
    { projectDir: dir },
  );
  service.onEvent((e) => {
    if (e.type !== 'job' || e.job.state === 'running') return;
    jobEnds.set(e.job.id, e.job);
    jobWaiters.get(e.job.id)?.(e.job);
  });
});

afterAll(() => {
  service.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('training from the studio', () => {
  it('trains a relabelled clip under its new class: in the keypoints file, the split and the stored predictions', async () => {
    const clips = (await call<{ items: { id: number; relPath: string; className: string; classId: number }[] }>('clips.list', { limit: 100 })).items;
    const classIds = Object.fromEntries(clips.map((c) => [c.className, c.classId]));
    const moved = clips.filter((c) => c.className === 'class_0').slice(0, 3);
    await call('clips.relabel', { clipIds: moved.map((c) => c.id), classId: classIds.class_2 });

    const { jobId, runId } = await call<{ jobId: string; runId: number }>('training.start', { settings: { ...TINY, epochs: 1 } });
    expect((await jobEnd(jobId)).state).toBe('done');

    const file = await readSequenceFile(projectFiles(dir).keypoints);
    const byPath = new Map(file.clips.map((c) => [c.originalPath, c]));
    for (const c of moved) {
      expect(byPath.get(c.relPath)).toMatchObject({ className: 'class_2', label: file.labelMap.class_2 });
    }
    // Class sizes 5, 8, 11 now: the stratified split cuts each by its own size (test 25 %: 1, 2, 3).
    const split = JSON.parse(readFileSync(join(runDirOf(runId), 'split.json'), 'utf8')) as DatasetSplit;
    const labelOf = new Map(file.clips.map((c) => [c.key, c.className]));
    const count = (part: string[]) => ['class_0', 'class_1', 'class_2'].map((k) => part.filter((key) => labelOf.get(key) === k).length);
    const total = count([...split.train, ...split.val, ...split.test]);
    expect(total).toEqual([5, 8, 11]);
    expect(count(split.test)).toEqual([1, 2, 3]);
    // The run's own predictions carry the new class as the truth.
    const store = ProjectStore.open(dir);
    try {
      const truths = store.predictions(runId).filter((p) => moved.some((c) => c.id === p.clipId)).map((p) => p.trueClassId);
      expect(truths).toEqual([classIds.class_2, classIds.class_2, classIds.class_2]);
    } finally {
      store.close();
    }
  });

  it('resumes a cancelled run from the studio: the same run goes on from its last epoch', async () => {
    const before = (await call<RunInfo[]>('runs.list')).length;
    const { jobId, runId } = await call<{ jobId: string; runId: number }>('training.start', { settings: { ...TINY, epochs: 40, patience: 50 } });
    await epochsRecorded(runId, 1);
    await call('jobs.cancel', { id: jobId });
    expect((await jobEnd(jobId)).state).toBe('cancelled');
    expect(recorded(runId, jobId)).toMatchObject({ run: 'cancelled', job: 'cancelled' });
    const kept = (await call<RunDetail>('runs.get', { id: runId })).epochs;
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(40);

    const resumed = await call<{ jobId: string; runId: number }>('training.start', { resumeRunId: runId });
    expect(resumed.runId).toBe(runId);
    expect((await jobEnd(resumed.jobId)).state).toBe('done');
    expect(await call<RunInfo[]>('runs.list')).toHaveLength(before + 1);
    const detail = await call<RunDetail>('runs.get', { id: runId });
    expect(detail.run.status).toBe('done');
    expect(detail.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // The epochs from before the cancel are the same records, not trained again.
    expect(detail.epochs.slice(0, kept.length)).toEqual(kept);
    const summary = JSON.parse(readFileSync(join(runDirOf(runId), 'summary.json'), 'utf8')) as TrainingSummary;
    expect(summary.resumedFromEpoch).toBe(kept.length);
    expect(summary.epochsRun).toBe(40);
  });

  it('stops early with a small patience, says so, and keeps the best epoch’s model', async () => {
    const { jobId, runId } = await call<{ jobId: string; runId: number }>('training.start', { settings: { ...TINY, epochs: 60, patience: 2, lr: 0.01 } });
    expect((await jobEnd(jobId)).state).toBe('done');
    const detail = await call<RunDetail>('runs.get', { id: runId });
    const summary = JSON.parse(readFileSync(join(runDirOf(runId), 'summary.json'), 'utf8')) as TrainingSummary;
    expect(summary.status).toBe('early_stopped');
    expect(summary.epochsRun).toBeLessThan(60);
    expect(detail.epochs).toHaveLength(summary.epochsRun);
    // Best epoch: the highest validation F1, a tie going to the lower validation loss; training
    // stopped `patience` epochs after F1 last rose (a tie is no progress).
    const f1s = detail.epochs.map((e) => e.valF1);
    let best = 0;
    let rose = 0;
    detail.epochs.forEach((e, i) => {
      const b = detail.epochs[best];
      if (e.valF1 > detail.epochs[rose].valF1) rose = i;
      if (e.valF1 > b.valF1 || (e.valF1 === b.valF1 && e.valLoss < b.valLoss)) best = i;
    });
    best += 1;
    expect(summary.bestEpoch).toBe(best);
    expect(summary.epochsRun).toBe(rose + 1 + 2);
    expect(detail.run.stoppedEarly).toBe(true);
    expect(detail.run.bestEpoch).toBe(best);
    // The model kept is the best epoch's: evaluated again on validation, it gives that epoch's F1.
    const val = await evaluateRun(runDirOf(runId), { split: 'val' });
    expect(val.macro_f1).toBeCloseTo(f1s[best - 1], 6);
  });

  it('records a worker that crashes mid-run as failed, job and run, at once', async () => {
    const { jobId, runId } = await call<{ jobId: string; runId: number }>('training.start', { settings: { ...TINY, epochs: 200, patience: 500 } });
    await epochsRecorded(runId, 1);
    process.kill(workers.at(-1)!.pid!, 'SIGKILL');
    const end = await jobEnd(jobId);
    expect(end.state).toBe('failed');
    expect(end.error).toMatch(/stopped unexpectedly/);
    const now = recorded(runId, jobId);
    expect(now).toMatchObject({ run: 'failed', job: 'failed' });
    expect((await call<RunDetail>('runs.get', { id: runId })).run.error).toMatch(/stopped unexpectedly/);
  });

  it('records a run that hangs past the grace period after a cancel as cancelled, job and run, at once', async () => {
    const { jobId, runId } = await call<{ jobId: string; runId: number }>('training.start', { settings: { ...TINY, epochs: 200, patience: 500 } });
    await epochsRecorded(runId, 1);
    const pid = workers.at(-1)!.pid!;
    // Frozen: it cannot answer the cancel, so the runner kills it when the grace period is over.
    process.kill(pid, 'SIGSTOP');
    const t0 = Date.now();
    await call('jobs.cancel', { id: jobId });
    const end = await jobEnd(jobId);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
    expect(end.state).toBe('cancelled');
    expect(recorded(runId, jobId)).toMatchObject({ run: 'cancelled', job: 'cancelled' });
    expect(() => process.kill(pid, 0)).toThrow();
  });
});

function runDirOf(runId: number): string {
  const store = ProjectStore.open(dir);
  try {
    return store.run(runId).run_dir;
  } finally {
    store.close();
  }
}
