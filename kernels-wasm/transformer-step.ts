// The Transformer classifier's pieces for whole training steps (src/core/models/transformer-classifier.ts):
// layer norm, multi-head attention with padded keys masked, residual adds through dropout, ReLU, the
// masked mean over frames. Rows are batch-major ([B·T, d]), as in the model. Every array is f32.
import { ld, st, vld, vst } from './simd-math';

/** Layer norm over rows of x [rows, d]: y = (x - mean)/sqrt(var + 1e-5)·γ + β; stats [rows, 2] keeps mean and 1/sqrt(var + 1e-5). */
export function layerNormForward(x: usize, gamma: usize, beta: usize, rows: i32, d: i32, y: usize, stats: usize): void {
  const inv = <f32>1 / <f32>d;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * d) << 2);
    const yr = y + (<usize>(r * d) << 2);
    let s: f32 = 0;
    for (let j = 0; j < d; j++) s += ld(xr, j);
    const mean = s * inv;
    let v: f32 = 0;
    for (let j = 0; j < d; j++) {
      const c = ld(xr, j) - mean;
      v += c * c;
    }
    const rstd = <f32>1 / Mathf.sqrt(v * inv + <f32>1e-5);
    st(stats, 2 * r, mean);
    st(stats, 2 * r + 1, rstd);
    for (let j = 0; j < d; j++) st(yr, j, (ld(xr, j) - mean) * rstd * ld(gamma, j) + ld(beta, j));
  }
}

/**
 * Layer norm's backward: dx (+)= rstd·(g - mean(g) - x̂·mean(g·x̂)) with g = dy·γ and x̂ = (x - mean)·rstd;
 * dgamma = Σ dy·x̂, dbeta = Σ dy over the rows (written, not added).
 */
export function layerNormBackward(dy: usize, x: usize, gamma: usize, stats: usize, rows: i32, d: i32, dx: usize, accDx: i32, dgamma: usize, dbeta: usize): void {
  memory.fill(dgamma, 0, <usize>d << 2);
  memory.fill(dbeta, 0, <usize>d << 2);
  const inv = <f32>1 / <f32>d;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * d) << 2);
    const dyr = dy + (<usize>(r * d) << 2);
    const dxr = dx + (<usize>(r * d) << 2);
    const mean = ld(stats, 2 * r);
    const rstd = ld(stats, 2 * r + 1);
    let sg: f32 = 0;
    let sgx: f32 = 0;
    for (let j = 0; j < d; j++) {
      const xh = (ld(xr, j) - mean) * rstd;
      const g = ld(dyr, j) * ld(gamma, j);
      sg += g;
      sgx += g * xh;
      st(dgamma, j, ld(dgamma, j) + ld(dyr, j) * xh);
      st(dbeta, j, ld(dbeta, j) + ld(dyr, j));
    }
    const mg = sg * inv;
    const mgx = sgx * inv;
    for (let j = 0; j < d; j++) {
      const xh = (ld(xr, j) - mean) * rstd;
      const v = rstd * (ld(dyr, j) * ld(gamma, j) - mg - xh * mgx);
      st(dxr, j, accDx ? ld(dxr, j) + v : v);
    }
  }
}

/**
 * Frames that count: every frame up to the last one that is not all zeros (padding is zero frames at
 * the end). valid [B·T] 1 or 0; keyBias [B·T] 0 or -1e9 (added to attention scores); count [B] ≥ 1.
 */
export function validFrames(x: usize, B: i32, T: i32, F: i32, valid: usize, keyBias: usize, count: usize): void {
  for (let b = 0; b < B; b++) {
    let last = -1;
    for (let t = 0; t < T; t++) {
      const row = x + (<usize>((b * T + t) * F) << 2);
      for (let j = 0; j < F; j++) {
        if (ld(row, j) != 0) {
          last = t;
          break;
        }
      }
    }
    for (let t = 0; t < T; t++) {
      const v: f32 = t <= last ? 1 : 0;
      st(valid, b * T + t, v);
      st(keyBias, b * T + t, (<f32>1 - v) * <f32>-1e9);
    }
    st(count, b, <f32>max(last + 1, 1));
  }
}

/** out [B·T, d] = x + pos [T, d] on every sequence (in place allowed). */
export function addPositions(x: usize, pos: usize, B: i32, T: i32, d: i32, out: usize): void {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = (b * T + t) * d;
      let j = 0;
      for (; j + 4 <= d; j += 4) vst(out, o + j, f32x4.add(vld(x, o + j), vld(pos, t * d + j)));
      for (; j < d; j++) st(out, o + j, ld(x, o + j) + ld(pos, t * d + j));
    }
  }
}

