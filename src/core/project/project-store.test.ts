import Database from 'better-sqlite3';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, migrations, SCHEMA_VERSION } from './migrations';
import { ProjectStore } from './project-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gstudio-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const clip = (className: string, name: string) => ({ relPath: `${className}/${name}`, className, sizeBytes: 100, mtimeMs: 1000 });

describe('migrations', () => {
  it('bring an empty file to the current schema with every table', () => {
    const db = new Database(join(dir, 'empty.sqlite'));
    expect(migrate(db)).toBe(SCHEMA_VERSION);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    for (const t of ['project', 'classes', 'clips', 'label_events', 'runs', 'epochs', 'predictions', 'jobs', 'schema_version']) {
      expect(tables).toContain(t);
    }
    // Running again is a no-op, not a second CREATE.
    expect(migrate(db)).toBe(SCHEMA_VERSION);
    expect((db.prepare('SELECT version FROM schema_version').get() as { version: number }).version).toBe(migrations.length);
    db.close();
  });

  it('refuse a file written by a newer studio', () => {
    const db = new Database(join(dir, 'newer.sqlite'));
    migrate(db);
    db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 5);
    expect(() => migrate(db)).toThrow(/newer Gesture Studio/);
    db.close();
  });

  it('run in WAL mode in the project folder', () => {
    const store = ProjectStore.create(dir, 'demo');
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.info()).toMatchObject({ name: 'demo', videoRoot: null, schemaVersion: SCHEMA_VERSION });
    store.close();
    expect(() => ProjectStore.create(dir)).toThrow(/already holds a project/);
    expect(ProjectStore.open(dir).info().name).toBe('demo');
  });

  it('say what to do when there is no project', () => {
    expect(() => ProjectStore.open(join(dir, 'nothing'))).toThrow(/No project in .*gstudio init/);
  });
});

describe('clips', () => {
  it('sync from disk keeps labels, re-probes changed files and flags missing ones', () => {
    const store = ProjectStore.create(dir);
    expect(store.syncClips([clip('a', '1.mp4'), clip('a', '2.mp4'), clip('b', '3.mp4')])).toEqual({ added: 3, unchanged: 0, missing: 0 });
    const [first] = store.listClips({ search: '1.mp4' }).items;
    store.setProbeResult(first.id, { duration: 2, fps: 25, frameCount: 50, width: 64, height: 48, codec: 'h264', rotation: 0 });
    store.labels.relabel([first.id], store.classId('b'), 'test');
    const again = store.syncClips([{ ...clip('a', '1.mp4'), sizeBytes: 200 }, clip('a', '2.mp4')]);
    expect(again).toEqual({ added: 1, unchanged: 1, missing: 1 });
    const after = store.getClip(first.id);
    expect(after.className).toBe('b');
    expect(after.folderClassName).toBe('a');
    expect(after.status).toBe('pending');
    expect(store.listClips({ status: 'missing' }).items.map((c) => c.relPath)).toEqual(['b/3.mp4']);
  });

  it('filter by class, status and text, with paging', () => {
    const store = ProjectStore.create(dir);
    store.syncClips(Array.from({ length: 50 }, (_, i) => clip(i % 2 ? 'odd' : 'even', `clip_${i}.mp4`)));
    const odd = store.classId('odd');
    const page = store.listClips({ classId: odd, offset: 10, limit: 5 });
    expect(page.total).toBe(25);
    expect(page.items).toHaveLength(5);
    expect(page.items.every((c) => c.className === 'odd')).toBe(true);
    expect(store.listClips({ search: 'clip_1' }).total).toBe(11); // 1, 10-19
    expect(store.listClips({ search: '%' }).total).toBe(0); // LIKE wildcards are literal
    const s = store.summary();
    expect(s.classes.map((c) => [c.name, c.clips])).toEqual([['even', 25], ['odd', 25]]);
    expect(s.totals.pending).toBe(50);
  });
});

