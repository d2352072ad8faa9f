import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { predictSet } from '../evaluation/predictions';
import { loadOnnxClassifier, type OnnxClassifier } from '../export/onnx-classifier';
import { RunDirError, StudioError } from '../errors';
import { extractClip } from '../keypoints/extract-clip';
import type { FrameRecord } from '../keypoints/frame-record';
import { INPUT_SIZE } from '../keypoints/frame-record';
import { frameFeatures } from '../keypoints/frame-features';
import { recordedSequenceMode, sequenceIndices, shapeSequence, type SequenceMode } from '../keypoints/sequence';
import { loadClassifier, type ModelMetadata } from '../models/model-files';
import type { SequenceClassifier } from '../models/sequence-classifier';
import { pickBackend } from '../training/backend';
import { openVideo } from '../video/decode';
import { annotateFrame } from '../vision/annotate';
import type { HandPipelineOptions } from '../vision/hand-pipeline';
import { annotatedFrameName } from './annotate-video';
import { whyUnclassifiable } from './classifiable';
import { writeCaptionedFrames } from './caption-frames';

export interface VideoPrediction {
  label: string;
  confidence: number;
  top: { label: string; probability: number }[];
  frames_with_hands: number;
  frames: number;
  /** Source frame of each of the model's input frames (-1 = zero padding). */
  window: number[];
  /** Settings the keypoints were extracted with: the model's training data's own. */
  extraction: { numFrames: number; mode: SequenceMode; model: string; detector: string };
  annotated?: { dir: string; files: string[]; captioned: boolean };
  detectorWarning?: string;
  /** What ran the model: onnxruntime-node for a run exported with `gstudio export --onnx`, else tfjs. */
  engine?: 'onnxruntime' | 'tfjs';
}

export interface PredictOptions {
  /** Write annotated PNG frames of the model's window here. */
  annotateDir?: string;
  signal?: AbortSignal;
  onFrame?: (done: number, total: number | null) => void;
  /** Keep the per-frame records (for overlays). */
  keepRecords?: boolean;
  /**
   * The video as the user knows it, for messages: the file they gave or uploaded, when `video` is
   * the studio's own copy of it. Default: `video`.
   */
  displayName?: string;
}

/** The model directory of a run directory, or the directory itself when it holds the model. */
export function modelDirOf(runOrModelDir: string): string {
  if (existsSync(join(runOrModelDir, 'model', 'model.json'))) return join(runOrModelDir, 'model');
  if (existsSync(join(runOrModelDir, 'model.json'))) return runOrModelDir;
  throw new RunDirError(`${runOrModelDir} holds no trained model (no model/model.json): train one with "gstudio train" first`);
}

/** Extraction as the training data had it: read from the saved model, never assumed. */
export function extractionFromModel(meta: ModelMetadata): { numFrames: number; mode: SequenceMode; maxSide: number; pipeline: HandPipelineOptions } {
  const ex = meta.extraction as ModelMetadata['extraction'] & Record<string, unknown>;
  const pick = <T>(k: string, ok: (v: unknown) => v is T, fallback: T): T => (ok(ex[k]) ? (ex[k] as T) : fallback);
  const isNum = (v: unknown): v is number => typeof v === 'number';
  const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
  return {
    numFrames: meta.inputShape[0],
    mode: recordedSequenceMode(ex.resampling) ?? 'middle',
    // Frames are decoded at the size the training clips were (0 = full size).
    maxSide: pick('maxSide', isNum, 0),
    pipeline: {
      model: ex.model === 'lite' ? 'lite' : 'full',
      detector: ex.detector === 'yolox' ? 'yolox' : 'none',
      maxHands: pick('maxHands', isNum, 2),
      minDetectionConfidence: pick('minDetectionConfidence', isNum, 0.5),
      minTrackingConfidence: pick('minTrackingConfidence', isNum, 0.5),
      personConfidence: pick('personConfidence', isNum, 0.5),
      tracking: pick('tracking', isBool, true),
      // Models trained before this setting existed had the detector on every frame.
      personInterval: pick('personInterval', isNum, 1),
    },
  };
}

/** Video keypoints are 84 floats a frame: a model trained on anything else cannot take them. */
export function checkInput(meta: ModelMetadata): void {
  if (meta.inputShape[1] !== INPUT_SIZE) {
    throw new StudioError(
      'shape_mismatch',
      `This model takes ${meta.inputShape[1]} features per frame, but video keypoints give ${INPUT_SIZE} (2 hands × 21 × (x, y)): it was trained on other data and cannot classify videos`,
    );
  }
}

type Classification = Pick<VideoPrediction, 'label' | 'confidence' | 'top' | 'frames_with_hands' | 'frames' | 'window' | 'engine'>;

/** The run's exported ONNX model (model/model.onnx), if it is newer than the checkpoint it came from. */
export function exportedOnnx(modelDir: string): string | null {
  const onnx = join(modelDir, 'model.onnx');
  if (!existsSync(onnx)) return null;
  const weights = join(modelDir, 'model.json');
  return statSync(onnx).mtimeMs >= statSync(weights).mtimeMs ? onnx : null;
}

