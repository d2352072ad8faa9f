import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidInputError } from '../../core/errors';
import { predictVideo } from '../../core/inference/predict-video';
import { wholeNumber } from '../extraction-options';
import { withProgress } from '../in-process-job';
import { predictFolderCommand } from './predict-folder';

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description("classify a new video, or every video below a folder, with a trained model, extracting keypoints exactly as the model's training data was")
    .argument('<run_dir>', 'a run directory (or its model/ folder)')
    .argument('<video>', 'the video to classify, or a folder: every video below it (class sub-folders named as the model\'s classes give the accuracy)')
    .option('--json', 'print {label, confidence, top: [{label, probability}], frames_with_hands, frames}; for a folder {folder, clips: [...], skipped, summary}')
    .option('--annotate <dir>', "write the model's input frames as PNG with boxes, skeletons and the prediction drawn (one video)")
    .option('--csv <file>', 'a folder: write one row per clip as CSV (file, true_class, predicted, confidence, correct, top five, frames, status, reason)')
    .option('--workers <n>', 'a folder: extraction worker processes (default: one per core)', wholeNumber('--workers'))
    .action(async (runDir: string, video: string, f: { json?: boolean; annotate?: string; csv?: string; workers?: number }) => {
      const st = statSync(video, { throwIfNoEntry: false });
      if (!st) throw new InvalidInputError(`${video} does not exist: give a video, or a folder of videos`);
      if (st.isDirectory()) {
        if (f.annotate) throw new Error('--annotate draws the frames of one video: give a video, not a folder');
        await predictFolderCommand(runDir, video, f);
        return;
      }
      if (f.csv) throw new Error('--csv writes the results of a folder: give a folder, not a video');
      const p = await withProgress('Reading video', 'frames', (ctx) =>
        predictVideo(runDir, video, { annotateDir: f.annotate, signal: ctx.signal, onFrame: (done, total) => ctx.progress({ done, total: Math.max(done, total ?? done) }) }),
      );
      if (f.json) {
        const { label, confidence, top, frames_with_hands, frames } = p;
        process.stdout.write(`${JSON.stringify({ label, confidence, top, frames_with_hands, frames })}\n`);
        return;
      }
      if (p.detectorWarning) console.log(`Note: ${p.detectorWarning}`);
      console.log(`${p.label}  (confidence ${(100 * p.confidence).toFixed(1)}%)`);
      for (const t of p.top) console.log(`  ${t.label.padEnd(24)} ${(100 * t.probability).toFixed(1).padStart(5)}%`);
      console.log(`Hands in ${p.frames_with_hands} of ${p.frames} frames; the model saw ${p.extraction.numFrames} frames (${p.extraction.mode === 'middle' ? 'middle window' : 'resampled'}); run by ${p.engine === 'onnxruntime' ? 'onnxruntime-node (the exported model.onnx)' : 'TensorFlow.js'}.`);
      if (p.annotated) console.log(`Annotated frames: ${p.annotated.dir} (${p.annotated.files.length} PNG${p.annotated.captioned ? '' : ', no font found for the caption'})`);
    });
}