describe('relabel history', () => {
  it('undoes and redoes whole actions, and a new relabel drops the redo', () => {
    const store = ProjectStore.create(dir);
    store.syncClips([clip('a', '1.mp4'), clip('a', '2.mp4'), clip('b', '3.mp4')]);
    const ids = store.listClips({}).items.map((c) => c.id);
    const [a, b] = [store.classId('a'), store.classId('b')];
    const cls = () => ids.map((id) => store.getClip(id).className);
    expect(cls()).toEqual(['a', 'a', 'b']);

    expect(store.labels.relabel([ids[0], ids[1]], b, 'ann').clipIds).toEqual([ids[0], ids[1]]);
    store.labels.relabel([ids[2]], a, 'ann');
    expect(cls()).toEqual(['b', 'b', 'a']);

    expect(store.labels.undo()?.clipIds).toEqual([ids[2]]);
    expect(cls()).toEqual(['b', 'b', 'b']);
    expect(store.labels.undo()?.clipIds.sort()).toEqual([ids[0], ids[1]].sort());
    expect(cls()).toEqual(['a', 'a', 'b']);
    expect(store.labels.undo()).toBeNull();

    expect(store.labels.redo()?.description).toMatch(/2 clips as b/);
    expect(cls()).toEqual(['b', 'b', 'b']);
    // A new action after an undo drops what could be redone, but keeps it in the history.
    store.labels.relabel([ids[0]], a, 'ann');
    expect(store.labels.redo()).toBeNull();
    expect(cls()).toEqual(['a', 'b', 'b']);
    expect(store.labels.history(ids[2]).map((e) => e.state)).toEqual(['dropped']);
    expect(store.labels.history(ids[0]).map((e) => [e.oldClass, e.newClass, e.state])).toEqual([
      ['a', 'b', 'applied'],
      ['b', 'a', 'applied'],
    ]);
  });

  it('survive closing and reopening the project', () => {
    const store = ProjectStore.create(dir);
    store.syncClips([clip('a', '1.mp4'), clip('b', '2.mp4')]);
    const id = store.listClips({ search: '1.mp4' }).items[0].id;
    store.labels.relabel([id], store.classId('b'), 'ann');
    store.close();
    const again = ProjectStore.open(dir);
    expect(again.getClip(id).className).toBe('b');
    again.labels.undo();
    again.close();
    expect(ProjectStore.open(dir).getClip(id).className).toBe('a');
  });

  it('refuse an unknown class or clip without changing anything', () => {
    const store = ProjectStore.create(dir);
    store.syncClips([clip('a', '1.mp4')]);
    const id = store.listClips({}).items[0].id;
    expect(() => store.labels.relabel([id], 999, 'x')).toThrow(/Class 999 was not found/);
    expect(() => store.labels.relabel([id, 999], store.ensureClass('z'), 'x')).toThrow(/Clip 999/);
    expect(store.getClip(id).className).toBe('a');
  });
});

describe('runs, epochs and predictions', () => {
  it('round-trip through the schema', () => {
    const store = ProjectStore.create(dir);
    store.syncClips([clip('a', '1.mp4')]);
    const clipId = store.listClips({}).items[0].id;
    const run = store.createRun('run 1', 'lstm', { hidden: 128 }, join(dir, 'runs', '1'));
    store.setRunStatus(run, 'running', { backend: 'wasm' });
    store.addEpoch(run, { epoch: 1, trainLoss: 1, trainAcc: 0.5, valLoss: 1.1, valAcc: 0.4, valF1: 0.3, lr: 1e-3, seconds: 2 });
    store.putPredictions(run, [{ clipId, split: 'test', trueClassId: 1, predClassId: 1, confidence: 0.9, probs: [0.9, 0.1] }]);
    expect(store.epochs(run)).toEqual([{ epoch: 1, trainLoss: 1, trainAcc: 0.5, valLoss: 1.1, valAcc: 0.4, valF1: 0.3, lr: 1e-3, seconds: 2 }]);
    expect(store.predictions(run)[0].probs).toEqual([0.9, 0.1]);
    store.setRunStatus(run, 'done', { summary: { f1: 0.9 } });
    const row = store.db.prepare('SELECT status, backend, summary, finished_at FROM runs WHERE id = ?').get(run) as Record<string, string>;
    expect(row).toMatchObject({ status: 'done', backend: 'wasm', summary: '{"f1":0.9}' });
    expect(row.finished_at).toBeTruthy();
  });
});

describe('review filters', () => {
  it('find the clips the latest finished run gets wrong, doubts, or where no hands were seen', () => {
    const store = ProjectStore.create(dir);
    store.syncClips(['1', '2', '3', '4'].map((n) => clip(Number(n) % 2 ? 'a' : 'b', `${n}.mp4`)));
    const ids = Object.fromEntries(store.listClips({}).items.map((c) => [c.name, c.id]));
    const [a, b] = [store.classId('a'), store.classId('b')];
    const old = store.createRun('old', 'lstm', {}, join(dir, 'runs', 'old'));
    store.setRunStatus(old, 'done');
    store.putPredictions(old, [{ clipId: ids['1.mp4'], split: 'test', trueClassId: a, predClassId: b, confidence: 0.99, probs: [0.01, 0.99] }]);
    const run = store.createRun('new', 'lstm', {}, join(dir, 'runs', 'new'));
    store.setRunStatus(run, 'done');
    store.putPredictions(run, [
      { clipId: ids['1.mp4'], split: 'test', trueClassId: a, predClassId: a, confidence: 0.9, probs: [0.9, 0.1] },
      { clipId: ids['2.mp4'], split: 'val', trueClassId: b, predClassId: a, confidence: 0.8, probs: [0.8, 0.2] },
      { clipId: ids['3.mp4'], split: 'train', trueClassId: a, predClassId: a, confidence: 0.55, probs: [0.55, 0.45] },
    ]);
    // A run that is still going does not count.
    store.createRun('running', 'lstm', {}, join(dir, 'runs', 'running'));
    store.setExtractResult(ids['4.mp4'], { h5Key: 'k4', handsFraction: 0 });
    store.setExtractResult(ids['3.mp4'], { h5Key: 'k3', handsFraction: 0.5 });
    const names = (review: 'misclassified' | 'low_confidence' | 'no_hands') => store.listClips({ review }).items.map((c) => c.name);
    expect(names('misclassified')).toEqual(['2.mp4']);
    expect(store.listClips({ review: 'misclassified' }).total).toBe(1);
    expect(names('low_confidence')).toEqual(['3.mp4']);
    expect(names('no_hands')).toEqual(['4.mp4']);
    expect(store.getClip(ids['2.mp4']).prediction).toEqual({ className: 'a', confidence: 0.8, split: 'val' });
    expect(store.getClip(ids['4.mp4']).prediction).toBeNull();
    // The split filter: the part of the shown run's split each clip was in; 4.mp4 is in none.
    const inSplit = (split: 'train' | 'val' | 'test') => store.listClips({ split }).items.map((c) => c.name);
    expect([inSplit('train'), inSplit('val'), inSplit('test')]).toEqual([['3.mp4'], ['2.mp4'], ['1.mp4']]);
    expect(store.listClips({ split: 'val', review: 'misclassified' }).total).toBe(1);
    expect(store.listClips({ split: 'test', review: 'misclassified' }).total).toBe(0);
    // Relabelling the clip as the model says takes it off the misclassified list.
    store.labels.relabel([ids['2.mp4']], a, 'ann');
    expect(names('misclassified')).toEqual([]);
  });
});

