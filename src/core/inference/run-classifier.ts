import { loadOnnxClassifier, type OnnxClassifier } from '../export/onnx-classifier';
import type { FrameRecord } from '../keypoints/frame-record';
import { loadClassifier, type ModelMetadata } from '../models/model-files';
import type { SequenceClassifier } from '../models/sequence-classifier';
import { pickBackend } from '../training/backend';
import { checkInput, classify, exportedOnnx, extractionFromModel, modelDirOf } from './predict-video';

/**
 * A run's model loaded once for many clips (a folder): the weights, and the ONNX session when the
 * run was exported, stay open between clips instead of being loaded for each.
 */
export class RunClassifier {
  private constructor(
    readonly modelDir: string,
    readonly meta: ModelMetadata,
    private readonly model: SequenceClassifier,
    private readonly onnx: OnnxClassifier | null,
  ) {}

  /** Refuses, with the reason, a model whose input is not video keypoints. */
  static async open(runOrModelDir: string): Promise<RunClassifier> {
    await pickBackend();
    const modelDir = modelDirOf(runOrModelDir);
    const { model, meta } = await loadClassifier(modelDir);
    try {
      checkInput(meta);
      const onnxPath = exportedOnnx(modelDir);
      return new RunClassifier(modelDir, meta, model, onnxPath ? await loadOnnxClassifier(onnxPath) : null);
    } catch (err) {
      model.dispose();
      throw err;
    }
  }

  get engine(): 'onnxruntime' | 'tfjs' {
    return this.onnx ? 'onnxruntime' : 'tfjs';
  }

  classify(records: FrameRecord[]) {
    return classify(this.model, this.meta, records, extractionFromModel(this.meta).mode, this.modelDir, this.onnx);
  }

  async dispose(): Promise<void> {
    this.model.dispose();
    await this.onnx?.release();
  }
}
