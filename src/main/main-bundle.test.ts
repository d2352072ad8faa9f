// The built main process (out/main/index.js), loaded in plain Node with a stand-in for the
// `electron` module (Electron's binary cannot be downloaded here): what a real launch depends on,
// driven as Electron would drive it. The core behind it is real: SQLite project, ffmpeg-made clips,
// a probe job in the bundled job worker.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { betterSqliteBinding } from '../core/native/native-binding';
import { makeClip } from '../test-support/make-clips';

const root = resolve(import.meta.dirname, '../..');
const outMain = join(root, 'out', 'main');
const APP_INDEX = 'gstudio-app://app/index.html';

// vitest.config.ts leaves out/main and the stand-in to Node's own loader, so the hook resolves `electron`.
const nativeImport = (url: string) => import(/* @vite-ignore */ url) as Promise<Record<string, unknown>>;
register('./test-support/electron-hook.mjs', import.meta.url);

interface Frame { url: string; parent: Frame | null; processId: number; routingId: number }
interface Contents {
  mainFrame: Frame;
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null;
  navigate(kind: string, details: Record<string, unknown>): boolean;
}
interface Win { options: { webPreferences: Record<string, unknown> }; webContents: Contents; loaded: string | null }
type Handler = (request: Request) => Promise<Response>;
interface State {
  markReady(): void;
  app: { emit(event: string, ...args: unknown[]): boolean };
  sandboxed: boolean;
  schemes: { scheme: string; privileges: Record<string, boolean> }[];
  protocols: Map<string, Handler>;
  ipc: Map<string, (event: unknown, method: unknown, params?: unknown) => Promise<{ ok: boolean; result?: any; error?: { code: string } }>>;
  windows: Win[];
  contents: Contents[];
  sent: { channel: string; payload: any }[];
  opened: string[];
  errors: { title: string; message: string }[];
  forks: { script: string; pid: number }[];
  permissionRequest: (wc: unknown, permission: string, cb: (granted: boolean) => void, details: Record<string, unknown>) => void;
  permissionCheck: (wc: unknown, permission: string, origin: string, details: Record<string, unknown>) => boolean;
  devicePermission: (details: unknown) => boolean;
  exitCode: number | null;
}
interface StandIn {
  resetStandIn(options: Record<string, unknown>): State;
  WebContents: new () => Contents;
  WebFrameMain: new (url: string, parent?: Frame | null) => Frame;
}

/**
 * The stand-in records into the state of the latest load: the packaged app's checks come first,
 * the loads in other conditions last.
 */

/** Builds the bundles unless out/ is newer than the sources (scripts/test.sh builds before unit tests). */
function ensureBuilt(): void {
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const p = join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }, 0);
  const built = existsSync(join(outMain, 'index.js')) ? statSync(join(outMain, 'index.js')).mtimeMs : 0;
  const sources = Math.max(...['main', 'preload', 'core', 'api', 'workers'].map((d) => newest(join(root, 'src', d))));
  if (built < sources) execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'ignore' });
}

/** Processes running the bundled clip worker entry (Linux /proc). */
function clipWorkerProcesses(): number[] {
  const entry = join(outMain, 'clip-worker.js');
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').includes(entry);
      } catch {
        return false;
      }
    })
    .map(Number);
}

let loads = 0;
async function loadMain(standIn: StandIn, options: Record<string, unknown>, env: Record<string, string | undefined>): Promise<State> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  const state = standIn.resetStandIn(options);
  try {
    // A fresh instance of the entry module per load (its chunks are shared, as in one process).
    await nativeImport(`${pathToFileURL(join(outMain, 'index.js')).href}?load=${++loads}`);
    state.markReady();
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return state;
}

const work = mkdtempSync(join(tmpdir(), 'gstudio-main-'));
const videos = join(work, 'videos');
const outside = join(work, 'outside.mp4');
let standIn: StandIn;
let packaged: State;
let win: Win;
let nativeDir: string | undefined;

