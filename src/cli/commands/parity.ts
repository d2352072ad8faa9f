import { Option, type Command } from 'commander';
import { InvalidInputError } from '../../core/errors';
import { runParity } from '../../core/parity/run-parity';
import { probeVideo } from '../../core/video/decode';
import { withProgress } from '../in-process-job';

export function registerParity(program: Command): void {
  program
    .command('parity')
    .description("compare the studio's hand extraction with MediaPipe Tasks (run in Chromium) on every frame of a video")
    .argument('<video>', 'a video (or picture)')
    .addOption(new Option('--model <variant>', 'MediaPipe hand model').choices(['full', 'lite']).default('full'))
    .option('--frames <n>', 'only the first n frames')
    .option('--json', 'print {frames, hands_agree, mean_distance, worst_frame, worst_distance, worst_point, worst: {...}} as JSON')
    .action(async (video: string, f: { model: 'full' | 'lite'; frames?: string; json?: boolean }) => {
      const maxFrames = f.frames === undefined ? undefined : Number(f.frames);
      if (maxFrames !== undefined && (!Number.isInteger(maxFrames) || maxFrames < 1)) throw new InvalidInputError(`--frames must be a whole number above 0, not "${f.frames}"`);
      const info = await probeVideo(video);
      const total = Math.min(maxFrames ?? Infinity, Number.isFinite(info.frameCount) ? info.frameCount : info.isImage ? 1 : 0) || 1;
      const r = await withProgress(`Parity (${f.model})`, 'frames', (ctx) =>
        runParity(video, { model: f.model, maxFrames, signal: ctx.signal, onFrame: (i) => ctx.progress({ done: i + 1, total: Math.max(total, i + 1) }) }),
      );
      if (f.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      console.log(`${r.frames} frames, ${f.model} model, tracking on`);
      console.log(`  hands agree (same hands, same handedness): ${(100 * r.hands_agree).toFixed(1)}% of frames`);
      console.log(`  hands found: Node ${r.node_frames_with_hands}, Tasks ${r.tasks_frames_with_hands} frames`);
      console.log(`  mean landmark distance: ${r.mean_distance.toFixed(4)} (normalised), worst frame ${r.worst_frame} at ${r.worst_distance.toFixed(4)}, worst single point ${r.worst_point.toFixed(4)}`);
      if (r.worst) {
        const reg = (x: (typeof r.worst.node)[number]) => `${x.handedness} centre (${x.region.cx.toFixed(1)}, ${x.region.cy.toFixed(1)}) size ${x.region.width.toFixed(1)} rotation ${x.region.rotation.toFixed(3)}`;
        console.log(`  worst frame ${r.worst.frame}: hand region from the landmarks (pixels)`);
        for (const n of r.worst.node) console.log(`    Node  ${reg(n)}`);
        for (const t of r.worst.tasks) console.log(`    Tasks ${reg(t)}`);
        console.log(`    landmark ${r.worst.worstLandmark} differs most (${Math.max(...r.worst.landmarkDistances).toFixed(4)}); Tasks does not expose its palm detections`);
      }
    });
}
