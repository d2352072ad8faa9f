import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExtractionSettings, type ClipKeypoints } from '../../api';
import { clipDatasetName } from '../dataset/clip-name';
import { readSequenceFile } from '../dataset/sequence-file-reader';
import { openWriter, writeSequenceFile } from '../dataset/sequence-file-writer';
import { recordedSettings } from '../extraction/extraction-settings';
import { INPUT_SIZE, type FrameRecord } from '../keypoints/frame-record';
import { ProjectStore, projectFiles } from '../project';
import { StudioService } from './studio-service';

const REL = 'wave/clip.mp4';
const records = (n: number): FrameRecord[] => Array.from({ length: n }, (_, index) => ({ index, time: index / 25, persons: [], hands: [] }));

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A project with one extracted clip of 10 frames, stored as a sequence of `frames` frames. */
async function project(frames: number, recorded: ExtractionSettings | null): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gs-clip-keypoints-'));
  dirs.push(dir);
  const store = ProjectStore.create(dir);
  store.setVideoRoot(join(dir, 'videos'));
  store.syncClips([{ relPath: REL, className: 'wave', sizeBytes: 1, mtimeMs: 1 }]);
  store.db.prepare("UPDATE clips SET status = 'ok'").run(); // no probe job on open
  const [clip] = store.listClips({}).items;
  store.setExtractResult(clip.id, { h5Key: clipDatasetName(REL), handsFraction: 0 });
  if (recorded) store.setSetting('extraction', recorded);
  store.close();
  const sequence = new Float32Array(frames * INPUT_SIZE);
  await writeSequenceFile(projectFiles(dir).keypoints, [{ relativePath: REL, className: 'wave', sequence, shape: [frames, INPUT_SIZE], frames: records(10) }], {
    extraction: recorded ? recordedSettings(recorded, INPUT_SIZE) : undefined,
  });
  return dir;
}

/** What the Clips view asks for, after the project's extraction settings became `now`. */
async function windowAfterChange(dir: string, now: Partial<ExtractionSettings>): Promise<number[]> {
  const store = ProjectStore.open(dir);
  store.setSetting('extraction', ExtractionSettings.parse(now));
  const [clip] = store.listClips({}).items;
  store.close();
  const service = new StudioService({ mode: 'web', version: 'test', spawner: () => { throw new Error('no job expected'); } }, { projectDir: dir });
  try {
    const out = await service.call('clips.keypoints', { id: clip.id });
    if (!out.ok) throw new Error(out.error.message);
    const result = out.result as ClipKeypoints;
    expect(result.frames).toHaveLength(10);
    return result.window;
  } finally {
    service.close();
  }
}

/** A project whose one clip an extraction journaled but never merged, written by the process `writerPid`. */
async function journaledProject(writerPid: number): Promise<{ dir: string; id: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gs-clip-journal-'));
  dirs.push(dir);
  const store = ProjectStore.create(dir);
  store.setVideoRoot(join(dir, 'videos'));
  store.syncClips([{ relPath: REL, className: 'wave', sizeBytes: 1, mtimeMs: 1 }]);
  store.db.prepare("UPDATE clips SET status = 'ok'").run();
  const [clip] = store.listClips({}).items;
  store.setExtractResult(clip.id, { h5Key: clipDatasetName(REL), handsFraction: 0 });
  store.close();
  const writer = await openWriter(projectFiles(dir).keypoints);
  await writer.putClip({ relativePath: REL, className: 'wave', sequence: new Float32Array(5 * INPUT_SIZE), shape: [5, INPUT_SIZE], frames: records(10) });
  writeFileSync(join(writer.journalDir, '.writer.lock'), String(writerPid));
  return { dir, id: clip.id };
}

const noJobs = { mode: 'web' as const, version: 'test', spawner: () => { throw new Error('no job expected'); } };

describe('clips.keypoints', () => {
  it('shows a clip a running extraction has journaled, and a crashed one is merged when the project opens', async () => {
    const extraction = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const { dir, id } = await journaledProject(extraction.pid!);
    let service = new StudioService(noJobs, { projectDir: dir });
    try {
      const out = await service.call('clips.keypoints', { id });
      expect(out.ok && (out.result as ClipKeypoints).frames).toHaveLength(10);
      expect(out.ok && (out.result as ClipKeypoints).window).toEqual([2, 3, 4, 5, 6]);
      // The running extraction owns the journal: nothing merged behind its back.
      expect(existsSync(projectFiles(dir).keypoints)).toBe(false);
    } finally {
      service.close();
      extraction.kill('SIGKILL');
      await new Promise((r) => extraction.once('exit', r));
    }
    // The extraction died without merging: opening the project merges its clip into the file.
    service = new StudioService(noJobs, { projectDir: dir });
    try {
      await vi.waitFor(() => expect(existsSync(`${projectFiles(dir).keypoints}.journal`)).toBe(false), { timeout: 10_000 });
      expect((await readSequenceFile(projectFiles(dir).keypoints)).clips.map((c) => c.originalPath)).toEqual([REL]);
      const out = await service.call('clips.keypoints', { id });
      expect(out.ok && (out.result as ClipKeypoints).frames).toHaveLength(10);
    } finally {
      service.close();
    }
  });

  it("reports the window the file was written with, not the project's later settings", async () => {
    const dir = await project(4, ExtractionSettings.parse({ frames: 4, sequenceMode: 'middle' }));
    // Middle window of 4 out of 10 frames, as extracted; the project now asks for 6 resampled frames.
    expect(await windowAfterChange(dir, { frames: 6, sequenceMode: 'resample' })).toEqual([3, 4, 5, 6]);
  });

  it('follows a resampled file after the project went back to the middle window', async () => {
    const dir = await project(4, ExtractionSettings.parse({ frames: 4, sequenceMode: 'resample' }));
    expect(await windowAfterChange(dir, { frames: 30, sequenceMode: 'middle' })).toEqual([0, 3, 6, 9]);
  });

  it("takes the mode from the project for a file without recorded settings, the length from its sequences", async () => {
    const dir = await project(4, null);
    expect(await windowAfterChange(dir, { frames: 6, sequenceMode: 'resample' })).toEqual([0, 3, 6, 9]);
  });
});
