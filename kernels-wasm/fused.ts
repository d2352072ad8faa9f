// Fused training kernels for Gesture Studio (AssemblyScript, WebAssembly SIMD). Built by
// `npm run build:kernels` into src/core/models/kernels/fused-wasm.ts (the module as base64).
// Every array is f32, row-major, addressed by a byte pointer into this module's memory that the
// JS side allocates (src/core/models/kernels/fused-runtime.ts); strides are in floats.
// LSTM gates i, f, g, o; GRU gates r, z, n with the reset gate after the hidden product (PyTorch).

// ---- SIMD math ---------------------------------------------------------------------------------

// exp(x) for 4 lanes (Cephes expf: range reduction by ln 2, degree-5 polynomial), relative error ~2e-7.
@inline function vexp(x0: v128): v128 {
  let x = f32x4.min(f32x4.max(x0, f32x4.splat(-87.3)), f32x4.splat(88.3));
  const fx = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, x), x), x), f32x4.splat(1.0));
  const n = i32x4.trunc_sat_f32x4_s(fx);
  const pow2n = i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2n);
}

@inline function vsigmoid(x: v128): v128 {
  return f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), vexp(f32x4.neg(x))));
}

@inline function vtanh(x: v128): v128 {
  return f32x4.sub(f32x4.div(f32x4.splat(2.0), f32x4.add(f32x4.splat(1.0), vexp(f32x4.mul(x, f32x4.splat(-2.0))))), f32x4.splat(1.0));
}

// Scalar tails use the same formulas (lane 0 of the SIMD versions), so results do not depend on
// where a column falls.
@inline function ssigmoid(x: f32): f32 {
  return f32x4.extract_lane(vsigmoid(f32x4.splat(x)), 0);
}
@inline function stanh(x: f32): f32 {
  return f32x4.extract_lane(vtanh(f32x4.splat(x)), 0);
}

@inline function ld(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}
@inline function st(p: usize, i: i32, v: f32): void {
  store<f32>(p + (<usize>i << 2), v);
}
@inline function vld(p: usize, i: i32): v128 {
  return v128.load(p + (<usize>i << 2));
}
@inline function vst(p: usize, i: i32, v: v128): void {
  v128.store(p + (<usize>i << 2), v);
}

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
