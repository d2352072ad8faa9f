import { runDemo } from '../src/core/demo/demo-project';
import { workerScript } from '../src/workers/worker-script';
const [clips, lo, hi, ko, cls] = process.argv.slice(2);
const s = await runDemo({
  out: `/tmp/i14/small-${clips}-${ko}`, classes: Number(cls ?? 6), clipsPerClass: Number(clips), framesPerClip: [Number(lo), Number(hi)], seed: 7, keypointsOnly: ko === '1', training: process.env.BS ? { batchSize: Number(process.env.BS) } : undefined,
  clipWorkerScript: workerScript('clip-worker'),
  stage: (name) => { console.log(name, new Date().toISOString().slice(11, 19)); return { signal: new AbortController().signal, progress: () => undefined, log: () => undefined }; },
});
console.log(JSON.stringify({ f1: s.testMacroF1, acc: s.testAccuracy, epochs: s.epochs, seconds: s.seconds, lm: s.landmarks, held: s.heldOut }));
