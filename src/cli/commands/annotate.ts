import type { Command } from 'commander';
import { annotateVideo } from '../../core/inference/annotate-video';
import { pipelineOptions } from '../../core/extraction/extraction-settings';
import { addVisionOptions, settingsFromFlags, type VisionFlags } from '../extraction-options';
import { withProgress } from '../in-process-job';

export function registerAnnotate(program: Command): void {
  const cmd = program
    .command('annotate')
    .description('write every frame of a video (or an image) as PNG with person boxes and hand skeletons drawn')
    .argument('<video>', 'a video or image file')
    .requiredOption('--out <dir>', 'folder for the PNG frames');
  addVisionOptions(cmd).action(async (video: string, flags: VisionFlags & { out: string }) => {
    const s = settingsFromFlags(flags);
    const r = await withProgress('Annotating', 'frames', (ctx) =>
      annotateVideo(video, flags.out, { ...pipelineOptions(s), signal: ctx.signal }, (done, total) =>
        ctx.progress({ done, total: Math.max(done, total ?? done) }),
      ),
    );
    if (r.detectorWarning) console.log(`Note: ${r.detectorWarning}`);
    console.log(`${r.files.length} frames written to ${flags.out}; hands in ${r.framesWithHands} of ${r.frames}`);
  });
}
