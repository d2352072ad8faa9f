import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import manifestJson from '../../../resources/models.json';
import { ModelUnavailableError, NotFoundError } from '../errors';

/**
 * Where models come from. The four MediaPipe hand models ship inside the npm package
 * @mediapipe/hands (two as files, two packed into one asset blob); person detectors come from an
 * explicit path, GSTUDIO_MODELS_DIR, or the user's model cache (filled on first use by
 * model-download.ts).
 */
export interface ModelEntry {
  name: string;
  task: 'palm-detector' | 'hand-landmarker' | 'person-detector';
  runtime: 'tflite' | 'onnx';
  license: string;
  url: string;
  package?: { name: string; file: string; packedPath?: string };
  file?: string;
  size: number | null;
  sha256: string | null;
  knownCopies?: { size: number; sha256: string; origin: string }[];
  input: { name: string; shape: number[]; format: string };
  output: { format: string; shape?: number[]; description?: string };
}

export const modelManifest = manifestJson as { version: number; models: ModelEntry[] };

export type HandModelVariant = 'full' | 'lite';
export type MediaPipeModelName = `palm_detection_${HandModelVariant}` | `hand_landmark_${HandModelVariant}`;

export function manifestEntry(name: string): ModelEntry {
  const e = modelManifest.models.find((m) => m.name === name);
  if (!e) throw new NotFoundError(`Model ${name}`, `it is not in resources/models.json (known: ${modelManifest.models.map((m) => m.name).join(', ')})`);
  return e;
}

// Not named `require`: electron-vite adds its own `require` to ESM chunks that need one.
const requireHere = createRequire(import.meta.url);

function packageDir(pkg: string): string {
  try {
    // @mediapipe/hands has no "exports" map, so its main file resolves; the models sit beside it.
    return dirname(requireHere.resolve(pkg));
  } catch {
    throw new ModelUnavailableError(`The npm package ${pkg} is missing: run \`npm install\` in the studio folder.`);
  }
}

/** Byte range of a file inside an emscripten packed-assets blob, read from its loader script. */
export function packedRange(loaderJs: string, packedPath: string): { start: number; end: number } | null {
  const esc = packedPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const m = new RegExp(`"filename"\\s*:\\s*"${esc}"\\s*,\\s*"start"\\s*:\\s*(\\d+)\\s*,\\s*"end"\\s*:\\s*(\\d+)`).exec(loaderJs);
  return m ? { start: Number(m[1]), end: Number(m[2]) } : null;
}

const handModelCache = new Map<MediaPipeModelName, Uint8Array>();

/** The bytes of one of the four MediaPipe hand models, checked against the manifest's size. */
export function handModelBytes(name: MediaPipeModelName): Uint8Array {
  const cached = handModelCache.get(name);
  if (cached) return cached;
  const e = manifestEntry(name);
  if (!e.package) throw new Error(`Manifest entry ${name} has no package source`);
  const dir = packageDir(e.package.name);
  const file = join(dir, e.package.file);
  if (!existsSync(file)) throw new ModelUnavailableError(`${e.package.file} is missing from ${e.package.name}: reinstall the package (npm install).`);
  let bytes: Uint8Array;
  if (e.package.packedPath) {
    const loader = join(dir, e.package.file.replace(/\.data$/, '_loader.js'));
    const range = existsSync(loader) ? packedRange(readFileSync(loader, 'utf8'), e.package.packedPath) : null;
    if (!range) throw new ModelUnavailableError(`Cannot find ${e.package.packedPath} in ${e.package.name}'s packed assets: the package version is not one the studio knows.`);
    const blob = readFileSync(file);
    if (range.end > blob.length) throw new ModelUnavailableError(`${e.package.file} in ${e.package.name} is truncated: reinstall the package.`);
    bytes = new Uint8Array(blob.buffer, blob.byteOffset + range.start, range.end - range.start);
  } else {
    bytes = readFileSync(file);
  }
  if (e.size != null && bytes.length !== e.size) {
    throw new ModelUnavailableError(
      `${name} from ${e.package.name} is ${bytes.length} bytes, expected ${e.size}: install the pinned version of ${e.package.name} (see package.json).`,
    );
  }
  handModelCache.set(name, bytes);
  return bytes;
}

/** The user's model cache: $XDG_CACHE_HOME/gesture-studio/models, ~/.cache/... by default (LOCALAPPDATA on Windows). */
export function modelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'gesture-studio', 'models');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'gesture-studio', 'models');
  return join(homedir(), '.cache', 'gesture-studio', 'models');
}

export interface ResolvedModel {
  path: string;
  source: 'path' | 'env' | 'cache';
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile() && statSync(p).size > 0;
  } catch {
    return false;
  }
}

/** Why a path the user gave is not a model file, or null when it is one. */
function notAModelFile(p: string): string | null {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return 'does not exist: check the path';
  if (st.isDirectory()) return 'is a folder: give the .onnx file itself';
  if (!st.isFile()) return 'is not a file';
  if (st.size === 0) return 'is empty (0 bytes): it is not a valid ONNX model';
  return null;
}

/**
 * Finds a detector model on disk: an explicit path (must exist), then GSTUDIO_MODELS_DIR, then the
 * cache. Returns null when it is nowhere (the caller may download it or fall back to the whole frame).
 */
export function resolveDetectorModel(name: string, opts: { path?: string; env?: NodeJS.ProcessEnv } = {}): ResolvedModel | null {
  const env = opts.env ?? process.env;
  if (opts.path) {
    const p = resolve(opts.path);
    const problem = notAModelFile(p);
    if (problem) throw new ModelUnavailableError(`Detector model ${opts.path} ${problem}.`);
    return { path: p, source: 'path' };
  }
  const file = manifestEntry(name).file ?? `${name}.onnx`;
  if (env.GSTUDIO_MODELS_DIR) {
    const p = resolve(env.GSTUDIO_MODELS_DIR, file);
    if (isFile(p)) return { path: p, source: 'env' };
  }
  const c = join(modelCacheDir(env), file);
  if (isFile(c)) return { path: c, source: 'cache' };
  return null;
}
