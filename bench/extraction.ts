/**
 * Extraction throughput on the test video, all measured in this run:
 *   decode only -> model only (palm + landmarks on frames decoded beforehand) -> end to end
 *   (decode + models through extractClip), tracking on and off, lite and full.
 * Each figure is the best of BENCH_REPEATS (3) runs. The model-only time is the floor; the ratio end-to-end / floor says what decoding and the
 * glue cost on top. Run: npx tsx bench/extraction.ts
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractFolder } from '../src/core/extraction/extract-folder';
import { ExtractionSettings } from '../src/core/extraction/extraction-settings';
import { extractClip } from '../src/core/keypoints/extract-clip';
import { workerScript } from '../src/workers/worker-script';
import { decodeVideo, type RgbFrame } from '../src/core/video/decode';
import { createHandPipeline } from '../src/core/vision/hand-pipeline';
import { sharedData } from '../src/test-support/shared-data';
import { shardBench } from './shard-run';

const video = sharedData('video', 'hand_test_640x360.mp4');
// The detector rows use the shared copy of YOLOX-nano (never downloaded by the bench).
process.env.GSTUDIO_MODELS_DIR ??= sharedData('models');
const hasDetector = existsSync(join(process.env.GSTUDIO_MODELS_DIR, 'yolox_nano.onnx'));

/** Wall-clock seconds, and CPU seconds of this process (robust to other load on a shared machine; excludes ffmpeg). */
async function time<T>(fn: () => Promise<T>): Promise<[T, number, number]> {
  const t = performance.now();
  const c = process.cpuUsage();
  const r = await fn();
  const cpu = process.cpuUsage(c);
  return [r, (performance.now() - t) / 1000, (cpu.user + cpu.system) / 1e6];
}

// Best of a few runs: other processes on a shared machine only ever make a run slower.
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
async function best<T>(fn: () => Promise<T>): Promise<[T, number, number]> {
  let out: [T, number, number] | null = null;
  for (let i = 0; i < REPEATS; i++) {
    const r = await time(fn);
    if (!out || r[1] < out[1]) out = r;
  }
  return out!;
}

async function main() {
  console.log(`extraction bench: ${video}`);
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'cpu'}; models on one thread (ffmpeg decodes in its own process)\n`);

  // Decode only (twice; the first run warms the disk cache).
  let frames: RgbFrame[] = [];
  await time(async () => { for await (const f of decodeVideo(video)) void f; });
  const [, decodeS] = await best(async () => {
    frames = [];
    for await (const f of decodeVideo(video)) frames.push(f);
  });
  const n = frames.length;
  console.log(`decode only: ${n} frames in ${decodeS.toFixed(2)} s = ${(n / decodeS).toFixed(0)} fps\n`);

  const rows: string[][] = [['model', 'tracking', 'persons', 'model-only fps', 'end-to-end fps', 'e2e / floor', 'cpu fps model', 'cpu fps e2e', 'palm frames', 'person runs', 'hands']];
  // Without person boxes, then YOLOX-nano on every frame (the reference) against every 5th frame plus palm searches.
  const configs: { model: 'lite' | 'full'; tracking: boolean; personInterval?: number }[] = [
    { model: 'lite', tracking: true },
    { model: 'lite', tracking: false },
    { model: 'full', tracking: true },
    { model: 'full', tracking: false },
  ];
  if (hasDetector) configs.push({ model: 'lite', tracking: true, personInterval: 1 }, { model: 'lite', tracking: true, personInterval: 5 });
  for (const { model, tracking, personInterval } of configs) {
    {
      const pipe = await createHandPipeline({ model, tracking, personInterval, detector: personInterval ? 'yolox' : 'none', allowDownload: false });
      // Warm up the JIT and XNNPACK on a few frames.
      for (const f of frames.slice(0, 5)) await pipe.processFrame(f);
      pipe.reset();
      const [, modelS, modelCpu] = await best(async () => {
        pipe.reset();
        for (const f of frames) await pipe.processFrame(f);
      });
      // extractClip resets tracking itself.
      const [res, e2eS, e2eCpu] = await best(() => extractClip(video, { pipeline: pipe }));
      const palm = res.stats.palmDetectionFrames;
      rows.push([
        model,
        tracking ? 'on' : 'off',
        personInterval ? `every ${personInterval === 1 ? 'frame' : `${personInterval}th`}` : 'none',
        (n / modelS).toFixed(1),
        (res.frames.length / e2eS).toFixed(1),
        (e2eS / modelS).toFixed(2) + '×',
        (n / modelCpu).toFixed(1),
        (res.frames.length / e2eCpu).toFixed(1),
        `${palm}/${res.frames.length}`,
        `${res.stats.personDetectionRuns}/${res.frames.length}`,
        `${res.stats.framesWithHands}/${res.frames.length}`,
      ]);
      await pipe.dispose();
    }
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(w[i])).join('  '));
  console.log('\ncpu fps = frames per CPU-second of this process (one core); wall-clock figures suffer from other load.');
  console.log('targets: end-to-end within 1.3× of the model-only floor; ≥ 25 fps per core with lite + tracking');

  // The extraction job: a folder of copies of the video through the worker pool, 1 worker against one per core.
  const clips = Number(process.env.BENCH_POOL_CLIPS ?? 4);
  const root = mkdtempSync(join(tmpdir(), 'gstudio-bench-pool-'));
  try {
    for (let i = 0; i < clips; i++) {
      mkdirSync(join(root, `class${i % 2}`), { recursive: true });
      copyFileSync(video, join(root, `class${i % 2}`, `clip${i}.mp4`));
    }
    const ctx = { signal: new AbortController().signal, progress: () => undefined, log: () => undefined };
    const perWorkers: [number, number][] = [];
    for (const workers of [...new Set([1, availableParallelism()])]) {
      const settings = ExtractionSettings.parse({ model: 'lite', detector: 'none', workers });
      const [r, wall] = await time(() => extractFolder(root, join(root, `w${workers}.h5`), settings, ctx, workerScript('clip-worker')));
      perWorkers.push([workers, r.summary.frames / wall]);
    }
    console.log(`\nextraction job (lite, tracking, no person detector), ${clips} clips of ${n} frames, wall clock incl. model loading:`);
    for (const [w, fps] of perWorkers) console.log(`  ${w} worker${w > 1 ? 's' : ''}: ${fps.toFixed(1)} frames/s (${(fps / perWorkers[0][1]).toFixed(2)}× one worker)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  await shardBench();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
