import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExtractionSettings, type ClipKeypoints } from '../../api';
import { clipDatasetName } from '../dataset/clip-name';
import { writeSequenceFile } from '../dataset/sequence-file-writer';
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

describe('clips.keypoints', () => {
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
