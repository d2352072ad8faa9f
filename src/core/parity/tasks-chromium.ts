import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, Page, Route } from 'playwright-core';
import { ModelUnavailableError } from '../errors';
import { ensureHandTaskBundle, tasksWasmDir } from '../vision/hand-task-bundle';
import type { HandModelVariant } from '../vision/model-registry';

/**
 * MediaPipe Tasks' HandLandmarker run in a headless Chromium (Tasks needs a DOM), fed the frames we
 * decoded, so its results can be set beside the Node pipeline's. Everything the page loads is served
 * from node_modules and the built .task bundle by request interception: nothing leaves the machine.
 */
export const CHROMIUM_PATH = process.env.GSTUDIO_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface TasksHand {
  handedness: 'Left' | 'Right';
  handednessScore: number;
  landmarks: [number, number, number][];
}

export interface TasksFrame {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel. */
  rgba: Uint8Array;
  /** Milliseconds, increasing (VIDEO mode). */
  timestampMs: number;
}

const ORIGIN = 'http://gstudio-tasks.localhost';

const PAGE = `<!doctype html><meta charset="utf-8"><title>tasks</title>
<script type="module">
import { FilesetResolver, HandLandmarker } from '/tasks/vision_bundle.mjs';
window.tasksReady = (async () => {
  const fileset = await FilesetResolver.forVisionTasks('/tasks/wasm');
  window.landmarker = await HandLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: '/model.task', delegate: 'CPU' },
    runningMode: 'VIDEO', numHands: 2,
    minHandDetectionConfidence: 0.5, minHandPresenceConfidence: 0.5, minTrackingConfidence: 0.5,
  });
})();
window.runFrame = async (i, width, height, ts) => {
  await window.tasksReady;
  const buf = await (await fetch('/frame/' + i)).arrayBuffer();
  const r = window.landmarker.detectForVideo(new ImageData(new Uint8ClampedArray(buf), width, height), ts);
  return r.landmarks.map((lm, k) => ({
    handedness: r.handedness[k][0].categoryName,
    handednessScore: r.handedness[k][0].score,
    landmarks: lm.map((p) => [p.x, p.y, p.z]),
  }));
};
</script>`;

export class TasksHandLandmarker {
  private frames = new Map<number, Uint8Array>();
  private next = 0;
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  static async create(variant: HandModelVariant): Promise<TasksHandLandmarker> {
    let chromium: typeof import('playwright-core').chromium;
    try {
      ({ chromium } = await import('playwright-core'));
    } catch {
      throw new ModelUnavailableError('playwright-core is not installed: run `npm install` in the studio folder.');
    }
    const bundle = readFileSync(ensureHandTaskBundle(variant));
    const visionDir = dirname(createRequire(import.meta.url).resolve('@mediapipe/tasks-vision'));
    const wasmDir = tasksWasmDir();
    let browser: Browser;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    } catch (e) {
      throw new ModelUnavailableError(`Cannot start Chromium at ${CHROMIUM_PATH} (set GSTUDIO_CHROMIUM to another path): ${String(e).split('\n')[0]}`);
    }
    const page = await browser.newPage();
    const self = new TasksHandLandmarker(browser, page);
    await page.route('**/*', (route: Route) => {
      const path = new URL(route.request().url()).pathname;
      const body = (type: string, data: Uint8Array | string) => route.fulfill({ status: 200, contentType: type, body: Buffer.from(data) });
      if (path === '/') return body('text/html', PAGE);
      if (path === '/model.task') return body('application/octet-stream', bundle);
      if (path === '/tasks/vision_bundle.mjs') return body('text/javascript', readFileSync(join(visionDir, 'vision_bundle.mjs')));
      const wasm = /^\/tasks\/wasm\/([\w.]+)$/.exec(path);
      if (wasm) return body(wasm[1].endsWith('.wasm') ? 'application/wasm' : 'text/javascript', readFileSync(join(wasmDir, wasm[1])));
      const frame = /^\/frame\/(\d+)$/.exec(path);
      const data = frame && self.frames.get(Number(frame[1]));
      if (data) return body('application/octet-stream', data);
      return route.fulfill({ status: 404, body: 'not found' });
    });
    await page.goto(`${ORIGIN}/`);
    try {
      await page.evaluate(() => (window as unknown as { tasksReady: Promise<void> }).tasksReady);
    } catch (e) {
      await browser.close();
      throw new ModelUnavailableError(`MediaPipe Tasks did not load the hand_landmarker bundle: ${String(e).split('\n')[0]}`);
    }
    return self;
  }

  async detect(frame: TasksFrame): Promise<TasksHand[]> {
    const i = this.next++;
    this.frames.set(i, frame.rgba);
    try {
      return await this.page.evaluate(
        ([i, w, h, ts]) => (window as unknown as { runFrame: (...a: number[]) => Promise<TasksHand[]> }).runFrame(i, w, h, ts),
        [i, frame.width, frame.height, frame.timestampMs],
      );
    } finally {
      this.frames.delete(i);
    }
  }

  async dispose(): Promise<void> {
    await this.browser.close();
  }
}

/** Packed RGB (the decoder's) to RGBA (ImageData's). */
export function rgbToRgba(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let p = 0, q = 0; p < rgb.length; p += 3, q += 4) {
    out[q] = rgb[p];
    out[q + 1] = rgb[p + 1];
    out[q + 2] = rgb[p + 2];
    out[q + 3] = 255;
  }
  return out;
}
