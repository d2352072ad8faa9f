import type { Command } from 'commander';
import { DEMO_CLIPS_PER_CLASS, runDemo } from '../../core/demo/demo-project';
import type { JobContext } from '../../core/jobs';
import { workerScript } from '../../workers/worker-script';
import { wholeNumber } from '../extraction-options';
import { jobProgressBar } from '../progress-bar';
import { shown } from '../terminal-text';

interface DemoFlags {
  out: string;
  videos?: string;
  classes: number;
  clips: number;
  epochs?: number;
  seed: number;
  keypointsOnly?: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the main job on built-in data: synthetic signers rendered as videos -> project -> hand keypoint extraction -> GRU -> evaluation -> report -> a prediction')
    .option('--out <dir>', 'folder for the demo (replaced when it holds an earlier demo)', 'gesture-studio-demo')
    .option('--videos <videos_root>', 'run the same steps on real clips (one sub-folder per class), with extraction')
    .option('--classes <n>', 'synthetic signs (up to 8)', wholeNumber('--classes'), 6)
    .option('--clips <n>', 'synthetic clips per sign', wholeNumber('--clips'), DEMO_CLIPS_PER_CLASS)
    .option('--epochs <n>', 'maximum training epochs (default: the reference 50, with early stopping)', wholeNumber('--epochs'))
    .option('--seed <n>', 'seed of the data and the training', wholeNumber('--seed'), 7)
    .option('--keypoints-only', "write the generator's keypoints instead of extracting them from the rendered videos (fast; no hand detection)")
    .action(async (f: DemoFlags) => {
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once('SIGINT', onSignal);
      let bar: ReturnType<typeof jobProgressBar> | null = null;
      const stage = (name: string, unit: string): JobContext => {
        bar?.stop();
        process.stdout.write(`${name}…\n`);
        bar = jobProgressBar(name, unit);
        const b = bar;
        return { signal: controller.signal, progress: (p) => p.total > 0 && b.update(p), log: (m) => process.stdout.write(`  ${shown(m)}\n`) };
      };
      try {
        const s = await runDemo({
          out: f.out,
          videos: f.videos,
          classes: f.classes,
          clipsPerClass: f.clips,
          seed: f.seed,
          keypointsOnly: f.keypointsOnly,
          training: { seed: f.seed, ...(f.epochs ? { epochs: f.epochs } : {}) },
          clipWorkerScript: workerScript('clip-worker'),
          renderWorkerScript: workerScript('render-worker'),
          stage,
        });
        (bar as ReturnType<typeof jobProgressBar> | null)?.stop();
        const lm = s.landmarks;
        const found = lm
          ? `
  hands found    ${lm.foundHands}/${lm.trueHands} (${((100 * lm.foundHands) / Math.max(1, lm.trueHands)).toFixed(1)}%) of the hands in ${lm.frames} frames, every hand in ${((100 * lm.framesAllFound) / Math.max(1, lm.framesWithHands)).toFixed(1)}% of the frames
  landmark error ${lm.meanError.toFixed(4)} of the frame (${lm.meanErrorPalms.toFixed(2)} palm lengths) from the generator's truth`
          : '';
        console.log(`
Demo done in ${s.seconds.toFixed(0)} s: ${s.clips} clips of ${s.classes.length} classes (${s.classes.join(', ')}), ${s.epochs} epochs, keypoints ${s.keypoints === 'extracted' ? 'extracted from the videos' : 'written by the generator'}.${found}
  test accuracy  ${s.testAccuracy.toFixed(4)}
  test macro F1  ${s.testMacroF1.toFixed(4)}
  held-out clip  ${s.heldOut.clip}: true ${s.heldOut.trueClass}, predicted ${s.heldOut.predicted} (${(100 * s.heldOut.confidence).toFixed(1)}%)

  project  ${s.projectDir}
  videos   ${s.videosRoot}
  model    ${s.modelDir}
  report   ${s.reportPath}

Open the project in the studio:  npx gstudio serve --project ${s.projectDir}`);
      } finally {
        process.off('SIGINT', onSignal);
      }
    });
}
