import * as tf from '@tensorflow/tfjs';
import { defaultHeads, sinusoidalPositions } from '../models/transformer-classifier';
import type { SequenceClassifier } from '../models/sequence-classifier';
import { OnnxGraph } from './onnx-model';

const data = (model: SequenceClassifier, name: string) => model.params.get(name).dataSync() as Float32Array;

/**
 * The studio's pre-norm Transformer classifier (TransformerClassifier) as an ONNX graph, op for op:
 * frame projection + sinusoidal positions, per block x + MHA(LN(x)) and x + FF(LN(x)) with the
 * padded frames masked out as keys, final LayerNorm, mean over the valid frames, linear head.
 * Opset 17 for LayerNormalization.
 */
export function transformerToOnnx(model: SequenceClassifier): Uint8Array {
  const { inputSize, seqLen: t, hiddenSize: d, numLayers, numClasses } = model.spec;
  const heads = model.spec.numHeads ?? defaultHeads(d);
  const dk = d / heads;
  const g = new OnnxGraph('gesture-studio-transformer');
  const x = g.input('sequences', ['batch', t, inputSize]);
  const scalar = (name: string, v: number) => g.floats(name, [], Float32Array.of(v));
  const zero = scalar('zero', 0);
  const one = scalar('one', 1);

  // Valid frames: every frame up to the last one that is not all zeros (a reverse cumulative sum).
  const nonZero = g.node('Cast', [g.node('Greater', [g.node('ReduceMax', [g.node('Abs', [x])[0]], { axes: [2], keepdims: 0 })[0], zero])[0]], { to: 1 })[0];
  const reverseSum = g.node('CumSum', [nonZero, g.int64s('axis_time', [1], true)], { reverse: 1 })[0];
  const valid = g.node('Cast', [g.node('Greater', [reverseSum, zero])[0]], { to: 1 })[0];
  // [batch, 1, 1, T]: -1e9 on padded keys, broadcast over heads and queries.
  const keyBias = g.node('Unsqueeze', [g.node('Mul', [g.node('Sub', [one, valid])[0], scalar('neg_big', -1e9)])[0], g.int64s('axes_1_2', [1, 2])])[0];

  const linear = (name: string, v: string) => g.node('Add', [g.node('MatMul', [v, g.floats(`${name}.w`, model.params.get(`${name}.w`).shape, data(model, `${name}.w`))])[0], g.floats(`${name}.b`, [model.params.get(`${name}.b`).shape[0]], data(model, `${name}.b`))])[0];
  const layerNorm = (name: string, v: string) =>
    g.node('LayerNormalization', [v, g.floats(`${name}.g`, [d], data(model, `${name}.g`)), g.floats(`${name}.b`, [d], data(model, `${name}.b`))], { axis: -1, epsilon: { float: 1e-5 } })[0];
  const headsShape = g.int64s('shape_heads', [0, 0, heads, dk]);
  const mergedShape = g.int64s('shape_merged', [0, 0, d]);
  const toHeads = (v: string, perm: number[]) => g.node('Transpose', [g.node('Reshape', [v, headsShape])[0]], { perm })[0];

  let h = g.node('Add', [linear('proj', x), g.floats('positions', [t, d], sinusoidalPositions(t, d))])[0];
  const thirds = g.int64s('split_qkv', [d, d, d]);
  const scale = scalar('attention_scale', 1 / Math.sqrt(dk));
  for (let l = 0; l < numLayers; l++) {
    const p = `enc.${l}`;
    const [q, k, v] = g.node('Split', [linear(`${p}.qkv`, layerNorm(`${p}.ln1`, h)), thirds], { axis: 2 }, 3);
    const scores = g.node('Add', [g.node('Mul', [g.node('MatMul', [toHeads(q, [0, 2, 1, 3]), toHeads(k, [0, 2, 3, 1])])[0], scale])[0], keyBias])[0];
    const attn = g.node('Softmax', [scores], { axis: -1 })[0];
    const ctx = g.node('MatMul', [attn, toHeads(v, [0, 2, 1, 3])])[0];
    const merged = g.node('Reshape', [g.node('Transpose', [ctx], { perm: [0, 2, 1, 3] })[0], mergedShape])[0];
    h = g.node('Add', [h, linear(`${p}.out`, merged)])[0];
    const ff = linear(`${p}.ff2`, g.node('Relu', [linear(`${p}.ff1`, layerNorm(`${p}.ln2`, h))])[0]);
    h = g.node('Add', [h, ff])[0];
  }
  const out = layerNorm('final_ln', h);
  const mask = g.node('Unsqueeze', [valid, g.int64s('axes_2', [2])])[0];
  const axisTime = g.int64s('axes_time', [1]);
  const summed = g.node('ReduceSum', [g.node('Mul', [out, mask])[0], axisTime], { keepdims: 0 })[0];
  const count = g.node('Max', [g.node('ReduceSum', [mask, axisTime], { keepdims: 0 })[0], one])[0];
  const pooled = g.node('Div', [summed, count])[0];
  const logits = g.node('Gemm', [pooled, g.floats('head.w', [d, numClasses], data(model, 'head.w')), g.floats('head.b', [numClasses], data(model, 'head.b'))])[0];
  g.output('logits', logits, ['batch', numClasses]);
  g.output('probabilities', g.node('Softmax', [logits], { axis: 1 })[0], ['batch', numClasses]);
  return g.encode(`Gesture Studio (TensorFlow.js ${tf.version_core})`, 17);
}
