import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import { NotFoundError, StudioError } from '../errors';
import type { ProjectStore } from '../project';
import { videoContentType } from './byte-range';

export interface MediaFile {
  path: string;
  size: number;
  contentType: string;
}

/**
 * The file behind a clip id. Clients never send paths, only ids; the rule is the import's own,
 * so that import, probing, extraction, playback and thumbnails agree on what a clip is:
 * - a clip is a video file the scan found under the project's video folder, reached directly or
 *   through symbolic links (datasets are often assembled from links to elsewhere);
 * - a file the links lead out of the folder to is served only while it is what was imported:
 *   a regular file that probed as a video, of the size recorded then. A link retargeted since
 *   (say, to a secret file) is refused until the folder is imported again.
 */
export function resolveClipMedia(store: ProjectStore, clipId: number): MediaFile {
  const clip = store.getClip(clipId);
  let root: string;
  let path: string;
  if (isAbsolute(clip.relPath) || clip.relPath.split(/[\\/]/).includes('..')) {
    throw new StudioError('forbidden', `Clip ${clipId} has a path outside the project's video folder`);
  }
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
  const st = statSync(path);
  if (!st.isFile()) throw new StudioError('forbidden', `Clip ${clip.relPath} is not a file`);
  if (!path.startsWith(root + sep)) {
    if (clip.status !== 'ok') throw new StudioError('forbidden', `Clip ${clip.relPath} links out of the video folder to a file that did not probe as a video`);
    if (st.size !== clip.sizeBytes) throw new StudioError('forbidden', `Clip ${clip.relPath} links out of the video folder to a file that changed since the import: import the folder again`);
  }
  return { path, size: st.size, contentType: videoContentType(path) };
}
