import * as tf from '@tensorflow/tfjs';
import type { GruWeights, KernelSet, LstmWeights } from './kernel-set';

type CustomGradFn = Parameters<typeof tf.customGrad>[0];

/**
 * The default kernel set: the same equations as `autodiff`, with hand-written backward passes
 * (tf.customGrad). Why: tfjs-wasm runs a matmul with a transposed operand 10-20× slower than a plain
 * one, and the tape's matmul gradients use exactly those. Here every transpose is explicit and done
 * once per batch, the input projection of all time steps is one matmul, and the weight gradients of
 * all steps are one matmul each (BPTT sums them).
 */

/** Column sums of [N, M] as a matmul (faster on wasm than tf.sum over axis 0). */
function colSum(x: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, x.shape[0]]), x), [x.shape[1]]) as tf.Tensor1D;
}

/** [T, B, H] with zeros at t = 0 and x[t - 1] after: the previous step's value. */
function shiftDown(x: tf.Tensor3D): tf.Tensor3D {
  const [t, b, h] = x.shape;
  return tf.concat([tf.zeros([1, b, h]), tf.slice(x, [0, 0, 0], [t - 1, b, h])], 0) as tf.Tensor3D;
}

const lstmOp = tf.customGrad(((x: tf.Tensor3D, wIh: tf.Tensor2D, wHh: tf.Tensor2D, bIh: tf.Tensor1D, bHh: tf.Tensor1D, save: tf.GradSaveFunc) => {
  const [b, t, f] = x.shape;
  const hs = wHh.shape[0];
  const xt = tf.reshape(tf.transpose(x, [1, 0, 2]), [t * b, f]) as tf.Tensor2D;
  const xw = tf.reshape(tf.add(tf.matMul(xt, wIh), tf.add(bIh, bHh)), [t, b, 4 * hs]) as tf.Tensor3D;
  const xs = tf.unstack(xw, 0) as tf.Tensor2D[];
  let h = tf.zeros([b, hs]) as tf.Tensor2D;
  let c = tf.zeros([b, hs]) as tf.Tensor2D;
  const gs: tf.Tensor2D[] = [];
  const cs: tf.Tensor2D[] = [];
  const hsOut: tf.Tensor2D[] = [];
  for (let s = 0; s < t; s++) {
    const g = tf.add(xs[s], tf.matMul(h, wHh)) as tf.Tensor2D;
    const sg = tf.sigmoid(g);
    const i = tf.slice(sg, [0, 0], [b, hs]);
    const fg = tf.slice(sg, [0, hs], [b, hs]);
    const o = tf.slice(sg, [0, 3 * hs], [b, hs]);
    const gg = tf.tanh(tf.slice(g, [0, 2 * hs], [b, hs]));
    c = tf.add(tf.mul(fg, c), tf.mul(i, gg));
    h = tf.mul(o, tf.tanh(c));
    gs.push(g);
    cs.push(c);
    hsOut.push(h);
  }
  const G = tf.stack(gs, 0) as tf.Tensor3D;
  const C = tf.stack(cs, 0) as tf.Tensor3D;
  const Hs = tf.stack(hsOut, 0) as tf.Tensor3D;
  save([xt, wIh, wHh, G, C, Hs]);
  return {
    value: tf.transpose(Hs, [1, 0, 2]) as tf.Tensor3D,
    gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
      const [sxt, swIh, swHh, sG, sC, sH] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const sig = tf.sigmoid(sG);
      const part = (src: tf.Tensor3D, k: number) => tf.slice(src, [0, 0, k * hs], [t, b, hs]) as tf.Tensor3D;
      const I = part(sig, 0);
      const F = part(sig, 1);
      const Gg = tf.tanh(part(sG, 2));
      const O = part(sig, 3);
      const tC = tf.tanh(sC);
      const one = tf.scalar(1);
      // d(activation)/d(pre-activation), for all steps at once.
      const D = tf.concat([tf.mul(I, tf.sub(one, I)), tf.mul(F, tf.sub(one, F)), tf.sub(one, tf.square(Gg)), tf.mul(O, tf.sub(one, O))], 2) as tf.Tensor3D;
      const OdTanh = tf.mul(O, tf.sub(one, tf.square(tC))) as tf.Tensor3D;
      const Cprev = shiftDown(sC);
      const [dHs, Ds, OdTs, Cps, Is, Fs, Ggs, tCs] = [tf.transpose(dy, [1, 0, 2]) as tf.Tensor3D, D, OdTanh, Cprev, I, F, Gg, tC].map((a) => tf.unstack(a, 0) as tf.Tensor2D[]);
      const wHhT = tf.transpose(swHh) as tf.Tensor2D;
      let dhNext: tf.Tensor2D | null = null;
      let dcNext: tf.Tensor2D | null = null;
      const dGs: tf.Tensor2D[] = new Array(t);
      for (let s = t - 1; s >= 0; s--) {
        const dh = dhNext ? tf.add(dHs[s], dhNext) : dHs[s];
        const dO = tf.mul(dh, tCs[s]);
        const dcH = tf.mul(dh, OdTs[s]);
        const dc = dcNext ? tf.add(dcNext, dcH) : dcH;
        const dI = tf.mul(dc, Ggs[s]);
        const dF = tf.mul(dc, Cps[s]);
        const dGg = tf.mul(dc, Is[s]);
        dcNext = tf.mul(dc, Fs[s]) as tf.Tensor2D;
        const dG = tf.mul(tf.concat([dI, dF, dGg, dO], 1), Ds[s]) as tf.Tensor2D;
        dGs[s] = dG;
        dhNext = tf.matMul(dG, wHhT);
      }
      const dGall = tf.reshape(tf.stack(dGs, 0), [t * b, 4 * hs]) as tf.Tensor2D;
      const Hprev = tf.reshape(shiftDown(sH), [t * b, hs]) as tf.Tensor2D;
      const dWhh = tf.matMul(tf.transpose(Hprev), dGall);
      const dWih = tf.matMul(tf.transpose(sxt), dGall);
      const db = colSum(dGall);
      const dx = tf.transpose(tf.reshape(tf.matMul(dGall, tf.transpose(swIh)), [t, b, f]), [1, 0, 2]);
      return [dx, dWih, dWhh, db, db];
    },
  };
}) as unknown as CustomGradFn) as unknown as (x: tf.Tensor3D, wIh: tf.Tensor2D, wHh: tf.Tensor2D, bIh: tf.Tensor1D, bHh: tf.Tensor1D) => tf.Tensor3D;

