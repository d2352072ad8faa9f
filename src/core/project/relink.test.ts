import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectNotices } from '../service/sharded-extraction';
import { importVideoFolder } from './import-folder';
import { ProjectStore } from './project-store';
import { relinkVideoRoot } from './relink';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-relink-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function videosAt(root: string): string {
  for (const c of ['hello/a.mp4', 'thanks/b.mp4']) {
    mkdirSync(join(root, c, '..'), { recursive: true });
    writeFileSync(join(root, c), 'not probed here');
  }
  return root;
}

describe('a project on another machine', () => {
  it('finds a video folder below the project after the whole folder moved (recorded relative), and its runs', async () => {
    const store = ProjectStore.create(join(tmp, 'first', 'project'));
    await importVideoFolder(store, videosAt(join(store.dir, 'videos')));
    store.createRun('r', 'lstm', {}, join(store.dir, 'runs', '001'));
    const raw = store.db.prepare('SELECT video_root FROM project').get() as { video_root: string };
    expect(raw.video_root).toBe('videos');
    store.close();
    renameSync(join(tmp, 'first'), join(tmp, 'mounted-elsewhere'));
    const moved = ProjectStore.open(join(tmp, 'mounted-elsewhere', 'project'));
    expect(moved.videoRoot()).toBe(join(tmp, 'mounted-elsewhere', 'project', 'videos'));
    expect(moved.runs()[0].run_dir).toBe(join(tmp, 'mounted-elsewhere', 'project', 'runs', '001'));
    expect(projectNotices(moved)).toEqual([]);
    moved.close();
  });

  it('finds a folder beside the project when both moved, and names a missing one with the way to relink it', async () => {
    const base = join(tmp, 'share');
    const store = ProjectStore.create(join(base, 'project'));
    await importVideoFolder(store, videosAt(join(base, 'videos')));
    store.close();
    renameSync(base, join(tmp, 'share2'));
    const moved = ProjectStore.open(join(tmp, 'share2', 'project'));
    expect(moved.videoRoot()).toBe(join(tmp, 'share2', 'videos'));
    renameSync(join(tmp, 'share2', 'videos'), join(tmp, 'elsewhere'));
    expect(() => moved.videoRoot()).toThrow(/video folder .*share\/videos is not on this machine: .*gstudio relink .*share2\/project <videos folder>/);
    expect(projectNotices(moved)).toEqual([{ kind: 'video_root_missing', message: expect.stringMatching(/not on this machine/) }]);
    // A folder without the project's clips is refused; the right one is taken.
    expect(() => relinkVideoRoot(moved, tmp)).toThrow(/None of the project's 2 clips \(e\.g\. hello\/a\.mp4\) is under/);
    expect(relinkVideoRoot(moved, join(tmp, 'elsewhere'))).toEqual({ found: 2, clips: 2 });
    expect(moved.videoRoot()).toBe(join(tmp, 'elsewhere'));
    moved.close();
  });
});
