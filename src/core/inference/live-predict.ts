import type { FrameRecord, HandRecord } from '../keypoints/frame-record';
import { loadClassifier, type ModelMetadata } from '../models/model-files';
import type { SequenceClassifier } from '../models/sequence-classifier';
import { pickBackend } from '../training/backend';
import { loadOnnxClassifier, type OnnxClassifier } from '../export/onnx-classifier';
import { checkInput, classify, exportedOnnx, extractionFromModel, modelDirOf } from './predict-video';

/**
 * Live prediction: the Capture view sends the last frames' hands (from MediaPipe Tasks, handedness
 * as for the unmirrored picture, like extraction); they become the model's input through the same
 * frameFeatures + shapeSequence code as training data and `gstudio predict`. The model of the last
 * run asked for stays loaded, with its ONNX session when the run was exported (one session per call
 * cost more than the prediction, several times a second).
 */
export class LivePredictor {
  private loaded: { dir: string; model: SequenceClassifier; meta: ModelMetadata; onnxPath: string | null; onnx: OnnxClassifier | null } | null = null;
  /** Sessions loaded so far (for tests: one per model, not one per call). */
  sessionsLoaded = 0;

  async predict(runDir: string, frames: { hands: HandRecord[] }[]) {
    const dir = modelDirOf(runDir);
    // Exported (or trained again) since it was loaded: load it afresh.
    if (this.loaded?.dir !== dir || this.loaded.onnxPath !== exportedOnnx(dir)) {
      await pickBackend();
      this.dispose();
      const { model, meta } = await loadClassifier(dir);
      try {
        checkInput(meta);
      } catch (e) {
        model.dispose();
        throw e;
      }
      const onnxPath = exportedOnnx(dir);
      const onnx = onnxPath ? await loadOnnxClassifier(onnxPath) : null;
      if (onnx) this.sessionsLoaded++;
      this.loaded = { dir, model, meta, onnxPath, onnx };
    }
    const { model, meta, onnx } = this.loaded;
    const records: FrameRecord[] = frames.map((f, index) => ({ index, time: 0, persons: [], hands: f.hands }));
    const c = await classify(model, meta, records, extractionFromModel(meta).mode, dir, onnx);
    return { label: c.label, confidence: c.confidence, top: c.top, seqLen: meta.inputShape[0], framesWithHands: c.frames_with_hands };
  }

  dispose(): void {
    this.loaded?.model.dispose();
    void this.loaded?.onnx?.release();
    this.loaded = null;
  }
}
