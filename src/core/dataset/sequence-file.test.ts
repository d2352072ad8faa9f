import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync, copyFileSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetFileError, InvalidInputError } from '../errors';
import type { FrameRecord } from '../keypoints/frame-record';
import { clipDatasetName } from './clip-name';
import { openWriter, recoverJournal } from './sequence-file-writer';
import { listClipNames, readClipFrames, readSequenceFile } from './sequence-file-reader';
import { relabel } from './relabel';
import { hdf5 } from './hdf5-module';

const tmp = () => mkdtempSync(join(tmpdir(), 'gs-h5-'));

function frames(n: number, seed: number): FrameRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    index: i,
    time: i / 25,
    persons: i % 2 === 0 ? [{ box: [0.1, 0.2, 0.6 + seed / 100, 0.9] as [number, number, number, number], score: 0.91 }] : [],
    hands:
      i % 3 === 2
        ? []
        : [
            { handedness: 'Right' as const, handednessScore: 0.95, score: 0.99, landmarks: Array.from({ length: 21 }, (_, k) => [k / 21, 0.5 + i / 100, -0.01 * k] as [number, number, number]) },
            ...(i % 3 === 1 ? [{ handedness: 'Left' as const, handednessScore: 0.7, score: 0.8, landmarks: Array.from({ length: 21 }, (_, k) => [0.3, k / 30, seed] as [number, number, number]) }] : []),
          ],
  }));
}

function seq(t: number, f: number, v: number): Float32Array {
  return Float32Array.from({ length: t * f }, (_, i) => v + i / 1000);
}

