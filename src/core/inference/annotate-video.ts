import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { extractClip, type ExtractClipOptions } from '../keypoints/extract-clip';
import { openVideo } from '../video/decode';
import { annotateFrame, writePng } from '../vision/annotate';

/** Every frame of a video as a PNG with its person boxes and hand skeletons drawn (PIPELINE.md §2.7). */
export async function annotateVideo(video: string, outDir: string, options: ExtractClipOptions = {}, onFrame?: (done: number, total: number | null) => void) {
  const result = await extractClip(video, options, (_r, p) => onFrame?.(p.done, p.total));
  mkdirSync(outDir, { recursive: true });
  const dec = await openVideo(video, { signal: options.signal });
  const files: string[] = [];
  for await (const f of dec.frames()) {
    const record = result.frames[f.index];
    if (!record) break;
    const file = join(outDir, `frame_${String(f.index).padStart(5, '0')}.png`);
    writePng(annotateFrame(f, record), file);
    files.push(file);
  }
  return { files, framesWithHands: result.stats.framesWithHands, frames: result.frames.length, detectorWarning: result.detectorWarning };
}
