import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../dataset/seeded-random';
import { dropout } from './dropout';
import type { KernelSet } from './kernels/kernel-set';
import type { ModelSpec } from './model-spec';
import { Parameters, uniform } from './parameters';
import type { ForwardContext, SequenceClassifier } from './sequence-classifier';

/**
 * The reference LSTMClassifier (PIPELINE.md §6), and the GRU of the same shape: a stack of
 * recurrent layers with dropout between layers (not after the last), then a linear head on the last
 * layer's final hidden state h_n[-1]. Initialised as PyTorch does: U(±1/sqrt(H)) for every RNN
 * weight and bias, U(±1/sqrt(H)) for the head.
 */
export class RecurrentClassifier implements SequenceClassifier {
  readonly params = new Parameters();
  private readonly gates: number;

  constructor(
    readonly spec: ModelSpec,
    seed: number,
    readonly kernels: KernelSet,
  ) {
    if (spec.type !== 'lstm' && spec.type !== 'gru') throw new Error(`not a recurrent model: ${spec.type}`);
    this.gates = spec.type === 'lstm' ? 4 : 3;
    const rng = new SeededRandom(seed);
    const h = spec.hiddenSize;
    const k = 1 / Math.sqrt(h);
    for (let l = 0; l < spec.numLayers; l++) {
      const inSize = l === 0 ? spec.inputSize : h;
      const g = this.gates * h;
      this.params.add(`${spec.type}.${l}.w_ih`, [inSize, g], uniform(rng, inSize * g, k));
      this.params.add(`${spec.type}.${l}.w_hh`, [h, g], uniform(rng, h * g, k));
      this.params.add(`${spec.type}.${l}.b_ih`, [g], uniform(rng, g, k));
      this.params.add(`${spec.type}.${l}.b_hh`, [g], uniform(rng, g, k));
    }
    this.params.add('head.w', [h, spec.numClasses], uniform(rng, h * spec.numClasses, k));
    this.params.add('head.b', [spec.numClasses], uniform(rng, spec.numClasses, k));
  }

  forward(x: tf.Tensor3D, ctx: ForwardContext): tf.Tensor2D {
    const { type, numLayers, hiddenSize: h, dropout: rate } = this.spec;
    const [b, t] = x.shape;
    let seq = x;
    for (let l = 0; l < numLayers; l++) {
      const w = {
        wIh: this.params.get(`${type}.${l}.w_ih`) as tf.Tensor2D,
        wHh: this.params.get(`${type}.${l}.w_hh`) as tf.Tensor2D,
        bIh: this.params.get(`${type}.${l}.b_ih`) as tf.Tensor1D,
        bHh: this.params.get(`${type}.${l}.b_hh`) as tf.Tensor1D,
      };
      seq = type === 'lstm' ? this.kernels.lstm(seq, w) : this.kernels.gru(seq, w);
      if (l < numLayers - 1 && ctx.training) seq = dropout(seq, rate, ctx.rng);
    }
    const last = tf.reshape(tf.slice(seq, [0, t - 1, 0], [b, 1, h]), [b, h]) as tf.Tensor2D;
    return this.kernels.linear(last, this.params.get('head.w') as tf.Tensor2D, this.params.get('head.b') as tf.Tensor1D);
  }

  dispose(): void {
    this.params.dispose();
  }
}
