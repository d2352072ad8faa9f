import * as tf from '@tensorflow/tfjs';

/**
 * AdamW (Loshchilov & Hutter) as PyTorch's torch.optim.AdamW computes it, which tfjs lacks: the
 * weight decay is decoupled from the gradient (never enters m or v) and shrinks each weight by
 * lr × weight_decay in the same step as the Adam update. State (m, v, step) can be saved and
 * restored exactly, for resume.
 */
export interface AdamWOptions {
  lr: number;
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export interface AdamWState {
  step: number;
  lr: number;
  /** m then v per variable, in variable order. */
  moments: Float32Array[];
}

export class AdamW {
  lr: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  step = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(
    private readonly vars: tf.Variable[],
    o: AdamWOptions,
  ) {
    this.lr = o.lr;
    this.weightDecay = o.weightDecay;
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.eps = o.eps ?? 1e-8;
    this.m = vars.map((p) => tf.variable(tf.zerosLike(p), false));
    this.v = vars.map((p) => tf.variable(tf.zerosLike(p), false));
  }

  /** One update from gradients keyed by variable name. */
  apply(grads: Record<string, tf.Tensor>): void {
    this.step++;
    const bc1 = 1 - Math.pow(this.beta1, this.step);
    const bc2 = 1 - Math.pow(this.beta2, this.step);
    const { beta1, beta2, eps, lr, weightDecay } = this;
    tf.tidy(() => {
      this.vars.forEach((p, i) => {
        const g = grads[p.name];
        if (!g) return;
        const m = tf.add(tf.mul(this.m[i], beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const update = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), eps));
        p.assign(tf.sub(tf.mul(p, 1 - lr * weightDecay), tf.mul(update, lr)));
      });
    });
  }

  getState(): AdamWState {
    return { step: this.step, lr: this.lr, moments: [...this.m, ...this.v].map((t) => t.dataSync() as Float32Array) };
  }

  setState(s: AdamWState): void {
    this.step = s.step;
    this.lr = s.lr;
    // In a tidy: the tensors made to assign from would otherwise stay (the fused step sets the state every epoch).
    tf.tidy(() => [...this.m, ...this.v].forEach((t, i) => t.assign(tf.tensor(s.moments[i], t.shape, 'float32'))));
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
