import { mkdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { extractClip, type ExtractClipOptions } from '../keypoints/extract-clip';
import { openVideo } from '../video/decode';
import { annotateFrame, writePng } from '../vision/annotate';

/** `<stem>_00012.png`: frames are named after their input, so that several inputs can share a folder. */
export function annotatedFrameName(input: string, index: number): string {
  return `${basename(input, extname(input))}_${String(index).padStart(5, '0')}.png`;
}

/**
 * Every frame of a video as a PNG with its person boxes and hand skeletons drawn (PIPELINE.md §2.7),
 * written to `<outDir>/<stem>_<frame>.png`: frames of other inputs in the folder are left alone, and
 * annotating the same input again replaces its frames.
 */
export async function annotateVideo(video: string, outDir: string, options: ExtractClipOptions = {}, onFrame?: (done: number, total: number | null) => void) {
  const result = await extractClip(video, options, (_r, p) => onFrame?.(p.done, p.total));
  mkdirSync(outDir, { recursive: true });
  const dec = await openVideo(video, { signal: options.signal });
  const files: string[] = [];
  for await (const f of dec.frames()) {
    const record = result.frames[f.index];
    if (!record) break;
    const file = join(outDir, annotatedFrameName(video, f.index));
    writePng(annotateFrame(f, record), file);
    files.push(file);
  }
  return { files, framesWithHands: result.stats.framesWithHands, frames: result.frames.length, detectorWarning: result.detectorWarning };
}
