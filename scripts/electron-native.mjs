#!/usr/bin/env node
// The Electron build of better-sqlite3, beside (not over) the Node build in node_modules:
// native/electron-abi<N>-<platform>-<arch>/better_sqlite3.node, the folder that
// src/core/native/native-binding.ts picks in Electron. Made by @electron/rebuild in a staging copy
// of the package (prebuilt binary from GitHub, else node-gyp with Electron's headers from
// electronjs.org: both need internet). Run by `npm start` before the first launch, by electron-builder
// before packaging (scripts/electron-builder-hooks.cjs), or as `npm run rebuild:electron`.
// onnxruntime-node needs nothing: its binding is N-API, the same file loads in Electron.
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const defaultRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (f) => JSON.parse(readFileSync(f, 'utf8'));

/** Electron's version and Node ABI, from its npm package (no binary needed). */
export function electronTarget(root = defaultRoot) {
  const dir = join(root, 'node_modules', 'electron');
  return { electronVersion: readJson(join(dir, 'package.json')).version, abi: readFileSync(join(dir, 'abi_version'), 'utf8').trim() };
}

export function electronNativeFile(root, abi, platform, arch) {
  return join(root, 'native', `electron-abi${abi}-${platform}-${arch}`, 'better_sqlite3.node');
}

async function electronRebuild(options) {
  const { rebuild } = await import('@electron/rebuild');
  await rebuild(options);
}

/**
 * Makes the Electron build unless it is there. Resolves { ok: true, file, made } or
 * { ok: false, reason }; the Node build in node_modules is never touched.
 */
export async function ensureElectronNative({ root = defaultRoot, platform = process.platform, arch = process.arch, target = electronTarget(root), rebuild = electronRebuild, log = console.log } = {}) {
  const file = electronNativeFile(root, target.abi, platform, arch);
  if (existsSync(file)) return { ok: true, file, made: false };
  const pkgDir = join(root, 'node_modules', 'better-sqlite3');
  const version = readJson(join(pkgDir, 'package.json')).version;
  const stage = join(root, 'native', `.stage-${target.abi}-${platform}-${arch}`);
  log(`Building better-sqlite3 ${version} for Electron ${target.electronVersion} (ABI ${target.abi}, ${platform}-${arch}), once...`);
  rmSync(stage, { recursive: true, force: true });
  try {
    mkdirSync(join(stage, 'node_modules'), { recursive: true });
    writeFileSync(join(stage, 'package.json'), JSON.stringify({ name: 'gstudio-native-stage', private: true, dependencies: { 'better-sqlite3': version } }));
    cpSync(pkgDir, join(stage, 'node_modules', 'better-sqlite3'), { recursive: true, filter: (src) => !src.startsWith(join(pkgDir, 'build')) });
    await rebuild({ buildPath: stage, electronVersion: target.electronVersion, platform, arch, onlyModules: ['better-sqlite3'], force: true });
    const built = join(stage, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    if (!existsSync(built)) return { ok: false, reason: `the Electron build of better-sqlite3 was not produced (${built})` };
    // A build for another ABI would fail later with an obscure message: check the symbol it registers.
    if (!readFileSync(built).toString('latin1').includes(`node_register_module_v${target.abi}`)) {
      return { ok: false, reason: `the build of better-sqlite3 is not for Electron's ABI ${target.abi}` };
    }
    mkdirSync(dirname(file), { recursive: true });
    renameSync(built, file);
    log(`Electron build of better-sqlite3: ${file}`);
    return { ok: true, file, made: true };
  } catch (err) {
    const message = String(err?.message ?? err).split('\n').find((l) => l.trim()) ?? 'unknown error';
    return { ok: false, reason: `the Electron build of better-sqlite3 could not be made (${message})` };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [platform = process.platform, arch = process.arch] = process.argv.slice(2);
  const result = await ensureElectronNative({ platform, arch });
  if (!result.ok) {
    console.error(`gstudio: ${result.reason}`);
    process.exit(1);
  }
  if (!result.made) console.log(`Already built: ${result.file}`);
}
