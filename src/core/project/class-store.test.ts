import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeSyntheticSequences } from '../dataset/synthetic-sequences';
import { rewriteSequenceFile } from '../dataset/sequence-file-rewrite';
import { labelMapFor } from '../extraction/extraction-settings';
import { runEvaluation } from '../runs/run-views';
import { syncLabelsToKeypoints } from '../runs/sync-labels';
import { migrations, SCHEMA_VERSION } from './migrations';
import { projectFiles } from './paths';
import { ProjectStore } from './project-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gstudio-classes-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const clip = (folder: string, name: string) => ({ relPath: `${folder}/${name}`, className: folder, sizeBytes: 100, mtimeMs: 1000 });

/** A project of folders a (2 clips), b (2), c (1). */
function project(): { store: ProjectStore; ids: Record<string, number> } {
  const store = ProjectStore.create(dir);
  store.syncClips([clip('a', '1.mp4'), clip('a', '2.mp4'), clip('b', '3.mp4'), clip('b', '4.mp4'), clip('c', '5.mp4')]);
  return { store, ids: Object.fromEntries(store.listClips({}).items.map((c) => [c.name, c.id])) };
}

const classesOf = (store: ProjectStore) => Object.fromEntries(store.listClips({}).items.map((c) => [c.name, c.className]));
const names = (store: ProjectStore) => store.summary().classes.map((c) => c.name);
/** Everything a refused action must leave as it was. */
const snapshot = (store: ProjectStore) =>
  JSON.stringify(['classes', 'class_folders', 'clips', 'label_events', 'class_events', 'label_actions'].map((t) => store.db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()));

