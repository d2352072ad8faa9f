import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ffmpegPath } from '../core/video/binaries';
import { sharedData } from './shared-data';

/**
 * Eight short clips of the real hand video in two classes, two of them corrupt in a way the import's
 * probe does not see (the header is whole, the frames are gone), so that extraction itself fails
 * them: the set the sharded-extraction tests and the shard benchmark run on.
 */
export function makeShardClips(root: string, seconds = 1): { root: string; clips: string[]; corrupt: string[] } {
  const clips: string[] = [];
  for (let i = 0; i < 6; i++) {
    const rel = join(i % 2 === 0 ? 'hello' : 'thanks', `clip ${i + 1}.mp4`);
    mkdirSync(join(root, rel, '..'), { recursive: true });
    execFileSync(ffmpegPath(), [
      '-v', 'error', '-y', '-ss', String(i * 0.7), '-i', sharedData('video', 'hand_test_640x360.mp4'), '-t', String(seconds),
      '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', join(root, rel),
    ]);
    clips.push(rel);
  }
  const corrupt = [join('hello', 'cut short.mp4'), join('thanks', 'scrambled.mp4')];
  const whole = readFileSync(join(root, clips[0]));
  // The moov box (faststart: at the front) stays, the media data is cut off / overwritten.
  const mdat = whole.indexOf(Buffer.from('mdat'));
  writeFileSync(join(root, corrupt[0]), whole.subarray(0, mdat + 8));
  const scrambled = Buffer.from(whole);
  for (let i = mdat + 8; i < scrambled.length; i++) scrambled[i] = (i * 7919) & 0xff;
  writeFileSync(join(root, corrupt[1]), scrambled);
  return { root, clips: [...clips, ...corrupt], corrupt };
}
