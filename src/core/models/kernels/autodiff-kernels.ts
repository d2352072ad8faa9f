import * as tf from '@tensorflow/tfjs';
import type { GruWeights, KernelSet, LstmWeights } from './kernel-set';

/**
 * The reference kernel set: the layer equations written step by step with tfjs ops and
 * differentiated by tfjs's tape. Slow (tfjs-wasm's transposed matmuls in the tape's backward are
 * an order of magnitude slower than plain ones), but obviously right: the other sets are tested
 * against it.
 */
/** The time steps of x [B, T, F]; a reshape for T = 1 (tfjs's Unpack gradient fails on one output). */
function unstackSteps(x: tf.Tensor3D): tf.Tensor2D[] {
  const [b, t, f] = x.shape;
  return t === 1 ? [tf.reshape(x, [b, f]) as tf.Tensor2D] : (tf.unstack(x, 1) as tf.Tensor2D[]);
}

export const autodiffKernels: KernelSet = {
  name: 'autodiff',
  lstm(x, w: LstmWeights) {
    const [b, t] = x.shape;
    const h4 = w.wHh.shape[1];
    const hs = h4 / 4;
    let h = tf.zeros([b, hs]) as tf.Tensor2D;
    let c = tf.zeros([b, hs]) as tf.Tensor2D;
    const outs: tf.Tensor2D[] = [];
    const steps = unstackSteps(x);
    for (let s = 0; s < t; s++) {
      const g = tf.add(tf.add(tf.matMul(steps[s], w.wIh), w.bIh), tf.add(tf.matMul(h, w.wHh), w.bHh)) as tf.Tensor2D;
      const [gi, gf, gg, go] = tf.split(g, 4, 1);
      c = tf.add(tf.mul(tf.sigmoid(gf), c), tf.mul(tf.sigmoid(gi), tf.tanh(gg)));
      h = tf.mul(tf.sigmoid(go), tf.tanh(c));
      outs.push(h);
    }
    return tf.stack(outs, 1) as tf.Tensor3D;
  },
  gru(x, w: GruWeights) {
    const [b, t] = x.shape;
    const hs = w.wHh.shape[1] / 3;
    let h = tf.zeros([b, hs]) as tf.Tensor2D;
    const outs: tf.Tensor2D[] = [];
    const steps = unstackSteps(x);
    for (let s = 0; s < t; s++) {
      const [xr, xz, xn] = tf.split(tf.add(tf.matMul(steps[s], w.wIh), w.bIh), 3, 1);
      const [hr, hz, hn] = tf.split(tf.add(tf.matMul(h, w.wHh), w.bHh), 3, 1);
      const r = tf.sigmoid(tf.add(xr, hr));
      const z = tf.sigmoid(tf.add(xz, hz));
      const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
      h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D;
      outs.push(h);
    }
    return tf.stack(outs, 1) as tf.Tensor3D;
  },
  linear(x, w, b) {
    const y = tf.matMul(x, w);
    return (b ? tf.add(y, b) : y) as tf.Tensor2D;
  },
  bmm(a, b) {
    return tf.matMul(a, b) as tf.Tensor3D;
  },
};