const call = (state: State, event: unknown, method: string, params: unknown = {}) => state.ipc.get('gstudio:call')!(event, method, params);
const own = () => ({ sender: win.webContents, senderFrame: win.webContents.mainFrame });

beforeAll(async () => {
  ensureBuilt();
  makeClip(join(videos, 'wave', 'wave_01.mp4'), { seconds: 1 });
  makeClip(join(videos, 'point', 'point_01.mp4'), { seconds: 1, size: '80x60' });
  makeClip(outside, { seconds: 1 });
  standIn = (await nativeImport(new URL('./test-support/electron-stand-in.mjs', import.meta.url).href)) as unknown as StandIn;
  packaged = await loadMain(standIn, { isPackaged: true, appPath: join(work, 'app.asar') }, { ELECTRON_RENDERER_URL: 'http://localhost:5173/', GSTUDIO_PROJECT: undefined });
  nativeDir = process.env.GSTUDIO_NATIVE_DIR;
  win = packaged.windows[0];
});

afterAll(() => {
  packaged?.app.emit('window-all-closed');
  rmSync(work, { recursive: true, force: true });
});

describe('the built main process, with a stand-in for Electron', () => {
  it('opens one sandboxed window without Node, on its own page (a packaged app ignores ELECTRON_RENDERER_URL)', () => {
    expect(packaged.windows).toHaveLength(1);
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false });
    expect(existsSync(win.options.webPreferences.preload as string)).toBe(true);
    expect(win.options.webPreferences.preload).toBe(join(root, 'out', 'preload', 'index.cjs'));
    expect(packaged.sandboxed).toBe(true);
    expect(win.loaded).toBe(APP_INDEX);
    expect(packaged.schemes.map((s) => s.scheme)).toEqual(['gstudio-app', 'gstudio-media']);
    expect(packaged.schemes[0].privileges).toMatchObject({ standard: true, secure: true });
    expect(packaged.schemes[1].privileges).toMatchObject({ standard: true, secure: true, stream: true });
  });

  it('points native modules at the Electron builds outside the asar (and opened SQLite with the Node build here)', async () => {
    expect(nativeDir).toBe(join(work, 'app.asar.unpacked', 'native'));
    // In Electron the chooser takes the file from there: where electron-builder.yml unpacks native/**
    // and scripts/electron-native.mjs writes it (ABI from Electron's package).
    const abi = readFileSync(join(root, 'node_modules', 'electron', 'abi_version'), 'utf8').trim();
    const inElectron = { versions: { electron: '45.4.1', modules: abi }, platform: process.platform, arch: process.arch, env: { GSTUDIO_NATIVE_DIR: nativeDir } };
    const file = join(nativeDir!, `electron-abi${abi}-${process.platform}-${process.arch}`, 'better_sqlite3.node');
    expect(betterSqliteBinding(inElectron, (p) => p === file)).toBe(file);
    const created = await call(packaged, own(), 'project.create', { dir: join(work, 'project') });
    expect(created.ok).toBe(true);
  });

  it('answers IPC calls only from its own main frame showing index.html', async () => {
    expect(await call(packaged, own(), 'app.info')).toMatchObject({ ok: true });
    const main = win.webContents.mainFrame;
    expect(await call(packaged, { sender: win.webContents, senderFrame: { ...main, url: `${APP_INDEX}#/clips?class=2` } }, 'app.info')).toMatchObject({ ok: true });
    const refused = [
      { sender: win.webContents, senderFrame: new standIn.WebFrameMain(APP_INDEX, main) }, // a subframe
      { sender: win.webContents, senderFrame: { ...main, url: 'file:///home/user/evil.html' } }, // any file:// page
      { sender: win.webContents, senderFrame: { ...main, url: 'gstudio-app://app/assets/other.html' } },
      { sender: win.webContents, senderFrame: { ...main, url: 'gstudio-media://clip/1' } },
      { sender: win.webContents, senderFrame: { ...main, url: 'http://localhost:5173/' } }, // the dev server, packaged
      { sender: win.webContents, senderFrame: null }, // a frame gone
      { sender: new standIn.WebContents(), senderFrame: { ...main, url: APP_INDEX } }, // another web contents
    ];
    for (const event of refused) expect(await call(packaged, event, 'app.info')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it("runs a probe job in the bundled job worker (Node's fork in place of a utility process)", async () => {
    const imported = await call(packaged, own(), 'clips.import', { videoRoot: videos });
    expect(imported).toMatchObject({ ok: true });
    expect(imported.result.jobId).toEqual(expect.any(String));
    expect(packaged.forks.map((f) => f.script)).toContain(join(outMain, 'job-worker.js'));
    const deadline = Date.now() + 60_000;
    let clips: any[] = [];
    while (Date.now() < deadline) {
      clips = (await call(packaged, own(), 'clips.list', {})).result.items;
      if (clips.length === 2 && clips.every((c) => c.status !== 'pending')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(clips.map((c) => c.status)).toEqual(['ok', 'ok']);
    expect(clips.every((c) => c.duration > 0.5 && c.width > 0 && c.codec === 'h264')).toBe(true);
    // Progress reached the page as events over IPC.
    expect(packaged.sent.some((m) => m.channel === 'gstudio:event' && m.payload.type === 'job' && m.payload.job.state === 'done')).toBe(true);
  });

  it('extracts keypoints with the clip workers as threads of the job process (as in Electron, whose RunAsNode fuse is off)', async () => {
    // Inside Electron the pool picks threads by itself (process.versions.electron); here it is asked to.
    process.env.GSTUDIO_CLIP_WORKERS = 'thread';
    try {
      const started = await call(packaged, own(), 'extraction.start', { settings: { model: 'lite', detector: 'none', workers: 1, frames: 8 } });
      expect(started).toMatchObject({ ok: true });
      const deadline = Date.now() + 90_000;
      let clips: any[] = [];
      const forkedClipWorkers = new Set<number>();
      while (Date.now() < deadline) {
        for (const pid of clipWorkerProcesses()) forkedClipWorkers.add(pid);
        clips = (await call(packaged, own(), 'clips.list', {})).result.items;
        if (clips.every((c) => c.extractStatus !== 'pending')) break;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(clips.map((c) => [c.extractStatus, c.extractError])).toEqual([['done', null], ['done', null]]);
      // The clips were extracted in threads of the job process, not in forked processes.
      expect([...forkedClipWorkers]).toEqual([]);
    } finally {
      delete process.env.GSTUDIO_CLIP_WORKERS;
    }
  });

  it('serves clip media by id with byte ranges, and refuses what lies outside the project', async () => {
    const media = packaged.protocols.get('gstudio-media')!;
    const clips = (await call(packaged, own(), 'clips.list', {})).result.items as { id: number; relPath: string }[];
    const clip = clips.find((c) => c.relPath.endsWith('wave_01.mp4'))!;
    const bytes = readFileSync(join(videos, clip.relPath));
    const whole = await media(new Request(`gstudio-media://clip/${clip.id}`));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await media(new Request(`gstudio-media://clip/${clip.id}`, { headers: { Range: 'bytes=100-1099' } }));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-1099/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 1100))).toBe(true);
    const tail = await media(new Request(`gstudio-media://clip/${clip.id}`, { headers: { Range: 'bytes=-10' } }));
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 10))).toBe(true);
    const past = await media(new Request(`gstudio-media://clip/${clip.id}`, { headers: { Range: `bytes=${bytes.length}-` } }));
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    expect(whole.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(whole.headers.get('x-content-type-options')).toBe('nosniff');
    for (const bad of ['gstudio-media://clip/0', 'gstudio-media://clip/1.5', 'gstudio-media://clip/..%2F..%2Fetc%2Fpasswd', 'gstudio-media://file/1', 'gstudio-media://prediction/..']) {
      expect((await media(new Request(bad))).status, bad).toBe(400);
    }
    expect((await media(new Request('gstudio-media://clip/999'))).status).toBe(404);
    expect((await media(new Request(`gstudio-media://clip/${clip.id}`, { method: 'POST', body: 'x' }))).status).toBe(405);
    // A clip file replaced by a link to a file outside the video folder is not served.
    const other = clips.find((c) => c !== clip)!;
    unlinkSync(join(videos, other.relPath));
    symlinkSync(outside, join(videos, other.relPath));
    expect((await media(new Request(`gstudio-media://clip/${other.id}`))).status).toBe(403);
    const thumb = await media(new Request(`gstudio-media://thumb/${clip.id}`));
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toMatch(/^image\//);
  });

  it('serves the page from its own scheme with the Content-Security-Policy as a header, and nothing outside the renderer', async () => {
    const app = packaged.protocols.get('gstudio-app')!;
    const index = await app(new Request(APP_INDEX));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = index.headers.get('content-security-policy')!;
    const html = await index.text();
    // The header says at least what the meta tag says (and adds frame-ancestors, which a meta tag cannot).
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)![1];
    for (const directive of meta.split(';').map((d) => d.trim())) expect(csp).toContain(directive);
    expect(csp).toContain("frame-ancestors 'none'");
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1];
    const js = await app(new Request(`gstudio-app://app/${script}`));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-security-policy')).toBe(csp);
    expect((await app(new Request('gstudio-app://app/'))).status).toBe(200);
    expect((await app(new Request('gstudio-app://app/../main/index.js'))).status).toBe(404); // normalised to /main/index.js
    expect((await app(new Request('gstudio-app://app/..%2fmain%2findex.js'))).status).toBe(400);
    expect((await app(new Request('gstudio-app://app/assets'))).status).toBe(404); // a folder
    expect((await app(new Request('gstudio-app://evil/index.html'))).status).toBe(404);
    expect((await app(new Request(APP_INDEX, { method: 'POST', body: 'x' }))).status).toBe(405);
    // The Capture view's MediaPipe Tasks: its wasm runtime and the hand bundle, from the app itself.
    const wasm = await app(new Request('gstudio-app://app/mediapipe/wasm/vision_wasm_internal.wasm'));
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer()).subarray(0, 4)).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d]));
    const task = await app(new Request('gstudio-app://app/mediapipe/hand_landmarker_lite.task'));
    expect(task.status).toBe(200);
    expect(Buffer.from(await task.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
    expect((await app(new Request('gstudio-app://app/mediapipe/hand_landmarker_huge.task'))).status).toBe(404);
    expect((await app(new Request('gstudio-app://app/mediapipe/wasm/..%2f..%2fpackage.json'))).status).toBe(400);
    expect((await app(new Request('gstudio-app://app/mediapipe/../index.html'))).status).toBe(200); // normalised to /index.html
  });

  it('grants the camera to its own page only, and every other permission to nobody', () => {
    const ask = (permission: string, details: Record<string, unknown>) => {
      let granted: boolean | undefined;
      packaged.permissionRequest(win.webContents, permission, (g) => (granted = g), details);
      return granted;
    };
    const camera = { isMainFrame: true, requestingUrl: APP_INDEX, mediaTypes: ['video'] };
    expect(ask('media', camera)).toBe(true);
    expect(ask('media', { ...camera, mediaTypes: ['audio'] })).toBe(false);
    expect(ask('media', { ...camera, mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(ask('media', { ...camera, isMainFrame: false })).toBe(false);
    expect(ask('media', { ...camera, requestingUrl: 'https://evil.example/' })).toBe(false);
    expect(ask('media', { ...camera, requestingUrl: 'file:///tmp/x.html' })).toBe(false);
    for (const p of ['geolocation', 'notifications', 'display-capture', 'clipboard-read', 'openExternal', 'midi', 'hid']) expect(ask(p, { isMainFrame: true, requestingUrl: APP_INDEX }), p).toBe(false);
    const check = (permission: string, origin: string, details: Record<string, unknown>) => packaged.permissionCheck(win.webContents, permission, origin, details);
    expect(check('media', 'gstudio-app://app', { isMainFrame: true, mediaType: 'video' })).toBe(true);
    expect(check('media', 'gstudio-app://app', { isMainFrame: true, mediaType: 'audio' })).toBe(false);
    expect(check('media', 'http://localhost:5173', { isMainFrame: true, mediaType: 'video' })).toBe(false);
    expect(check('media', 'gstudio-app://app', { isMainFrame: false, mediaType: 'video' })).toBe(false);
    expect(check('clipboard-read', 'gstudio-app://app', { isMainFrame: true })).toBe(false);
    expect(packaged.devicePermission({ deviceType: 'usb' })).toBe(false);
  });

  it('guards every web contents: no navigation away, no new windows, no webview', () => {
    const popup = new standIn.WebContents(); // anything created later is guarded too
    for (const contents of [win.webContents, popup]) {
      expect(contents.navigate('will-navigate', { url: 'https://evil.example/' })).toBe(false);
      expect(contents.navigate('will-navigate', { url: 'file:///etc/passwd' })).toBe(false);
      expect(contents.navigate('will-navigate', { url: `${APP_INDEX}#/runs` })).toBe(true);
      expect(contents.navigate('will-frame-navigate', { url: 'https://evil.example/', isMainFrame: true })).toBe(false);
      expect(contents.navigate('will-frame-navigate', { url: APP_INDEX, isMainFrame: false })).toBe(false);
      expect(contents.navigate('will-frame-navigate', { url: APP_INDEX, isMainFrame: true })).toBe(true);
      expect(contents.navigate('will-redirect', { url: 'https://evil.example/' })).toBe(false);
      expect(contents.navigate('will-attach-webview', {})).toBe(false);
      expect(contents.windowOpenHandler!({ url: 'https://github.com/gesture-studio' })).toEqual({ action: 'deny' });
      expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    }
    // http(s) links open in the system browser, nothing else does.
    expect(packaged.opened).toEqual(['https://github.com/gesture-studio', 'https://github.com/gesture-studio']);
  });

  it('honours ELECTRON_RENDERER_URL in development only, and only on loopback', async () => {
    const dev = await loadMain(standIn, { isPackaged: false, appPath: root }, { ELECTRON_RENDERER_URL: 'http://localhost:5173/', GSTUDIO_PROJECT: undefined });
    expect(dev.windows[0].loaded).toBe('http://localhost:5173/');
    dev.app.emit('window-all-closed');
    const remote = await loadMain(standIn, { isPackaged: false, appPath: root }, { ELECTRON_RENDERER_URL: 'http://evil.example/', GSTUDIO_PROJECT: undefined });
    expect(remote.windows[0].loaded).toBe(APP_INDEX);
    remote.app.emit('window-all-closed');
  });

  it('says why and exits when it cannot start (no window left running without a back end)', async () => {
    const notProject = join(work, 'not-a-project');
    mkdirSync(notProject);
    writeFileSync(join(notProject, 'readme.txt'), 'x');
    const failed = await loadMain(standIn, { isPackaged: true, appPath: join(work, 'app.asar') }, { GSTUDIO_PROJECT: notProject });
    expect(failed.windows).toHaveLength(0);
    expect(failed.errors[0].title).toBe('Gesture Studio cannot start');
    expect(failed.errors[0].message.length).toBeGreaterThan(10);
    expect(failed.exitCode).toBe(1);
  });
});
