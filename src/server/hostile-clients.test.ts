// Replays the attempts of an attacker (and of broken clients) against web mode: each is refused
// with a clear error and the server goes on answering.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { forkSpawner } from '../core/jobs';
import { appendFolderClip, createFolderPrediction } from '../core/inference/folder-prediction-store';
import { scanPredictFolder } from '../core/inference/folder-clips';
import { ProjectStore } from '../core/project';
import { StudioService } from '../core/service';
import { makeClip } from '../test-support/make-clips';
import { jobWorkerScript } from '../workers/worker-script';
import { startStudioServer, type StudioServer } from './studio-server';
import { rawRequest, rawWebSocket, wsFrame } from './test-support/raw-client';
import { request } from 'node:http';

let tmp: string;
let service: StudioService;
let server: StudioServer;
let clipId: number;
let runId: number;
let ids: Record<string, number>;

const auth = () => ({ authorization: `Bearer ${server.token}` });
const host = () => `127.0.0.1:${server.port}`;

async function stillAnswering(): Promise<void> {
  const res = await rawRequest(server.port, '/api/clips.get', { method: 'POST', headers: auth(), body: JSON.stringify({ id: clipId }) });
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body.toString()).result.relPath).toBe('a/clip.mp4');
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-hostile-'));
  const videos = join(tmp, 'videos');
  mkdirSync(join(videos, 'a'), { recursive: true });
  writeFileSync(join(videos, 'a', 'clip.mp4'), Buffer.alloc(1000, 7));
  const store = ProjectStore.create(join(tmp, 'project'));
  store.setVideoRoot(videos);
  // Clips linked in from outside the video folder: a real video, a secret, one retargeted later.
  const outside = join(tmp, 'elsewhere');
  makeClip(join(outside, 'real.mp4'), { seconds: 0.4 });
  writeFileSync(join(outside, 'secret.mp4'), 'root:$6$secret\n');
  for (const name of ['linked', 'retarget']) symlinkSync(join(outside, 'real.mp4'), join(videos, 'a', `${name}.mp4`));
  symlinkSync(join(outside, 'secret.mp4'), join(videos, 'a', 'secret.mp4'));
  const size = statSync(join(outside, 'real.mp4')).size;
  store.syncClips([
    { relPath: 'a/clip.mp4', className: 'a', sizeBytes: 1000, mtimeMs: 1 },
    { relPath: 'a/linked.mp4', className: 'a', sizeBytes: size, mtimeMs: 1 },
    { relPath: 'a/retarget.mp4', className: 'a', sizeBytes: size, mtimeMs: 1 },
    { relPath: 'a/secret.mp4', className: 'a', sizeBytes: 15, mtimeMs: 1 },
  ]);
  ids = Object.fromEntries(store.listClips({}).items.map((c) => [c.relPath, c.id]));
  clipId = ids['a/clip.mp4']!;
  // As the probe leaves them: the videos read, the secret did not.
  store.db.prepare("UPDATE clips SET status = 'ok', duration = 0.4").run();
  store.db.prepare("UPDATE clips SET status = 'failed', duration = NULL WHERE rel_path = 'a/secret.mp4'").run();
  runId = store.createRun('run 1 · lstm', 'lstm', {}, join(tmp, 'project', 'runs', '001'));
  store.db.prepare("UPDATE runs SET status = 'done'").run();
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

afterEach(async () => {
  await stillAnswering();
});

describe('WebSocket frames that used to end the server', () => {
  const frames: [string, () => Buffer[]][] = [
    ['a text frame over 4 KiB', () => [wsFrame(0x1, Buffer.alloc(5000, 0x61))]],
    ['two bytes of invalid UTF-8', () => [wsFrame(0x1, Buffer.from([0xc3, 0x28]))]],
    ['a reserved opcode', () => [wsFrame(0x3, Buffer.from('hi'))]],
    ['an unmasked frame', () => [wsFrame(0x1, Buffer.from('{"type":"ping"}'), { masked: false })]],
    ['reserved bits set', () => [wsFrame(0x1, Buffer.from('x'), { rsv: 0b101 })]],
    ['a 64-bit length of 2^32', () => [Buffer.from([0x81, 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4])]],
    ['a fragmented control frame', () => [wsFrame(0x9, Buffer.from('ping'), { fin: false })]],
  ];
  for (const [what, make] of frames) {
    it(`survives ${what}`, async () => {
      const { statusLine } = await rawWebSocket(server.port, { ...auth(), host: host() }, make());
      expect(statusLine).toBe('HTTP/1.1 101 Switching Protocols');
    });
  }

  it('survives a socket that errors before the upgrade completes', async () => {
    const { statusLine } = await rawWebSocket(server.port, { ...auth(), host: host(), 'sec-websocket-version': '99' }, []);
    expect(statusLine).toMatch(/^HTTP\/1\.1 4\d\d/);
  });
});

