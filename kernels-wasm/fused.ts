// Fused training kernels for Gesture Studio (AssemblyScript, WebAssembly SIMD). Built by
// `npm run build:kernels` into src/core/models/kernels/fused-wasm.ts (the module as base64).
// Every array is f32, row-major, addressed by a byte pointer into this module's memory that the
// JS side allocates (src/core/models/kernels/fused-runtime.ts); strides are in floats.
// LSTM gates i, f, g, o; GRU gates r, z, n with the reset gate after the hidden product (PyTorch).

import { ssigmoid, stanh, vld, vsigmoid, vst, vtanh, ld, st } from './simd-math';
import { gemm } from './matrix';
export { addRows, colsum, gemm, transpose } from './matrix';

// ---- LSTM --------------------------------------------------------------------------------------

/**
 * Forward over a whole sequence. gates [B, T, 4H] holds x·W_ih + b_ih + b_hh on entry and the
 * activated gates (i, f, g, o) on return; cs and hs [B, T, H] receive every cell and hidden state.
 */
export function lstmForward(gates: usize, whh: usize, B: i32, T: i32, H: i32, cs: usize, hs: usize): void {
  const G = 4 * H;
  for (let t = 0; t < T; t++) {
    if (t > 0) gemm(hs + (<usize>((t - 1) * H) << 2), T * H, 1, whh, G, gates + (<usize>(t * G) << 2), T * G, B, H, G, 1);
    for (let b = 0; b < B; b++) {
      const row = gates + (<usize>((b * T + t) * G) << 2);
      const c = cs + (<usize>((b * T + t) * H) << 2);
      const h = hs + (<usize>((b * T + t) * H) << 2);
      const cp = c - (<usize>H << 2);
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
 * Backward through time. dy [B, T, H] is the gradient of every hidden state; whhT [4H, H];
 * gates and cs as the forward left them. Writes dG [B, T, 4H], the gradient of the gates'
 * pre-activations (from which the caller takes the weight, bias and input gradients by products).
 * dhn, dcn [B, H] are scratch.
 */
export function lstmBackward(dy: usize, whhT: usize, gates: usize, cs: usize, B: i32, T: i32, H: i32, dG: usize, dhn: usize, dcn: usize): void {
  const G = 4 * H;
  memory.fill(dhn, 0, <usize>(B * H) << 2);
  memory.fill(dcn, 0, <usize>(B * H) << 2);
  const one = f32x4.splat(1.0);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const row = gates + (<usize>((b * T + t) * G) << 2);
      const drow = dG + (<usize>((b * T + t) * G) << 2);
      const c = cs + (<usize>((b * T + t) * H) << 2);
      const cp = c - (<usize>H << 2);
      const dyr = dy + (<usize>((b * T + t) * H) << 2);
      const dh = dhn + (<usize>(b * H) << 2);
      const dc = dcn + (<usize>(b * H) << 2);
      let j = 0;
      for (; j + 4 <= H; j += 4) {
        const i = vld(row, j), f = vld(row, H + j), g = vld(row, 2 * H + j), o = vld(row, 3 * H + j);
        const tc = vtanh(vld(c, j));
        const dhv = f32x4.add(vld(dyr, j), vld(dh, j));
        const dcv = f32x4.add(vld(dc, j), f32x4.mul(f32x4.mul(dhv, o), f32x4.sub(one, f32x4.mul(tc, tc))));
        const cpv = t > 0 ? vld(cp, j) : f32x4.splat(0);
        vst(dc, j, f32x4.mul(dcv, f));
        vst(drow, j, f32x4.mul(f32x4.mul(dcv, g), f32x4.mul(i, f32x4.sub(one, i))));
        vst(drow, H + j, f32x4.mul(f32x4.mul(dcv, cpv), f32x4.mul(f, f32x4.sub(one, f))));
        vst(drow, 2 * H + j, f32x4.mul(f32x4.mul(dcv, i), f32x4.sub(one, f32x4.mul(g, g))));
        vst(drow, 3 * H + j, f32x4.mul(f32x4.mul(dhv, tc), f32x4.mul(o, f32x4.sub(one, o))));
      }
      for (; j < H; j++) {
        const i = ld(row, j), f = ld(row, H + j), g = ld(row, 2 * H + j), o = ld(row, 3 * H + j);
        const tc = stanh(ld(c, j));
        const dhv = ld(dyr, j) + ld(dh, j);
        const dcv = ld(dc, j) + dhv * o * (1 - tc * tc);
        const cpv: f32 = t > 0 ? ld(cp, j) : 0;
        st(dc, j, dcv * f);
        st(drow, j, dcv * g * (i * (1 - i)));
        st(drow, H + j, dcv * cpv * (f * (1 - f)));
        st(drow, 2 * H + j, dcv * i * (1 - g * g));
        st(drow, 3 * H + j, dhv * tc * (o * (1 - o)));
      }
    }
    if (t > 0) gemm(dG + (<usize>(t * G) << 2), T * G, 1, whhT, H, dhn, H, B, G, H, 0);
  }
}

// ---- GRU ---------------------------------------------------------------------------------------

/**
 * Forward over a whole sequence. gates [B, T, 3H] holds x·W_ih + b_ih on entry and the activated
 * r, z, n on return; hn [B, T, H] receives (h·W_hh + b_hh) of the n gate (needed by the backward),
 * hs [B, T, H] every hidden state; hw [B, 3H] is scratch.
 */
export function gruForward(gates: usize, whh: usize, bhh: usize, B: i32, T: i32, H: i32, hn: usize, hs: usize, hw: usize): void {
  const G = 3 * H;
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) memory.copy(hw + (<usize>(b * G) << 2), bhh, <usize>G << 2);
    if (t > 0) gemm(hs + (<usize>((t - 1) * H) << 2), T * H, 1, whh, G, hw, G, B, H, G, 1);
    for (let b = 0; b < B; b++) {
      const row = gates + (<usize>((b * T + t) * G) << 2);
      const w = hw + (<usize>(b * G) << 2);
      const h = hs + (<usize>((b * T + t) * H) << 2);
      const hp = h - (<usize>H << 2);
      const n0 = hn + (<usize>((b * T + t) * H) << 2);
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
 * Backward through time. Writes dXG [B, T, 3H] (gradient of x·W_ih + b_ih) and dHW [B, T, 3H]
 * (gradient of h·W_hh + b_hh); whhT [3H, H]; dhn [B, H] scratch.
 */
export function gruBackward(dy: usize, whhT: usize, gates: usize, hn: usize, hs: usize, B: i32, T: i32, H: i32, dXG: usize, dHW: usize, dhn: usize): void {
  const G = 3 * H;
  memory.fill(dhn, 0, <usize>(B * H) << 2);
  const one = f32x4.splat(1.0);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const row = gates + (<usize>((b * T + t) * G) << 2);
      const dx = dXG + (<usize>((b * T + t) * G) << 2);
      const dw = dHW + (<usize>((b * T + t) * G) << 2);
      const n0 = hn + (<usize>((b * T + t) * H) << 2);
      const hp = hs + (<usize>((b * T + t - 1) * H) << 2);
      const dyr = dy + (<usize>((b * T + t) * H) << 2);
      const dh = dhn + (<usize>(b * H) << 2);
      let j = 0;
      for (; j + 4 <= H; j += 4) {
        const r = vld(row, j), z = vld(row, H + j), n = vld(row, 2 * H + j);
        const hpv = t > 0 ? vld(hp, j) : f32x4.splat(0);
        const dhv = f32x4.add(vld(dyr, j), vld(dh, j));
        const dAn = f32x4.mul(f32x4.mul(dhv, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
        const dAr = f32x4.mul(f32x4.mul(dAn, vld(n0, j)), f32x4.mul(r, f32x4.sub(one, r)));
        const dAz = f32x4.mul(f32x4.mul(dhv, f32x4.sub(hpv, n)), f32x4.mul(z, f32x4.sub(one, z)));
        vst(dx, j, dAr); vst(dx, H + j, dAz); vst(dx, 2 * H + j, dAn);
        vst(dw, j, dAr); vst(dw, H + j, dAz); vst(dw, 2 * H + j, f32x4.mul(dAn, r));
        vst(dh, j, f32x4.mul(dhv, z));
      }
      for (; j < H; j++) {
        const r = ld(row, j), z = ld(row, H + j), n = ld(row, 2 * H + j);
        const hpv: f32 = t > 0 ? ld(hp, j) : 0;
        const dhv = ld(dyr, j) + ld(dh, j);
        const dAn = dhv * (1 - z) * (1 - n * n);
        const dAr = dAn * ld(n0, j) * (r * (1 - r));
        const dAz = dhv * (hpv - n) * (z * (1 - z));
        st(dx, j, dAr); st(dx, H + j, dAz); st(dx, 2 * H + j, dAn);
        st(dw, j, dAr); st(dw, H + j, dAz); st(dw, 2 * H + j, dAn * r);
        st(dh, j, dhv * z);
      }
    }
    if (t > 0) gemm(dHW + (<usize>(t * G) << 2), T * G, 1, whhT, H, dhn, H, B, G, H, 1);
  }
}

/** dW[H, G] (+)= Σ over b and t ≥ 1 of hs[b, t-1]ᵀ · d[b, t]: the recurrent weight gradient. */
export function recurrentWeightGrad(hs: usize, d: usize, B: i32, T: i32, H: i32, G: i32, dW: usize, acc: i32): void {
  if (!acc) memory.fill(dW, 0, <usize>(H * G) << 2);
  if (T < 2) return;
  for (let b = 0; b < B; b++) {
    gemm(hs + (<usize>(b * T * H) << 2), 1, H, d + (<usize>((b * T + 1) * G) << 2), G, dW, G, H, T - 1, G, 1);
  }
}
