/**
 * How well the studio's hand pipeline finds the demo's rendered hands: renders demo clips in
 * memory, runs the pipeline (with tracking, as extraction does) on every frame and compares the
 * landmarks with the generator's truth. `npx tsx bench/demo-detection.ts [clipsPerClass] [pngDir]`.
 */
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { generateDemoDataset, trueHands } from '../src/core/demo/generate-demo-dataset';
import { demoBackdropCanvas, renderDemoFrame } from '../src/core/demo/render-demo-videos';
import { createCanvas } from '../src/core/demo/shaded-raster';
import { compareWithTruth, type ClipComparison } from '../src/core/demo/landmark-accuracy';
import { createHandPipeline } from '../src/core/vision/hand-pipeline';

const perClass = Number(process.argv[2] ?? 2);
const pngDir = process.argv[3];
const tracking = process.env.TRACKING !== '0';
const clips = generateDemoDataset({ clipsPerClass: perClass });
const pipeline = await createHandPipeline({ tracking, model: (process.env.MODEL as 'full' | 'lite') ?? 'full' });
let renderMs = 0;
let detectMs = 0;
const perClassStats = new Map<string, { frames: number; truthHands: number; found: number; err: number; n: number; missR: number; missL: number }>();
const all: ClipComparison[] = [];
for (const clip of clips) {
  pipeline.reset();
  const backdrop = demoBackdropCanvas(clip);
  const canvas = createCanvas(clip.width, clip.height);
  const records = [];
  for (let i = 0; i < clip.scene.length; i++) {
    const t0 = performance.now();
    const img = renderDemoFrame(clip, i, backdrop, canvas);
    const t1 = performance.now();
    records.push(await pipeline.processFrame({ ...img, index: i, time: i / clip.fps }));
    detectMs += performance.now() - t1;
    renderMs += t1 - t0;
    if (pngDir && i % 10 === 0) {
      const png = new PNG({ width: img.width, height: img.height });
      for (let p = 0; p < img.width * img.height; p++) {
        png.data[4 * p] = img.data[3 * p];
        png.data[4 * p + 1] = img.data[3 * p + 1];
        png.data[4 * p + 2] = img.data[3 * p + 2];
        png.data[4 * p + 3] = 255;
      }
      writeFileSync(`${pngDir}/${clip.relativePath.replace('/', '_')}_${i}.png`, PNG.sync.write(png));
    }
  }
  const truth = clip.scene.map((_, i) => trueHands(clip, i));
  const r = compareWithTruth([{ truth, found: records, width: clip.width, height: clip.height }]);
  all.push({ truth, found: records, width: clip.width, height: clip.height });
  const s = perClassStats.get(clip.className) ?? { frames: 0, truthHands: 0, found: 0, err: 0, n: 0, missR: 0, missL: 0 };
  s.missR += r.missed.Right;
  s.missL += r.missed.Left;
  s.frames += r.frames;
  s.truthHands += r.trueHands;
  s.found += r.foundHands;
  s.err += r.meanError * r.foundHands;
  s.n += r.foundHands;
  perClassStats.set(clip.className, s);
}
for (const [name, s] of perClassStats) console.log(`${name.padEnd(12)} hands found ${s.found}/${s.truthHands} (${((100 * s.found) / s.truthHands).toFixed(1)}%), mean error ${(s.err / Math.max(1, s.n)).toFixed(4)}, missed right ${s.missR} left ${s.missL}`);
const r = compareWithTruth(all);
console.log(JSON.stringify(r));
const frames = r.frames;
console.log(`render ${(renderMs / frames).toFixed(1)} ms/frame, pipeline ${(detectMs / frames).toFixed(1)} ms/frame over ${frames} frames`);
await pipeline.dispose();
