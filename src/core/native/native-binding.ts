import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../errors';

/**
 * Which build of a native module this process loads. better-sqlite3 uses V8's C++ API, so its
 * `.node` file only loads in the runtime it was built for: the CLI, tests and Node workers use the
 * Node build inside node_modules; Electron's main and utility processes (another Node ABI) use an
 * Electron build kept apart in `<GSTUDIO_NATIVE_DIR>/electron-abi<N>-<platform>-<arch>/`, made by
 * scripts/electron-native.mjs, so neither overwrites the other. onnxruntime-node needs no choice:
 * its binding uses only N-API (ABI-stable), and the same file loads in both (checked in the test).
 */
export interface Runtime {
  /** process.versions: `electron` is set in Electron's main and utility processes; `modules` is the ABI. */
  versions: { electron?: string; modules: string };
  platform: string;
  arch: string;
  env: Record<string, string | undefined>;
}

/** Where Electron's builds of native modules live; the main process sets it, its workers inherit it. */
export const NATIVE_DIR_ENV = 'GSTUDIO_NATIVE_DIR';

export class NativeModuleError extends StudioError {
  constructor(message: string) {
    super('native_module', message);
  }
}

export function electronNativeFolder(abi: string, platform: string, arch: string): string {
  return `electron-abi${abi}-${platform}-${arch}`;
}

export function currentRuntime(): Runtime {
  return { versions: process.versions, platform: process.platform, arch: process.arch, env: process.env };
}

/**
 * better-sqlite3's `nativeBinding` option: undefined in Node (its own build), the Electron build's
 * path in Electron. A missing Electron build is an error that says how to make it, rather than
 * better-sqlite3's "compiled against a different Node.js version".
 */
export function betterSqliteBinding(runtime: Runtime = currentRuntime(), exists: (p: string) => boolean = existsSync): string | undefined {
  if (!runtime.versions.electron) return undefined;
  const where = `Electron ${runtime.versions.electron} (ABI ${runtime.versions.modules}, ${runtime.platform}-${runtime.arch})`;
  const dir = runtime.env[NATIVE_DIR_ENV];
  if (!dir) throw new NativeModuleError(`No folder of native modules for ${where} was given (${NATIVE_DIR_ENV}); start the app through its main process`);
  const file = join(dir, electronNativeFolder(runtime.versions.modules, runtime.platform, runtime.arch), 'better_sqlite3.node');
  if (!exists(file)) {
    throw new NativeModuleError(`The build of better-sqlite3 for ${where} is missing (${file}): \`npm start\` makes it (or \`npm run rebuild:electron\`); a packaged app carries it`);
  }
  return file;
}
