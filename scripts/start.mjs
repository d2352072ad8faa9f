#!/usr/bin/env node
// `npm start`: build, then the desktop app where Electron's binary is installed, web mode where it
// is not (it downloads from outside the npm registry, which some machines cannot reach).
// Extra arguments go to `gstudio serve` in web mode, e.g. `npm start -- --project DIR`.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');

function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) {
  console.error('gstudio: the build failed (see above)');
  process.exit(1);
}

const bin = electronBinary();
const args = process.argv.slice(2);
const child = bin
  ? spawn(bin, [root], { cwd: root, stdio: 'inherit', env: { ...process.env, GSTUDIO_PROJECT: args[args.indexOf('--project') + 1] ?? '' } })
  : (console.log('The Electron binary is not installed on this machine: starting web mode instead.'),
    spawn(process.execPath, [join(root, 'bin', 'gstudio.mjs'), 'serve', ...args], { cwd: root, stdio: 'inherit' }));
child.on('exit', (code) => process.exit(code ?? 0));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
