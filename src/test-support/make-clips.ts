import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ffmpegPath } from '../core/video/binaries';

/** Encodes a short H.264 clip from ffmpeg's test sources (real frames, real container). */
export function makeClip(path: string, opts: { seconds?: number; size?: string; fps?: number; source?: string; extra?: string[] } = {}): void {
  mkdirSync(dirname(path), { recursive: true });
  const { seconds = 1, size = '96x64', fps = 25, source = 'testsrc2', extra = [] } = opts;
  execFileSync(ffmpegPath(), [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `${source}=size=${size}:rate=${fps}:duration=${seconds}`,
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast', '-movflags', '+faststart',
    ...extra, path,
  ]);
}

export interface GeneratedFolder {
  root: string;
  /** Class name -> number of readable clips. */
  counts: Record<string, number>;
  corrupt: string;
  nonVideo: string[];
  unicode: string;
}

/**
 * A video folder as a researcher would have it, warts included: several classes, a nested
 * sub-folder, a non-video file, a corrupt .mp4, names with spaces and non-ASCII letters.
 */
export function makeVideoFolder(root: string): GeneratedFolder {
  makeClip(join(root, 'wave', 'wave_01.mp4'), { seconds: 3, source: 'testsrc2' });
  makeClip(join(root, 'wave', 'wave_02.mp4'), { seconds: 1, source: 'smptebars' });
  makeClip(join(root, 'point', 'session 1', 'point_01.mp4'), { seconds: 1, size: '80x60', source: 'testsrc' });
  makeClip(join(root, 'point', 'point 02.mp4'), { seconds: 2, fps: 30 });
  const unicode = join('thumbs up', 'señal ñandú 手.mp4');
  makeClip(join(root, unicode), { seconds: 1, size: '64x64', source: 'rgbtestsrc' });
  const corrupt = join('thumbs up', 'broken.mp4');
  // An mp4 header that promises a movie and then stops: what an interrupted copy leaves.
  writeFileSync(join(root, corrupt), Buffer.concat([Buffer.from('000000206674797069736f6d', 'hex'), Buffer.alloc(2000, 7)]));
  const nonVideo = [join('point', 'session 1', 'notes.txt'), 'README.txt'];
  writeFileSync(join(root, nonVideo[0]), 'recorded on Monday');
  writeFileSync(join(root, nonVideo[1]), 'dataset readme');
  return { root, counts: { point: 2, 'thumbs up': 1, wave: 2 }, corrupt, nonVideo, unicode };
}
