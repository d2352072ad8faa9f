// Matrix products and small array helpers shared by the fused kernel modules.
import { ld, st, vld, vst } from './simd-math';

// ---- matrix product ----------------------------------------------------------------------------

/**
 * C[M, N] (+)= A · B with A(i, k) = a[i * sai + k * sak] (so A or its transpose, any row stride),
 * B(k, j) = b[k * ldb + j], C(i, j) = c[i * ldc + j]. Register-blocked 4 rows × 8 columns.
 */
export function gemm(a: usize, sai: i32, sak: i32, b: usize, ldb: i32, c: usize, ldc: i32, M: i32, K: i32, N: i32, acc: i32): void {
  // K in chunks, so that the rows of B one chunk reads stay in cache while every row block of A
  // passes over them (a long K otherwise streams all of B from memory once per 4 rows).
  const KC = 128;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    gemmBlock(a + (<usize>(k0 * sak) << 2), sai, sak, b + (<usize>(k0 * ldb) << 2), ldb, c, ldc, M, kc, N, k0 > 0 ? 1 : acc);
  }
}

function gemmBlock(a: usize, sai: i32, sak: i32, b: usize, ldb: i32, c: usize, ldc: i32, M: i32, K: i32, N: i32, acc: i32): void {
  const ska = <usize>sak << 2;
  const skb = <usize>ldb << 2;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = a + (<usize>(i * sai) << 2);
    const a1 = a0 + (<usize>sai << 2);
    const a2 = a1 + (<usize>sai << 2);
    const a3 = a2 + (<usize>sai << 2);
    const c0 = c + (<usize>(i * ldc) << 2);
    const c1 = c0 + (<usize>ldc << 2);
    const c2 = c1 + (<usize>ldc << 2);
    const c3 = c2 + (<usize>ldc << 2);
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      let pb = b + (<usize>j << 2);
      let off: usize = 0;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        const x0 = v128.load32_splat(a0 + off);
        const x1 = v128.load32_splat(a1 + off);
        const x2 = v128.load32_splat(a2 + off);
        const x3 = v128.load32_splat(a3 + off);
        s00 = f32x4.add(s00, f32x4.mul(x0, b0));
        s01 = f32x4.add(s01, f32x4.mul(x0, b1));
        s10 = f32x4.add(s10, f32x4.mul(x1, b0));
        s11 = f32x4.add(s11, f32x4.mul(x1, b1));
        s20 = f32x4.add(s20, f32x4.mul(x2, b0));
        s21 = f32x4.add(s21, f32x4.mul(x2, b1));
        s30 = f32x4.add(s30, f32x4.mul(x3, b0));
        s31 = f32x4.add(s31, f32x4.mul(x3, b1));
        pb += skb;
        off += ska;
      }
      if (acc) {
        s00 = f32x4.add(s00, vld(c0, j)); s01 = f32x4.add(s01, vld(c0, j + 4));
        s10 = f32x4.add(s10, vld(c1, j)); s11 = f32x4.add(s11, vld(c1, j + 4));
        s20 = f32x4.add(s20, vld(c2, j)); s21 = f32x4.add(s21, vld(c2, j + 4));
        s30 = f32x4.add(s30, vld(c3, j)); s31 = f32x4.add(s31, vld(c3, j + 4));
      }
      vst(c0, j, s00); vst(c0, j + 4, s01);
      vst(c1, j, s10); vst(c1, j + 4, s11);
      vst(c2, j, s20); vst(c2, j + 4, s21);
      vst(c3, j, s30); vst(c3, j + 4, s31);
    }
    for (; j + 4 <= N; j += 4) {
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      let pb = b + (<usize>j << 2);
      let off: usize = 0;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(pb);
        s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(a0 + off), b0));
        s1 = f32x4.add(s1, f32x4.mul(v128.load32_splat(a1 + off), b0));
        s2 = f32x4.add(s2, f32x4.mul(v128.load32_splat(a2 + off), b0));
        s3 = f32x4.add(s3, f32x4.mul(v128.load32_splat(a3 + off), b0));
        pb += skb;
        off += ska;
      }
      if (acc) {
        s0 = f32x4.add(s0, vld(c0, j)); s1 = f32x4.add(s1, vld(c1, j));
        s2 = f32x4.add(s2, vld(c2, j)); s3 = f32x4.add(s3, vld(c3, j));
      }
      vst(c0, j, s0); vst(c1, j, s1); vst(c2, j, s2); vst(c3, j, s3);
    }
    for (; j < N; j++) {
      let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
      let pb = b + (<usize>j << 2);
      let off: usize = 0;
      for (let k = 0; k < K; k++) {
        const bv = load<f32>(pb);
        s0 += load<f32>(a0 + off) * bv;
        s1 += load<f32>(a1 + off) * bv;
        s2 += load<f32>(a2 + off) * bv;
        s3 += load<f32>(a3 + off) * bv;
        pb += skb;
        off += ska;
      }
      if (acc) {
        s0 += ld(c0, j); s1 += ld(c1, j); s2 += ld(c2, j); s3 += ld(c3, j);
      }
      st(c0, j, s0); st(c1, j, s1); st(c2, j, s2); st(c3, j, s3);
    }
  }
  for (; i < M; i++) {
    const a0 = a + (<usize>(i * sai) << 2);
    const c0 = c + (<usize>(i * ldc) << 2);
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      let pb = b + (<usize>j << 2);
      let off: usize = 0;
      for (let k = 0; k < K; k++) {
        const x0 = v128.load32_splat(a0 + off);
        s0 = f32x4.add(s0, f32x4.mul(x0, v128.load(pb)));
        s1 = f32x4.add(s1, f32x4.mul(x0, v128.load(pb, 16)));
        pb += skb;
        off += ska;
      }
      if (acc) {
        s0 = f32x4.add(s0, vld(c0, j)); s1 = f32x4.add(s1, vld(c0, j + 4));
      }
      vst(c0, j, s0); vst(c0, j + 4, s1);
    }
    for (; j + 4 <= N; j += 4) {
      let s0 = f32x4.splat(0);
      let pb = b + (<usize>j << 2);
      let off: usize = 0;
      for (let k = 0; k < K; k++) {
        s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(a0 + off), v128.load(pb)));
        pb += skb;
        off += ska;
      }
      if (acc) s0 = f32x4.add(s0, vld(c0, j));
      vst(c0, j, s0);
    }
    for (; j < N; j++) {
      let s0: f32 = 0;
      let pb = b + (<usize>j << 2);
      let off: usize = 0;
      for (let k = 0; k < K; k++) {
        s0 += load<f32>(a0 + off) * load<f32>(pb);
        pb += skb;
        off += ska;
      }
      if (acc) s0 += ld(c0, j);
      st(c0, j, s0);
    }
  }
}

/** out[C, R] = a[R, C]ᵀ. */
export function transpose(a: usize, out: usize, R: i32, C: i32): void {
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) st(out, c * R + r, ld(a, r * C + c));
}

/** out[N] (+)= column sums of a[M, N]. */
export function colsum(a: usize, M: i32, N: i32, out: usize, acc: i32): void {
  if (!acc) memory.fill(out, 0, <usize>N << 2);
  for (let i = 0; i < M; i++) {
    const row = a + (<usize>(i * N) << 2);
    let j = 0;
    for (; j + 4 <= N; j += 4) vst(out, j, f32x4.add(vld(out, j), vld(row, j)));
    for (; j < N; j++) st(out, j, ld(out, j) + ld(row, j));
  }
}

/** Adds bias[N] to every row of a[M, N]. */
export function addRows(a: usize, M: i32, N: i32, bias: usize): void {
  for (let i = 0; i < M; i++) {
    const row = a + (<usize>(i * N) << 2);
    let j = 0;
    for (; j + 4 <= N; j += 4) vst(row, j, f32x4.add(vld(row, j), vld(bias, j)));
    for (; j < N; j++) st(row, j, ld(row, j) + ld(bias, j));
  }
}
