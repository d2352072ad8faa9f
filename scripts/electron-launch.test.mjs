// The launch decision of `npm start`, in plain Node with stand-in Electron packages (the real
// installer needs GitHub, which this machine cannot reach).
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseLaunch, installElectron } from './electron-launch.mjs';

const dirs = [];
function electronPackage(installJs) {
  const dir = mkdtempSync(join(tmpdir(), 'gstudio-electron-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.4.1' }));
  if (installJs !== null) writeFileSync(join(dir, 'install.js'), installJs);
  return dir;
}
// What a successful install.js leaves behind.
const writeBinary = `
const fs = require('fs'), path = require('path');
fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
fs.writeFileSync(path.join(__dirname, 'dist', 'electron'), '#!/bin/sh\\n', { mode: 0o755 });
fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron');`;
const built = () => Promise.resolve({ ok: true, file: '/native/better_sqlite3.node' });
const quiet = { log: () => {}, env: { PATH: process.env.PATH }, native: built };
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('npm start: Electron or web mode', () => {
  it('starts Electron at once when the binary is installed, without running the installer', async () => {
    const dir = electronPackage(`process.exit(3)`);
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'electron'), '');
    writeFileSync(join(dir, 'path.txt'), 'electron');
    const launch = await chooseLaunch({ electronDir: dir, ...quiet, install: () => Promise.reject(new Error('must not run')) });
    expect(launch).toEqual({ mode: 'electron', bin: join(dir, 'dist', 'electron') });
  });

  it('falls back to web mode with the reason when the installer is missing', async () => {
    const dir = electronPackage(null);
    const launch = await chooseLaunch({ electronDir: dir, ...quiet });
    expect(launch.mode).toBe('web');
    expect(launch.reason).toContain('install.js is missing');
  });

  it('falls back to web mode with the network error when the installer fails', async () => {
    // The installer's own failure path: fetch rejects, install.js prints the stack and exits 1.
    const closed = createServer();
    await new Promise((r) => closed.listen(0, '127.0.0.1', r));
    const port = closed.address().port;
    await new Promise((r) => closed.close(r));
    const dir = electronPackage(`fetch('http://127.0.0.1:${port}/electron.zip').catch((e) => { console.error(e.stack); process.exit(1); });`);
    const launch = await chooseLaunch({ electronDir: dir, ...quiet });
    expect(launch.mode).toBe('web');
    expect(launch.reason).toMatch(/installer failed: Error: Could not download http:\/\/127\.0\.0\.1:\d+\/electron\.zip: fetch failed \(.*ECONNREFUSED/);
  });

  it('says why when the installer ends without a binary, or sends nothing', async () => {
    const silent = await installElectron(electronPackage(`process.exit(0)`), { env: quiet.env, onOutput: () => {} });
    expect(silent).toEqual({ ok: false, reason: "Electron's installer failed: it ended without installing the binary" });
    const stalled = await installElectron(electronPackage(`setInterval(() => {}, 1000)`), { env: quiet.env, stallMs: 300, onOutput: () => {} });
    expect(stalled).toEqual({ ok: false, reason: "Electron's installer received nothing for 0 s and was stopped" });
  });

  it('installs through the installer, reporting download progress, then starts Electron', async () => {
    const size = 3 * 1024 * 1024;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': size });
      res.end(Buffer.alloc(size, 7));
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${server.address().port}/electron-v45.4.1-linux-x64.zip`;
    const dir = electronPackage(`fetch(${JSON.stringify(url)}).then((r) => r.arrayBuffer()).then((b) => { if (b.byteLength !== ${size}) process.exit(2); ${writeBinary} });`);
    const progress = [];
    const lines = [];
    const launch = await chooseLaunch({
      electronDir: dir,
      env: quiet.env,
      log: (l) => lines.push(l),
      native: built,
      install: (d, o) => installElectron(d, { ...o, onProgress: (p) => (progress.push(p), o.onProgress(p)) }),
    });
    server.close();
    expect(launch).toEqual({ mode: 'electron', bin: join(dir, 'dist', 'electron') });
    expect(lines[0]).toMatch(/^Electron's binary \(45\.4\.1\) is not installed yet: fetching it/);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)).toEqual({ transferred: size, total: size, file: 'electron-v45.4.1-linux-x64.zip' });
    expect(progress.map((p) => p.transferred)).toEqual([...progress.map((p) => p.transferred)].sort((a, b) => a - b));
    expect(lines.some((l) => l.includes('3.1 / 3.1 MB (100%)'))).toBe(true);
  });

  it("falls back to web mode with the reason when the Electron build of better-sqlite3 cannot be made", async () => {
    const dir = electronPackage(null);
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'electron'), '');
    writeFileSync(join(dir, 'path.txt'), 'electron');
    const reason = 'the Electron build of better-sqlite3 could not be made (node-gyp failed)';
    const launch = await chooseLaunch({ electronDir: dir, ...quiet, native: () => Promise.resolve({ ok: false, reason }) });
    expect(launch).toEqual({ mode: 'web', reason });
  });

  it('goes to web mode without trying when asked', async () => {
    const launch = await chooseLaunch({ electronDir: electronPackage(null), ...quiet, args: ['--web'] });
    expect(launch.mode).toBe('web');
  });
});
