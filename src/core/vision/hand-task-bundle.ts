import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handModelBytes, type HandModelVariant } from './model-registry';
import { storedZip } from './stored-zip';
import { imageModelMetadata, withTfliteMetadata } from './tflite-metadata';

/**
 * MediaPipe Tasks' HandLandmarker wants a `hand_landmarker.task` bundle: a zip of
 * hand_detector.tflite and hand_landmarks_detector.tflite carrying TFLite metadata. Built here from
 * the @mediapipe/hands models (the same ones the Node pipeline runs), so the browser and Node use
 * identical weights. The bundles are build output (git-ignored), made by `npm run build:tasks` or
 * on first use.
 */
export const TASKS_DIR = process.env.GSTUDIO_TASKS_DIR ? resolve(process.env.GSTUDIO_TASKS_DIR) : join(studioRoot(), 'resources', 'tasks');

/** The studio's folder (the nearest package.json above this module, from the sources or a build), whatever the cwd. */
function studioRoot(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return process.cwd();
  }
}

// Both models take [0, 255] RGB scaled to [0, 1], as the Node pipeline feeds them.
const NORM = { mean: 0, std: 255 };

export function handTaskBundle(variant: HandModelVariant): Uint8Array {
  const detector = withTfliteMetadata(handModelBytes(`palm_detection_${variant}`), imageModelMetadata(`palm_detection_${variant}`, NORM));
  const landmarks = withTfliteMetadata(handModelBytes(`hand_landmark_${variant}`), imageModelMetadata(`hand_landmark_${variant}`, NORM));
  return storedZip([
    { name: 'hand_detector.tflite', data: detector },
    { name: 'hand_landmarks_detector.tflite', data: landmarks },
  ]);
}

export function handTaskPath(variant: HandModelVariant, dir = TASKS_DIR): string {
  return join(dir, `hand_landmarker_${variant}.task`);
}

/** The bundle's path, built when missing or older than the installed models. */
export function ensureHandTaskBundle(variant: HandModelVariant, dir = TASKS_DIR): string {
  const path = handTaskPath(variant, dir);
  const hands = dirname(createRequire(import.meta.url).resolve('@mediapipe/hands'));
  const source = statSync(join(hands, 'hands_solution_packed_assets.data')).mtimeMs;
  if (existsSync(path) && statSync(path).mtimeMs >= source) return path;
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, handTaskBundle(variant));
  renameSync(tmp, path);
  return path;
}

/** Folder of MediaPipe Tasks' wasm runtime (vision_wasm_internal.{js,wasm}), served by the studio itself. */
export function tasksWasmDir(): string {
  const req = createRequire(import.meta.url);
  return join(dirname(req.resolve('@mediapipe/tasks-vision')), 'wasm');
}
