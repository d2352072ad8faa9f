import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../project/database';
import { betterSqliteBinding, currentRuntime, NATIVE_DIR_ENV, NativeModuleError } from './native-binding';

const require = createRequire(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'gstudio-native-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const electron = (env: Record<string, string | undefined>) => ({ versions: { electron: '45.4.1', modules: '140' }, platform: 'linux', arch: 'x64', env });

describe('the native build each runtime loads', () => {
  it('in Node, better-sqlite3 loads its own build (no nativeBinding) and opens a project database', () => {
    expect(currentRuntime().versions.electron).toBeUndefined();
    expect(betterSqliteBinding()).toBeUndefined();
    const db = openDatabase(join(dir, 'project.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it("in Electron, the build for Electron's ABI and platform from the native folder", () => {
    const file = join(dir, 'electron-abi140-linux-x64', 'better_sqlite3.node');
    mkdirSync(dirname(file));
    writeFileSync(file, '');
    expect(betterSqliteBinding(electron({ [NATIVE_DIR_ENV]: dir }))).toBe(file);
    // Another ABI (an Electron upgrade) does not pick up the old build.
    const upgraded = { ...electron({ [NATIVE_DIR_ENV]: dir }), versions: { electron: '46.0.0', modules: '145' } };
    expect(() => betterSqliteBinding(upgraded)).toThrow(/better-sqlite3 for Electron 46\.0\.0 \(ABI 145, linux-x64\) is missing .*npm start/);
  });

  it('in Electron without a native folder or build: a typed error that says what to do', () => {
    expect(() => betterSqliteBinding(electron({}))).toThrow(NativeModuleError);
    expect(() => betterSqliteBinding(electron({}))).toThrow(/GSTUDIO_NATIVE_DIR/);
    expect(() => betterSqliteBinding(electron({ [NATIVE_DIR_ENV]: join(dir, 'none') }))).toThrow(/is missing/);
  });

  it("better-sqlite3's Node build is tied to Node's ABI, onnxruntime-node's binding is N-API only (one file for both runtimes)", () => {
    // The symbol a native module registers with says which ABI it needs.
    const sqlite = readFileSync(require.resolve('better-sqlite3/build/Release/better_sqlite3.node')).toString('latin1');
    expect(sqlite).toContain(`node_register_module_v${process.versions.modules}`);
    const ortDir = join(dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
    const ort = readFileSync(join(ortDir, 'onnxruntime_binding.node')).toString('latin1');
    expect(ort).toContain('napi_register_module_v1');
    expect(ort).not.toMatch(/node_register_module_v\d+/);
  });
});
