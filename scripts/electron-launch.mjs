// How `npm start` gets to the desktop app: find Electron's binary, or fetch it through Electron's own
// installer (node_modules/electron/install.js, which downloads from GitHub or ELECTRON_MIRROR), then
// make the Electron build of the native modules. Any step that fails gives a reason, and the caller
// starts web mode with it. Plain Node, no dependencies: tested in scripts/electron-launch.test.mjs.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronNative } from './electron-native.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const PROGRESS = '@@gstudio-progress ';

/** The installed binary (as Electron's own index.js finds it), or null. */
export function installedElectron(electronDir, env = process.env) {
  const pathFile = join(electronDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const bin = join(env.ELECTRON_OVERRIDE_DIST_PATH, rel || 'electron');
    return existsSync(bin) ? bin : null;
  }
  if (!rel) return null;
  const bin = join(electronDir, 'dist', rel);
  return existsSync(bin) ? bin : null;
}

/**
 * Runs Electron's installer with a small preload that reports download progress and names the
 * network error (install.js prints only "fetch failed"). Resolves { ok, bin } or { ok: false, reason }
 * (the first line the installer printed on stderr);
 * an installer that sends nothing for `stallMs` is stopped.
 */
export function installElectron(electronDir, { onProgress = () => {}, onOutput = (s) => process.stderr.write(s), stallMs = 60_000, env = process.env } = {}) {
  const installer = join(electronDir, 'install.js');
  if (!existsSync(installer)) {
    return Promise.resolve({ ok: false, reason: `Electron's installer ${installer} is missing (run npm ci)` });
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', join(here, 'electron-install-progress.cjs'), installer], {
      cwd: electronDir,
      env: { ...env, ELECTRON_GET_NO_PROGRESS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let errorText = '';
    let pending = '';
    let stalled = false;
    let downloaded = false;
    let timer;
    // Unzipping after the download prints nothing for a while: allow it longer.
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        child.kill('SIGKILL');
      }, downloaded ? stallMs * 5 : stallMs);
    };
    arm();
    child.stdout.on('data', (d) => {
      arm();
      onOutput(String(d));
    });
    child.stderr.on('data', (d) => {
      arm();
      pending += String(d);
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith(PROGRESS)) {
          const [transferred, total, file] = line.slice(PROGRESS.length).split(' ');
          const p = { transferred: Number(transferred), total: total === '-' ? null : Number(total), file };
          downloaded = p.total !== null && p.transferred >= p.total;
          onProgress(p);
          arm();
        } else errorText += line + '\n'; // its first line becomes the reason; the stack is not shown
      }
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `Electron's installer could not start: ${err.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      errorText += pending;
      const bin = installedElectron(electronDir, env);
      if (code === 0 && bin) return resolve({ ok: true, bin });
      if (stalled) return resolve({ ok: false, reason: `Electron's installer received nothing for ${Math.round(stallMs / 1000)} s and was stopped` });
      const first = errorText.split('\n').map((l) => l.trim()).find((l) => l.length > 0);
      const why = first ?? (code === 0 ? 'it ended without installing the binary' : `it exited with ${code ?? signal}`);
      resolve({ ok: false, reason: `Electron's installer failed: ${why}` });
    });
  });
}

/** "12.3 / 105.0 MB (12%)" */
export function formatProgress({ transferred, total }) {
  const mb = (n) => (n / 1e6).toFixed(1);
  return total ? `${mb(transferred)} / ${mb(total)} MB (${Math.floor((100 * transferred) / total)}%)` : `${mb(transferred)} MB`;
}

/**
 * The launch decision: { mode: 'electron', bin } when the binary is there or could be installed and
 * the Electron build of the native modules is there or could be made, else { mode: 'web', reason }.
 * `--web` or GSTUDIO_WEB=1 asks for web mode without trying.
 */
export async function chooseLaunch({ electronDir, args = [], env = process.env, log = console.log, install = installElectron, native = () => ensureElectronNative({ log }) }) {
  if (args.includes('--web') || env.GSTUDIO_WEB === '1') return { mode: 'web', reason: 'web mode was asked for (--web or GSTUDIO_WEB=1)' };
  const bin = installedElectron(electronDir, env) ?? (await installWithProgress(electronDir, { env, log, install }));
  if (typeof bin !== 'string') return { mode: 'web', reason: bin.reason };
  const built = await native();
  if (!built.ok) return { mode: 'web', reason: built.reason };
  return { mode: 'electron', bin };
}

async function installWithProgress(electronDir, { env, log, install }) {
  const version = readVersion(electronDir);
  log(`Electron's binary${version ? ` (${version})` : ''} is not installed yet: fetching it through Electron's installer (about 100 MB, once)...`);
  const tty = process.stdout.isTTY;
  let lastTenth = -1;
  const result = await install(electronDir, {
    env,
    onProgress: (p) => {
      if (tty) return void process.stdout.write(`\r  ${p.file ?? 'electron'}: ${formatProgress(p)}   `);
      const tenth = p.total ? Math.floor((10 * p.transferred) / p.total) : -1;
      if (tenth > lastTenth) {
        lastTenth = tenth;
        log(`  ${p.file ?? 'electron'}: ${formatProgress(p)}`);
      }
    },
  });
  if (tty) process.stdout.write('\n');
  if (!result.ok) return result;
  log(`Electron installed: ${result.bin}`);
  return result.bin;
}

function readVersion(electronDir) {
  try {
    return JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}
