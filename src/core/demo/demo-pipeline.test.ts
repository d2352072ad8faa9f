import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { predictVideo } from '../inference/predict-video';
import { ProjectStore } from '../project';
import { workerScript } from '../../workers/worker-script';
import { runDemo, type DemoRunSummary } from './demo-project';

const tmp = mkdtempSync(join(tmpdir(), 'gstudio-demo-pipeline-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// The demo as a new user runs it, made small for CI: its rendered videos go through the studio's
// real extraction (worker pool, MediaPipe palm detector and landmarker, tracking), then training.
describe('the demo runs the real pipeline', () => {
  let summary: DemoRunSummary;
  const log: string[] = [];

  it('extracts hands from its own videos close to the generator\'s truth, and learns the signs', async () => {
    summary = await runDemo({
      out: join(tmp, 'demo'),
      // 3 signs × 24 clips of 24-34 frames: about 2,100 frames through the hand pipeline, and
      // enough clips for the model (6 × 7 was not: macro F1 0.2-0.4 even on the generator's keypoints).
      classes: 3,
      clipsPerClass: 24,
      framesPerClip: [24, 34],
      seed: 7,
      // Smaller batches: a few dozen training clips still make several steps an epoch.
      training: { batchSize: 16 },
      clipWorkerScript: workerScript('clip-worker'),
      stage: (name) => {
        log.push(name);
        return { signal: new AbortController().signal, progress: () => undefined, log: () => undefined };
      },
    });
    expect(log).toContain('Extracting keypoints');
    expect(log).not.toContain('Writing keypoints');
    expect(summary.keypoints).toBe('extracted');
    const lm = summary.landmarks!;
    console.log(
      `demo pipeline: hands found ${lm.foundHands}/${lm.trueHands} in ${lm.frames} frames, every hand in ${lm.framesAllFound}/${lm.framesWithHands} frames, ` +
        `mean landmark error ${lm.meanError.toFixed(4)} of the frame (${lm.meanErrorPalms.toFixed(3)} palm lengths), spurious ${lm.spuriousHands}; test macro F1 ${summary.testMacroF1.toFixed(3)} in ${summary.seconds.toFixed(0)} s`,
    );
    expect(lm.frames).toBeGreaterThan(3 * 24 * 24 - 1);
    expect(lm.foundHands / lm.trueHands).toBeGreaterThanOrEqual(0.9);
    expect(lm.framesAllFound / lm.framesWithHands).toBeGreaterThanOrEqual(0.85);
    // MediaPipe on real hands is good to a few hundredths of the frame; the rendered ones measure 0.009.
    expect(lm.meanError).toBeLessThan(0.02);
    expect(lm.spuriousHands / lm.trueHands).toBeLessThan(0.02);
    expect(lm.handednessAgrees / lm.foundHands).toBeGreaterThan(0.95);
    // Measured: macro F1 0.915 with the demo's GRU (the LSTM underfit these 50 training clips: 0.71).
    // Extraction and training are deterministic for a seed, so the bar is the 0.9.
    expect(summary.testMacroF1).toBeGreaterThanOrEqual(0.9);
  }, 1_200_000);

  it('records every clip as extracted from its video, with the share of frames that had hands', () => {
    const store = ProjectStore.open(summary.projectDir);
    try {
      const clips = store.listClips({ limit: 1000 }).items;
      expect(clips).toHaveLength(72);
      for (const c of clips) {
        expect(c.extractStatus, c.relPath).toBe('done');
        expect(c.handsFraction ?? 0, c.relPath).toBeGreaterThan(0.5);
      }
    } finally {
      store.close();
    }
  });

  it('predicts a demo clip from its video, as a user would, finding its hands', async () => {
    expect(summary.heldOut.clip).toMatch(/\(held out\)$/);
    expect(summary.classes).toContain(summary.heldOut.predicted);
    const p = await predictVideo(summary.runDir, join(summary.videosRoot, 'wave', 'wave_001.mp4'));
    expect(summary.classes).toContain(p.label);
    expect(p.frames_with_hands / p.frames).toBeGreaterThanOrEqual(0.9);
  }, 120_000);
});