describe('a cookie leaked to another local server', () => {
  /** Opens the printed URL the way a browser does (following redirects, Host from the URL); returns the cookie set. */
  async function cookieFromPrintedUrl(): Promise<{ pair: string; value: string; host: string }> {
    let url = new URL(server.url);
    for (let hops = 0; hops < 3; hops++) {
      const res = await rawRequest(server.port, url.pathname + url.search, { headers: { host: url.host } });
      const set = res.headers['set-cookie'];
      if (set) {
        const pair = String(set).split(';')[0]!;
        return { pair, value: pair.slice(pair.indexOf('=') + 1), host: url.host };
      }
      expect(res.status).toBe(302);
      url = new URL(String(res.headers.location), url);
    }
    throw new Error('no cookie was set');
  }

  it('is not a Bearer key', async () => {
    const { value } = await cookieFromPrintedUrl();
    const res = await rawRequest(server.port, '/api/project.summary', { method: 'POST', headers: { authorization: `Bearer ${value}` }, body: '{}' });
    expect(res.status).toBe(401);
  });

  it('opens nothing when replayed to 127.0.0.1 (where browsers share cookies across ports)', async () => {
    const { pair, host: cookieHost } = await cookieFromPrintedUrl();
    expect(cookieHost).not.toMatch(/^127\.0\.0\.1:|^localhost:/);
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`]) {
      const res = await rawRequest(server.port, '/api/project.summary', { method: 'POST', headers: { cookie: pair, host }, body: '{}' });
      expect(res.status).toBe(401);
      expect(res.body.toString()).toMatch(/gstudio serve/);
    }
    const ws = await rawWebSocket(server.port, { cookie: pair, host: `127.0.0.1:${server.port}` }, []);
    expect(ws.statusLine).toMatch(/401/);
    // On its own host, from its own page, it still works.
    const ok = await rawRequest(server.port, '/api/project.summary', { method: 'POST', headers: { cookie: pair, host: cookieHost, origin: `http://${cookieHost}` }, body: '{}' });
    expect(ok.status).toBe(200);
  });
});

