// Whole training steps of the recurrent classifiers in WebAssembly SIMD (AssemblyScript), on one
// memory shared by every thread of a run (src/core/training/step/). Built by `npm run build:kernels`
// into src/core/training/step/train-step-wasm.ts. The JS side lays the memory out once (weights,
// AdamW moments, one gradient buffer and one work area per thread) and calls these in a fixed plan.
//
// Sequences are time-major inside the module ([T, B, ·]): the rows of one step are contiguous, so the
// recurrent product of a step, the input projection of all steps and the weight gradients over all
// steps are each one matrix product. Every array is f32 (labels i32), addressed by a byte pointer.
// LSTM gates i, f, g, o; GRU gates r, z, n with the reset gate after the hidden product (PyTorch).

import { ld, st, vld, vst } from './simd-math';
import { gruBackwardRow, gruForwardRow, lstmBackwardRow, lstmForwardRow } from './recurrent-cells';
import { gemmPacked, packA } from './packed-matrix';
export { addRows, colsum, gemm, transpose } from './matrix';
export { gemmPacked, packA, packB, packedASize, packedBSize } from './packed-matrix';
export { addDropped, addPositions, attentionBackward, attentionForward, layerNormBackward, layerNormForward, maskedMean, maskedMeanBackward, relu, reluBackward, validFrames } from './transformer-step';

// ---- small vector helpers ---------------------------------------------------------------------

/** out[n] = a[n] + b[n]. */
export function addVec(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) vst(out, i, f32x4.add(vld(a, i), vld(b, i)));
  for (; i < n; i++) st(out, i, ld(a, i) + ld(b, i));
}

/** out[n] = a[n] · mask[n] (dropout with its mask already scaled by 1 / keep). */
export function mulVec(a: usize, mask: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) vst(out, i, f32x4.mul(vld(a, i), vld(mask, i)));
  for (; i < n; i++) st(out, i, ld(a, i) * ld(mask, i));
}

/** a[n] = 0. */
export function zero(a: usize, n: i32): void {
  memory.fill(a, 0, <usize>n << 2);
}

// ---- dropout masks -------------------------------------------------------------------------------

/**
 * Fills a dropout mask for B sequences of T × H, stored time-major ([T, B, H]) but drawn in the
 * order src/core/models/dropout.ts draws a [B, T, H] mask, from the same generator: sfc32
 * (src/core/dataset/seeded-random.ts), whose four words are read from and written back to state.
 * An element is kept, as scale (1 / keep), when the draw / 2^32 < keep, exactly as in JS.
 */
export function dropoutMask(state: usize, mask: usize, B: i32, T: i32, H: i32, keep: f64, scale: f32): void {
  for (let bi = 0; bi < B; bi++) {
    for (let t = 0; t < T; t++) dropoutFill(state, mask + (<usize>((t * B + bi) * H) << 2), H, keep, scale);
  }
}

/** A dropout mask of n elements in storage order (batch-major tensors), from the same generator. */
export function dropoutFill(state: usize, mask: usize, n: i32, keep: f64, scale: f32): void {
  let a = load<u32>(state), b = load<u32>(state, 4), c = load<u32>(state, 8), d = load<u32>(state, 12);
  for (let j = 0; j < n; j++) {
    const r = a + b + d;
    d += 1;
    a = b ^ (b >>> 9);
    b = c + (c << 3);
    c = rotl<u32>(c, 21) + r;
    st(mask, j, <f64>r / 4294967296.0 < keep ? scale : 0);
  }
  store<u32>(state, a);
  store<u32>(state, b, 4);
  store<u32>(state, c, 8);
  store<u32>(state, d, 12);
}

// ---- LSTM, time-major ---------------------------------------------------------------------------

/**
 * Forward over the sequence. gates [T, B, 4H] holds x·W_ih + b_ih + b_hh on entry and the activated
 * gates on return; cs and hs [T, B, H] receive every cell and hidden state. whhP: W_hh [H, 4H] packed
 * (packB); aP: scratch for a packed step (packedASize(B, H)); edge: 32 floats of scratch.
 */
export function lstmForwardTM(gates: usize, whhP: usize, B: i32, T: i32, H: i32, cs: usize, hs: usize, aP: usize, edge: usize): void {
  const G = 4 * H;
  for (let t = 0; t < T; t++) {
    const gt = gates + (<usize>(t * B * G) << 2);
    if (t > 0) {
      packA(hs + (<usize>((t - 1) * B * H) << 2), H, 1, B, H, aP);
      gemmPacked(aP, whhP, gt, G, B, H, G, 1, edge);
    }
    for (let b = 0; b < B; b++) {
      const row = gt + (<usize>(b * G) << 2);
      const c = cs + (<usize>((t * B + b) * H) << 2);
      const h = hs + (<usize>((t * B + b) * H) << 2);
      const cp = c - (<usize>(B * H) << 2);
      lstmForwardRow(row, cp, c, h, H, t > 0);
    }
  }
}