describe('adding, renaming and merging classes', () => {
  it('adds a class without a folder that lists everywhere and takes clips', () => {
    const { store, ids } = project();
    const change = store.classes.add('  wave  ', 'ann');
    expect(change.description).toBe('Added class wave');
    expect(names(store)).toEqual(['a', 'b', 'c', 'wave']);
    expect(store.summary().classes.find((c) => c.name === 'wave')).toMatchObject({ clips: 0, folders: [] });
    expect(store.classNames()).toEqual(['a', 'b', 'c', 'wave']);
    store.labels.relabel([ids['5.mp4']], change.classId, 'ann');
    expect(classesOf(store)['5.mp4']).toBe('wave');
    // Made from the picker: the class and its clips in one action.
    const picked = store.classes.add('point', 'ann', [ids['1.mp4'], ids['2.mp4']]);
    expect(picked.description).toBe('Added class point and relabelled 2 clips as point: 1.mp4, 2.mp4');
    expect(picked.clipIds).toEqual([ids['1.mp4'], ids['2.mp4']]);
    expect(store.labels.undo()?.description).toBe('Undid adding class point and relabelling 2 clips: 2.mp4, 1.mp4');
    expect(names(store)).toEqual(['a', 'b', 'c', 'wave']);
    expect(classesOf(store)['1.mp4']).toBe('a');
    expect(store.labels.redo()?.description).toMatch(/^Redid adding class point and relabelling 2 clips/);
    expect(classesOf(store)['2.mp4']).toBe('point');
  });

  it('renames: the name changes everywhere, the folder stays, and the clips are marked for the next sync', () => {
    const { store, ids } = project();
    store.clearLabelDirty(Object.values(ids));
    const a = store.classId('a');
    expect(store.classes.rename(a, 'alpha', 'ann').description).toBe('Renamed class a to alpha (its folder a/ keeps its name on disk)');
    expect(names(store)).toEqual(['alpha', 'b', 'c']);
    expect(store.summary().classes[0]).toMatchObject({ name: 'alpha', clips: 2, folders: ['a'] });
    expect(store.getClip(ids['1.mp4'])).toMatchObject({ className: 'alpha', folderClassName: 'alpha', classId: a });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM clips WHERE label_dirty = 1').get()).toEqual({ n: 2 });
    // A different case is a rename of its own.
    store.classes.rename(a, 'Alpha', 'ann');
    expect(store.labels.undo()?.description).toBe('Undid renaming class alpha to Alpha');
    expect(store.labels.undo()?.description).toBe('Undid renaming class a to alpha');
    expect(names(store)).toEqual(['a', 'b', 'c']);
    expect(store.labels.redo()?.description).toBe('Redid renaming class a to alpha');
    expect(names(store)).toEqual(['alpha', 'b', 'c']);
  });

  it('merges A into B: its clips become B in one action, A leaves the lists, undo brings all back', () => {
    const { store, ids } = project();
    const [a, b] = [store.classId('a'), store.classId('b')];
    // Clip 3 was relabelled from b to a by hand: the merge takes it along, its undo leaves that relabel.
    store.labels.relabel([ids['3.mp4']], a, 'ann');
    const change = store.classes.merge(a, b, 'bob');
    expect(change.description).toBe('Merged class a into b: 3 clips relabelled: 1.mp4, 2.mp4, 3.mp4');
    expect(names(store)).toEqual(['b', 'c']);
    expect(classesOf(store)).toEqual({ '1.mp4': 'b', '2.mp4': 'b', '3.mp4': 'b', '4.mp4': 'b', '5.mp4': 'c' });
    expect(store.summary().classes[0]).toMatchObject({ name: 'b', clips: 4, folders: ['a', 'b'] });
    // A merged clip is not shown as relabelled against its folder: the folder feeds b now.
    expect(store.getClip(ids['1.mp4']).folderClassName).toBe('b');
    expect(store.labels.history(ids['1.mp4']).map((e) => [e.oldClass, e.newClass, e.author, e.cause])).toEqual([['a', 'b', 'bob', 'merge']]);
    expect(() => store.labels.relabel([ids['5.mp4']], a, 'ann')).toThrow('Class "a" was merged into "b": relabel as "b"');
    expect(store.classId('b')).toBe(b);
    expect(() => store.classId('a')).toThrow(/not found/);

    expect(store.labels.undo()?.description).toBe('Undid merging class a into b: 3 clips back in a: 3.mp4, 2.mp4, 1.mp4');
    expect(names(store)).toEqual(['a', 'b', 'c']);
    expect(classesOf(store)).toEqual({ '1.mp4': 'a', '2.mp4': 'a', '3.mp4': 'a', '4.mp4': 'b', '5.mp4': 'c' });
    expect(store.summary().classes.map((c) => c.folders)).toEqual([['a'], ['b'], ['c']]);
    expect(store.labels.undo()?.description).toMatch(/^Undid relabel of 1 clip \(back to b\)/);
    expect(store.labels.redo()?.description).toMatch(/^Redid relabel of 1 clip as a/);
    expect(store.labels.redo()?.description).toBe('Redid merging class a into b: 3 clips relabelled: 1.mp4, 2.mp4, 3.mp4');
    expect(names(store)).toEqual(['b', 'c']);
    expect(store.labels.redo()).toBeNull();
  });

  it('keeps one undo stack for relabels and class actions, in the order they happened, with who and when', () => {
    const { store, ids } = project();
    const [a, b, c] = [store.classId('a'), store.classId('b'), store.classId('c')];
    store.labels.relabel([ids['1.mp4']], b, 'ann');
    store.classes.rename(c, 'gamma', 'ann');
    store.labels.relabel([ids['5.mp4']], a, 'ann');
    const wave = store.classes.add('wave', 'bob', [ids['4.mp4']]).classId;
    store.classes.merge(b, a, 'bob');
    const undone = [1, 2, 3, 4, 5].map(() => store.labels.undo()!.description.split(':')[0]);
    expect(undone).toEqual([
      'Undid merging class b into a',
      'Undid adding class wave and relabelling 1 clip',
      'Undid relabel of 1 clip (back to gamma)',
      'Undid renaming class c to gamma',
      'Undid relabel of 1 clip (back to a)',
    ]);
    expect(store.labels.undo()).toBeNull();
    expect(classesOf(store)).toEqual({ '1.mp4': 'a', '2.mp4': 'a', '3.mp4': 'b', '4.mp4': 'b', '5.mp4': 'c' });
    expect(names(store)).toEqual(['a', 'b', 'c']);
    store.labels.redo();
    store.labels.redo();
    // A new action drops the rest of the redo stack, class actions included.
    store.classes.rename(a, 'alpha', 'ann');
    expect(store.labels.redo()).toBeNull();
    expect(store.classes.history().map((e) => [e.kind, e.oldName, e.newName, e.intoName, e.author, e.state, e.clips])).toEqual([
      ['rename', 'a', 'alpha', null, 'ann', 'applied', 0],
      ['merge', 'b', 'a', 'alpha', 'bob', 'dropped', 2],
      ['add', null, 'wave', null, 'bob', 'dropped', 1],
      ['rename', 'c', 'gamma', null, 'ann', 'applied', 0],
    ]);
    expect(store.classes.history()[0].at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(names(store)).toEqual(['alpha', 'b', 'gamma']);
    expect(() => store.labels.relabel([ids['1.mp4']], wave, 'ann')).toThrow(/Class "wave" was not found: its adding was undone/);
  });

  it('refuses bad input with a clear error and changes nothing', () => {
    const { store, ids } = project();
    const [a, b] = [store.classId('a'), store.classId('b')];
    store.classes.merge(store.classId('c'), b, 'ann');
    const before = snapshot(store);
    const refused: [() => unknown, RegExp][] = [
      [() => store.classes.add('   ', 'x'), /A class needs a name/],
      [() => store.classes.add('B', 'x'), /There is already a class called "b"/],
      [() => store.classes.add('x/y', 'x'), /has a \/ or \\ in it/],
      [() => store.classes.add('..', 'x'), /starts with a dot/],
      [() => store.classes.add('tab\there', 'x'), /control characters/],
      [() => store.classes.add('x'.repeat(101), 'x'), /at most 100 characters/],
      [() => store.classes.add('new', 'x', [ids['1.mp4'], 999]), /Clip 999 was not found/],
      [() => store.classes.rename(a, 'b', 'x'), /There is already a class called "b"/],
      [() => store.classes.rename(a, 'a', 'x'), /already called "a"/],
      [() => store.classes.rename(a, '', 'x'), /A class needs a name/],
      [() => store.classes.rename(999, 'z', 'x'), /Class 999 was not found/],
      [() => store.classes.rename(store.db.prepare("SELECT id FROM classes WHERE name = 'c'").pluck().get() as number, 'z', 'x'), /Class "c" was merged into "b"/],
      [() => store.classes.merge(a, a, 'x'), /cannot be merged into itself/],
      [() => store.classes.merge(a, 999, 'x'), /Class 999 was not found/],
      [() => store.classes.merge(999, a, 'x'), /Class 999 was not found/],
    ];
    for (const [action, message] of refused) {
      expect(action).toThrow(message);
      expect(snapshot(store)).toBe(before);
    }
  });

  it('refuses an undo that can no longer be made, and leaves every clip as it was', () => {
    const { store } = project();
    const [a, b] = [store.classId('a'), store.classId('b')];
    store.classes.merge(a, b, 'ann');
    // A new folder named like the merged class made a class of that name since (import is no action).
    store.syncClips([clip('a', '1.mp4'), clip('a', '2.mp4'), clip('b', '3.mp4'), clip('b', '4.mp4'), clip('c', '5.mp4'), clip('a', '6.mp4')]);
    store.classes.rename(b, 'a', 'ann');
    store.classes.add('extra', 'ann');
    store.labels.undo();
    store.labels.undo();
    expect(names(store)).toEqual(['b', 'c']);
    store.ensureClass('a'); // a folder "a" is b's now: no new class
    expect(names(store)).toEqual(['b', 'c']);
    store.db.prepare("INSERT INTO classes (name, created_at) VALUES ('a', 'now')").run();
    const before = snapshot(store);
    expect(() => store.labels.undo()).toThrow('Cannot undo merging a into b: another class is called a now; rename that class first');
    expect(snapshot(store)).toBe(before);
  });
});

describe('re-importing the video folder', () => {
  it('maps a renamed class folder to the renamed class, and a merged folder to the class it went into', () => {
    const { store } = project();
    const [a, b, c] = [store.classId('a'), store.classId('b'), store.classId('c')];
    store.classes.rename(a, 'alpha', 'ann');
    store.classes.merge(c, b, 'ann');
    const again = [clip('a', '1.mp4'), clip('a', '2.mp4'), clip('a', 'new.mp4'), clip('b', '3.mp4'), clip('b', '4.mp4'), clip('c', '5.mp4'), clip('c', 'late.mp4'), clip('d', '7.mp4')];
    expect(store.syncClips(again)).toEqual({ added: 3, unchanged: 5, missing: 0 });
    const byName = Object.fromEntries(store.listClips({}).items.map((k) => [k.name, k]));
    expect(byName['new.mp4']).toMatchObject({ className: 'alpha', classId: a, folderClassName: 'alpha' });
    expect(byName['late.mp4']).toMatchObject({ className: 'b', classId: b, folderClassName: 'b' });
    // A new folder is a new class, as before.
    expect(byName['7.mp4'].className).toBe('d');
    expect(names(store)).toEqual(['alpha', 'b', 'd']);
    // A class made in the studio adopts the folder made for it.
    const wave = store.classes.add('wave', 'ann').classId;
    store.syncClips([...again, clip('wave', '8.mp4')]);
    expect(store.listClips({ search: '8.mp4' }).items[0].classId).toBe(wave);
    expect(store.summary().classes.find((k) => k.name === 'wave')?.folders).toEqual(['wave']);
    // ... and then its adding cannot be undone (the clip came in by import, not by an action).
    expect(() => store.labels.undo()).toThrow(/Cannot undo adding class wave: 1 clip came into it since/);
    // Capture records into a class's own folder; a class made in the studio gets one (mapped at once),
    // not the folder of a renamed class that had its name.
    expect(store.classes.captureFolder(a)).toBe('a');
    store.classes.rename(a, 'renamed', 'ann');
    const again2 = store.classes.add('a', 'ann').classId;
    expect(store.classes.captureFolder(again2)).toBe('a 2');
    store.syncClips([...again, clip('wave', '8.mp4'), clip('a 2', '9.mp4')]);
    expect(store.listClips({ search: '9.mp4' }).items[0].classId).toBe(again2);
  });
});

describe('a project made by the old schema', () => {
  it('migrates: classes keep their ids and get their folders, the undo stack and run labels are carried over', () => {
    const file = projectFiles(dir).database;
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    old.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (3);');
    for (const m of migrations.slice(0, 3)) old.exec(m);
    old.exec(`
      INSERT INTO project (id, name, created_at) VALUES (1, 'old', 't');
      INSERT INTO classes (id, name, created_at) VALUES (1, 'hello', 't'), (2, 'wave', 't');
      INSERT INTO clips (id, rel_path, folder_class_id, class_id, size_bytes, mtime_ms, status, created_at, updated_at) VALUES
        (1, 'hello/1.mp4', 1, 1, 100, 1000, 'ok', 't', 't'), (2, 'hello/2.mp4', 1, 2, 100, 1000, 'ok', 't', 't'), (3, 'wave/3.mp4', 2, 2, 100, 1000, 'ok', 't', 't');
      INSERT INTO label_events (clip_id, old_class_id, new_class_id, author, at, batch, state) VALUES
        (2, 1, 2, 'ann', 't1', 'b1', 'applied'), (1, 1, 2, 'ann', 't2', 'b2', 'undone');
      INSERT INTO runs (id, name, model_type, status, run_dir, summary, created_at) VALUES
        (1, 'run 1', 'lstm', 'done', 'runs/1', '{"labels":["hello","wave"],"bestValF1":0.5}', 't'),
        (2, 'run 2', 'lstm', 'failed', 'runs/2', 'not json', 't');
      INSERT INTO predictions (run_id, clip_id, split, true_class_id, pred_class_id, confidence, probs) VALUES
        (1, 1, 'test', 1, 2, 0.8, '[0.2,0.8]'), (1, 3, 'test', 2, 2, 0.9, '[0.1,0.9]');
    `);
    old.close();

    const store = ProjectStore.open(dir);
    expect(store.info().schemaVersion).toBe(SCHEMA_VERSION);
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
    expect(store.summary().classes.map((c) => [c.id, c.name, c.folders])).toEqual([[1, 'hello', ['hello']], [2, 'wave', ['wave']]]);
    expect(store.runLabels(1)).toEqual([{ label: 0, name: 'hello', classId: 1 }, { label: 1, name: 'wave', classId: 2 }]);
    expect(store.runLabels(2)).toEqual([]);
    // The old undo stack goes on: redo the undone relabel, then undo both in order.
    expect(store.labels.redo()?.clipIds).toEqual([1]);
    expect(store.labels.undo()?.clipIds).toEqual([1]);
    expect(store.labels.undo()?.clipIds).toEqual([2]);
    expect(classesOf(store)).toEqual({ '1.mp4': 'hello', '2.mp4': 'hello', '3.mp4': 'wave' });
    // The old run reads as it trained after its classes change.
    store.classes.rename(1, 'hi', 'ann');
    const e = runEvaluation(store, 1, 'test');
    expect(e.labels).toEqual(['hello', 'wave']);
    expect(e.predictions.map((p) => [p.trueClass, p.currentClass, p.predictedClass, p.relabelled])).toEqual([
      ['hello', 'hi', 'wave', false],
      ['wave', 'wave', 'wave', false],
    ]);
    expect(store.syncClips([clip('hello', '1.mp4'), clip('hello', '2.mp4'), clip('wave', '3.mp4'), clip('hello', '4.mp4')]).added).toBe(1);
    expect(store.listClips({ search: '4.mp4' }).items[0].className).toBe('hi');
  });
});

describe("a run's views after its classes change", () => {
  it('show the run its own labels, and say which class each answer is now', () => {
    const { store, ids } = project();
    const [a, b, c] = [store.classId('a'), store.classId('b'), store.classId('c')];
    const run = store.createRun('run 1', 'lstm', {}, join(dir, 'runs', '1'));
    store.setRunStatus(run, 'done', { summary: { labels: ['a', 'b', 'c'] } });
    store.putRunLabels(run, ['a', 'b', 'c'], [a, b, c]);
    const p = (name: string, t: number, pred: number, conf: number) => ({ clipId: ids[name], split: 'test' as const, trueClassId: t, predClassId: pred, confidence: conf, probs: [0.1, 0.2, 0.7] });
    store.putPredictions(run, [p('1.mp4', a, a, 0.9), p('2.mp4', a, c, 0.7), p('3.mp4', b, b, 0.8), p('5.mp4', c, b, 0.6)]);
    const before = runEvaluation(store, run, 'test');

    store.classes.rename(a, 'alpha', 'ann');
    store.classes.merge(c, b, 'ann');
    const after = runEvaluation(store, run, 'test');
    // The numbers and labels are the run's.
    expect(after.labels).toEqual(['a', 'b', 'c']);
    expect([after.accuracy, after.macroF1, after.confusion]).toEqual([before.accuracy, before.macroF1, before.confusion]);
    expect(after.perClass).toEqual(before.perClass);
    const rows = Object.fromEntries(after.predictions.map((r) => [r.relPath, r]));
    expect(rows['a/1.mp4']).toMatchObject({ trueClass: 'a', currentClass: 'alpha', predictedClass: 'a', predictedClassNow: 'alpha', predictedClassId: a, currentClassId: a, relabelled: false });
    // Predicted c, which went into b: "relabel as predicted" means b now.
    expect(rows['a/2.mp4']).toMatchObject({ predictedClass: 'c', predictedClassNow: 'b', predictedClassId: b, relabelled: false });
    expect(rows['c/5.mp4']).toMatchObject({ trueClass: 'c', currentClass: 'b', predictedClass: 'b', relabelled: false });
    // The Clips view: predictions as the classes they are now, with the run's own label when it differs.
    expect(store.getClip(ids['1.mp4']).prediction).toEqual({ className: 'alpha', confidence: 0.9, split: 'test', runLabel: 'a' });
    expect(store.getClip(ids['2.mp4']).prediction).toMatchObject({ className: 'b', runLabel: 'c' });
    // A prediction of c on a clip that is b now (c went into b) is no mistake any more.
    expect(store.listClips({ review: 'misclassified' }).items.map((k) => k.name)).toEqual(['2.mp4']);
  });
});

describe('the keypoints file in step', () => {
  it('after add, rename, merge and a sync, h5py reads the project classes: label map, labels and class names', async () => {
    const folders = ['class_0', 'class_1', 'class_2'];
    const store = ProjectStore.create(dir);
    store.syncClips(folders.flatMap((f) => [0, 1, 2].map((i) => clip(f, `clip_${i}.mp4`))));
    const keys = await writeSyntheticSequences({ path: projectFiles(dir).keypoints, classes: 3, perClass: 3, seqLen: 4, features: 2, seed: 3 });
    const ids = store.listClips({ limit: 100 }).items.sort((x, y) => x.relPath.localeCompare(y.relPath)).map((c) => c.id);
    ids.forEach((id, i) => store.setExtractResult(id, { h5Key: keys[i], handsFraction: 1 }));
    store.clearLabelDirty(ids);

    store.classes.rename(store.classId('class_0'), 'zero', 'ann');
    store.classes.merge(store.classId('class_2'), store.classId('class_1'), 'ann');
    store.classes.add('aaa new', 'ann', [ids[0]]);
    expect(await syncLabelsToKeypoints(store)).toBe(9 - 3);
    const read = () =>
      JSON.parse(
        execFileSync('/usr/bin/python3', [
          '-c',
          `import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
s = lambda v: v if isinstance(v, str) else v.decode()
print(json.dumps({'label_map': json.loads(s(f.attrs['label_map'])), 'clips': {s(d.attrs['original_path']): [s(d.attrs['class_name']), int(d.attrs['label'])] for d in f['sequences'].values()}}))`,
          projectFiles(dir).keypoints,
        ]).toString(),
      ) as { label_map: Record<string, number>; clips: Record<string, [string, number]> };
    const check = () => {
      const h5 = read();
      expect(h5.label_map).toEqual(labelMapFor(store.classNames()));
      for (const c of store.listClips({ limit: 100 }).items) expect(h5.clips[c.relPath]).toEqual([c.className, h5.label_map[c.className]]);
      return h5;
    };
    expect(check().label_map).toEqual({ 'aaa new': 0, class_1: 1, zero: 2 });
    // Nothing left to write: the file is not rewritten.
    expect(await syncLabelsToKeypoints(store)).toBe(0);
    // Undoing the add, then the merge: the file follows at the next sync.
    store.labels.undo();
    store.labels.undo();
    await syncLabelsToKeypoints(store);
    expect(check().label_map).toEqual({ class_1: 0, class_2: 1, zero: 2 });
    // An extraction writes with the project's label map: the synced file takes it.
    await expect(rewriteSequenceFile(projectFiles(dir).keypoints, { add: [], labelMap: labelMapFor(store.classNames()) })).resolves.toBeUndefined();
    store.close();
  });
});