describe('the active run', () => {
  it('is the best by validation F1 (not the newest) until the researcher chooses one, and drives predictions and filters', () => {
    const store = ProjectStore.create(dir);
    store.syncClips([clip('a', '1.mp4'), clip('b', '2.mp4')]);
    const ids = Object.fromEntries(store.listClips({}).items.map((c) => [c.name, c.id]));
    const [a, b] = [store.classId('a'), store.classId('b')];
    const epoch = (valF1: number) => ({ epoch: 1, trainLoss: 1, trainAcc: 0.5, valLoss: 1, valAcc: 0.5, valF1, lr: 1e-3 });
    const good = store.createRun('run 1 · lstm', 'lstm', {}, join(dir, 'runs', '1'));
    store.addEpoch(good, epoch(0.9));
    store.setRunStatus(good, 'done');
    store.putPredictions(good, [{ clipId: ids['1.mp4'], split: 'test', trueClassId: a, predClassId: a, confidence: 0.9, probs: [0.9, 0.1] }]);
    // A weaker, newer run gets clip 1 wrong.
    const weak = store.createRun('run 2 · lstm', 'lstm', {}, join(dir, 'runs', '2'));
    store.addEpoch(weak, epoch(0.4));
    store.setRunStatus(weak, 'done');
    store.putPredictions(weak, [{ clipId: ids['1.mp4'], split: 'test', trueClassId: a, predClassId: b, confidence: 0.7, probs: [0.3, 0.7] }]);
    expect(store.summary().activeRun).toEqual({ id: good, name: 'run 1 · lstm', bestValF1: 0.9, chosen: false });
    expect(store.listClips({ review: 'misclassified' }).total).toBe(0);
    store.setActiveRun(weak);
    expect(store.summary().activeRun).toMatchObject({ id: weak, chosen: true });
    expect(store.listClips({ review: 'misclassified' }).items.map((c) => c.name)).toEqual(['1.mp4']);
    expect(store.getClip(ids['1.mp4']).prediction?.className).toBe('b');
    // Only a finished run can be chosen; null goes back to the best.
    const running = store.createRun('run 3 · lstm', 'lstm', {}, join(dir, 'runs', '3'));
    expect(() => store.setActiveRun(running)).toThrow(/has not finished/);
    store.setActiveRun(null);
    expect(store.summary().activeRun?.id).toBe(good);
  });
});

describe('concurrency', () => {
  it('readers see whole transactions while another process writes', async () => {
    ProjectStore.create(dir).close();
    const batch = 60;
    const batches = 15;
    const child = fork(join(__dirname, 'test-fixtures', 'clip-writer.ts'), [dir, String(batches), String(batch)], {
      execArgv: ['--import', 'tsx'],
    });
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    const readers = [ProjectStore.open(dir), ProjectStore.open(dir)];
    const seen = new Set<number>();
    let finished = false;
    exited.then(() => (finished = true));
    while (!finished) {
      for (const r of readers) {
        const n = (r.db.prepare("SELECT COUNT(*) AS n FROM clips WHERE status != 'missing'").get() as { n: number }).n;
        // Each write is one transaction adding `batch` clips: a reader never sees half of one.
        expect(n % batch).toBe(0);
        seen.add(n);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(await exited).toBe(0);
    expect(readers[0].listClips({}).total).toBe(batch * batches);
    expect(seen.size).toBeGreaterThan(1); // the readers really ran while the writer wrote
    readers.forEach((r) => r.close());
  });
});

