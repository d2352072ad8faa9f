// A matrix product on packed panels (the Goto / BLIS scheme, sized for WebAssembly's 128-bit SIMD and
// x86's 16 vector registers): op(A) is packed into panels of 4 rows and op(B) into panels of 8
// columns, both k-major, so the 4 × 8 micro-kernel reads two plain sequential streams whatever the
// operands' strides or transposes; a panel of B (KC × 8) stays in L1 while the rows of a block of A
// (MC × KC, in L2) pass over it. Weights are packed once a training step, activations per product.
import { ld, st, vld, vst } from './simd-math';

const MR = 4;
const NR = 8;
/** Depth of a K block: a B panel is KC × 8 floats = 8 KiB. */
const KC = 256;
/** Rows of A per block: 64 × KC floats = 64 KiB. */
const MC = 64;

/** Floats that packA needs for an M × K operand. */
export function packedASize(M: i32, K: i32): i32 {
  return ((M + MR - 1) / MR) * MR * K;
}

/** Floats that packB needs for a K × N operand. */
export function packedBSize(K: i32, N: i32): i32 {
  return ((N + NR - 1) / NR) * NR * K;
}

/**
 * Packs op(A) [M, K], A(i, k) = a[i·sai + k·sak], into panels of 4 rows: panel p holds rows 4p..4p+3
 * k-major (out[p·4K + 4k + r]); rows past M are zeros.
 */
export function packA(a: usize, sai: i32, sak: i32, M: i32, K: i32, out: usize): void {
  const panels = (M + MR - 1) / MR;
  for (let p = 0; p < panels; p++) {
    const dst = out + (<usize>(p * MR * K) << 2);
    const i0 = p * MR;
    if (i0 + MR <= M && sai == 1) {
      // op(A) is a transpose: the panel's 4 values of each k are side by side already.
      for (let k = 0; k < K; k++) v128.store(dst + (<usize>(k * MR) << 2), v128.load(a + (<usize>(k * sak + i0) << 2)));
      continue;
    }
    if (i0 + MR <= M && sak == 1) {
      // Row-major: 4 × 4 blocks transposed in registers.
      const r0 = a + (<usize>(i0 * sai) << 2);
      const r1 = r0 + (<usize>sai << 2);
      const r2 = r1 + (<usize>sai << 2);
      const r3 = r2 + (<usize>sai << 2);
      let k = 0;
      for (; k + 4 <= K; k += 4) {
        const o = <usize>k << 2;
        const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o), x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
        const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5); // a0 b0 a1 b1
        const t1 = i32x4.shuffle(x2, x3, 0, 4, 1, 5); // c0 d0 c1 d1
        const t2 = i32x4.shuffle(x0, x1, 2, 6, 3, 7); // a2 b2 a3 b3
        const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7); // c2 d2 c3 d3
        const d = dst + (<usize>(k * MR) << 2);
        v128.store(d, i64x2.shuffle(t0, t1, 0, 2));
        v128.store(d, i64x2.shuffle(t0, t1, 1, 3), 16);
        v128.store(d, i64x2.shuffle(t2, t3, 0, 2), 32);
        v128.store(d, i64x2.shuffle(t2, t3, 1, 3), 48);
      }
      for (; k < K; k++) {
        st(dst, k * MR, ld(r0, k)); st(dst, k * MR + 1, ld(r1, k)); st(dst, k * MR + 2, ld(r2, k)); st(dst, k * MR + 3, ld(r3, k));
      }
      continue;
    }
    for (let r = 0; r < MR; r++) {
      const i = i0 + r;
      if (i < M) {
        const src = a + (<usize>(i * sai) << 2);
        for (let k = 0; k < K; k++) st(dst, k * MR + r, ld(src, k * sak));
      } else for (let k = 0; k < K; k++) st(dst, k * MR + r, 0);
    }
  }
}

/**
 * Packs op(B) [K, N], B(k, j) = b[k·sbk + j·sbj], into panels of 8 columns: panel q holds columns
 * 8q..8q+7 k-major (out[q·8K + 8k + c]); columns past N are zeros.
 */
export function packB(b: usize, sbk: i32, sbj: i32, K: i32, N: i32, out: usize): void {
  const panels = (N + NR - 1) / NR;
  for (let q = 0; q < panels; q++) {
    const dst = out + (<usize>(q * NR * K) << 2);
    const j0 = q * NR;
    if (sbj == 1 && j0 + NR <= N) {
      for (let k = 0; k < K; k++) {
        const src = b + (<usize>(k * sbk + j0) << 2);
        v128.store(dst + (<usize>(k * NR) << 2), v128.load(src));
        v128.store(dst + (<usize>(k * NR) << 2), v128.load(src, 16), 16);
      }
    } else {
      for (let c = 0; c < NR; c++) {
        const j = j0 + c;
        if (j < N) for (let k = 0; k < K; k++) st(dst, k * NR + c, ld(b, k * sbk + j * sbj));
        else for (let k = 0; k < K; k++) st(dst, k * NR + c, 0);
      }
    }
  }
}

