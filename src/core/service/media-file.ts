import { realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { NotFoundError, StudioError } from '../errors';
import type { ProjectStore } from '../project';
import { videoContentType } from './byte-range';

export interface MediaFile {
  path: string;
  size: number;
  contentType: string;
}

/**
 * The file behind a clip id, only if it really lies inside the project's video folder: a clip
 * path or a symlink that leads elsewhere is refused. Clients never send paths, only ids.
 */
export function resolveClipMedia(store: ProjectStore, clipId: number): MediaFile {
  const clip = store.getClip(clipId);
  let root: string;
  let path: string;
  try {
    root = realpathSync(store.videoRoot());
  } catch {
    throw new NotFoundError(`The video folder ${store.videoRoot()}`, 'it was moved or deleted');
  }
  try {
    path = realpathSync(join(root, clip.relPath));
  } catch {
    throw new NotFoundError(`The file of clip ${clip.relPath}`, 'it was moved or deleted; import the folder again');
  }
  if (!path.startsWith(root + sep)) throw new StudioError('forbidden', `Clip ${clipId} points outside the project's video folder`);
  return { path, size: statSync(path).size, contentType: videoContentType(path) };
}
