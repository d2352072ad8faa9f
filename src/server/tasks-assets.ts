import type { ServerResponse } from 'node:http';
import { basename, dirname } from 'node:path';
import { tasksAssetPath } from '../core/vision/tasks-asset-path';
import { serveStatic } from './static-files';

export { TASKS_ASSET_PREFIX } from '../core/vision/tasks-asset-path';

/** Serves /mediapipe/wasm/<file> and /mediapipe/hand_landmarker_{full,lite}.task; false for anything else. */
export function serveTasksAsset(urlPath: string, res: ServerResponse, headers: Record<string, string>): boolean {
  const file = tasksAssetPath(urlPath);
  return file !== null && serveStatic(dirname(file), `/${basename(file)}`, res, headers);
}
