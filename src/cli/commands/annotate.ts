import type { Command } from 'commander';
import { basename } from 'node:path';
import { annotateVideo } from '../../core/inference/annotate-video';
import { pipelineOptions } from '../../core/extraction/extraction-settings';
import { addVisionOptions, settingsFromFlags, type VisionFlags } from '../extraction-options';
import { withProgress } from '../in-process-job';

export function registerAnnotate(program: Command): void {
  const cmd = program
    .command('annotate')
    .description('write every frame of a video (or an image) as PNG with person boxes and hand skeletons drawn, named <stem>_<frame>.png after the input')
    .argument('<video>', 'a video or image file')
    .requiredOption('--out <dir>', 'folder for the PNG frames (several inputs can share it: clip.mp4 gives clip_00000.png, clip_00001.png, ...)');
  addVisionOptions(cmd).action(async (video: string, flags: VisionFlags & { out: string }) => {
    const s = settingsFromFlags(flags);
    const r = await withProgress('Annotating', 'frames', (ctx) =>
      annotateVideo(video, flags.out, { ...pipelineOptions(s), signal: ctx.signal }, (done, total) =>
        ctx.progress({ done, total: Math.max(done, total ?? done) }),
      ),
    );
    if (r.detectorWarning) console.log(`Note: ${r.detectorWarning}`);
    console.log(`${r.files.length} frame${r.files.length === 1 ? '' : 's'} written to ${flags.out} (${basename(r.files[0] ?? '')}${r.files.length > 1 ? ` … ${basename(r.files[r.files.length - 1])}` : ''}); hands in ${r.framesWithHands} of ${r.frames}`);
  });
}
