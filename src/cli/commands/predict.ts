import type { Command } from 'commander';
import { predictVideo } from '../../core/inference/predict-video';
import { withProgress } from '../in-process-job';

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description("classify a new video with a trained model, extracting keypoints exactly as the model's training data was")
    .argument('<run_dir>', 'a run directory (or its model/ folder)')
    .argument('<video>', 'the video to classify')
    .option('--json', 'print {label, confidence, top: [{label, probability}], frames_with_hands, frames}')
    .option('--annotate <dir>', "write the model's input frames as PNG with boxes, skeletons and the prediction drawn")
    .action(async (runDir: string, video: string, f: { json?: boolean; annotate?: string }) => {
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