const gruOp = tf.customGrad(((x: tf.Tensor3D, wIh: tf.Tensor2D, wHh: tf.Tensor2D, bIh: tf.Tensor1D, bHh: tf.Tensor1D, save: tf.GradSaveFunc) => {
  const [b, t, f] = x.shape;
  const hs = wHh.shape[0];
  const xt = tf.reshape(tf.transpose(x, [1, 0, 2]), [t * b, f]) as tf.Tensor2D;
  const xw = tf.reshape(tf.add(tf.matMul(xt, wIh), bIh), [t, b, 3 * hs]) as tf.Tensor3D;
  const xs = tf.unstack(xw, 0) as tf.Tensor2D[];
  let h = tf.zeros([b, hs]) as tf.Tensor2D;
  const rzs: tf.Tensor2D[] = [];
  const ns: tf.Tensor2D[] = [];
  const hns: tf.Tensor2D[] = [];
  const hsOut: tf.Tensor2D[] = [];
  for (let s = 0; s < t; s++) {
    const hw = tf.add(tf.matMul(h, wHh), bHh) as tf.Tensor2D;
    const rz = tf.sigmoid(tf.add(tf.slice(xs[s], [0, 0], [b, 2 * hs]), tf.slice(hw, [0, 0], [b, 2 * hs]))) as tf.Tensor2D;
    const r = tf.slice(rz, [0, 0], [b, hs]);
    const z = tf.slice(rz, [0, hs], [b, hs]);
    const hn = tf.slice(hw, [0, 2 * hs], [b, hs]) as tf.Tensor2D;
    const n = tf.tanh(tf.add(tf.slice(xs[s], [0, 2 * hs], [b, hs]), tf.mul(r, hn))) as tf.Tensor2D;
    h = tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D;
    rzs.push(rz);
    ns.push(n);
    hns.push(hn);
    hsOut.push(h);
  }
  const RZ = tf.stack(rzs, 0) as tf.Tensor3D;
  const N = tf.stack(ns, 0) as tf.Tensor3D;
  const HN = tf.stack(hns, 0) as tf.Tensor3D;
  const Hs = tf.stack(hsOut, 0) as tf.Tensor3D;
  save([xt, wIh, wHh, RZ, N, HN, Hs]);
  return {
    value: tf.transpose(Hs, [1, 0, 2]) as tf.Tensor3D,
    gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
      const [sxt, swIh, swHh, sRZ, sN, sHN, sH] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const one = tf.scalar(1);
      const R = tf.slice(sRZ, [0, 0, 0], [t, b, hs]) as tf.Tensor3D;
      const Z = tf.slice(sRZ, [0, 0, hs], [t, b, hs]) as tf.Tensor3D;
      const dRZf = tf.mul(sRZ, tf.sub(one, sRZ)) as tf.Tensor3D;
      const dRf = tf.slice(dRZf, [0, 0, 0], [t, b, hs]) as tf.Tensor3D;
      const dZf = tf.slice(dRZf, [0, 0, hs], [t, b, hs]) as tf.Tensor3D;
      const dNf = tf.sub(one, tf.square(sN)) as tf.Tensor3D;
      const Hprev3 = shiftDown(sH);
      const oneMinusZ = tf.sub(one, Z) as tf.Tensor3D;
      const HprevMinusN = tf.sub(Hprev3, sN) as tf.Tensor3D;
      const [dHs, Rs, Zs, dRfs, dZfs, dNfs, omZs, hmns, HNs] = [tf.transpose(dy, [1, 0, 2]) as tf.Tensor3D, R, Z, dRf, dZf, dNf, oneMinusZ, HprevMinusN, sHN].map((a) => tf.unstack(a, 0) as tf.Tensor2D[]);
      const wHhT = tf.transpose(swHh) as tf.Tensor2D;
      let dhNext: tf.Tensor2D | null = null;
      const dXGs: tf.Tensor2D[] = new Array(t);
      const dHWs: tf.Tensor2D[] = new Array(t);
      for (let s = t - 1; s >= 0; s--) {
        const dh = dhNext ? tf.add(dHs[s], dhNext) : dHs[s];
        const dAn = tf.mul(tf.mul(dh, omZs[s]), dNfs[s]);
        const dAr = tf.mul(tf.mul(dAn, HNs[s]), dRfs[s]);
        const dAz = tf.mul(tf.mul(dh, hmns[s]), dZfs[s]);
        const dXG = tf.concat([dAr, dAz, dAn], 1) as tf.Tensor2D;
        const dHW = tf.concat([dAr, dAz, tf.mul(dAn, Rs[s])], 1) as tf.Tensor2D;
        dXGs[s] = dXG;
        dHWs[s] = dHW;
        dhNext = tf.add(tf.mul(dh, Zs[s]), tf.matMul(dHW, wHhT)) as tf.Tensor2D;
      }
      const dXG = tf.reshape(tf.stack(dXGs, 0), [t * b, 3 * hs]) as tf.Tensor2D;
      const dHW = tf.reshape(tf.stack(dHWs, 0), [t * b, 3 * hs]) as tf.Tensor2D;
      const Hprev = tf.reshape(Hprev3, [t * b, hs]) as tf.Tensor2D;
      const dWhh = tf.matMul(tf.transpose(Hprev), dHW);
      const dWih = tf.matMul(tf.transpose(sxt), dXG);
      const dx = tf.transpose(tf.reshape(tf.matMul(dXG, tf.transpose(swIh)), [t, b, f]), [1, 0, 2]);
      return [dx, dWih, dWhh, colSum(dXG), colSum(dHW)];
    },
  };
}) as unknown as CustomGradFn) as unknown as (x: tf.Tensor3D, wIh: tf.Tensor2D, wHh: tf.Tensor2D, bIh: tf.Tensor1D, bHh: tf.Tensor1D) => tf.Tensor3D;

const linearOp = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), b) as tf.Tensor2D,
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dy), colSum(dy)];
    },
  };
}) as unknown as CustomGradFn) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

const linearNoBiasOp = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.matMul(x, w) as tf.Tensor2D,
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dy)];
    },
  };
}) as unknown as CustomGradFn) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

const bmmOp = tf.customGrad(((a: tf.Tensor3D, b: tf.Tensor3D, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b) as tf.Tensor3D,
    gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor3D, tf.Tensor3D];
      return [tf.matMul(dy, tf.transpose(sb, [0, 2, 1])), tf.matMul(tf.transpose(sa, [0, 2, 1]), dy)];
    },
  };
}) as unknown as CustomGradFn) as unknown as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

export const tfjsOpsKernels: KernelSet = {
  name: 'tfjs-ops',
  lstm: (x, w: LstmWeights) => lstmOp(x, w.wIh, w.wHh, w.bIh, w.bHh),
  gru: (x, w: GruWeights) => gruOp(x, w.wIh, w.wHh, w.bIh, w.bHh),
  linear: (x, w, b) => (b ? linearOp(x, w, b) : linearNoBiasOp(x, w)),
  bmm: (a, b) => bmmOp(a, b),
};