/** out = h + y·mask (mask 0 = no dropout: out = h + y). */
export function addDropped(h: usize, y: usize, mask: usize, n: i32, out: usize): void {
  let i = 0;
  if (mask) {
    for (; i + 4 <= n; i += 4) vst(out, i, f32x4.add(vld(h, i), f32x4.mul(vld(y, i), vld(mask, i))));
    for (; i < n; i++) st(out, i, ld(h, i) + ld(y, i) * ld(mask, i));
  } else {
    for (; i + 4 <= n; i += 4) vst(out, i, f32x4.add(vld(h, i), vld(y, i)));
    for (; i < n; i++) st(out, i, ld(h, i) + ld(y, i));
  }
}

/** x = max(x, 0) in place. */
export function relu(x: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) vst(x, i, f32x4.max(vld(x, i), z));
  for (; i < n; i++) st(x, i, max(ld(x, i), 0));
}

/** d = d where y > 0, else 0 (ReLU's backward from its output y). */
export function reluBackward(d: usize, y: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) vst(d, i, v128.and(vld(d, i), f32x4.gt(vld(y, i), z)));
  for (; i < n; i++) if (!(ld(y, i) > 0)) st(d, i, 0);
}

/**
 * Attention of every sequence and head: q, k, v from qkv [B·T, 3d] (head h's columns h·dk.. of each
 * third), scores q·kᵀ/sqrt(dk) + keyBias, softmax over the keys into probs [B·heads, T, T], and the
 * heads' outputs side by side in ctx [B·T, d].
 */
export function attentionForward(qkv: usize, keyBias: usize, B: i32, T: i32, d: i32, heads: i32, probs: usize, ctx: usize): void {
  const dk = d / heads;
  const D3 = 3 * d;
  const scale = <f32>1 / Mathf.sqrt(<f32>dk);
  for (let b = 0; b < B; b++) {
    for (let hd = 0; hd < heads; hd++) {
      const P = probs + (<usize>((b * heads + hd) * T * T) << 2);
      for (let i = 0; i < T; i++) {
        const q = qkv + (<usize>((b * T + i) * D3 + hd * dk) << 2);
        const pr = P + (<usize>(i * T) << 2);
        let mx: f32 = -Infinity;
        for (let j = 0; j < T; j++) {
          const k = qkv + (<usize>((b * T + j) * D3 + d + hd * dk) << 2);
          let acc = f32x4.splat(0);
          let c = 0;
          for (; c + 4 <= dk; c += 4) acc = f32x4.add(acc, f32x4.mul(vld(q, c), vld(k, c)));
          let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
          for (; c < dk; c++) s += ld(q, c) * ld(k, c);
          s = s * scale + ld(keyBias, b * T + j);
          st(pr, j, s);
          mx = max(mx, s);
        }
        let sum: f32 = 0;
        for (let j = 0; j < T; j++) {
          const e = Mathf.exp(ld(pr, j) - mx);
          st(pr, j, e);
          sum += e;
        }
        const inv = <f32>1 / sum;
        for (let j = 0; j < T; j++) st(pr, j, ld(pr, j) * inv);
        const out = ctx + (<usize>((b * T + i) * d + hd * dk) << 2);
        memory.fill(out, 0, <usize>dk << 2);
        for (let j = 0; j < T; j++) {
          const p = f32x4.splat(ld(pr, j));
          const ps = ld(pr, j);
          const v = qkv + (<usize>((b * T + j) * D3 + 2 * d + hd * dk) << 2);
          let c = 0;
          for (; c + 4 <= dk; c += 4) vst(out, c, f32x4.add(vld(out, c), f32x4.mul(p, vld(v, c))));
          for (; c < dk; c++) st(out, c, ld(out, c) + ps * ld(v, c));
        }
      }
    }
  }
}

/**
 * Attention's backward: from dctx [B·T, d] (the merged heads' gradient) to dqkv [B·T, 3d], with the
 * forward's probs. dS = P ⊙ (dP - rowsum(P ⊙ dP)), dP = dctx·vᵀ; dq = dS·k·s, dk = dSᵀ·q·s, dv = Pᵀ·dctx.
 * tmp: T floats of the calling thread's own.
 */