describe('files that are not videos', () => {
  const predictions = () => join(tmp, 'project', 'predictions');
  const kept = () => (existsSync(predictions()) ? readdirSync(predictions()) : []);
  const call = (method: string, params: unknown) =>
    rawRequest(server.port, `/api/${method}`, { method: 'POST', headers: auth(), body: JSON.stringify(params) }).then((r) => JSON.parse(r.body.toString()));

  it('predict.start on a link x.mp4 -> a secret file copies nothing into the project', async () => {
    writeFileSync(join(tmp, 'shadow'), 'root:$6$secret:19000:0:99999:7:::\n');
    symlinkSync(join(tmp, 'shadow'), join(tmp, 'x.mp4'));
    const outcome = await call('predict.start', { runId, video: join(tmp, 'x.mp4') });
    expect(outcome.ok).toBe(false);
    expect(outcome.error.code).toBe('invalid_input');
    expect(outcome.error.message).toMatch(/x\.mp4 is not a video the studio can read, so it was not taken/);
    expect(kept()).toEqual([]);
  });

  it('a folder prediction serves only the clips of the named folder it read as video, while they are the same files', async () => {
    const folder = join(tmp, 'named folder');
    makeClip(join(folder, 'a', 'real.mp4'), { seconds: 0.4 });
    symlinkSync(join(tmp, 'elsewhere', 'real.mp4'), join(folder, 'a', 'moving.mp4'));
    const projectDir = join(tmp, 'project');
    const scan = await scanPredictFolder(folder, ['a']);
    const id = createFolderPrediction(projectDir, scan, { id: runId, name: 'run 1 · lstm', runDir: join(projectDir, 'runs', '001') }, ['a']);
    for (const [index, file] of scan.clips.map((c) => [c.index, c.relPath] as const)) {
      const top = [{ label: 'a', probability: 1 }];
      appendFolderClip(projectDir, id, { index, file, trueClass: 'a', status: 'ok', reason: null, predicted: 'a', confidence: 1, top, frames: 10, framesWithHands: 10 }, { records: [], window: [], fps: 25 });
    }
    const media = (n: number) => rawRequest(server.port, `/media/prediction/${id}--${n}`, { headers: auth() });
    expect(scan.clips.map((c) => c.relPath)).toEqual(['a/moving.mp4', 'a/real.mp4']);
    expect((await media(1)).status).toBe(200);
    expect((await media(0)).status).toBe(200);
    // Retargeted to a secret since it was predicted: refused, nothing of it sent.
    unlinkSync(join(folder, 'a', 'moving.mp4'));
    symlinkSync(join(tmp, 'elsewhere', 'secret.mp4'), join(folder, 'a', 'moving.mp4'));
    const swapped = await media(0);
    expect(swapped.status).toBe(403);
    expect(swapped.body.toString()).not.toMatch(/root:/);
    expect((await media(9)).status).toBe(404);
    expect((await rawRequest(server.port, `/media/prediction/${id}--0--0`, { headers: auth() })).status).toBeGreaterThanOrEqual(400);
    // The tests below count what uploads leave in predictions/.
    rmSync(join(projectDir, 'predictions', id), { recursive: true });
  });

  it('an upload that is not a video is refused and leaves nothing', async () => {
    const res = await rawRequest(server.port, '/upload?name=holiday.mp4', { method: 'PUT', headers: auth(), body: 'just text' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString()).error).toMatch(/holiday\.mp4 is not a video/);
    expect(kept()).toEqual([]);
  });

  it('an upload over the size limit is refused (413) and leaves nothing', async () => {
    process.env.GSTUDIO_MAX_UPLOAD_MB = '1';
    try {
      const declared = await rawRequest(server.port, '/upload?name=big.mp4', { method: 'PUT', headers: auth(), body: Buffer.alloc(2 << 20) });
      expect(declared.status).toBe(413);
      expect(JSON.parse(declared.body.toString()).error).toMatch(/larger than 1 MB/);
      // Chunked, so that no Content-Length warns the server: the limit holds while the bytes arrive.
      const chunked = await new Promise<number>((resolve) => {
        const req = request({ host: '127.0.0.1', port: server.port, path: '/upload?name=big.mp4', method: 'PUT', headers: { ...auth(), 'transfer-encoding': 'chunked' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', () => resolve(-1));
        for (let i = 0; i < 40; i++) req.write(Buffer.alloc(64 << 10));
        req.end();
      });
      expect([413, -1]).toContain(chunked);
    } finally {
      delete process.env.GSTUDIO_MAX_UPLOAD_MB;
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(kept()).toEqual([]);
  });

  it('an upload aborted halfway leaves nothing', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write(`PUT /upload?name=half.mp4 HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${server.token}\r\nContent-Length: 100000\r\n\r\n`);
        socket.write(Buffer.alloc(30000, 1), () => setTimeout(() => socket.destroy(), 100));
      });
      socket.on('close', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(kept()).toEqual([]);
  });
});

describe('clips linked from outside the video folder', () => {
  const media = (id: number, kind = 'clip') => rawRequest(server.port, `/media/${kind}/${id}`, { headers: auth() });

  it('a link to a video that probed plays and has a thumbnail, as it imported and extracts', async () => {
    const video = await media(ids['a/linked.mp4']!);
    expect(video.status).toBe(200);
    expect(video.headers['content-type']).toBe('video/mp4');
    const thumb = await media(ids['a/linked.mp4']!, 'thumb');
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
  });

  it('a link to a file that is not a video is refused, with the reason', async () => {
    const res = await media(ids['a/secret.mp4']!);
    expect(res.status).toBe(403);
    expect(res.body.toString()).toMatch(/did not probe as a video/);
    expect(res.body.toString()).not.toMatch(/root:/);
    expect((await media(ids['a/secret.mp4']!, 'thumb')).status).toBe(404);
  });

  it('a link retargeted after the import (to a secret) is refused until imported again', async () => {
    unlinkSync(join(tmp, 'videos', 'a', 'retarget.mp4'));
    symlinkSync(join(tmp, 'elsewhere', 'secret.mp4'), join(tmp, 'videos', 'a', 'retarget.mp4'));
    const res = await media(ids['a/retarget.mp4']!);
    expect(res.status).toBe(403);
    expect(res.body.toString()).toMatch(/changed since the import: import the folder again/);
    expect((await media(ids['a/retarget.mp4']!, 'thumb')).status).toBe(403);
  });
});

describe('attempts that already failed, replayed', () => {
  const summary = () => rawRequest(server.port, '/api/project.summary', { method: 'POST', headers: auth(), body: '{}' });

  it('no token, a wrong token, a token in the wrong place', async () => {
    expect((await rawRequest(server.port, '/api/project.summary', { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await rawRequest(server.port, '/api/project.summary', { method: 'POST', headers: { authorization: 'Bearer wrong' }, body: '{}' })).status).toBe(401);
    expect((await rawRequest(server.port, `/api/project.summary?token=${server.token}`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await rawRequest(server.port, '/media/clip/1')).status).toBe(401);
    expect((await rawWebSocket(server.port, { host: host() }, [])).statusLine).toMatch(/401/);
  });

  it('another origin (CSRF, cross-site WebSocket) and a foreign Host (DNS rebinding), even with the token', async () => {
    const cross = await rawRequest(server.port, '/api/project.summary', { method: 'POST', headers: { ...auth(), origin: 'http://evil.example' }, body: '{}' });
    expect(cross.status).toBe(403);
    expect(cross.body.toString()).toMatch(/wrong host or origin/);
    expect((await rawRequest(server.port, '/', { headers: { ...auth(), host: 'evil.example' } })).status).toBe(403);
    expect((await rawRequest(server.port, '/', { headers: { ...auth(), host: `gs-0000000000000000.localhost:${server.port}` } })).status).toBe(403);
    expect((await rawWebSocket(server.port, { ...auth(), host: host(), origin: 'http://evil.example' }, [])).statusLine).toMatch(/401/);
    expect((await rawWebSocket(server.port, { ...auth(), host: 'evil.example' }, [])).statusLine).toMatch(/401/);
  });

  it('traversal in media ids and static paths', async () => {
    for (const path of ['/media/clip/1%2f..%2f..', '/media/clip/-1', '/media/clip/1e3', '/media/thumb/0x10', '/media/prediction/..%2f..%2fgstudio.sqlite', '/media/prediction/__proto__']) {
      const res = await rawRequest(server.port, path, { headers: auth() });
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.body.toString()).not.toMatch(/root:|SQLite format/);
    }
    for (const path of ['/media/clip/../../etc/passwd', '/../../etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/hostname', '/%00index.html', '/%E0%A4%A']) {
      const res = await rawRequest(server.port, path, { headers: auth() });
      expect(res.body.toString(), path).not.toMatch(/root:/);
    }
  });

  it('a request target that is not a path (found by the fuzz run: it ended in a 500, or the server)', async () => {
    for (const path of ['//%', '//evil.example/api/app.info', '//[']) {
      expect((await rawRequest(server.port, path, { headers: auth() })).status, path).toBe(400);
      expect((await rawWebSocket(server.port, { ...auth(), host: host() }, [], path)).statusLine, path).toMatch(/401/);
    }
  });

  it('malformed JSON, a 50 MB body, __proto__ and friends as a method', async () => {
    const bad = await rawRequest(server.port, '/api/clips.get', { method: 'POST', headers: auth(), body: '{"id": 1,' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body.toString()).error).toEqual({ code: 'invalid_json', message: 'Request body is not JSON' });
    const huge = await rawRequest(server.port, '/api/clips.get', { method: 'POST', headers: auth(), body: Buffer.alloc(50 << 20, 0x20) }).catch((e: Error) => e);
    // Refused after the first megabyte: an answer, or the connection closed under the sender.
    if (!(huge instanceof Error)) expect(JSON.parse(huge.body.toString()).error.message).toBe('Request body too large');
    for (const method of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'clips.get.__proto__', '__proto__.polluted']) {
      const res = await rawRequest(server.port, `/api/${method}`, { method: 'POST', headers: auth(), body: '{}' });
      expect(res.status, method).toBe(400);
      expect(JSON.parse(res.body.toString()).error.code, method).toBe('unknown_method');
    }
    const polluting = await rawRequest(server.port, '/api/clips.list', { method: 'POST', headers: auth(), body: '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}' });
    expect(polluting.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await rawRequest(server.port, '/api/clips.list', { method: 'GET', headers: auth() })).status).toBe(405);
    expect((await summary()).status).toBe(200);
  });
});
