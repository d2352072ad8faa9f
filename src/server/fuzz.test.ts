// A bounded, seeded fuzz run of web mode's HTTP API and events socket, on loopback only: a fixed
// number of random requests and frames, then the server must answer and the project be unchanged.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methods } from '../api';
import { SeededRandom } from '../core/dataset/seeded-random';
import { forkSpawner } from '../core/jobs';
import { ProjectStore } from '../core/project';
import { StudioService } from '../core/service';
import { jobWorkerScript } from '../workers/worker-script';
import { startStudioServer, type StudioServer } from './studio-server';
import { rawRequest, rawWebSocket, wsFrame } from './test-support/raw-client';

const SEED = Number(process.env.GSTUDIO_FUZZ_SEED ?? 20261202);
const REQUESTS = 400;
const SOCKETS = 40;

// Calls that would write outside the project or start jobs are left out: the point is that
// nothing a client sends ends the server or changes what it should not.
const WRITES_ELSEWHERE = new Set(['project.create', 'project.open', 'clips.import', 'clips.probe', 'extraction.start', 'training.start', 'predict.start', 'predict.folderStart', 'dialog.pickFolder']);
const METHODS = [...Object.keys(methods).filter((m) => !WRITES_ELSEWHERE.has(m)), '__proto__', 'constructor', 'nope', '', 'clips.get/../x', 'a'.repeat(300)];

let tmp: string;
let service: StudioService;
let server: StudioServer;

function randomString(r: SeededRandom, max = 40): string {
  const alphabet = ['a', 'Z', '0', '.', '/', '..', '%', '%2f', '\u0000', '\u202e', '"', '\\', '{', '}', '\ud800', '😀', ' ', '__proto__'];
  let s = '';
  for (let i = r.int(max); i > 0; i--) s += alphabet[r.int(alphabet.length)];
  return s;
}

function randomValue(r: SeededRandom, depth = 0): unknown {
  switch (r.int(depth > 3 ? 5 : 8)) {
    case 0: return null;
    case 1: return r.next() < 0.5;
    case 2: return [0, -1, 1, 2 ** 53, -(2 ** 31), 1e308, 0.5, 3][r.int(8)];
    case 3: return randomString(r);
    case 4: return r.int(5) + 1;
    case 5: return Array.from({ length: r.int(5) }, () => randomValue(r, depth + 1));
    default: {
      const keys = ['id', 'clipIds', 'classId', 'filter', 'limit', 'offset', 'status', 'split', '__proto__', 'constructor', 'videoRoot', randomString(r, 6)];
      return Object.fromEntries(Array.from({ length: r.int(4) }, () => [keys[r.int(keys.length)], randomValue(r, depth + 1)]));
    }
  }
}

function randomBody(r: SeededRandom): string | Buffer {
  const text = JSON.stringify(randomValue(r)) ?? 'null';
  switch (r.int(6)) {
    case 0: return text.slice(0, r.int(text.length + 1)); // cut short
    case 1: return Buffer.from(Array.from({ length: r.int(200) }, () => r.int(256))); // bytes
    case 2: return '['.repeat(5000) + ']'.repeat(5000); // deep nesting
    default: return text;
  }
}

function randomPath(r: SeededRandom): string {
  const paths = [
    () => `/api/${METHODS[r.int(METHODS.length)]}`,
    () => `/media/clip/${[1, 2, -1, 0, 1e20, 'x', '..%2f'][r.int(7)]}`,
    () => `/media/thumb/${r.int(5)}`,
    () => `/media/prediction/${randomString(r, 10)}`,
    () => `/upload?name=${encodeURIComponent(randomString(r, 12).replace(/[\ud800-\udfff]/g, 'x'))}.mp4`,
    () => `/${randomString(r)}`,
  ];
  return paths[r.int(paths.length)]!();
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-fuzz-'));
  const videos = join(tmp, 'videos');
  mkdirSync(join(videos, 'a'), { recursive: true });
  mkdirSync(join(videos, 'b'), { recursive: true });
  writeFileSync(join(videos, 'a', '1.mp4'), 'x');
  writeFileSync(join(videos, 'b', '2.mp4'), 'y');
  const store = ProjectStore.create(join(tmp, 'project'));
  store.setVideoRoot(videos);
  store.syncClips([
    { relPath: 'a/1.mp4', className: 'a', sizeBytes: 1, mtimeMs: 1 },
    { relPath: 'b/2.mp4', className: 'b', sizeBytes: 1, mtimeMs: 1 },
  ]);
  store.db.prepare("UPDATE clips SET status = 'failed'").run(); // nothing to probe, thumbnails refused
  store.close();
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

describe(`fuzzing web mode (seed ${SEED})`, () => {
  it(`${REQUESTS} random requests and ${SOCKETS} sockets of random frames leave the server up and the project intact`, { timeout: 60_000 }, async () => {
    const call = (method: string) => rawRequest(server.port, `/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: '{}' }).then((r) => JSON.parse(r.body.toString()));
    const before = { summary: await call('project.summary'), clips: await call('clips.list') };
    const r = new SeededRandom(SEED);
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i++) {
      const headers: Record<string, string> = {};
      const who = r.int(10);
      if (who < 7) headers.authorization = `Bearer ${server.token}`;
      else if (who === 7) headers.authorization = `Bearer ${randomString(r, 30)}`;
      if (r.int(8) === 0) headers.origin = ['http://evil.example', 'null', `http://127.0.0.1:${server.port}`][r.int(3)]!;
      if (r.int(10) === 0) headers['content-type'] = randomString(r, 20).replace(/[^\x20-\x7e]/g, 'x');
      const method = ['POST', 'POST', 'POST', 'GET', 'PUT', 'HEAD', 'DELETE'][r.int(7)]!;
      const res = await rawRequest(server.port, randomPath(r), { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : randomBody(r) }).catch(() => ({ status: -1 }));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      // Whatever the request, never an internal error.
      expect(res.status).not.toBe(500);
    }
    for (let i = 0; i < SOCKETS; i++) {
      const frames = Array.from({ length: 1 + r.int(4) }, () => {
        const payload = Buffer.from(Array.from({ length: r.int(3) === 0 ? 5000 : r.int(64) }, () => r.int(256)));
        if (r.int(3) === 0) return Buffer.from(Array.from({ length: r.int(20) }, () => r.int(256))); // not a frame at all
        return wsFrame(r.int(16), payload, { masked: r.int(5) !== 0, fin: r.int(4) !== 0, rsv: r.int(4) === 0 ? r.int(8) : 0 });
      });
      await rawWebSocket(server.port, { authorization: `Bearer ${server.token}`, host: `127.0.0.1:${server.port}` }, frames);
    }
    // Some calls were answered, some refused: the run reached the handlers, not only the gate.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect((statuses.get(400) ?? 0) + (statuses.get(401) ?? 0)).toBeGreaterThan(0);
    const after = { summary: await call('project.summary'), clips: await call('clips.list') };
    // Relabels the fuzz made are undone through the API, as a researcher would: then all is as before.
    while ((await call('labels.undo')).result) {
      // undo until there is nothing left
    }
    const restored = { summary: await call('project.summary'), clips: await call('clips.list') };
    expect(restored).toEqual(before);
    expect(after.summary.ok).toBe(true);
  });
});
