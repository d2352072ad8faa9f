import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { rgbToRgba, TasksHandLandmarker } from '../src/core/parity/tasks-chromium';
import type { ParityReport } from '../src/core/parity/run-parity';
import { decodeImage } from '../src/core/video/decode';
import { sharedData } from '../src/test-support/shared-data';

const run = promisify(execFile);

async function parity(file: string, model: 'full' | 'lite'): Promise<ParityReport> {
  const { stdout } = await run(process.execPath, [resolve('bin/gstudio.mjs'), 'parity', file, '--model', model, '--json'], { maxBuffer: 1 << 24 });
  return JSON.parse(stdout) as ParityReport;
}

// MediaPipe's own hand landmarker on thumbs_up.png (data README): landmark index -> [x, y].
const THUMBS_UP_REFERENCE: Record<number, [number, number]> = { 0: [0.613, 0.7016], 4: [0.53, 0.2774], 8: [0.5171, 0.518], 20: [0.5103, 0.7046] };

describe('parity with MediaPipe Tasks (Chromium)', () => {
  it('Tasks runs the bundle built from the @mediapipe/hands models and reproduces MediaPipe on thumbs_up.png', async () => {
    const tasks = await TasksHandLandmarker.create('full');
    try {
      const img = await decodeImage(sharedData('images', 'thumbs_up.png'));
      const hands = await tasks.detect({ width: img.width, height: img.height, rgba: rgbToRgba(img.data, img.width, img.height), timestampMs: 0 });
      expect(hands.map((h) => h.handedness)).toEqual(['Right']);
      let worst = 0;
      for (const [i, [x, y]] of Object.entries(THUMBS_UP_REFERENCE)) {
        const [lx, ly] = hands[0].landmarks[Number(i)];
        worst = Math.max(worst, Math.abs(lx - x), Math.abs(ly - y));
      }
      console.log(`Tasks on thumbs_up.png: worst point ${worst.toFixed(4)} from MediaPipe's expected landmarks`);
      expect(worst).toBeLessThan(0.005);
    } finally {
      await tasks.dispose();
    }
  });

  // Measured: full 202 frames, hands_agree 1, mean 0.00013, worst frame 38 0.00063 (lite: 1, 0.00015, 0.0015);
  // before the palm regions and crops followed Tasks, 0.00031 with the palm search (frame 0) worst at 0.0085.
  it('gstudio parity: the Node extraction agrees with Tasks on every frame of the test video (full model)', { timeout: 600_000 }, async () => {
    const r = await parity(sharedData('video', 'hand_test_640x360.mp4'), 'full');
    console.log('parity full', JSON.stringify({ ...r, worst: undefined }));
    expect(r.frames).toBe(202);
    expect(r.tasks_frames_with_hands).toBe(202);
    expect(r.hands_agree).toBeGreaterThanOrEqual(0.98);
    expect(r.mean_distance).toBeLessThanOrEqual(0.005);
    expect(r.worst).not.toBeNull();
    expect(r.worst!.landmarkDistances).toHaveLength(21);
  });

  it('gstudio parity: the Node extraction agrees with Tasks on every frame of the test video (lite model)', { timeout: 600_000 }, async () => {
    const r = await parity(sharedData('video', 'hand_test_640x360.mp4'), 'lite');
    console.log('parity lite', JSON.stringify({ ...r, worst: undefined }));
    expect(r.frames).toBe(202);
    expect(r.hands_agree).toBeGreaterThanOrEqual(0.98);
    expect(r.mean_distance).toBeLessThanOrEqual(0.005);
  });
});
