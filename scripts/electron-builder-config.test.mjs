// The packaging config (electron-builder.yml) against the files the app really needs at run time:
// each one is resolved from node_modules here and must be both packed and kept outside the asar
// archive (executables, native libraries and the data runtimes read by path). electron-builder
// itself cannot run to the end here: it downloads Electron's zip from GitHub.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { electronNativeFile, electronTarget } from './electron-native.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
// electron-builder's own dependencies: its YAML reader and its glob matcher.
const yaml = require('js-yaml');
const { minimatch } = require('minimatch');
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8'));
const os = { linux: 'linux', darwin: 'mac', win32: 'win' }[process.platform];

const rel = (file) => relative(root, file).split(sep).join('/');
const pkgDir = (name) => dirname(require.resolve(`${name}/package.json`));
const matches = (file, patterns) => patterns.some((p) => !p.startsWith('!') && minimatch(file, p, { dot: true }));
/** Packed: node_modules are collected by electron-builder; our files by `files`; then every "!" pattern excludes. */
function packed(file) {
  const patterns = [...config.files, ...(config[os]?.files ?? [])];
  const included = file.startsWith('node_modules/') || matches(file, patterns);
  const excluded = patterns.some((p) => p.startsWith('!') && minimatch(file, p.slice(1), { dot: true }));
  return included && !excluded;
}

/** Every file the app opens by path or executes at run time, on this platform. */
function runtimeFiles() {
  const files = [require('@ffmpeg-installer/ffmpeg').path, require('@ffprobe-installer/ffprobe').path];
  const manifest = JSON.parse(readFileSync(join(root, 'resources', 'models.json'), 'utf8'));
  for (const m of manifest.models) if (m.package) files.push(join(pkgDir(m.package.name), m.package.file));
  files.push(join(pkgDir('@mediapipe/hands'), 'hands_solution_packed_assets_loader.js'));
  const wasm = join(pkgDir('@tensorflow/tfjs-backend-wasm'), 'dist');
  files.push(...readdirSync(wasm).filter((f) => f.endsWith('.wasm')).map((f) => join(wasm, f)));
  const tflite = join(pkgDir('@tensorflow/tfjs-tflite'), 'wasm');
  files.push(join(tflite, 'tflite_web_api_cc_simd.js'), join(tflite, 'tflite_web_api_cc_simd.wasm'));
  const ort = join(pkgDir('onnxruntime-node'), 'bin', 'napi-v6', process.platform, process.arch);
  files.push(...readdirSync(ort).map((f) => join(ort, f)));
  return files;
}

describe('packaging (electron-builder.yml)', () => {
  it('keeps every runtime file outside the asar, and packs it', () => {
    const files = runtimeFiles();
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      expect(existsSync(file), file).toBe(true);
      expect(matches(rel(file), config.asarUnpack), `${rel(file)} must be in asarUnpack`).toBe(true);
      expect(packed(rel(file)), `${rel(file)} must be packed`).toBe(true);
    }
    // onnxruntime's binding finds its library beside it ($ORIGIN): both are unpacked.
    expect(files.some((f) => /onnxruntime_binding\.node$/.test(f))).toBe(true);
    expect(files.some((f) => /(libonnxruntime\.so|libonnxruntime.*\.dylib|onnxruntime\.dll)/.test(f))).toBe(true);
  });

  it("packs the Electron build of better-sqlite3 outside the asar, not its Node build", () => {
    const { abi } = electronTarget(root);
    const electronBuild = rel(electronNativeFile(root, abi, process.platform, process.arch));
    expect(electronBuild).toBe(`native/electron-abi${abi}-${process.platform}-${process.arch}/better_sqlite3.node`);
    expect(matches(electronBuild, config.asarUnpack)).toBe(true);
    expect(packed(electronBuild)).toBe(true);
    expect(packed(rel(require.resolve('better-sqlite3/build/Release/better_sqlite3.node')))).toBe(false);
    expect(packed(rel(require.resolve('better-sqlite3')))).toBe(true);
    // Made beside node_modules by the hook, never by rebuilding node_modules in place.
    expect(config.npmRebuild).toBe(false);
    expect(existsSync(join(root, config.beforePack))).toBe(true);
  });

  it('h5wasm carries its WebAssembly inside its JavaScript (nothing to unpack)', () => {
    const dist = join(root, 'node_modules', 'h5wasm', 'dist', 'node'); // its exports map hides package.json
    expect(readdirSync(dist).filter((f) => f.endsWith('.wasm'))).toEqual([]);
  });

  it('packs the built app and its worker entries', () => {
    for (const f of ['package.json', 'out/main/index.js', 'out/main/job-worker.js', 'out/main/clip-worker.js', 'out/preload/index.cjs', 'out/renderer/index.html']) expect(packed(f), f).toBe(true);
    expect(packed('out/main/index.js.map')).toBe(false);
    // tsx (and esbuild under it) only runs TypeScript entries in the repository, never in the app.
    expect(packed('node_modules/esbuild/bin/esbuild')).toBe(false);
    expect(packed('node_modules/tsx/dist/cli.mjs')).toBe(false);
  });

  it('sets the Electron fuses and the four installers', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
  });
});
