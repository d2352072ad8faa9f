import { existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { ModelUnavailableError } from '../errors';
import { hardNms, type ScoredBox } from './nms';
import { fullWindow, type RgbImage } from './rgb-image';
import { warpAffine, type Affine } from './warp';

/**
 * Person boxes from YOLO-family ONNX models on CPU. Two output layouts are understood:
 * - 'yolox': [1, N, 5 + C] grid cells (YOLOX export without decode): (x, y, w, h) offsets,
 *   objectness, C class scores; BGR 0-255 input, letterboxed top-left with 114.
 * - 'ultralytics': [1, 4 + C, N] (YOLOv8 / YOLO11 export): decoded (cx, cy, w, h) in input
 *   pixels and C class scores; RGB [0, 1] input, letterboxed centred with 114.
 */
export type DetectorFormat = 'yolox' | 'ultralytics';

export interface PersonDetectorOptions {
  /** Output layout; detected from the output shape when omitted. */
  format?: DetectorFormat;
  /** Minimum score (YOLOX: objectness × class; Ultralytics: class). The notebook's YOLO_CONF_THRESHOLD. */
  confThreshold?: number;
  nmsThreshold?: number;
  /** COCO class ids kept (the notebook's HAND_DETECTION_TARGET_CLASSES); [0] = person. */
  classes?: number[];
  /** YOLOX exported with decode_in_inference (boxes already in input pixels). */
  yoloxDecoded?: boolean;
}

export interface DetectedBox extends ScoredBox {
  classId: number;
  /** YOLOX's objectness (the box holds some object); `score` is objectness × class probability. Ultralytics: = score. */
  objectness: number;
}

/** Where a detector file came from: a path the user gave, GSTUDIO_MODELS_DIR, or the studio's model cache. */
export type DetectorModelSource = 'path' | 'env' | 'cache';

/** onnxruntime's reason without its "Load model from X failed:" preamble: "Protobuf parsing failed". */
function onnxReason(e: unknown): string {
  const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return first.replace(/^Load model from .*? failed:\s*/, '').replace(/\.+$/, '').trim() || first;
}

function modelLoadFailure(path: string, source: DetectorModelSource, reason: string): string {
  if (source === 'cache') return `The cached person detector model ${path} is damaged (${reason}): delete it, and it is downloaded again on next use.`;
  const where = source === 'env' ? ' (found through GSTUDIO_MODELS_DIR)' : '';
  return `${path}${where} is not a valid ONNX model (${reason}): use a complete ONNX export of a YOLOX or Ultralytics YOLOv8/YOLO11 detector.`;
}

export class PersonDetector {
  private readonly inputName: string;
  private readonly outputName: string;
  private readonly inW: number;
  private readonly inH: number;
  private format: DetectorFormat | undefined;
  private grids: Float32Array | null = null;
  private readonly opts: Required<Omit<PersonDetectorOptions, 'format'>>;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly modelPath: string,
    options: PersonDetectorOptions,
  ) {
    this.inputName = session.inputNames[0];
    this.outputName = session.outputNames[0];
    const meta = session.inputMetadata[0] as { shape?: (number | string)[] };
    const shape = meta?.shape ?? [];
    const dim = (i: number, d: number) => (typeof shape[i] === 'number' && (shape[i] as number) > 0 ? (shape[i] as number) : d);
    this.format = options.format;
    const fallback = this.format === 'yolox' ? 416 : 640;
    this.inH = dim(2, fallback);
    this.inW = dim(3, fallback);
    this.opts = {
      confThreshold: options.confThreshold ?? 0.5,
      nmsThreshold: options.nmsThreshold ?? 0.45,
      classes: options.classes ?? [0],
      yoloxDecoded: options.yoloxDecoded ?? false,
    };
  }

  /**
   * Loads an ONNX detector. `source` says where the file came from, so that a failure gives the
   * right advice: a user's file is theirs to fix; only the cached default model can simply be
   * deleted and downloaded again.
   */
  static async create(modelPath: string, options: PersonDetectorOptions & { source?: DetectorModelSource } = {}): Promise<PersonDetector> {
    const source = options.source ?? 'path';
    if (!existsSync(modelPath)) throw new ModelUnavailableError(`Detector model ${modelPath} does not exist: check the path.`);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
    } catch (e) {
      throw new ModelUnavailableError(modelLoadFailure(modelPath, source, onnxReason(e)));
    }
    return new PersonDetector(session, modelPath, options);
  }

  get inputSize(): { width: number; height: number } {
    return { width: this.inW, height: this.inH };
  }

  /** Boxes in frame pixels, best first. */
  async detect(img: RgbImage): Promise<DetectedBox[]> {
    const fmt = this.format ?? 'yolox';
    const r = Math.min(this.inW / img.width, this.inH / img.height);
    const newW = Math.round(img.width * r);
    const newH = Math.round(img.height * r);
    // YOLOX pads right/bottom; Ultralytics centres the picture.
    const left = fmt === 'ultralytics' ? Math.round((this.inW - newW) / 2 - 0.1) : 0;
    const top = fmt === 'ultralytics' ? Math.round((this.inH - newH) / 2 - 0.1) : 0;
    const scale = fmt === 'ultralytics' ? 1 / 255 : 1;
    const input = new Float32Array(3 * this.inW * this.inH).fill(114 * scale);
    // Resize with pixel-centre alignment (as cv2.resize) into the letterbox's picture area.
    const m: Affine = { x0: 0.5 / r - 0.5, y0: 0.5 / r - 0.5, ux: 1 / r, uy: 0, vx: 0, vy: 1 / r };
    const tmp = new Float32Array(3 * newW * newH);
    warpAffine(img, fullWindow(img), m, tmp, newW, newH, { layout: 'chw', order: fmt === 'ultralytics' ? 'rgb' : 'bgr', scale, border: 'replicate' });
    const plane = this.inW * this.inH;
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < newH; y++)
        input.set(tmp.subarray(c * newW * newH + y * newW, c * newW * newH + (y + 1) * newW), c * plane + (y + top) * this.inW + left);

    const feeds = { [this.inputName]: new ort.Tensor('float32', input, [1, 3, this.inH, this.inW]) };
    const out = (await this.session.run(feeds))[this.outputName];
    const dims = out.dims as number[];
    const data = out.data as Float32Array;
    if (!this.format) this.format = dims[2] > dims[1] ? 'ultralytics' : 'yolox';
    if (this.format !== fmt) return this.detect(img); // first call guessed the layout wrong: redo with the right preprocessing

    if (fmt === 'yolox' && !this.opts.yoloxDecoded && !this.grids) this.grids = yoloxGrids(this.inW, this.inH, dims[1]);
    const boxes = fmt === 'yolox' ? decodeYolox(data, dims, this.grids, this.opts) : decodeUltralytics(data, dims, this.opts);
    const kept = hardNms(boxes, this.opts.nmsThreshold);
    // Back from letterbox to frame pixels.
    return kept.map((b) => ({
      ...b,
      xMin: clamp((b.xMin - left) / r, 0, img.width),
      yMin: clamp((b.yMin - top) / r, 0, img.height),
      xMax: clamp((b.xMax - left) / r, 0, img.width),
      yMax: clamp((b.yMax - top) / r, 0, img.height),
    }));
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

