import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { forkSpawner } from '../core/jobs';
import { ProjectStore } from '../core/project';
import { StudioService } from '../core/service';
import { jobWorkerScript } from '../workers/worker-script';
import { startStudioServer, type StudioServer } from './studio-server';

let tmp: string;
let service: StudioService;
let server: StudioServer;
let clipId: number;
let escapeId: number;
const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

/** Raw HTTP, so that the test controls Host and Origin exactly. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}
const auth = () => ({ authorization: `Bearer ${server.token}` });

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gstudio-server-'));
  const videos = join(tmp, 'videos');
  mkdirSync(join(videos, 'a'), { recursive: true });
  writeFileSync(join(videos, 'a', 'clip.mp4'), bytes);
  writeFileSync(join(tmp, 'secret.mp4'), 'outside the project');
  symlinkSync(join(tmp, 'secret.mp4'), join(videos, 'a', 'escape.mp4'));
  const store = ProjectStore.create(join(tmp, 'project'));
  store.setVideoRoot(videos);
  store.syncClips([
    { relPath: 'a/clip.mp4', className: 'a', sizeBytes: 1000, mtimeMs: 1 },
    { relPath: 'a/escape.mp4', className: 'a', sizeBytes: 1, mtimeMs: 1 },
  ]);
  [clipId, escapeId] = store.listClips({}).items.map((c) => c.id);
  store.db.prepare("UPDATE clips SET status = 'ok'").run(); // no probe job on open
  store.close();
  mkdirSync(join(tmp, 'renderer'));
  writeFileSync(join(tmp, 'renderer', 'index.html'), '<!doctype html><title>studio</title>');
  writeFileSync(join(tmp, 'renderer', 'app.js'), 'console.log("app")');
  // Files that exist beside the renderer folder: what a traversal would reach.
  writeFileSync(join(tmp, 'secret.txt'), 'SECRET beside the renderer');
  writeFileSync(join(tmp, 'secret'), 'SECRET without an extension');
  mkdirSync(join(tmp, 'renderer-private'));
  writeFileSync(join(tmp, 'renderer-private', 'key.txt'), 'SECRET in a folder whose name starts like the renderer');
  service = new StudioService({ mode: 'web', version: 'test', spawner: forkSpawner(jobWorkerScript()) }, { projectDir: join(tmp, 'project') });
  server = await startStudioServer({ service, rendererDir: join(tmp, 'renderer') });
});

afterAll(async () => {
  await server.close();
  service.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('web mode server', () => {
  it('listens on 127.0.0.1 only and trades the URL token for a session cookie of the launch host', async () => {
    expect(server.url).toMatch(/^http:\/\/gs-[0-9a-f]{16}\.localhost:\d+\/\?token=/);
    const launchHost = new URL(server.url).host;
    // Opened on 127.0.0.1, the token is sent on to the launch host before any cookie is set.
    const viaLoopback = await get(`/?token=${server.token}`);
    expect(viaLoopback.status).toBe(302);
    expect(viaLoopback.headers['set-cookie']).toBeUndefined();
    expect(viaLoopback.headers.location).toBe(server.url);
    const res = await get(`/?token=${server.token}`, { host: launchHost });
    expect(res.status).toBe(302);
    expect(String(res.headers['set-cookie'])).toMatch(/^gstudio_session=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
    expect((await get(`/?token=wrong`, { host: launchHost })).status).toBe(401);
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    const page = await get('/', { cookie, host: launchHost });
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
  });

  it('refuses a foreign Host (DNS rebinding) even with the token', async () => {
    expect((await get('/', { ...auth(), host: 'evil.example' })).status).toBe(403);
  });

  it('streams clips with byte ranges so the video element can seek', async () => {
    const whole = await get(`/media/clip/${clipId}`, auth());
    expect(whole.status).toBe(200);
    expect(whole.body.equals(bytes)).toBe(true);
    expect(whole.headers['content-type']).toBe('video/mp4');
    const part = await get(`/media/clip/${clipId}`, { ...auth(), range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 100-199/1000');
    expect(part.body.equals(bytes.subarray(100, 200))).toBe(true);
    expect((await get(`/media/clip/${clipId}`, { ...auth(), range: 'bytes=5000-' })).status).toBe(416);
  });

  it('serves nothing outside the project video folder', async () => {
    expect((await get(`/media/clip/${escapeId}`, auth())).status).toBe(403);
    expect((await get('/media/clip/9999', auth())).status).toBe(404);
    // The renderer's own file is served, so a 404 below means refused, not broken.
    const app = await get('/app.js', auth());
    expect(app.status).toBe(200);
    expect(app.body.toString()).toBe('console.log("app")');
    for (const path of [
      '/../secret.txt', // the URL parser resolves this to /secret.txt, not in the renderer folder
      '/..%2fsecret.txt', // an encoded slash: decoded only after parsing, so the server must check
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/..%2frenderer-private%2fkey.txt', // shares the renderer folder's name as a prefix
      '/..%5csecret.txt',
      '/..%2fsecret', // no extension, but '..' is not a client-side route either
    ]) {
      const res = await get(path, auth());
      expect(res.status, path).toBe(404);
      expect(res.body.toString(), path).not.toMatch(/SECRET|root:/);
    }
    // A client-side route (no dot) gets the app shell.
    const shell = await get('/clips', auth());
    expect(shell.status).toBe(200);
    expect(shell.body.toString()).toBe('<!doctype html><title>studio</title>');
  });

  it('validates calls before they run', async () => {
    const call = (method: string, body: string) =>
      fetch(`${server.origin}/api/${method}`, { method: 'POST', body, headers: auth() }).then(async (r) => ({ status: r.status, json: await r.json() }));
    expect((await call('clips.get', JSON.stringify({ id: clipId }))).json.result.relPath).toBe('a/clip.mp4');
    expect((await call('clips.get', '{"id": -1}')).json.error.code).toBe('invalid_params');
    expect((await call('clips.get', '{"id": 1, "extra": true}')).json.error.code).toBe('invalid_params');
    expect((await call('nope.nope', '{}')).json.error.code).toBe('unknown_method');
    expect((await call('clips.get', 'not json')).json.error.code).toBe('invalid_json');
  });

  it('pushes events on the WebSocket and closes it on an invalid message', async () => {
    expect(await new Promise((r) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`);
      ws.on('error', () => r('refused'));
      ws.on('open', () => r('open'));
    })).toBe('refused');
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`, { headers: auth() });
    await new Promise((r) => ws.on('open', r));
    const event = new Promise((r) => ws.once('message', (d) => r(JSON.parse(String(d)))));
    await fetch(`${server.origin}/api/clips.relabel`, { method: 'POST', headers: auth(), body: JSON.stringify({ clipIds: [clipId], classId: 1 }) });
    await fetch(`${server.origin}/api/labels.undo`, { method: 'POST', headers: auth(), body: '{}' });
    expect(await event).toEqual({ type: 'project', what: 'labels' });
    // A valid message is answered and keeps the socket open...
    const pong = new Promise((r) => {
      ws.on('message', (d) => {
        const m = JSON.parse(String(d));
        if (m.type === 'pong') r(m);
      });
      ws.once('close', (code) => r(`closed ${code}`));
    });
    ws.send('{"type":"ping"}');
    expect(await pong).toEqual({ type: 'pong' });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    // ...an invalid one closes it with "policy violation".
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.send('{"type":"shell","cmd":"rm -rf /"}');
    expect(await closed).toBe(1008);
  });
});
