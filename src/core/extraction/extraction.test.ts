import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobProgress } from '../../api';
import { makeClip } from '../../test-support/make-clips';
import { sharedData } from '../../test-support/shared-data';
import { workerScript } from '../../workers/worker-script';
import { readClipFrames, readSequenceFile } from '../dataset';
import { readStoredClipFrames } from '../dataset/sequence-file-reader';
import { JobRunner, forkSpawner, type JobContext, type WorkerProcess } from '../jobs';
import { importVideoFolder, ProjectStore } from '../project';
import { probePendingClips } from '../project/probe-clips';
import { ffmpegPath } from '../video/binaries';
import { openWriter } from '../dataset';
import { extractFolder } from './extract-folder';
import { extractProject } from './extract-project';
import { recoverProjectKeypoints } from './recover-keypoints';
import { ExtractionSettings, recordedSettings } from './extraction-settings';
import { INPUT_SIZE } from '../keypoints/frame-record';

// Small and quick: the lite model on the whole frame; person boxes are tested in core/vision.
const settings = ExtractionSettings.parse({ model: 'lite', detector: 'none', workers: 2, frames: 16 });
const clipWorker = workerScript('clip-worker');
let tmp: string;
let videos: string;

function ctx(signal = new AbortController().signal, log: JobProgress[] = []): JobContext {
  return { signal, progress: (p) => log.push(p), log: () => undefined };
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-extract-'));
  videos = join(tmp, 'videos');
  // One second of the real hand video, under a name with spaces and non-ASCII letters.
  mkdirSync(join(videos, 'hand'), { recursive: true });
  execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-i', sharedData('video', 'hand_test_640x360.mp4'), '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', join(videos, 'hand', 'main ñandú 1.mp4')]);
  makeClip(join(videos, 'empty scene', 'bars.mp4'), { seconds: 1, source: 'smptebars' });
  makeClip(join(videos, 'empty scene', 'one frame.mp4'), { seconds: 0.04 });
  writeFileSync(join(videos, 'empty scene', 'zero.mp4'), '');
  writeFileSync(join(videos, 'empty scene', 'notes.mp4'), 'this is a text file named like a video\n');
  writeFileSync(join(videos, 'empty scene', 'corrupt.mp4'), Buffer.concat([Buffer.from('000000206674797069736f6d', 'hex'), Buffer.alloc(3000, 9)]));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('extracting a videos root to HDF5', () => {
  it('writes the reference layout, reports each bad clip, and goes on', async () => {
    const out = join(tmp, 'folder.h5');
    const progress: JobProgress[] = [];
    const { summary, failures } = await extractFolder(videos, out, settings, ctx(undefined, progress), clipWorker);
    expect(summary).toMatchObject({ total: 6, extracted: 3, failed: 3, skipped: 0, noHands: 2 });
    expect(summary.noHandsClips.sort()).toEqual(['empty scene/bars.mp4', 'empty scene/one frame.mp4']);
    expect(Object.fromEntries(failures.map((f) => [f.relPath, f.reason]))).toEqual({
      'empty scene/zero.mp4': expect.stringMatching(/empty|0 bytes|cannot/i),
      'empty scene/notes.mp4': expect.stringMatching(/invalid data|cannot read/i),
      'empty scene/corrupt.mp4': expect.stringMatching(/invalid data|moov|cannot read/i),
    });
    // Recorded beside the clip, the reason does not name its path again.
    expect(failures.filter((f) => f.reason.includes(videos))).toEqual([]);
    expect(progress.at(-1)).toMatchObject({ done: 6, total: 6, failed: 3 });
    expect(progress.some((p) => (p.framesPerSecond ?? 0) > 0)).toBe(true);

    const file = await readSequenceFile(out);
    expect(file.labelMap).toEqual({ 'empty scene': 0, hand: 1 });
    expect([file.seqLen, file.numFeatures]).toEqual([16, 84]);
    const byPath = Object.fromEntries(file.clips.map((c) => [c.originalPath, c]));
    const hand = byPath['hand/main ñandú 1.mp4'];
    expect(hand.label).toBe(1);
    // The per-frame records for the overlays hold every decoded frame, not just the window.
    const frames = await readClipFrames(out, hand.key);
    expect(frames).toHaveLength(25);
    expect(frames!.every((f) => f.hands.length === 1)).toBe(true);
    // Handedness per frame as MediaPipe reports it (no smoothing, as MediaPipe Tasks: see README):
    // the lite model calls this right hand Right in most frames (19 of 25 measured), not all.
    expect(frames!.filter((f) => f.hands[0].handedness === 'Right').length).toBeGreaterThan(12);
    // One hand in every frame of the window (the middle 16 of 25: frames 4..19), in the slot its
    // handedness names (slot 0 left, slot 1 right), coordinates in (0, 1), the other slot zero.
    let rightRows = 0;
    for (let t = 0; t < 16; t++) {
      const row = hand.data.subarray(t * 84, (t + 1) * 84);
      const [left, right] = [row.subarray(0, 42), row.subarray(42)];
      const filled = (v: Float32Array) => v.every((x) => x > 0 && x < 1);
      const empty = (v: Float32Array) => v.every((x) => x === 0);
      const isRight = frames![4 + t].hands[0].handedness === 'Right';
      expect(isRight ? filled(right) && empty(left) : filled(left) && empty(right), `window frame ${t}`).toBe(true);
      if (isRight) rightRows++;
    }
    expect(rightRows).toBeGreaterThan(8);
    // No hands: an all-zero sequence, as the reference writes it.
    expect(byPath['empty scene/bars.mp4'].data.every((v) => v === 0)).toBe(true);
    expect(byPath['empty scene/one frame.mp4'].data.every((v) => v === 0)).toBe(true);

    // The file is readable by h5py with the reference layout.
    const py = `
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
lm = json.loads(f.attrs['label_map'])
seqs = f['sequences']
print(json.dumps({'label_map': lm, 'items': sorted([seqs[k].attrs['original_path'] if isinstance(seqs[k].attrs['original_path'], str) else seqs[k].attrs['original_path'].decode() for k in seqs]), 'shapes': sorted({str(seqs[k].shape) + str(seqs[k].dtype) for k in seqs}), 'labels': sorted(int(seqs[k].attrs['label']) for k in seqs)}))
`;
    const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const fromPython = JSON.parse(execFileSync(python, ['-c', py, out]).toString());
    expect(fromPython).toEqual({
      label_map: { 'empty scene': 0, hand: 1 },
      items: ['empty scene/bars.mp4', 'empty scene/one frame.mp4', 'hand/main ñandú 1.mp4'],
      shapes: ['(16, 84)float32'],
      labels: [0, 0, 1],
    });

    // Running again finds everything done and redoes nothing.
    const again = await extractFolder(videos, out, settings, ctx(), clipWorker);
    expect(again.summary).toMatchObject({ extracted: 0, skipped: 3, failed: 3, noHands: 2 });
    // Clips without hands are named even when an earlier run extracted them.
    expect(again.summary.noHandsClips.sort()).toEqual(['empty scene/bars.mp4', 'empty scene/one frame.mp4']);
  });
});

describe('what extraction records of each clip', () => {
  it('records whether the hands were searched in person boxes or in the whole frame', async () => {
    const root = join(tmp, 'regions');
    mkdirSync(join(root, 'hand'), { recursive: true });
    execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-i', join(videos, 'hand', 'main ñandú 1.mp4'), '-t', '0.4', '-c:v', 'libx264', '-preset', 'ultrafast', join(root, 'hand', 'a.mp4')]);
    const whole = join(tmp, 'regions-none.h5');
    await extractFolder(root, whole, settings, ctx(), clipWorker);
    const boxes = join(tmp, 'regions-yolox.h5');
    const withDetector = ExtractionSettings.parse({ ...settings, detector: 'yolox', detectorPath: sharedData('models', 'yolox_nano.onnx') });
    await extractFolder(root, boxes, withDetector, ctx(), clipWorker);
    const key = (await readSequenceFile(whole)).clips[0].key;
    expect((await readStoredClipFrames(whole, key)).regions).toBe('whole frame');
    expect((await readStoredClipFrames(boxes, key)).regions).toBe('person boxes');
    // Kept when the file is rewritten (another clip merged, a relabel).
    execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-i', join(root, 'hand', 'a.mp4'), '-c:v', 'libx264', '-preset', 'ultrafast', join(root, 'hand', 'b.mp4')]);
    await extractFolder(root, boxes, withDetector, ctx(), clipWorker);
    expect((await readSequenceFile(boxes)).clips).toHaveLength(2);
    expect((await readStoredClipFrames(boxes, key)).regions).toBe('person boxes');
  }, 120_000);
});

describe('changing settings, stopping, failing', () => {
  it('refuses other settings than the file was extracted with, unless every clip is extracted again', async () => {
    const out = join(tmp, 'settings.h5');
    await extractFolder(videos, out, settings, ctx(), clipWorker);
    const twelve = { ...settings, frames: 12 };
    await expect(extractFolder(videos, out, twelve, ctx(), clipWorker)).rejects.toMatchObject({ code: 'settings_changed', message: expect.stringContaining('frames per sequence 16 -> 12') });
    expect((await readSequenceFile(out)).seqLen).toBe(16);

    const again = await extractFolder(videos, out, twelve, ctx(), clipWorker, { redo: true });
    expect(again.summary).toMatchObject({ extracted: 3, settingsChanged: ['frames per sequence 16 -> 12'] });
    const file = await readSequenceFile(out);
    expect([file.seqLen, file.clips.length, file.extraction?.numFrames]).toEqual([12, 3, 12]);

    // A damaged file: refused with what to do, then written anew by extracting every clip.
    writeFileSync(out, 'not hdf5 any more');
    await expect(extractFolder(videos, out, twelve, ctx(), clipWorker)).rejects.toMatchObject({ code: 'keypoints_damaged', message: expect.stringMatching(/not an HDF5 file.*extract every clip again/) });
    expect((await extractFolder(videos, out, twelve, ctx(), clipWorker, { redo: true })).summary.extracted).toBe(3);
    expect((await readSequenceFile(out)).clips).toHaveLength(3);
  });

  it('stops at once when cancelled in the same process, keeping the clips it finished', async () => {
    const out = join(tmp, 'cancel.h5');
    const stop = new AbortController();
    const log: JobProgress[] = [];
    const run = extractFolder(videos, out, { ...settings, workers: 1 }, { signal: stop.signal, log: () => undefined, progress: (p) => {
      log.push(p);
      if (p.done >= 1 + 3 /* the unreadable clips fail at once */ && !stop.signal.aborted) stop.abort();
    } }, clipWorker);
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    // Merged on the way out: no journal left, the finished clips in the file.
    expect(existsSync(`${out}.journal`)).toBe(false);
    const kept = (await readSequenceFile(out)).clips.length;
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(3);
  });

  it('stops on an error writing the file, leaving the clips it did not reach to extract, not failed', async () => {
    const store = ProjectStore.create(join(tmp, 'project-write-error'));
    await importVideoFolder(store, videos);
    await probePendingClips(store.dir, ctx());
    // A journal of the same settings but another sequence shape: the first clip written fails, and so would every other.
    const stale = await openWriter(join(store.dir, 'keypoints.h5'), { extraction: recordedSettings(settings, INPUT_SIZE) });
    await stale.putClip({ relativePath: 'other/x.mp4', className: 'hand', sequence: new Float32Array(5 * 84), shape: [5, 84] });
    await expect(extractProject({ projectDir: store.dir, settings: { ...settings, workers: 1 } }, ctx(), clipWorker)).rejects.toThrow(/shape \[16,84\] differs/);
    const clips = store.listClips({ limit: 100 }).items.filter((c) => c.status === 'ok');
    expect(clips.map((c) => c.extractStatus)).toEqual(['pending', 'pending', 'pending']);
    store.close();
  });
});

describe('the extraction job of a project', () => {
  it('records outcomes in the project, survives a cancel, and resumes without redoing clips', async () => {
    const store = ProjectStore.create(join(tmp, 'project'));
    await importVideoFolder(store, videos);
    await probePendingClips(store.dir, ctx());
    expect(store.summary().totals).toMatchObject({ ok: 3, failed: 3 });

    const runner = new JobRunner(forkSpawner(workerScript('job-worker')));
    const params = { projectDir: store.dir, settings: { ...settings, workers: 1 } };
    const first = runner.start('extract', params);
    // Stop as soon as one clip is in: the file keeps it, the others stay pending.
    await new Promise<void>((res) => runner.onUpdate((j) => j.id === first.id && j.progress.done >= 1 && res()));
    first.cancel();
    expect((await first.finished).state).toBe('cancelled');
    const doneAfterCancel = store.listClips({ limit: 100 }).items.filter((c) => c.extractStatus === 'done').length;
    expect(doneAfterCancel).toBeGreaterThanOrEqual(1);
    // The cancel came before the last clip: otherwise the second job below would resume nothing.
    expect(doneAfterCancel).toBeLessThan(3);

    const second = await runner.start('extract', params).finished;
    expect(second.state).toBe('done');
    const result = second.result as { total: number; extracted: number; skipped: number; failed: number };
    // Only the clips the cancel left pending go to the second job, each extracted once.
    expect(result).toMatchObject({ total: 3 - doneAfterCancel, extracted: 3 - doneAfterCancel, skipped: 0, failed: 0 });
    expect(doneAfterCancel + result.extracted).toBe(3);

    const clips = Object.fromEntries(store.listClips({ limit: 100 }).items.map((c) => [c.relPath, c]));
    expect(clips['hand/main ñandú 1.mp4']).toMatchObject({ extractStatus: 'done', handsFraction: 1 });
    expect(clips['empty scene/bars.mp4']).toMatchObject({ extractStatus: 'done', handsFraction: 0 });
    // Unreadable clips never reach extraction: probing already recorded why.
    expect(clips['empty scene/corrupt.mp4']).toMatchObject({ status: 'failed', extractStatus: 'pending' });
    const file = await readSequenceFile(join(store.dir, 'keypoints.h5'));
    expect(file.clips).toHaveLength(3);
    store.close();
  });

  it('resumes after the job process is killed mid-run, and its extraction processes do not outlive it', async () => {
    const store = ProjectStore.create(join(tmp, 'project-crash'));
    await importVideoFolder(store, videos);
    await probePendingClips(store.dir, ctx());
    const spawn = forkSpawner(workerScript('job-worker'));
    const workers: WorkerProcess[] = [];
    const runner = new JobRunner((name) => {
      const w = spawn(name);
      workers.push(w);
      return w;
    });
    const params = { projectDir: store.dir, settings: { ...settings, workers: 1 } };
    const first = runner.start('extract', params);
    await new Promise<void>((res) => runner.onUpdate((j) => j.id === first.id && j.progress.done >= 1 && res()));
    const jobPid = workers[0].pid!;
    const pool = childPids(jobPid);
    expect(pool.length).toBeGreaterThanOrEqual(1);
    // A crash: no cancel, no cleanup, no chance to merge the journal.
    process.kill(jobPid, 'SIGKILL');
    expect((await first.finished).state).toBe('failed');
    await waitFor(() => pool.every((pid) => !alive(pid)));
    expect(pool.filter(alive)).toEqual([]);

    // The clips it finished count as extracted, and reach the HDF5 file before anyone reads it.
    const done = store.listClips({ limit: 100 }).items.filter((c) => c.extractStatus === 'done').map((c) => c.relPath);
    expect(done.length).toBeGreaterThanOrEqual(1);
    const recovered = await recoverProjectKeypoints(store);
    expect(recovered).toBeGreaterThanOrEqual(done.length);
    const afterCrash = (await readSequenceFile(join(store.dir, 'keypoints.h5'))).clips.map((c) => c.originalPath);
    expect(afterCrash).toEqual(expect.arrayContaining(done));
    expect(await recoverProjectKeypoints(store)).toBe(0);

    // Extracting again does only the rest.
    const second = await runner.start('extract', params).finished;
    expect(second.state).toBe('done');
    const result = second.result as { extracted: number; skipped: number };
    expect(result.extracted + result.skipped).toBe(3 - done.length);
    expect(result.extracted).toBe(3 - afterCrash.length);
    expect(store.listClips({ limit: 100 }).items.filter((c) => c.extractStatus === 'done')).toHaveLength(3);
    const file = await readSequenceFile(join(store.dir, 'keypoints.h5'));
    expect(file.clips.map((c) => c.originalPath).sort()).toEqual(['empty scene/bars.mp4', 'empty scene/one frame.mp4', 'hand/main ñandú 1.mp4']);
    store.close();
  });
});

/** Processes whose parent is `pid` (Linux /proc). */
function childPids(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // Field 4 of /proc/PID/stat is the parent's pid (after the parenthesised command name).
        return Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].startsWith('Z');
  } catch {
    return false;
  }
}

async function waitFor(ok: () => boolean, ms = 15_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end && !ok(); ) await new Promise((r) => setTimeout(r, 100));
}
