import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureHandTaskBundle, handTaskPath, tasksWasmDir } from './hand-task-bundle';

/** Where the page finds MediaPipe Tasks: its wasm runtime and the hand_landmarker bundles, served by the studio (never a CDN). */
export const TASKS_ASSET_PREFIX = '/mediapipe/';

/**
 * The file behind /mediapipe/wasm/<file> or /mediapipe/hand_landmarker_{full,lite}.task, for web
 * mode and the desktop app's protocol alike; null for any other path. A bundle is built only
 * when it is missing (a packaged app ships it, and cannot write into its archive).
 */
export function tasksAssetPath(urlPath: string): string | null {
  if (!urlPath.startsWith(TASKS_ASSET_PREFIX)) return null;
  const rest = urlPath.slice(TASKS_ASSET_PREFIX.length - 1);
  const wasm = /^\/wasm\/([A-Za-z0-9_-][A-Za-z0-9_.-]*)$/.exec(rest);
  if (wasm) return join(tasksWasmDir(), wasm[1]);
  const bundle = /^\/hand_landmarker_(full|lite)\.task$/.exec(rest);
  if (!bundle) return null;
  const variant = bundle[1] as 'full' | 'lite';
  return existsSync(handTaskPath(variant)) ? handTaskPath(variant) : ensureHandTaskBundle(variant);
}