/**
 * Backward through time. dy [T, B, H]: the loss's gradient of every hidden state from above;
 * whhTP: W_hhᵀ [4H, H] packed. Writes dG [T, B, 4H], the gradient of the gates' pre-activations.
 * dh, dc [B, H], aP (packedASize(B, 4H)) and edge are scratch.
 */
export function lstmBackwardTM(dy: usize, whhTP: usize, gates: usize, cs: usize, B: i32, T: i32, H: i32, dG: usize, dh: usize, dc: usize, aP: usize, edge: usize): void {
  const G = 4 * H;
  memory.fill(dh, 0, <usize>(B * H) << 2);
  memory.fill(dc, 0, <usize>(B * H) << 2);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const row = gates + (<usize>((t * B + b) * G) << 2);
      const drow = dG + (<usize>((t * B + b) * G) << 2);
      const c = cs + (<usize>((t * B + b) * H) << 2);
      const cp = c - (<usize>(B * H) << 2);
      const dyr = dy + (<usize>((t * B + b) * H) << 2);
      const dhr = dh + (<usize>(b * H) << 2);
      const dcr = dc + (<usize>(b * H) << 2);
      lstmBackwardRow(row, drow, c, cp, dyr, dhr, dcr, H, t > 0);
    }
    if (t > 0) {
      packA(dG + (<usize>(t * B * G) << 2), G, 1, B, G, aP);
      gemmPacked(aP, whhTP, dh, H, B, G, H, 0, edge);
    }
  }
}

// ---- GRU, time-major ----------------------------------------------------------------------------

/**
 * Forward over the sequence. gates [T, B, 3H] holds x·W_ih + b_ih on entry and the activated r, z, n
 * on return; hn [T, B, H] receives the n gate's hidden product h·W_hh + b_hh (for the backward pass);
 * hs [T, B, H] every hidden state; whhP: W_hh [H, 3H] packed; hw [B, 3H], aP (packedASize(B, H)) and
 * edge are scratch.
 */
export function gruForwardTM(gates: usize, whhP: usize, bhh: usize, B: i32, T: i32, H: i32, hn: usize, hs: usize, hw: usize, aP: usize, edge: usize): void {
  const G = 3 * H;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) memory.copy(hw + (<usize>(b * G) << 2), bhh, <usize>G << 2);
    if (t > 0) {
      packA(hs + (<usize>((t - 1) * B * H) << 2), H, 1, B, H, aP);
      gemmPacked(aP, whhP, hw, G, B, H, G, 1, edge);
    }
    for (let b = 0; b < B; b++) {
      const row = gates + (<usize>((t * B + b) * G) << 2);
      const w = hw + (<usize>(b * G) << 2);
      const h = hs + (<usize>((t * B + b) * H) << 2);
      const hp = h - (<usize>(B * H) << 2);
      const n0 = hn + (<usize>((t * B + b) * H) << 2);
      gruForwardRow(row, w, hp, n0, h, H, t > 0);
    }
  }
}

/**
 * Backward through time. Writes dXG [T, B, 3H] (gradient of x·W_ih + b_ih) and dHW [T, B, 3H]
 * (gradient of h·W_hh + b_hh); whhTP: W_hhᵀ [3H, H] packed; dh [B, H], aP (packedASize(B, 3H)) and
 * edge are scratch.
 */
export function gruBackwardTM(dy: usize, whhTP: usize, gates: usize, hn: usize, hs: usize, B: i32, T: i32, H: i32, dXG: usize, dHW: usize, dh: usize, aP: usize, edge: usize): void {
  const G = 3 * H;
  memory.fill(dh, 0, <usize>(B * H) << 2);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const row = gates + (<usize>((t * B + b) * G) << 2);
      const dx = dXG + (<usize>((t * B + b) * G) << 2);
      const dw = dHW + (<usize>((t * B + b) * G) << 2);
      const n0 = hn + (<usize>((t * B + b) * H) << 2);
      const hp = hs + (<usize>(((t - 1) * B + b) * H) << 2);
      const dyr = dy + (<usize>((t * B + b) * H) << 2);
      const dhr = dh + (<usize>(b * H) << 2);
      gruBackwardRow(row, dx, dw, n0, hp, dyr, dhr, H, t > 0);
    }
    if (t > 0) {
      packA(dHW + (<usize>(t * B * G) << 2), G, 1, B, G, aP);
      gemmPacked(aP, whhTP, dh, H, B, G, H, 1, edge);
    }
  }
}