export function attentionBackward(qkv: usize, probs: usize, dctx: usize, B: i32, T: i32, d: i32, heads: i32, dqkv: usize, tmp: usize): void {
  const dk = d / heads;
  const D3 = 3 * d;
  const scale = <f32>1 / Mathf.sqrt(<f32>dk);
  for (let b = 0; b < B; b++) {
    for (let hd = 0; hd < heads; hd++) {
      const P = probs + (<usize>((b * heads + hd) * T * T) << 2);
      // This head's dk and dv start at zero: they gather over the queries.
      for (let j = 0; j < T; j++) {
        memory.fill(dqkv + (<usize>((b * T + j) * D3 + d + hd * dk) << 2), 0, <usize>dk << 2);
        memory.fill(dqkv + (<usize>((b * T + j) * D3 + 2 * d + hd * dk) << 2), 0, <usize>dk << 2);
      }
      for (let i = 0; i < T; i++) {
        const pr = P + (<usize>(i * T) << 2);
        const dc = dctx + (<usize>((b * T + i) * d + hd * dk) << 2);
        const q = qkv + (<usize>((b * T + i) * D3 + hd * dk) << 2);
        let dot: f32 = 0;
        for (let j = 0; j < T; j++) {
          const v = qkv + (<usize>((b * T + j) * D3 + 2 * d + hd * dk) << 2);
          let acc = f32x4.splat(0);
          let c = 0;
          for (; c + 4 <= dk; c += 4) acc = f32x4.add(acc, f32x4.mul(vld(dc, c), vld(v, c)));
          let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
          for (; c < dk; c++) s += ld(dc, c) * ld(v, c);
          st(tmp, j, s);
          dot += s * ld(pr, j);
        }
        const dq = dqkv + (<usize>((b * T + i) * D3 + hd * dk) << 2);
        memory.fill(dq, 0, <usize>dk << 2);
        for (let j = 0; j < T; j++) {
          const p = ld(pr, j);
          const ds = p * (ld(tmp, j) - dot) * scale;
          const k = qkv + (<usize>((b * T + j) * D3 + d + hd * dk) << 2);
          const dkr = dqkv + (<usize>((b * T + j) * D3 + d + hd * dk) << 2);
          const dvr = dqkv + (<usize>((b * T + j) * D3 + 2 * d + hd * dk) << 2);
          const vds = f32x4.splat(ds);
          const vp = f32x4.splat(p);
          let c = 0;
          for (; c + 4 <= dk; c += 4) {
            vst(dq, c, f32x4.add(vld(dq, c), f32x4.mul(vds, vld(k, c))));
            vst(dkr, c, f32x4.add(vld(dkr, c), f32x4.mul(vds, vld(q, c))));
            vst(dvr, c, f32x4.add(vld(dvr, c), f32x4.mul(vp, vld(dc, c))));
          }
          for (; c < dk; c++) {
            st(dq, c, ld(dq, c) + ds * ld(k, c));
            st(dkr, c, ld(dkr, c) + ds * ld(q, c));
            st(dvr, c, ld(dvr, c) + p * ld(dc, c));
          }
        }
      }
    }
  }
}

/** pooled [B, d] = the mean of out [B·T, d] over each sequence's valid frames. */
export function maskedMean(out: usize, valid: usize, count: usize, B: i32, T: i32, d: i32, pooled: usize): void {
  for (let b = 0; b < B; b++) {
    const pr = pooled + (<usize>(b * d) << 2);
    memory.fill(pr, 0, <usize>d << 2);
    for (let t = 0; t < T; t++) {
      if (ld(valid, b * T + t) == 0) continue;
      const r = out + (<usize>((b * T + t) * d) << 2);
      for (let j = 0; j < d; j++) st(pr, j, ld(pr, j) + ld(r, j));
    }
    const inv = <f32>1 / ld(count, b);
    for (let j = 0; j < d; j++) st(pr, j, ld(pr, j) * inv);
  }
}

/** dout [B·T, d] = dpooled / count on valid frames, 0 elsewhere. */
export function maskedMeanBackward(dpooled: usize, valid: usize, count: usize, B: i32, T: i32, d: i32, dout: usize): void {
  for (let b = 0; b < B; b++) {
    const inv = <f32>1 / ld(count, b);
    for (let t = 0; t < T; t++) {
      const r = dout + (<usize>((b * T + t) * d) << 2);
      const w = ld(valid, b * T + t) * inv;
      for (let j = 0; j < d; j++) st(r, j, ld(dpooled, b * d + j) * w);
    }
  }
}
