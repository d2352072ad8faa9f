import type { ServerResponse } from 'node:http';
import { ensureHandTaskBundle, TASKS_DIR, tasksWasmDir } from '../core/vision/hand-task-bundle';
import { serveStatic } from './static-files';

/** Where the page finds MediaPipe Tasks: its wasm runtime and the hand_landmarker bundles, served by the studio (never a CDN). */
export const TASKS_ASSET_PREFIX = '/mediapipe/';

/** Serves /mediapipe/wasm/<file> and /mediapipe/hand_landmarker_{full,lite}.task; false for anything else. */
export function serveTasksAsset(urlPath: string, res: ServerResponse, headers: Record<string, string>): boolean {
  if (!urlPath.startsWith(TASKS_ASSET_PREFIX)) return false;
  const rest = urlPath.slice(TASKS_ASSET_PREFIX.length - 1);
  if (rest.startsWith('/wasm/')) return rest !== '/wasm/' && serveStatic(tasksWasmDir(), rest.slice('/wasm'.length), res, headers);
  const bundle = /^\/hand_landmarker_(full|lite)\.task$/.exec(rest);
  if (!bundle) return false;
  ensureHandTaskBundle(bundle[1] as 'full' | 'lite');
  return serveStatic(TASKS_DIR, rest, res, headers);
}