/** Debian's python3 has h5py; a pyenv `python3` first on PATH may not. */
function pythonWithH5py(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import h5py'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}
const python = pythonWithH5py();

describe('clip dataset names', () => {
  it('are unique where the reference class_clip_ext collides, and stable', () => {
    const a = clipDatasetName('a/b_c.mp4');
    const b = clipDatasetName('a_b/c.mp4');
    expect(a).not.toBe(b);
    expect(clipDatasetName('a\\b_c.mp4')).toBe(a);
    expect(a).toMatch(/^a_b_c.mp4_[0-9a-f]{10}$/);
    expect(clipDatasetName('héllo/clip 1 (ü).mov')).toMatch(/^hello_clip_1_u_.mov_[0-9a-f]{10}$/);
    expect(clipDatasetName('x/y.mp4')).not.toContain('/');
  });
});

describe('keypoint HDF5 file', () => {
  it('writes the reference layout clip by clip, reads it back with the per-frame records', async () => {
    const dir = tmp();
    const path = join(dir, 'keypoints.h5');
    const w = await openWriter(path, { extraction: { numFrames: 5, numFeatures: 4, resampling: 'middle' } });
    const recs = frames(7, 1);
    await w.putClip({ relativePath: 'wave/clip 1.mp4', className: 'wave', sequence: seq(5, 4, 1), shape: [5, 4], frames: recs });
    await w.putClip({ relativePath: 'stop/a.mp4', className: 'stop', sequence: seq(5, 4, 2), shape: [5, 4], originalPath: '/videos/stop/a.mp4' });
    expect(w.hasClip('wave/clip 1.mp4')).toBe(true);
    expect(w.hasClip(clipDatasetName('stop/a.mp4'))).toBe(true);
    await w.close();
    expect(existsSync(`${path}.journal`)).toBe(false);

    const file = await readSequenceFile(path);
    expect(file.labelMap).toEqual({ stop: 0, wave: 1 });
    expect([file.seqLen, file.numFeatures]).toEqual([5, 4]);
    expect(file.extraction).toEqual({ numFrames: 5, numFeatures: 4, resampling: 'middle' });
    const wave = file.clips.find((c) => c.className === 'wave')!;
    expect(wave.label).toBe(1);
    expect(wave.originalPath).toBe('wave/clip 1.mp4');
    expect(Array.from(wave.data)).toEqual(Array.from(seq(5, 4, 1)));
    expect(file.clips.find((c) => c.className === 'stop')!.originalPath).toBe('/videos/stop/a.mp4');

    const back = await readClipFrames(path, wave.key);
    const expected = recs.map((f) => ({
      ...f,
      persons: f.persons.map((p) => ({ box: p.box.map(Math.fround), score: Math.fround(p.score) })),
      hands: f.hands.map((h) => ({ ...h, handednessScore: Math.fround(h.handednessScore), score: Math.fround(h.score), landmarks: h.landmarks.map((l) => l.map(Math.fround)) })),
    }));
    expect(back).toEqual(expected);
    expect(await readClipFrames(path, file.clips.find((c) => c.className === 'stop')!.key)).toBeNull();
  });

  it('resumes after a crash: journaled clips count as done and merge on close; the old file stays intact meanwhile', async () => {
    const dir = tmp();
    const path = join(dir, 'k.h5');
    const w1 = await openWriter(path);
    await w1.putClip({ relativePath: 'a/1.mp4', className: 'a', sequence: seq(3, 2, 0), shape: [3, 2] });
    await w1.close();
    const sizeBefore = statSync(path).size;
    // A second extraction "crashes" after two clips: no close.
    const w2 = await openWriter(path);
    await w2.putClip({ relativePath: 'b/2.mp4', className: 'b', sequence: seq(3, 2, 1), shape: [3, 2] });
    await w2.putClip({ relativePath: 'b/3.mp4', className: 'b', sequence: seq(3, 2, 2), shape: [3, 2] });
    expect(statSync(path).size).toBe(sizeBefore);
    expect(await listClipNames(path)).toEqual([clipDatasetName('a/1.mp4')]);
    // The rerun sees all three as done and finishes the file.
    const w3 = await openWriter(path);
    expect(['a/1.mp4', 'b/2.mp4', 'b/3.mp4'].every((p) => w3.hasClip(p))).toBe(true);
    expect(w3.hasClip('b/4.mp4')).toBe(false);
    await w3.close();
    const file = await readSequenceFile(path);
    expect(file.clips.map((c) => c.className).sort()).toEqual(['a', 'b', 'b']);
    expect(file.labelMap).toEqual({ a: 0, b: 1 });
    expect(readdirSync(dir).filter((f) => f.includes('tmp'))).toEqual([]);
  });

  it('refuses a second writer while another process writes, and merges a dead writer\'s journal on recovery', async () => {
    const dir = tmp();
    const path = join(dir, 'k.h5');
    // Another process holds the file: a journal with a live writer's pid in its lock.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const crashed = await openWriter(path);
      await crashed.putClip({ relativePath: 'a/1.mp4', className: 'a', sequence: seq(3, 2, 0), shape: [3, 2] });
      writeFileSync(join(crashed.journalDir, '.writer.lock'), String(other.pid));
      await expect(openWriter(path)).rejects.toMatchObject({ code: 'busy', message: expect.stringContaining(String(other.pid)) });
      // Recovery leaves a live writer's journal alone.
      expect(await recoverJournal(path)).toBe(0);
      expect(existsSync(path)).toBe(false);
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    // Its writer is gone: recovery merges the journal and removes it.
    expect(await recoverJournal(path, { labelMap: { a: 0, b: 1 } })).toBe(1);
    const file = await readSequenceFile(path);
    expect(file.clips.map((c) => c.originalPath)).toEqual(['a/1.mp4']);
    expect(file.labelMap).toEqual({ a: 0, b: 1 });
    expect(existsSync(`${path}.journal`)).toBe(false);
    expect(await recoverJournal(path)).toBe(0);
  });

  it('replaces a clip put again, and rejects a clip of another shape', async () => {
    const path = join(tmp(), 'k.h5');
    const w = await openWriter(path);
    await w.putClip({ relativePath: 'a/1.mp4', className: 'a', sequence: seq(3, 2, 0), shape: [3, 2], frames: frames(2, 0) });
    await w.putClip({ relativePath: 'b/1.mp4', className: 'b', sequence: seq(3, 2, 0), shape: [3, 2] });
    await w.close();
    const w2 = await openWriter(path);
    await w2.putClip({ relativePath: 'a/1.mp4', className: 'a', sequence: seq(3, 2, 9), shape: [3, 2], frames: frames(4, 0) });
    await expect(w2.putClip({ relativePath: 'a/2.mp4', className: 'a', sequence: seq(4, 2, 9), shape: [4, 2] })).rejects.toThrow(InvalidInputError);
    await w2.close();
    const file = await readSequenceFile(path);
    expect(file.clips).toHaveLength(2);
    expect(file.clips.find((c) => c.className === 'a')!.data[0]).toBeCloseTo(9);
    expect(await readClipFrames(path, clipDatasetName('a/1.mp4'))).toHaveLength(4);
  });

  it('relabels without re-extraction, renumbering labels when a new class appears', async () => {
    const path = join(tmp(), 'k.h5');
    const w = await openWriter(path);
    for (const [rel, cls] of [['b/1.mp4', 'b'], ['b/2.mp4', 'b'], ['d/1.mp4', 'd']]) await w.putClip({ relativePath: rel, className: cls, sequence: seq(2, 2, 0), shape: [2, 2], frames: frames(2, 0) });
    await w.close();
    await relabel(path, clipDatasetName('b/2.mp4'), 'a');
    const file = await readSequenceFile(path);
    expect(file.labelMap).toEqual({ a: 0, b: 1, d: 2 });
    const byKey = Object.fromEntries(file.clips.map((c) => [c.key, [c.className, c.label]]));
    expect(byKey[clipDatasetName('b/2.mp4')]).toEqual(['a', 0]);
    expect(byKey[clipDatasetName('b/1.mp4')]).toEqual(['b', 1]);
    expect(byKey[clipDatasetName('d/1.mp4')]).toEqual(['d', 2]);
    expect(await readClipFrames(path, clipDatasetName('b/2.mp4'))).toHaveLength(2);
    await expect(relabel(path, 'nope', 'a')).rejects.toThrow(InvalidInputError);
  });

  it('says that a file whose first extraction was interrupted is not finished, and how to finish it', async () => {
    const dir = tmp();
    const path = join(dir, 'k.h5');
    // The first extraction into the file "crashes" after two clips: only the journal exists.
    const crashed = await openWriter(path);
    await crashed.putClip({ relativePath: 'a/1.mp4', className: 'a', sequence: seq(3, 2, 0), shape: [3, 2] });
    await crashed.putClip({ relativePath: 'b/2.mp4', className: 'b', sequence: seq(3, 2, 1), shape: [3, 2] });
    expect(existsSync(path)).toBe(false);
    const err = await readSequenceFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetFileError);
    expect(err).toMatchObject({ reason: 'missing' });
    expect((err as Error).message).toBe(
      `${path}: the file is not finished: an extraction into it was interrupted (2 finished clips wait in ${path}.journal). ` +
        'Run the same `gstudio extract` command again (or Extract in the studio) to finish it; it resumes where it stopped',
    );
    // While another process is still writing it, it says so instead.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(crashed.journalDir, '.writer.lock'), String(other.pid));
      await expect(readSequenceFile(path)).rejects.toThrow(`an extraction (process ${other.pid}) is writing it right now`);
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    // Without a journal it is simply missing.
    await expect(readSequenceFile(join(dir, 'other.h5'))).rejects.toThrow(/other\.h5: the file does not exist/);
  });

  it('gives typed errors for a missing, empty, non-HDF5, truncated or wrong-layout file', async () => {
    const dir = tmp();
    const reason = async (p: string) => {
      try {
        await readSequenceFile(p);
        return 'read';
      } catch (err) {
        expect(err).toBeInstanceOf(DatasetFileError);
        expect((err as Error).message).toContain(p);
        return (err as DatasetFileError).reason;
      }
    };
    expect(await reason(join(dir, 'none.h5'))).toBe('missing');
    writeFileSync(join(dir, 'empty.h5'), '');
    expect(await reason(join(dir, 'empty.h5'))).toBe('empty');
    writeFileSync(join(dir, 'text.h5'), 'label,x\n0,1\n');
    expect(await reason(join(dir, 'text.h5'))).toBe('corrupt');

    const good = join(dir, 'good.h5');
    const w = await openWriter(good);
    for (let i = 0; i < 20; i++) await w.putClip({ relativePath: `a/${i}.mp4`, className: 'a', sequence: seq(30, 84, i), shape: [30, 84] });
    await w.close();
    const cut = join(dir, 'cut.h5');
    copyFileSync(good, cut);
    truncateSync(cut, Math.floor(statSync(good).size / 2));
    expect(await reason(cut)).toBe('corrupt');

    const lib = await hdf5();
    const noMap = join(dir, 'nomap.h5');
    let f = new lib.File(noMap, 'w');
    f.create_group('sequences');
    f.close();
    expect(await reason(noMap)).toBe('layout');
    const noSeq = join(dir, 'noseq.h5');
    f = new lib.File(noSeq, 'w');
    f.create_attribute('label_map', '{"a":0}');
    f.create_group('sequences');
    f.close();
    expect(await reason(noSeq)).toBe('no_sequences');
    const mixed = join(dir, 'mixed.h5');
    f = new lib.File(mixed, 'w');
    f.create_attribute('label_map', '{"a":0}');
    const g = f.create_group('sequences');
    g.create_dataset({ name: 'x', data: new Float32Array(6), shape: [3, 2] }).create_attribute('label', 0);
    g.create_dataset({ name: 'y', data: new Float32Array(8), shape: [4, 2] }).create_attribute('label', 0);
    f.close();
    expect(await reason(mixed)).toBe('layout');
  });

  it('reads a reference file of any shape written by others (16 × 2, labels via class_name)', async () => {
    const lib = await hdf5();
    const path = join(tmp(), 'other.h5');
    const f = new lib.File(path, 'w');
    f.create_attribute('label_map', JSON.stringify({ up: 0, down: 1 }));
    const g = f.create_group('sequences');
    g.create_dataset({ name: 'up_1_mp4', data: new Float32Array(32).fill(0.5), shape: [16, 2] }).create_attribute('class_name', 'up');
    const d = g.create_dataset({ name: 'down_1_mp4', data: new Float32Array(32).fill(0.25), shape: [16, 2] });
    d.create_attribute('label', 1);
    d.create_attribute('original_path', 'down/1.mp4');
    f.close();
    const file = await readSequenceFile(path);
    expect([file.seqLen, file.numFeatures]).toEqual([16, 2]);
    expect(file.clips.map((c) => [c.key, c.label])).toEqual([['down_1_mp4', 1], ['up_1_mp4', 0]]);
    expect(file.extraction).toBeNull();
  });

  it.skipIf(!python)('is read by Python h5py in the reference layout', async () => {
    const path = join(tmp(), 'for h5py é.h5');
    const w = await openWriter(path);
    await w.putClip({ relativePath: 'wave/clip 1.mp4', className: 'wave', sequence: seq(30, 84, 1), shape: [30, 84], frames: frames(3, 0) });
    await w.putClip({ relativePath: 'stop/ü.mp4', className: 'stop', sequence: seq(30, 84, 2), shape: [30, 84] });
    await w.close();
    const script = `
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
out = {'label_map': json.loads(f.attrs['label_map']), 'clips': {}}
for k, d in f['sequences'].items():
    out['clips'][k] = {'shape': list(d.shape), 'dtype': str(d.dtype), 'label': int(d.attrs['label']),
                       'class_name': str(d.attrs['class_name']), 'original_path': str(d.attrs['original_path']),
                       'first': float(d[0, 0]), 'last': float(d[-1, -1])}
out['frames'] = list(f['studio/frames'].keys())
out['landmarks'] = list(f['studio/frames'][out['frames'][0]]['landmarks'].shape)
print(json.dumps(out))
`;
    const out = JSON.parse(execFileSync(python!, ['-c', script, path], { encoding: 'utf8' }));
    expect(out.label_map).toEqual({ stop: 0, wave: 1 });
    const wave = out.clips[clipDatasetName('wave/clip 1.mp4')];
    expect(wave).toMatchObject({ shape: [30, 84], dtype: 'float32', label: 1, class_name: 'wave', original_path: 'wave/clip 1.mp4' });
    expect(wave.first).toBeCloseTo(1, 5);
    expect(wave.last).toBeCloseTo(1 + (30 * 84 - 1) / 1000, 4);
    expect(out.clips[clipDatasetName('stop/ü.mp4')].original_path).toBe('stop/ü.mp4');
    expect(out.frames).toEqual([clipDatasetName('wave/clip 1.mp4')]);
    expect(out.landmarks).toEqual([3, 2, 21, 3]);
  });
});
