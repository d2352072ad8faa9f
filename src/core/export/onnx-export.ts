import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../errors';
import type { ModelMetadata } from '../models/model-files';
import type { SequenceClassifier } from '../models/sequence-classifier';
import { OnnxGraph, type Attr } from './onnx-model';
import { transformerToOnnx } from './onnx-transformer';

/**
 * A trained LSTM or GRU classifier (the Transformer: onnx-transformer.ts) as an ONNX graph: input `sequences` [batch, T, F], outputs
 * `logits` and `probabilities` [batch, classes]. The studio's weights are PyTorch's, transposed
 * for x · W and with PyTorch's gate orders; ONNX wants W [gates·H, in] with its own orders:
 * LSTM i, f, g, o -> ONNX i, o, f, c; GRU r, z, n -> ONNX z, r, h with linear_before_reset = 1
 * (PyTorch's reset gate after the hidden product).
 */
const ONNX_GATE_SOURCE = { lstm: [0, 3, 1, 2], gru: [1, 0, 2] } as const;

/** [in, g·H] (our blocks) -> [1, g·H, in] (ONNX's blocks, rows = units). */
function onnxWeights(w: Float32Array, inSize: number, h: number, order: readonly number[]): Float32Array {
  const g = order.length;
  const out = new Float32Array(g * h * inSize);
  for (let k = 0; k < g; k++) {
    for (let r = 0; r < h; r++) {
      const col = order[k] * h + r;
      const row = (k * h + r) * inSize;
      for (let c = 0; c < inSize; c++) out[row + c] = w[c * g * h + col];
    }
  }
  return out;
}

function onnxBias(b: Float32Array, h: number, order: readonly number[]): Float32Array {
  const out = new Float32Array(order.length * h);
  order.forEach((src, k) => out.set(b.subarray(src * h, (src + 1) * h), k * h));
  return out;
}

const data = (model: SequenceClassifier, name: string) => model.params.get(name).dataSync() as Float32Array;

export function classifierToOnnx(model: SequenceClassifier, meta: Pick<ModelMetadata, 'labels'>): Uint8Array {
  const { type, inputSize, seqLen, hiddenSize: h, numLayers, numClasses } = model.spec;
  if (type === 'transformer') return transformerToOnnx(model);
  if (type !== 'lstm' && type !== 'gru') throw new InvalidInputError(`ONNX export covers LSTM, GRU and Transformer models; this run trained a ${type}`);
  const order = ONNX_GATE_SOURCE[type];
  const g = new OnnxGraph(`gesture-studio-${type}`);
  const x = g.input('sequences', ['batch', seqLen, inputSize]);
  let seq = g.node('Transpose', [x], { perm: [1, 0, 2] })[0];
  const axis1 = g.int64s('axis_1', [1]);
  const axis0 = g.int64s('axis_0', [0]);
  let last = '';
  for (let l = 0; l < numLayers; l++) {
    const inSize = l === 0 ? inputSize : h;
    const p = `${type}.${l}`;
    const W = g.floats(`${p}.W`, [1, order.length * h, inSize], onnxWeights(data(model, `${p}.w_ih`), inSize, h, order));
    const R = g.floats(`${p}.R`, [1, order.length * h, h], onnxWeights(data(model, `${p}.w_hh`), h, h, order));
    const bias = new Float32Array(2 * order.length * h);
    bias.set(onnxBias(data(model, `${p}.b_ih`), h, order), 0);
    bias.set(onnxBias(data(model, `${p}.b_hh`), h, order), order.length * h);
    const B = g.floats(`${p}.B`, [1, 2 * order.length * h], bias);
    const attrs: Record<string, Attr> = type === 'gru' ? { hidden_size: h, linear_before_reset: 1 } : { hidden_size: h };
    const [y, yh] = g.node(type === 'lstm' ? 'LSTM' : 'GRU', [seq, W, R, B], attrs, 2);
    seq = g.node('Squeeze', [y, axis1])[0];
    last = yh;
  }
  const hLast = g.node('Squeeze', [last, axis0])[0];
  const headW = g.floats('head.w', [h, numClasses], data(model, 'head.w'));
  const headB = g.floats('head.b', [numClasses], data(model, 'head.b'));
  const logits = g.node('Gemm', [hLast, headW, headB])[0];
  const probs = g.node('Softmax', [logits], { axis: 1 })[0];
  g.output('logits', logits, ['batch', numClasses]);
  g.output('probabilities', probs, ['batch', numClasses]);
  void meta;
  return g.encode(`Gesture Studio (TensorFlow.js ${tf.version_core})`);
}

export function writeOnnx(path: string, model: SequenceClassifier, meta: Pick<ModelMetadata, 'labels'>): number {
  const bytes = classifierToOnnx(model, meta);
  writeFileSync(path, bytes);
  return bytes.length;
}