/**
 * C[M, N] (+)= A · B from packed panels (packA, packB of the same M, K, N); C(i, j) = c[i·ldc + j].
 * edge: 32 floats of the calling thread's own (edge blocks pass through it; memory is shared).
 */
export function gemmPacked(pa: usize, pb: usize, c: usize, ldc: i32, M: i32, K: i32, N: i32, acc: i32, edge: usize): void {
  const aPanels = (M + MR - 1) / MR;
  const bPanels = (N + NR - 1) / NR;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const add = k0 > 0 ? 1 : acc;
    for (let p0 = 0; p0 < aPanels; p0 += MC / MR) {
      const p1 = min(aPanels, p0 + MC / MR);
      for (let q = 0; q < bPanels; q++) {
        const bp = pb + (<usize>(q * NR * K + k0 * NR) << 2);
        const j0 = q * NR;
        for (let p = p0; p < p1; p++) {
          const ap = pa + (<usize>(p * MR * K + k0 * MR) << 2);
          micro(ap, bp, kc, c, ldc, p * MR, j0, min(MR, M - p * MR), min(NR, N - j0), add, edge);
        }
      }
    }
  }
}

/** The 4 × 8 block of C at (i0, j0) (rows × cols valid of it) (+)= a 4-row panel · an 8-column panel over kc. */
// @ts-ignore: decorator
@inline function micro(ap: usize, bp: usize, kc: i32, c: usize, ldc: i32, i0: i32, j0: i32, rows: i32, cols: i32, acc: i32, tmp: usize): void {
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
  let a = ap;
  let b = bp;
  const end = ap + (<usize>(kc * MR) << 2);
  while (a < end) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const x0 = v128.load32_splat(a);
    const x1 = v128.load32_splat(a, 4);
    const x2 = v128.load32_splat(a, 8);
    const x3 = v128.load32_splat(a, 12);
    s00 = f32x4.add(s00, f32x4.mul(x0, b0));
    s01 = f32x4.add(s01, f32x4.mul(x0, b1));
    s10 = f32x4.add(s10, f32x4.mul(x1, b0));
    s11 = f32x4.add(s11, f32x4.mul(x1, b1));
    s20 = f32x4.add(s20, f32x4.mul(x2, b0));
    s21 = f32x4.add(s21, f32x4.mul(x2, b1));
    s30 = f32x4.add(s30, f32x4.mul(x3, b0));
    s31 = f32x4.add(s31, f32x4.mul(x3, b1));
    a += MR << 2;
    b += NR << 2;
  }
  const c0 = c + (<usize>(i0 * ldc + j0) << 2);
  if (rows == MR && cols == NR) {
    const c1 = c0 + (<usize>ldc << 2);
    const c2 = c1 + (<usize>ldc << 2);
    const c3 = c2 + (<usize>ldc << 2);
    if (acc) {
      s00 = f32x4.add(s00, v128.load(c0)); s01 = f32x4.add(s01, v128.load(c0, 16));
      s10 = f32x4.add(s10, v128.load(c1)); s11 = f32x4.add(s11, v128.load(c1, 16));
      s20 = f32x4.add(s20, v128.load(c2)); s21 = f32x4.add(s21, v128.load(c2, 16));
      s30 = f32x4.add(s30, v128.load(c3)); s31 = f32x4.add(s31, v128.load(c3, 16));
    }
    v128.store(c0, s00); v128.store(c0, s01, 16);
    v128.store(c1, s10); v128.store(c1, s11, 16);
    v128.store(c2, s20); v128.store(c2, s21, 16);
    v128.store(c3, s30); v128.store(c3, s31, 16);
    return;
  }
  // An edge block: through a small buffer, only the valid part to C.
  v128.store(tmp, s00); v128.store(tmp, s01, 16);
  v128.store(tmp, s10, 32); v128.store(tmp, s11, 48);
  v128.store(tmp, s20, 64); v128.store(tmp, s21, 80);
  v128.store(tmp, s30, 96); v128.store(tmp, s31, 112);
  for (let r = 0; r < rows; r++) {
    const cr = c0 + (<usize>(r * ldc) << 2);
    for (let j = 0; j < cols; j++) st(cr, j, acc ? ld(cr, j) + ld(tmp, r * NR + j) : ld(tmp, r * NR + j));
  }
}
