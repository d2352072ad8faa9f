import { handModelBytes, type HandModelVariant } from './model-registry';
import { weightedNms, type ScoredBox } from './nms';
import { fullWindow, type PixelWindow, type RgbImage } from './rgb-image';
import { TfliteModel } from './tflite-runtime';
import { MEDIAPIPE_ZERO, rectToAffine, warpAffine } from './warp';

/** A palm in frame pixels: box, score, and 7 keypoints [x0, y0, ..., x6, y6] (0 = wrist, 2 = middle-finger MCP). */
export interface PalmDetection extends ScoredBox {
  keypoints: number[];
}

const INPUT = 192;

/**
 * SSD anchor centres as MediaPipe's SsdAnchorsCalculator makes them for palm_detection_cpu.pbtxt:
 * 4 layers, strides 8/16/16/16 (layers of equal stride share one grid), 2 anchors per layer and
 * cell (aspect 1 + interpolated scale), fixed anchor size, so only the centres matter.
 */
export function palmAnchors(): Float32Array {
  const strides = [8, 16, 16, 16];
  const centres: number[] = [];
  let layer = 0;
  while (layer < strides.length) {
    let last = layer;
    let perCell = 0;
    while (last < strides.length && strides[last] === strides[layer]) {
      perCell += 2;
      last++;
    }
    const n = Math.ceil(INPUT / strides[layer]);
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++)
        for (let a = 0; a < perCell; a++) centres.push((x + 0.5) / n, (y + 0.5) / n);
    layer = last;
  }
  return Float32Array.from(centres);
}

export class PalmDetector {
  private readonly anchors = palmAnchors();
  private readonly boxesOut: number;
  private readonly scoresOut: number;

  private constructor(private readonly model: TfliteModel) {
    this.boxesOut = model.outputs.findIndex((o) => o.shape[o.shape.length - 1] === 18);
    this.scoresOut = model.outputs.findIndex((o) => o.shape[o.shape.length - 1] === 1);
    if (this.boxesOut < 0 || this.scoresOut < 0 || this.anchors.length / 2 !== model.outputs[this.boxesOut].shape[1]) {
      throw new Error('Unexpected palm detection model outputs');
    }
  }

  static async create(variant: HandModelVariant): Promise<PalmDetector> {
    return new PalmDetector(await TfliteModel.create(handModelBytes(`palm_detection_${variant}`), `palm_detection_${variant}`));
  }

  /**
   * Palms inside `win` (the whole frame by default), as MediaPipe's PalmDetectionCpu sees that
   * window as its image: letterboxed to 192×192 with a zero border, decoded against the anchors,
   * weighted NMS at IoU 0.3, letterbox removed. Results in frame pixels, best first.
   */
  detect(img: RgbImage, win: PixelWindow = fullWindow(img), minScore = 0.5, maxOut = Infinity): PalmDetection[] {
    const rw = win.x1 - win.x0;
    const rh = win.y1 - win.y0;
    const side = Math.max(rw, rh);
    const cx = win.x0 + rw / 2;
    const cy = win.y0 + rh / 2;
    const input = this.model.input(0);
    warpAffine(img, win, rectToAffine({ cx, cy, width: side, height: side, rotation: 0 }, INPUT, INPUT), input, INPUT, INPUT, MEDIAPIPE_ZERO);
    this.model.run();
    const raw = this.model.output(this.boxesOut);
    const logits = this.model.output(this.scoresOut);

    // Logit threshold equivalent to sigmoid(score) >= minScore, so most anchors cost one compare.
    const minLogit = Math.log(minScore / (1 - minScore));
    const dets: PalmDetection[] = [];
    const a = this.anchors;
    for (let i = 0; i < logits.length; i++) {
      const l = Math.max(-100, Math.min(100, logits[i]));
      if (l < minLogit) continue;
      const score = 1 / (1 + Math.exp(-l));
      const o = i * 18;
      const ax = a[2 * i];
      const ay = a[2 * i + 1];
      // Normalised to the letterboxed 192 input, then to frame pixels: centre ± (v - 0.5) × side.
      const toX = (v: number) => cx + (v - 0.5) * side;
      const toY = (v: number) => cy + (v - 0.5) * side;
      const xc = raw[o] / INPUT + ax;
      const yc = raw[o + 1] / INPUT + ay;
      const w = raw[o + 2] / INPUT;
      const h = raw[o + 3] / INPUT;
      const keypoints: number[] = [];
      for (let k = 0; k < 7; k++) keypoints.push(toX(raw[o + 4 + 2 * k] / INPUT + ax), toY(raw[o + 5 + 2 * k] / INPUT + ay));
      dets.push({ xMin: toX(xc - w / 2), yMin: toY(yc - h / 2), xMax: toX(xc + w / 2), yMax: toY(yc + h / 2), score, keypoints });
    }
    return weightedNms(dets, 0.3, maxOut);
  }

  dispose(): void {
    this.model.dispose();
  }
}
