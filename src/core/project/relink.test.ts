import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditSettings } from '../../api/audit';
import { auditProject } from '../audit/audit-project';
import { writeSyntheticSequences } from '../dataset/synthetic-sequences';
import { CancelledError } from '../errors';
import type { JobContext } from '../jobs/job-context';
import { projectNotices } from '../service/sharded-extraction';
import { importVideoFolder } from './import-folder';
import { projectFiles } from './paths';
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

  it('resumes an audit from its folder where the project is now, and reads an older absolute record there too', { timeout: 180_000 }, async () => {
    // A project with extracted keypoints: 2 classes of 6 synthetic sequences.
    const store = ProjectStore.create(join(tmp, 'lab', 'project'));
    const keys = await writeSyntheticSequences({ path: projectFiles(store.dir).keypoints, classes: 2, perClass: 6, seqLen: 6, features: 4, seed: 3 });
    const relPaths = [0, 1].flatMap((k) => [0, 1, 2, 3, 4, 5].map((i) => `class_${k}/clip_${i}.mp4`)); // the order of `keys`
    store.syncClips(relPaths.map((relPath) => ({ relPath, className: relPath.split('/')[0], sizeBytes: 1, mtimeMs: 1 })));
    for (const c of store.listClips({ limit: 100 }).items) store.setExtractResult(c.id, { h5Key: keys[relPaths.indexOf(c.relPath)], handsFraction: 1 });
    // As audit.start and `gstudio audit` make one: in the project's audits/ folder.
    const settings = AuditSettings.parse({ model: 'lstm', hiddenSize: 8, numLayers: 1, dropout: 0, batchSize: 8, lr: 1e-2, epochs: 2, patience: 2, lrPatience: 2, folds: 3 });
    const auditId = store.audits.create(settings, join(store.dir, 'audits', 'a1'));
    expect(store.db.prepare('SELECT audit_dir FROM audits WHERE id = ?').get(auditId)).toEqual({ audit_dir: 'audits/a1' });
    store.close();

    const logs: string[] = [];
    const job = (abortAt?: RegExp): JobContext => {
      const stop = new AbortController();
      return { signal: stop.signal, log: (m) => logs.push(m), progress: (p) => abortAt?.test(p.message ?? '') && stop.abort() };
    };
    // Cancelled once the first fold is done: its probabilities are in audits/a1.
    await expect(auditProject({ projectDir: join(tmp, 'lab', 'project'), auditId }, job(/^Fold 2\//))).rejects.toBeInstanceOf(CancelledError);
    expect(existsSync(join(tmp, 'lab', 'project', 'audits', 'a1', 'fold-1.json'))).toBe(true);

    renameSync(join(tmp, 'lab'), join(tmp, 'lab-mounted-elsewhere'));
    const movedDir = join(tmp, 'lab-mounted-elsewhere', 'project');
    const moved = ProjectStore.open(movedDir);
    expect(moved.audits.row(auditId).audit_dir).toBe(join(movedDir, 'audits', 'a1'));
    moved.close();
    logs.length = 0;
    const info = await auditProject({ projectDir: movedDir, auditId }, job());
    expect(info.status).toBe('done');
    expect(logs).toContain('Fold 1/3: finished earlier, its probabilities are reused');
    // Nothing was written where the project used to be.
    expect(existsSync(join(tmp, 'lab'))).toBe(false);

    // A project written by a build that recorded the folder absolute, then moved: read in this project's audits/.
    const again = ProjectStore.open(movedDir);
    again.db.prepare('UPDATE audits SET audit_dir = ? WHERE id = ?').run(join(tmp, 'lab', 'project', 'audits', 'a1'), auditId);
    expect(again.audits.row(auditId).audit_dir).toBe(join(movedDir, 'audits', 'a1'));
    again.close();
  });
});