export interface DecodeOptions {
  confThreshold: number;
  classes: number[];
}

/** YOLOX rows [1, N, 5 + C] -> boxes in input pixels (grid decode unless `grids` is null). */
export function decodeYolox(d: Float32Array, dims: number[], grids: Float32Array | null, o: DecodeOptions): DetectedBox[] {
  const [, n, stride] = dims;
  const nc = stride - 5;
  const out: DetectedBox[] = [];
  for (let i = 0; i < n; i++) {
    const r = i * stride;
    const obj = d[r + 4];
    if (obj < o.confThreshold) continue; // score = obj × cls ≤ obj
    let best = 0;
    let cls = -1;
    for (let c = 0; c < nc; c++) if (d[r + 5 + c] > best) { best = d[r + 5 + c]; cls = c; }
    const score = obj * best;
    if (score < o.confThreshold || !o.classes.includes(cls)) continue;
    let cx = d[r], cy = d[r + 1], w = d[r + 2], h = d[r + 3];
    if (grids) {
      const s = grids[3 * i + 2];
      cx = (cx + grids[3 * i]) * s;
      cy = (cy + grids[3 * i + 1]) * s;
      w = Math.exp(w) * s;
      h = Math.exp(h) * s;
    }
    out.push({ xMin: cx - w / 2, yMin: cy - h / 2, xMax: cx + w / 2, yMax: cy + h / 2, score, classId: cls, objectness: obj });
  }
  return out;
}

/** Ultralytics [1, 4 + C, N] (column per candidate) -> boxes in input pixels. */
export function decodeUltralytics(d: Float32Array, dims: number[], o: DecodeOptions): DetectedBox[] {
  const [, rows, n] = dims;
  const nc = rows - 4;
  const out: DetectedBox[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    let cls = -1;
    for (let c = 0; c < nc; c++) {
      const v = d[(4 + c) * n + i];
      if (v > best) { best = v; cls = c; }
    }
    if (best < o.confThreshold || !o.classes.includes(cls)) continue;
    const cx = d[i], cy = d[n + i], w = d[2 * n + i], h = d[3 * n + i];
    out.push({ xMin: cx - w / 2, yMin: cy - h / 2, xMax: cx + w / 2, yMax: cy + h / 2, score: best, classId: cls, objectness: best });
  }
  return out;
}

/** YOLOX's grid: strides 8, 16, 32, cells row by row; [gx, gy, stride] per output row. */
export function yoloxGrids(inW: number, inH: number, expected: number): Float32Array {
  const g: number[] = [];
  for (const s of [8, 16, 32]) {
    const h = Math.floor(inH / s);
    const w = Math.floor(inW / s);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) g.push(x, y, s);
  }
  if (g.length / 3 !== expected) throw new ModelUnavailableError(`The detector's output has ${expected} rows, expected ${g.length / 3} for a ${inW}×${inH} YOLOX grid: is it a YOLOX export?`);
  return Float32Array.from(g);
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
