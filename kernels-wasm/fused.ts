// Fused training kernels for Gesture Studio (AssemblyScript, WebAssembly SIMD). Built by
// `npm run build:kernels` into src/core/models/kernels/fused-wasm.ts (the module as base64).
// Every array is f32, row-major, addressed by a byte pointer into this module's memory that the
// JS side allocates (src/core/models/kernels/fused-runtime.ts); strides are in floats.
// LSTM gates i, f, g, o; GRU gates r, z, n with the reset gate after the hidden product (PyTorch).

import { gruBackwardRow, gruForwardRow, lstmBackwardRow, lstmForwardRow } from './recurrent-cells';
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
      lstmForwardRow(row, cp, c, h, H, t > 0);
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
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const row = gates + (<usize>((b * T + t) * G) << 2);
      const drow = dG + (<usize>((b * T + t) * G) << 2);
      const c = cs + (<usize>((b * T + t) * H) << 2);
      const cp = c - (<usize>H << 2);
      const dyr = dy + (<usize>((b * T + t) * H) << 2);
      const dh = dhn + (<usize>(b * H) << 2);
      const dc = dcn + (<usize>(b * H) << 2);
      lstmBackwardRow(row, drow, c, cp, dyr, dh, dc, H, t > 0);
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
      gruForwardRow(row, w, hp, n0, h, H, t > 0);
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
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const row = gates + (<usize>((b * T + t) * G) << 2);
      const dx = dXG + (<usize>((b * T + t) * G) << 2);
      const dw = dHW + (<usize>((b * T + t) * G) << 2);
      const n0 = hn + (<usize>((b * T + t) * H) << 2);
      const hp = hs + (<usize>((b * T + t - 1) * H) << 2);
      const dyr = dy + (<usize>((b * T + t) * H) << 2);
      const dh = dhn + (<usize>(b * H) << 2);
      gruBackwardRow(row, dx, dw, n0, hp, dyr, dh, H, t > 0);
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
