#!/usr/bin/env node
// `npm start`: build, then the desktop app. Electron's binary is fetched through Electron's own
// installer the first time (its npm package does not download it at install); where that fails the
// reason is printed and web mode starts instead. `npm start -- --web` goes to web mode directly.
// Extra arguments go to `gstudio serve` in web mode, e.g. `npm start -- --project DIR`.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseLaunch } from './electron-launch.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2).filter((a) => a !== '--web');

const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) {
  console.error('gstudio: the build failed (see above)');
  process.exit(1);
}

const launch = await chooseLaunch({ electronDir: join(root, 'node_modules', 'electron'), args: process.argv.slice(2) });
let child;
if (launch.mode === 'electron') {
  const project = args.indexOf('--project') >= 0 ? args[args.indexOf('--project') + 1] : '';
  child = spawn(launch.bin, [root], { cwd: root, stdio: 'inherit', env: { ...process.env, GSTUDIO_PROJECT: project ?? '' } });
} else {
  console.log(`The desktop app cannot start: ${launch.reason}.\nStarting web mode instead.`);
  child = spawn(process.execPath, [join(root, 'bin', 'gstudio.mjs'), 'serve', ...args], { cwd: root, stdio: 'inherit' });
}
child.on('exit', (code) => process.exit(code ?? 0));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
