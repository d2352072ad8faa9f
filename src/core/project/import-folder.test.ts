import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner, forkSpawner } from '../jobs';
import { makeVideoFolder, type GeneratedFolder } from '../../test-support/make-clips';
import { jobWorkerScript } from '../../workers/worker-script';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { importVideoFolder } from './import-folder';
import { ProjectStore } from './project-store';

let tmp: string;
let folder: GeneratedFolder;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-import-'));
  folder = makeVideoFolder(join(tmp, 'videos'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('importing a folder of clips', () => {
  it('finds the classes and clips, reports what it skipped, and probes each clip in a worker', async () => {
    const store = ProjectStore.create(join(tmp, 'project'));
    const report = await importVideoFolder(store, folder.root);
    expect(report.classes).toEqual(['point', 'thumbs up', 'wave']);
    expect(report.added).toBe(6); // five readable clips and the corrupt one
    expect(report.skipped).toEqual(
      expect.arrayContaining([
        { path: 'README.txt', reason: 'not inside a class folder' },
        { path: 'point/session 1/notes.txt', reason: 'not a video file' },
      ]),
    );

    const runner = new JobRunner(forkSpawner(jobWorkerScript()));
    const progress: number[] = [];
    runner.onUpdate((j) => progress.push(j.progress.done));
    const job = await runner.start('probe', { projectDir: store.dir }).finished;
    expect(job.state).toBe('done');
    expect(job.result).toEqual({ probed: 5, failed: 1 });
    expect(Math.max(...progress)).toBe(6);

    const summary = store.summary();
    expect(Object.fromEntries(summary.classes.map((c) => [c.name, c.ok]))).toEqual(folder.counts);
    const clips = store.listClips({}).items;
    const broken = clips.find((c) => c.relPath === folder.corrupt)!;
    expect(broken.status).toBe('failed');
    expect(broken.error).toMatch(/invalid data|moov atom/i);

    const unicode = clips.find((c) => c.relPath === folder.unicode)!;
    expect(unicode).toMatchObject({ status: 'ok', width: 64, height: 64, codec: 'h264', frameCount: 25, fps: 25 });
    const wave = clips.find((c) => c.relPath === 'wave/wave_01.mp4')!;
    expect(wave.duration).toBeCloseTo(3, 1);
    expect(wave.frameCount).toBe(75);
    const nested = clips.find((c) => c.relPath === 'point/session 1/point_01.mp4')!;
    expect(nested).toMatchObject({ className: 'point', width: 80, height: 60 });
    expect(clips.find((c) => c.relPath === 'point/point 02.mp4')?.fps).toBe(30);

    // A second probe run has nothing left to do: finished clips are never redone.
    expect((await runner.start('probe', { projectDir: store.dir }).finished).result).toEqual({ probed: 0, failed: 0 });
    store.close();
  });

  it('says clearly when the folder is not a dataset', async () => {
    const store = ProjectStore.create(join(tmp, 'p2'));
    await expect(importVideoFolder(store, join(tmp, 'nope'))).rejects.toThrow(/does not exist/);
    await expect(importVideoFolder(store, join(folder.root, 'README.txt'))).rejects.toThrow(/is a file/);
    await expect(importVideoFolder(store, join(folder.root, 'wave'))).rejects.toThrow(/No video files/);
    store.close();
  });
});

describe('duplicate files', () => {
  it('are reported with their classes: same bytes in two folders, not merely the same size', async () => {
    const root = join(tmp, 'dupes');
    for (const c of ['wave', 'point']) mkdirSync(join(root, c), { recursive: true });
    writeFileSync(join(root, 'wave', 'a.mp4'), Buffer.alloc(4096, 1));
    copyFileSync(join(root, 'wave', 'a.mp4'), join(root, 'point', 'a copy.mp4'));
    writeFileSync(join(root, 'wave', 'same size.mp4'), Buffer.alloc(4096, 2));
    writeFileSync(join(root, 'point', 'b.mp4'), Buffer.alloc(100, 1));
    const report = await importVideoFolder(ProjectStore.create(join(tmp, 'dupes-project')), root);
    expect(report.added).toBe(4);
    expect(report.duplicates).toEqual([{ paths: ['point/a copy.mp4', 'wave/a.mp4'], classes: ['point', 'wave'] }]);
  });
});
