// The per-step math of the LSTM and GRU cells, one sequence's row at a time, shared by the batch-major
// layer kernels (fused.ts) and the time-major training steps (train-step.ts). Inlined where used.
// LSTM gates i, f, g, o; GRU gates r, z, n with the reset gate after the hidden product (PyTorch).
import { ld, ssigmoid, st, stanh, vld, vsigmoid, vst, vtanh } from './simd-math';

/** One LSTM step of one sequence: activates the gate row in place, writes c and h; cp: the previous cell (read when hasPrev). */
@inline export function lstmForwardRow(row: usize, cp: usize, c: usize, h: usize, H: i32, hasPrev: bool): void {
  let j = 0;
  for (; j + 4 <= H; j += 4) {
    const i = vsigmoid(vld(row, j));
    const f = vsigmoid(vld(row, H + j));
    const g = vtanh(vld(row, 2 * H + j));
    const o = vsigmoid(vld(row, 3 * H + j));
    let cv = f32x4.mul(i, g);
    if (hasPrev) cv = f32x4.add(cv, f32x4.mul(f, vld(cp, j)));
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
    if (hasPrev) cv += f * ld(cp, j);
    st(row, j, i); st(row, H + j, f); st(row, 2 * H + j, g); st(row, 3 * H + j, o);
    st(c, j, cv);
    st(h, j, o * stanh(cv));
  }
}

/**
 * One LSTM step of one sequence backward: from dyr (this step's output gradient) and dhr / dcr (the
 * later steps'), the gates' pre-activation gradient drow; dcr becomes the gradient to the previous cell.
 */
@inline export function lstmBackwardRow(row: usize, drow: usize, c: usize, cp: usize, dyr: usize, dhr: usize, dcr: usize, H: i32, hasPrev: bool): void {
  const one = f32x4.splat(1.0);
  let j = 0;
  for (; j + 4 <= H; j += 4) {
    const i = vld(row, j), f = vld(row, H + j), g = vld(row, 2 * H + j), o = vld(row, 3 * H + j);
    const tc = vtanh(vld(c, j));
    const dhv = f32x4.add(vld(dyr, j), vld(dhr, j));
    const dcv = f32x4.add(vld(dcr, j), f32x4.mul(f32x4.mul(dhv, o), f32x4.sub(one, f32x4.mul(tc, tc))));
    const cpv = hasPrev ? vld(cp, j) : f32x4.splat(0);
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
    const cpv: f32 = hasPrev ? ld(cp, j) : 0;
    st(dcr, j, dcv * f);
    st(drow, j, dcv * g * (i * (1 - i)));
    st(drow, H + j, dcv * cpv * (f * (1 - f)));
    st(drow, 2 * H + j, dcv * i * (1 - g * g));
    st(drow, 3 * H + j, dhv * tc * (o * (1 - o)));
  }
}

/** One GRU step of one sequence: r, z, n into the gate row, the n gate's hidden product into n0, h; w: h·W_hh + b_hh of this step; hp: the previous h (read when hasPrev). */
@inline export function gruForwardRow(row: usize, w: usize, hp: usize, n0: usize, h: usize, H: i32, hasPrev: bool): void {
  let j = 0;
  for (; j + 4 <= H; j += 4) {
    const r = vsigmoid(f32x4.add(vld(row, j), vld(w, j)));
    const z = vsigmoid(f32x4.add(vld(row, H + j), vld(w, H + j)));
    const hnv = vld(w, 2 * H + j);
    const n = vtanh(f32x4.add(vld(row, 2 * H + j), f32x4.mul(r, hnv)));
    const hpv = hasPrev ? vld(hp, j) : f32x4.splat(0);
    vst(row, j, r); vst(row, H + j, z); vst(row, 2 * H + j, n);
    vst(n0, j, hnv);
    vst(h, j, f32x4.add(n, f32x4.mul(z, f32x4.sub(hpv, n))));
  }
  for (; j < H; j++) {
    const r = ssigmoid(ld(row, j) + ld(w, j));
    const z = ssigmoid(ld(row, H + j) + ld(w, H + j));
    const hnv = ld(w, 2 * H + j);
    const n = stanh(ld(row, 2 * H + j) + r * hnv);
    const hpv: f32 = hasPrev ? ld(hp, j) : 0;
    st(row, j, r); st(row, H + j, z); st(row, 2 * H + j, n);
    st(n0, j, hnv);
    st(h, j, n + z * (hpv - n));
  }
}

/** One GRU step of one sequence backward: dx, dw (pre-activation gradients of the input and hidden products); dhr: the later steps' gradient in, the direct part to the previous h out. */
@inline export function gruBackwardRow(row: usize, dx: usize, dw: usize, n0: usize, hp: usize, dyr: usize, dhr: usize, H: i32, hasPrev: bool): void {
  const one = f32x4.splat(1.0);
  let j = 0;
  for (; j + 4 <= H; j += 4) {
    const r = vld(row, j), z = vld(row, H + j), n = vld(row, 2 * H + j);
    const hpv = hasPrev ? vld(hp, j) : f32x4.splat(0);
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
    const hpv: f32 = hasPrev ? ld(hp, j) : 0;
    const dhv = ld(dyr, j) + ld(dhr, j);
    const dAn = dhv * (1 - z) * (1 - n * n);
    const dAr = dAn * ld(n0, j) * (r * (1 - r));
    const dAz = dhv * (hpv - n) * (z * (1 - z));
    st(dx, j, dAr); st(dx, H + j, dAz); st(dx, 2 * H + j, dAn);
    st(dw, j, dAr); st(dw, H + j, dAz); st(dw, 2 * H + j, dAn * r);
    st(dhr, j, dhv * z);
  }
}