// ---- the loss ------------------------------------------------------------------------------------

/**
 * Softmax cross-entropy of logits [B, C] against labels y [B] (i32). Adds the summed loss and the
 * number of right answers (argmax, first of equals, as tf.argMax) to out[0] and out[1], and writes
 * dlogits = (softmax - onehot) · scale (scale = 1 / the whole batch's size: the loss is its mean).
 */
export function softmaxCrossEntropy(logits: usize, y: usize, B: i32, C: i32, scale: f32, dlogits: usize, out: usize): void {
  let lossSum: f64 = 0;
  let hits: i32 = 0;
  for (let b = 0; b < B; b++) {
    const row = logits + (<usize>(b * C) << 2);
    const drow = dlogits + (<usize>(b * C) << 2);
    const label = load<i32>(y + (<usize>b << 2));
    let best = 0;
    let max = ld(row, 0);
    for (let j = 1; j < C; j++) {
      const v = ld(row, j);
      if (v > max) {
        max = v;
        best = j;
      }
    }
    if (best == label) hits++;
    let sum: f32 = 0;
    for (let j = 0; j < C; j++) {
      const e = Mathf.exp(ld(row, j) - max);
      st(drow, j, e);
      sum += e;
    }
    lossSum += <f64>(Mathf.log(sum) - (ld(row, label) - max));
    const inv = <f32>1 / sum;
    for (let j = 0; j < C; j++) st(drow, j, (ld(drow, j) * inv - (j == label ? <f32>1 : <f32>0)) * scale);
  }
  st(out, 0, ld(out, 0) + <f32>lossSum);
  st(out, 1, ld(out, 1) + <f32>hits);
}

// ---- AdamW over the summed gradients ----------------------------------------------------------------

/**
 * AdamW on parameters [from, to) as torch.optim.AdamW and src/core/training/adamw.ts compute it:
 * g = the slices' gradients summed in slice order (`slices` buffers `stride` floats apart), then
 * m = β1·m + (1-β1)·g, v = β2·v + (1-β2)·g², p = p·(1 - lr·wd) - lr·(m / bc1) / (sqrt(v / bc2) + eps).
 * The step's scalars are read from s, computed by the caller in double precision as adamw.ts does:
 * [lr, 1 - lr·wd, β1, β2, 1 - β1, 1 - β2, bc1, bc2, eps].
 */
export function adamw(p: usize, grads: usize, slices: i32, stride: i32, m: usize, v: usize, from: i32, to: i32, s: usize): void {
  const lr = ld(s, 0), decay = ld(s, 1), b1 = ld(s, 2), b2 = ld(s, 3), c1 = ld(s, 4), c2 = ld(s, 5), bc1 = ld(s, 6), bc2 = ld(s, 7), eps = ld(s, 8);
  const vdecay = f32x4.splat(decay);
  const vlr = f32x4.splat(lr), vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2), vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2);
  const vbc1 = f32x4.splat(bc1), vbc2 = f32x4.splat(bc2), veps = f32x4.splat(eps);
  const gstride = <usize>stride << 2;
  let i = from;
  for (; i + 4 <= to; i += 4) {
    let gp = grads;
    let g = vld(gp, i);
    for (let k = 1; k < slices; k++) {
      gp += gstride;
      g = f32x4.add(g, vld(gp, i));
    }
    const mv = f32x4.add(f32x4.mul(vld(m, i), vb1), f32x4.mul(g, vc1));
    const vv = f32x4.add(f32x4.mul(vld(v, i), vb2), f32x4.mul(f32x4.mul(g, g), vc2));
    vst(m, i, mv);
    vst(v, i, vv);
    const update = f32x4.div(f32x4.div(mv, vbc1), f32x4.add(f32x4.sqrt(f32x4.div(vv, vbc2)), veps));
    vst(p, i, f32x4.sub(f32x4.mul(vld(p, i), vdecay), f32x4.mul(update, vlr)));
  }
  for (; i < to; i++) {
    let gp = grads;
    let g = ld(gp, i);
    for (let k = 1; k < slices; k++) {
      gp += gstride;
      g += ld(gp, i);
    }
    const mv = ld(m, i) * b1 + g * c1;
    const vv = ld(v, i) * b2 + g * g * c2;
    st(m, i, mv);
    st(v, i, vv);
    const update = mv / bc1 / (Mathf.sqrt(vv / bc2) + eps);
    st(p, i, ld(p, i) * decay - update * lr);
  }
}

/** Where the module's static data (Mathf's tables) ends: the JS side's arena starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
