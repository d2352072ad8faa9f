import { existsSync } from 'node:fs';
import type * as Ort from 'onnxruntime-node';

/**
 * An exported classifier run by onnxruntime-node: probabilities [n, classes] for n sequences.
 * null when onnxruntime-node is not installed (it is an optional path: tfjs predicts otherwise).
 */
export interface OnnxClassifier {
  probabilities(x: Float32Array, n: number, seqLen: number, numFeatures: number): Promise<Float32Array>;
  release(): Promise<void>;
}

export async function loadOnnxClassifier(path: string): Promise<OnnxClassifier | null> {
  if (!existsSync(path)) return null;
  let ort: typeof Ort;
  try {
    ort = await import('onnxruntime-node');
  } catch {
    return null;
  }
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  return {
    async probabilities(x, n, seqLen, numFeatures) {
      const out = await session.run({ sequences: new ort.Tensor('float32', x, [n, seqLen, numFeatures]) });
      return out.probabilities.data as Float32Array;
    },
    release: () => session.release(),
  };
}
