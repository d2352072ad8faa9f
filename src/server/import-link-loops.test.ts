// Replays, through web mode's API, the import of a folder whose symbolic links loop
// (`ln -s . v/c/x; ln -s . v/c/y`, `ln -s . v/c/self`): an import like it once ran until killed and
// held the server. The clip is recorded once, the loops are reported, and the server goes on
// answering while it scans.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forkSpawner } from '../core/jobs';
import { ProjectStore } from '../core/project';
import { StudioService } from '../core/service';
import { makeClip } from '../test-support/make-clips';
import { jobWorkerScript } from '../workers/worker-script';
import { startStudioServer, type StudioServer } from './studio-server';
import { rawRequest } from './test-support/raw-client';

let tmp: string;
let service: StudioService;
let server: StudioServer;

const call = async (method: string, params: unknown) => {
  const res = await rawRequest(server.port, `/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: JSON.stringify(params) });
  return { status: res.status, body: JSON.parse(res.body.toString()) };
};

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-import-loops-'));
  const v = join(tmp, 'v');
  makeClip(join(v, 'c', 'clip.mp4'), { seconds: 0.2 });
  symlinkSync('.', join(v, 'c', 'x'));
  symlinkSync('.', join(v, 'c', 'y'));
  symlinkSync('.', join(v, 'c', 'self'));
  // Enough folders that the scan takes a while, so that requests arrive during it.
  for (let i = 0; i < 200; i++) mkdirSync(join(v, 'many', `d${i}`), { recursive: true });
  writeFileSync(join(v, 'many', 'd0', 'notes.txt'), 'no video here');
  ProjectStore.create(join(tmp, 'project')).close();
  mkdirSync(join(tmp, 'renderer'));
  writeFileSync(join(tmp, 'renderer', 'index.html'), '<!doctype html><title>studio</title>');
  service = new StudioService({ mode: 'web', version: 'test', spawner: forkSpawner(jobWorkerScript()) }, { projectDir: join(tmp, 'project') });
  server = await startStudioServer({ service, rendererDir: join(tmp, 'renderer') });
});

afterAll(async () => {
  await server.close();
  service.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('clips.import of a folder with symbolic link loops', () => {
  it('records the clip once and reports each loop, while the server goes on answering', { timeout: 60_000 }, async () => {
    let imported = false;
    const answeredDuring: number[] = [];
    const importing = call('clips.import', { videoRoot: join(tmp, 'v') }).finally(() => (imported = true));
    // Other requests, one after another, for as long as the import runs.
    while (!imported) {
      const other = await call('project.summary', {});
      if (!imported) answeredDuring.push(other.status);
    }
    const { status, body } = await importing;
    expect(status, JSON.stringify(body)).toBe(200);
    expect(answeredDuring.length).toBeGreaterThan(0);
    expect(answeredDuring.every((s) => s === 200)).toBe(true);

    const report = body.result.report;
    expect(report).toMatchObject({ classes: ['c'], added: 1 });
    const loop = 'symbolic link loop: it leads back to a folder that contains it';
    expect(report.skipped).toEqual(
      expect.arrayContaining([
        { path: 'c/self', reason: loop },
        { path: 'c/x', reason: loop },
        { path: 'c/y', reason: loop },
        { path: 'many', reason: 'class folder without video files' },
      ]),
    );
    const list = await call('clips.list', {});
    expect(list.body.result.items.map((c: { relPath: string }) => c.relPath)).toEqual(['c/clip.mp4']);
  });
});