/**
 * Per-frame records -> the model's input exactly as in training -> softmax, top classes. The run's
 * exported ONNX model is used when it is current; a caller classifying again and again (live
 * prediction) passes its own loaded session, which stays open.
 */
export async function classify(model: SequenceClassifier, meta: ModelMetadata, records: FrameRecord[], mode: SequenceMode, modelDir: string, session?: OnnxClassifier | null): Promise<Classification> {
  const [seqLen, numFeatures] = meta.inputShape;
  const x = shapeSequence(records.map((f) => frameFeatures(f)), seqLen, mode);
  const owned = session === undefined;
  const onnxPath = owned ? exportedOnnx(modelDir) : null;
  const onnx = owned ? (onnxPath ? await loadOnnxClassifier(onnxPath) : null) : session;
  let probabilities: Float32Array;
  if (onnx) {
    try {
      probabilities = await onnx.probabilities(x, 1, seqLen, numFeatures);
    } finally {
      if (owned) await onnx.release();
    }
  } else {
    probabilities = predictSet(model, { keys: ['clip'], x, y: new Int32Array(1), seqLen, numFeatures }).probabilities;
  }
  const order = Array.from(probabilities, (v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const top = order.slice(0, 5).map(([v, i]) => ({ label: meta.labels[i], probability: v }));
  return {
    label: top[0].label,
    confidence: top[0].probability,
    top,
    frames_with_hands: records.filter((f) => f.hands.length > 0).length,
    frames: records.length,
    window: sequenceIndices(records.length, seqLen, mode),
    engine: onnx ? 'onnxruntime' : 'tfjs',
  };
}

/** Classifies keypoints already extracted (or generated, as the demo's are). */
export async function predictRecords(runOrModelDir: string, records: FrameRecord[]): Promise<Classification> {
  await pickBackend();
  const modelDir = modelDirOf(runOrModelDir);
  const { model, meta } = await loadClassifier(modelDir);
  try {
    checkInput(meta);
    return await classify(model, meta, records, extractionFromModel(meta).mode, modelDir);
  } finally {
    model.dispose();
  }
}

/**
 * One video in, the predicted class out (PIPELINE.md §9): keypoints extracted exactly as the
 * model's training data was, shaped the same way, softmax over the logits.
 */
export async function predictVideo(runOrModelDir: string, video: string, options: PredictOptions = {}): Promise<VideoPrediction & { records?: FrameRecord[] }> {
  await pickBackend();
  const modelDir = modelDirOf(runOrModelDir);
  const { model, meta } = await loadClassifier(modelDir);
  try {
    checkInput(meta);
    const ex = extractionFromModel(meta);
    const name = options.displayName ?? video;
    const result = await extractClip(video, { ...ex.pipeline, maxSide: ex.maxSide || undefined, signal: options.signal }, (_r, p) => options.onFrame?.(p.done, p.total)).catch((err: unknown) => {
      // A file that cannot be read is named as the user knows it too.
      if (err instanceof StudioError && name !== video) err.message = err.message.split(video).join(name);
      throw err;
    });
    if (result.frames.length === 0) throw new StudioError('no_frames', `No frame could be read from ${name}`);
    // The same rule as a folder's clips: a few frames padded to the window would give a guess.
    const why = whyUnclassifiable(result.frames, meta.inputShape[0]);
    if (why?.code === 'too_short') throw new StudioError('too_short', `${name} is ${why.reason}: there is too little to classify`);
    const c = await classify(model, meta, result.frames, ex.mode, modelDir);
    if (c.frames_with_hands === 0) {
      throw new StudioError('no_hands', `No hands were found in any of the ${result.frames.length} frames of ${name}: there is nothing to classify`);
    }
    const prediction: VideoPrediction & { records?: FrameRecord[] } = {
      ...c,
      extraction: { numFrames: meta.inputShape[0], mode: ex.mode, model: ex.pipeline.model!, detector: ex.pipeline.detector! },
      ...(result.detectorWarning ? { detectorWarning: result.detectorWarning } : {}),
      ...(options.keepRecords ? { records: result.frames } : {}),
    };
    if (options.annotateDir) {
      prediction.annotated = await annotateWindow(video, result.frames, c.window, options.annotateDir, `${c.label}  ${(100 * c.confidence).toFixed(1)}%`);
    }
    return prediction;
  } finally {
    model.dispose();
  }
}

/** The frames the model looked at, with boxes, skeletons and the prediction drawn on them. */
async function annotateWindow(video: string, records: FrameRecord[], window: number[], dir: string, caption: string) {
  mkdirSync(dir, { recursive: true });
  const wanted = new Set(window.filter((i) => i >= 0));
  const frames: { index: number; image: ReturnType<typeof annotateFrame> }[] = [];
  const dec = await openVideo(video);
  for await (const f of dec.frames()) {
    if (wanted.has(f.index) && records[f.index]) frames.push({ index: f.index, image: annotateFrame(f, records[f.index]) });
    if (f.index >= Math.max(...wanted)) break;
  }
  // Named after the video, as `annotate` names them: several predictions can share a folder.
  const written = await writeCaptionedFrames(frames, dir, caption, (i) => annotatedFrameName(video, i));
  return { dir, ...written };
}
