import type { FrameRecord, HandRecord } from '../keypoints/frame-record';
import { loadClassifier, type ModelMetadata } from '../models/model-files';
import type { SequenceClassifier } from '../models/sequence-classifier';
import { pickBackend } from '../training/backend';
import { checkInput, classify, extractionFromModel, modelDirOf } from './predict-video';

/**
 * Live prediction: the Capture view sends the last frames' hands (from MediaPipe Tasks, handedness
 * as for the unmirrored picture, like extraction); they become the model's input through the same
 * frameFeatures + shapeSequence code as training data and `gstudio predict`. The model of the last
 * run asked for stays loaded.
 */
export class LivePredictor {
  private loaded: { dir: string; model: SequenceClassifier; meta: ModelMetadata } | null = null;

  async predict(runDir: string, frames: { hands: HandRecord[] }[]) {
    const dir = modelDirOf(runDir);
    if (this.loaded?.dir !== dir) {
      await pickBackend();
      this.dispose();
      const { model, meta } = await loadClassifier(dir);
      try {
        checkInput(meta);
      } catch (e) {
        model.dispose();
        throw e;
      }
      this.loaded = { dir, model, meta };
    }
    const { model, meta } = this.loaded;
    const records: FrameRecord[] = frames.map((f, index) => ({ index, time: 0, persons: [], hands: f.hands }));
    const c = await classify(model, meta, records, extractionFromModel(meta).mode, dir);
    return { label: c.label, confidence: c.confidence, top: c.top, seqLen: meta.inputShape[0], framesWithHands: c.frames_with_hands };
  }

  dispose(): void {
    this.loaded?.model.dispose();
    this.loaded = null;
  }
}
