// Whole training steps of the recurrent classifiers in WebAssembly SIMD (AssemblyScript), on one
// memory shared by every thread of a run (src/core/training/step/). Built by `npm run build:kernels`
// into src/core/training/step/train-step-wasm.ts. The JS side lays the memory out once (weights,
// AdamW moments, one gradient buffer and one work area per thread) and calls these in a fixed plan.
//
// Sequences are time-major inside the module ([T, B, ·]): the rows of one step are contiguous, so the
// recurrent product of a step, the input projection of all steps and the weight gradients over all
// steps are each one matrix product. Every array is f32 (labels i32), addressed by a byte pointer.
// LSTM gates i, f, g, o; GRU gates r, z, n with the reset gate after the hidden product (PyTorch).

import { ld, ssigmoid, st, stanh, vld, vsigmoid, vst, vtanh } from './simd-math';
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
      let j = 0;
      for (; j + 4 <= H; j += 4) {
        const i = vsigmoid(vld(row, j));
        const f = vsigmoid(vld(row, H + j));
        const g = vtanh(vld(row, 2 * H + j));
        const o = vsigmoid(vld(row, 3 * H + j));
        let cv = f32x4.mul(i, g);
        if (t > 0) cv = f32x4.add(cv, f32x4.mul(f, vld(cp, j)));
        vst(row, j, i); vst(row, H + j, f); vst(row, 2 * H + j, g); vst(row, 3 * H + j, o);
        vst(c, j, cv);
        vst(h, j, f32x4.mul(o, vtanh(cv)));
      }
      for (; j < H; j++) {
        const i = ssigmoid(ld(row, j));
        const f = ssigmoid(ld(row, H + j));
        const g = stanh(ld(row, 2 * H + j));
        const o = ssigmoid(ld(row, 3 * H + j));
        let cv = i * g;
        if (t > 0) cv += f * ld(cp, j);
        st(row, j, i); st(row, H + j, f); st(row, 2 * H + j, g); st(row, 3 * H + j, o);
        st(c, j, cv);
        st(h, j, o * stanh(cv));
      }
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
  const one = f32x4.splat(1.0);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const row = gates + (<usize>((t * B + b) * G) << 2);
      const drow = dG + (<usize>((t * B + b) * G) << 2);
      const c = cs + (<usize>((t * B + b) * H) << 2);
      const cp = c - (<usize>(B * H) << 2);
      const dyr = dy + (<usize>((t * B + b) * H) << 2);
      const dhr = dh + (<usize>(b * H) << 2);
      const dcr = dc + (<usize>(b * H) << 2);
      let j = 0;
      for (; j + 4 <= H; j += 4) {
        const i = vld(row, j), f = vld(row, H + j), g = vld(row, 2 * H + j), o = vld(row, 3 * H + j);
        const tc = vtanh(vld(c, j));
        const dhv = f32x4.add(vld(dyr, j), vld(dhr, j));
        const dcv = f32x4.add(vld(dcr, j), f32x4.mul(f32x4.mul(dhv, o), f32x4.sub(one, f32x4.mul(tc, tc))));
        const cpv = t > 0 ? vld(cp, j) : f32x4.splat(0);
        vst(dcr, j, f32x4.mul(dcv, f));
        vst(drow, j, f32x4.mul(f32x4.mul(dcv, g), f32x4.mul(i, f32x4.sub(one, i))));
        vst(drow, H + j, f32x4.mul(f32x4.mul(dcv, cpv), f32x4.mul(f, f32x4.sub(one, f))));
        vst(drow, 2 * H + j, f32x4.mul(f32x4.mul(dcv, i), f32x4.sub(one, f32x4.mul(g, g))));
        vst(drow, 3 * H + j, f32x4.mul(f32x4.mul(dhv, tc), f32x4.mul(o, f32x4.sub(one, o))));
      }
      for (; j < H; j++) {
        const i = ld(row, j), f = ld(row, H + j), g = ld(row, 2 * H + j), o = ld(row, 3 * H + j);
        const tc = stanh(ld(c, j));
        const dhv = ld(dyr, j) + ld(dhr, j);
        const dcv = ld(dcr, j) + dhv * o * (1 - tc * tc);
        const cpv: f32 = t > 0 ? ld(cp, j) : 0;
        st(dcr, j, dcv * f);
        st(drow, j, dcv * g * (i * (1 - i)));
        st(drow, H + j, dcv * cpv * (f * (1 - f)));
        st(drow, 2 * H + j, dcv * i * (1 - g * g));
        st(drow, 3 * H + j, dhv * tc * (o * (1 - o)));
      }
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
      let j = 0;
      for (; j + 4 <= H; j += 4) {
        const r = vsigmoid(f32x4.add(vld(row, j), vld(w, j)));
        const z = vsigmoid(f32x4.add(vld(row, H + j), vld(w, H + j)));
        const hnv = vld(w, 2 * H + j);
        const n = vtanh(f32x4.add(vld(row, 2 * H + j), f32x4.mul(r, hnv)));
        const hpv = t > 0 ? vld(hp, j) : f32x4.splat(0);
        vst(row, j, r); vst(row, H + j, z); vst(row, 2 * H + j, n);
        vst(n0, j, hnv);
        vst(h, j, f32x4.add(n, f32x4.mul(z, f32x4.sub(hpv, n))));
      }
      for (; j < H; j++) {
        const r = ssigmoid(ld(row, j) + ld(w, j));
        const z = ssigmoid(ld(row, H + j) + ld(w, H + j));
        const hnv = ld(w, 2 * H + j);
        const n = stanh(ld(row, 2 * H + j) + r * hnv);
        const hpv: f32 = t > 0 ? ld(hp, j) : 0;
        st(row, j, r); st(row, H + j, z); st(row, 2 * H + j, n);
        st(n0, j, hnv);
        st(h, j, n + z * (hpv - n));
      }
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
  const one = f32x4.splat(1.0);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const row = gates + (<usize>((t * B + b) * G) << 2);
      const dx = dXG + (<usize>((t * B + b) * G) << 2);
      const dw = dHW + (<usize>((t * B + b) * G) << 2);
      const n0 = hn + (<usize>((t * B + b) * H) << 2);
      const hp = hs + (<usize>(((t - 1) * B + b) * H) << 2);
      const dyr = dy + (<usize>((t * B + b) * H) << 2);
      const dhr = dh + (<usize>(b * H) << 2);
      let j = 0;
      for (; j + 4 <= H; j += 4) {
        const r = vld(row, j), z = vld(row, H + j), n = vld(row, 2 * H + j);
        const hpv = t > 0 ? vld(hp, j) : f32x4.splat(0);
        const dhv = f32x4.add(vld(dyr, j), vld(dhr, j));
        const dAn = f32x4.mul(f32x4.mul(dhv, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
        const dAr = f32x4.mul(f32x4.mul(dAn, vld(n0, j)), f32x4.mul(r, f32x4.sub(one, r)));
        const dAz = f32x4.mul(f32x4.mul(dhv, f32x4.sub(hpv, n)), f32x4.mul(z, f32x4.sub(one, z)));
        vst(dx, j, dAr); vst(dx, H + j, dAz); vst(dx, 2 * H + j, dAn);
        vst(dw, j, dAr); vst(dw, H + j, dAz); vst(dw, 2 * H + j, f32x4.mul(dAn, r));
        vst(dhr, j, f32x4.mul(dhv, z));
      }
      for (; j < H; j++) {
        const r = ld(row, j), z = ld(row, H + j), n = ld(row, 2 * H + j);
        const hpv: f32 = t > 0 ? ld(hp, j) : 0;
        const dhv = ld(dyr, j) + ld(dhr, j);
        const dAn = dhv * (1 - z) * (1 - n * n);
        const dAr = dAn * ld(n0, j) * (r * (1 - r));
        const dAz = dhv * (hpv - n) * (z * (1 - z));
        st(dx, j, dAr); st(dx, H + j, dAz); st(dx, 2 * H + j, dAn);
        st(dw, j, dAr); st(dw, H + j, dAz); st(dw, 2 * H + j, dAn * r);
        st(dhr, j, dhv * z);
      }
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
