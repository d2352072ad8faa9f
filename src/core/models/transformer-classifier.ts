import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../dataset/seeded-random';
import { dropout } from './dropout';
import type { KernelSet } from './kernels/kernel-set';
import type { ModelSpec } from './model-spec';
import { constant, Parameters, uniform } from './parameters';
import type { ForwardContext, SequenceClassifier } from './sequence-classifier';

/** Largest of 4, 2, 1 heads that divides the width. */
export function defaultHeads(width: number): number {
  return [4, 2, 1].find((h) => width % h === 0)!;
}

/** Sinusoidal positions [T, d] (Vaswani et al.): no parameters, nothing that needs a gather gradient. */
export function sinusoidalPositions(t: number, d: number): Float32Array {
  const out = new Float32Array(t * d);
  for (let p = 0; p < t; p++) {
    for (let i = 0; i < d; i += 2) {
      const angle = p / Math.pow(10000, i / d);
      out[p * d + i] = Math.sin(angle);
      if (i + 1 < d) out[p * d + i + 1] = Math.cos(angle);
    }
  }
  return out;
}

/**
 * A small pre-norm Transformer encoder written from ops (tf.layers has no multi-head attention):
 * linear projection of each frame, sinusoidal positions, `numLayers` blocks of
 * x + MHA(LN(x)) and x + FF(LN(x)) (ReLU, width 2d), a final LayerNorm, and the mean over the
 * frames that are not padding (the zero frames at the end, PIPELINE.md §3), then a linear head.
 * Padded frames are also masked out of attention as keys.
 */
export class TransformerClassifier implements SequenceClassifier {
  readonly params = new Parameters();
  private readonly heads: number;
  private readonly pos: tf.Tensor2D;

  constructor(
    readonly spec: ModelSpec,
    seed: number,
    readonly kernels: KernelSet,
  ) {
    const d = spec.hiddenSize;
    this.heads = spec.numHeads ?? defaultHeads(d);
    if (d % this.heads !== 0) throw new Error(`hidden size ${d} is not divisible by ${this.heads} heads`);
    const rng = new SeededRandom(seed);
    const lin = (name: string, i: number, o: number) => {
      const k = 1 / Math.sqrt(i);
      this.params.add(`${name}.w`, [i, o], uniform(rng, i * o, k));
      this.params.add(`${name}.b`, [o], uniform(rng, o, k));
    };
    const norm = (name: string) => {
      this.params.add(`${name}.g`, [d], constant(d, 1));
      this.params.add(`${name}.b`, [d], constant(d, 0));
    };
    lin('proj', spec.inputSize, d);
    for (let l = 0; l < spec.numLayers; l++) {
      norm(`enc.${l}.ln1`);
      lin(`enc.${l}.qkv`, d, 3 * d);
      lin(`enc.${l}.out`, d, d);
      norm(`enc.${l}.ln2`);
      lin(`enc.${l}.ff1`, d, 2 * d);
      lin(`enc.${l}.ff2`, 2 * d, d);
    }
    norm('final_ln');
    lin('head', d, spec.numClasses);
    this.pos = tf.keep(tf.tensor2d(sinusoidalPositions(spec.seqLen, d), [spec.seqLen, d]));
  }

  private linear(name: string, x: tf.Tensor2D): tf.Tensor2D {
    return this.kernels.linear(x, this.params.get(`${name}.w`) as tf.Tensor2D, this.params.get(`${name}.b`) as tf.Tensor1D);
  }

  private layerNorm(name: string, x: tf.Tensor2D): tf.Tensor2D {
    const { mean, variance } = tf.moments(x, -1, true);
    const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
    return tf.add(tf.mul(normed, this.params.get(`${name}.g`)), this.params.get(`${name}.b`)) as tf.Tensor2D;
  }

  forward(x: tf.Tensor3D, ctx: ForwardContext): tf.Tensor2D {
    const { hiddenSize: d, numLayers, dropout: rate, inputSize } = this.spec;
    const [b, t] = x.shape;
    const heads = this.heads;
    const dk = d / heads;
    const drop = <T extends tf.Tensor>(v: T) => (ctx.training ? dropout(v, rate, ctx.rng) : v);
    // Valid frames: every frame up to the last one that is not all zeros.
    const valid = tf.tidy(() => {
      const nonZero = tf.cast(tf.any(tf.notEqual(x, 0), 2), 'float32');
      return tf.cast(tf.greater(tf.cumsum(nonZero, 1, false, true), 0), 'float32') as tf.Tensor2D;
    });
    const keyBias = tf.reshape(tf.tile(tf.reshape(tf.mul(tf.sub(1, valid), -1e9), [b, 1, 1, t]), [1, heads, 1, 1]), [b * heads, 1, t]);
    const pos = t === this.pos.shape[0] ? this.pos : tf.slice(this.pos, [0, 0], [t, d]);
    let hflat = this.linear('proj', tf.reshape(x, [b * t, inputSize]) as tf.Tensor2D);
    hflat = tf.reshape(tf.add(tf.reshape(hflat, [b, t, d]), pos), [b * t, d]) as tf.Tensor2D;
    const split = (v: tf.Tensor2D, perm: number[], shape: [number, number, number]) => tf.reshape(tf.transpose(tf.reshape(v, [b, t, heads, dk]), perm), shape) as tf.Tensor3D;
    for (let l = 0; l < numLayers; l++) {
      const a = this.layerNorm(`enc.${l}.ln1`, hflat);
      const qkv = this.linear(`enc.${l}.qkv`, a);
      const q = split(tf.slice(qkv, [0, 0], [b * t, d]), [0, 2, 1, 3], [b * heads, t, dk]);
      const kT = split(tf.slice(qkv, [0, d], [b * t, d]), [0, 2, 3, 1], [b * heads, dk, t]);
      const v = split(tf.slice(qkv, [0, 2 * d], [b * t, d]), [0, 2, 1, 3], [b * heads, t, dk]);
      const scores = tf.add(tf.mul(this.kernels.bmm(q, kT), 1 / Math.sqrt(dk)), keyBias);
      const attn = tf.softmax(scores) as tf.Tensor3D;
      const ctxv = this.kernels.bmm(attn, v);
      const merged = tf.reshape(tf.transpose(tf.reshape(ctxv, [b, heads, t, dk]), [0, 2, 1, 3]), [b * t, d]) as tf.Tensor2D;
      hflat = tf.add(hflat, drop(this.linear(`enc.${l}.out`, merged))) as tf.Tensor2D;
      const f = this.layerNorm(`enc.${l}.ln2`, hflat);
      const ff = this.linear(`enc.${l}.ff2`, tf.relu(this.linear(`enc.${l}.ff1`, f)) as tf.Tensor2D);
      hflat = tf.add(hflat, drop(ff)) as tf.Tensor2D;
    }
    const out = tf.reshape(this.layerNorm('final_ln', hflat), [b, t, d]);
    const mask = tf.reshape(valid, [b, t, 1]);
    const pooled = tf.div(tf.sum(tf.mul(out, mask), 1), tf.maximum(tf.sum(mask, 1), 1)) as tf.Tensor2D;
    return this.linear('head', pooled);
  }

  dispose(): void {
    this.params.dispose();
    this.pos.dispose();
  }
}
