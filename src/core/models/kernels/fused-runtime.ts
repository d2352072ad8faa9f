import { fusedWasmBase64 } from './fused-wasm';

/**
 * One instance of the fused WebAssembly kernels (kernels-wasm/fused.ts) and the layer passes built
 * from its calls, on plain Float32Arrays (no tfjs: a worker thread runs the same code). Every call
 * copies its inputs into the module's memory, computes, and copies the results out; nothing lives
 * in wasm memory between calls, so a pass can run on any instance (main thread or worker).
 */
interface FusedExports {
  memory: WebAssembly.Memory;
  gemm(a: number, sai: number, sak: number, b: number, ldb: number, c: number, ldc: number, M: number, K: number, N: number, acc: number): void;
  transpose(a: number, out: number, R: number, C: number): void;
  colsum(a: number, M: number, N: number, out: number, acc: number): void;
  addRows(a: number, M: number, N: number, bias: number): void;
  lstmForward(gates: number, whh: number, B: number, T: number, H: number, cs: number, hs: number): void;
  lstmBackward(dy: number, whhT: number, gates: number, cs: number, B: number, T: number, H: number, dG: number, dhn: number, dcn: number): void;
  gruForward(gates: number, whh: number, bhh: number, B: number, T: number, H: number, hn: number, hs: number, hw: number): void;
  gruBackward(dy: number, whhT: number, gates: number, hn: number, hs: number, B: number, T: number, H: number, dXG: number, dHW: number, dhn: number): void;
  recurrentWeightGrad(hs: number, d: number, B: number, T: number, H: number, G: number, dW: number, acc: number): void;
}

let compiled: WebAssembly.Module | null = null;

/** True where WebAssembly with SIMD is available (every Node 20+ and Electron). */
export function fusedKernelsSupported(): boolean {
  try {
    fusedModule();
    return true;
  } catch {
    return false;
  }
}

function fusedModule(): WebAssembly.Module {
  if (!compiled) compiled = new WebAssembly.Module(Buffer.from(fusedWasmBase64, 'base64'));
  return compiled;
}

export class FusedRuntime {
  private readonly ex: FusedExports;
  private readonly base: number;
  private top: number;

  constructor() {
    const instance = new WebAssembly.Instance(fusedModule(), {
      env: {
        abort: () => {
          throw new Error('fused kernels: abort');
        },
      },
    });
    this.ex = instance.exports as unknown as FusedExports;
    // Everything past the module's own (static) memory is ours to use as a per-call arena.
    this.base = this.ex.memory.buffer.byteLength;
    this.top = this.base;
  }

  get wasm(): FusedExports {
    return this.ex;
  }

  reset(): void {
    this.top = this.base;
  }

  alloc(n: number): number {
    const p = this.top;
    this.top += (n * 4 + 15) & ~15;
    const need = this.top - this.ex.memory.buffer.byteLength;
    if (need > 0) this.ex.memory.grow(Math.ceil(need / 65536));
    return p;
  }

  /** A view of n floats at p: valid until the next alloc (growing the memory detaches it). */
  view(p: number, n: number): Float32Array {
    return new Float32Array(this.ex.memory.buffer, p, n);
  }

  put(data: ArrayLike<number>): number {
    const p = this.alloc(data.length);
    this.view(p, data.length).set(data);
    return p;
  }

  take(p: number, n: number): Float32Array {
    return this.view(p, n).slice();
  }
}

export interface RecurrentShape {
  /** Batch (of this slice), time steps, input features, hidden units. */
  B: number;
  T: number;
  F: number;
  H: number;
}

export interface RecurrentWeights {
  wIh: Float32Array;
  wHh: Float32Array;
  bIh: Float32Array;
  bHh: Float32Array;
}

/** What the forward pass keeps for the backward pass. */
export interface RecurrentSaved {
  h: Float32Array;
  gates: Float32Array;
  /** LSTM: cell states; GRU: the n gate's hidden product. */
  aux: Float32Array;
}

export interface RecurrentGrads {
  dx: Float32Array;
  dWih: Float32Array;
  dWhh: Float32Array;
  dbIh: Float32Array;
  dbHh: Float32Array;
}

export type Cell = 'lstm' | 'gru';

function inputProjection(rt: FusedRuntime, x: Float32Array, wIh: Float32Array, bias: Float32Array, rows: number, F: number, G: number): number {
  const px = rt.put(x);
  const pw = rt.put(wIh);
  const pb = rt.put(bias);
  const pg = rt.alloc(rows * G);
  rt.wasm.gemm(px, F, 1, pw, G, pg, G, rows, F, G, 0);
  rt.wasm.addRows(pg, rows, G, pb);
  return pg;
}

export function recurrentForward(rt: FusedRuntime, cell: Cell, x: Float32Array, s: RecurrentShape, w: RecurrentWeights): RecurrentSaved {
  const { B, T, F, H } = s;
  const G = (cell === 'lstm' ? 4 : 3) * H;
  rt.reset();
  const rows = B * T;
  if (cell === 'lstm') {
    const bias = new Float32Array(G);
    for (let j = 0; j < G; j++) bias[j] = w.bIh[j] + w.bHh[j];
    const pg = inputProjection(rt, x, w.wIh, bias, rows, F, G);
    const pwhh = rt.put(w.wHh);
    const pc = rt.alloc(rows * H);
    const ph = rt.alloc(rows * H);
    rt.wasm.lstmForward(pg, pwhh, B, T, H, pc, ph);
    return { h: rt.take(ph, rows * H), gates: rt.take(pg, rows * G), aux: rt.take(pc, rows * H) };
  }
  const pg = inputProjection(rt, x, w.wIh, w.bIh, rows, F, G);
  const pwhh = rt.put(w.wHh);
  const pbhh = rt.put(w.bHh);
  const phn = rt.alloc(rows * H);
  const ph = rt.alloc(rows * H);
  const phw = rt.alloc(B * G);
  rt.wasm.gruForward(pg, pwhh, pbhh, B, T, H, phn, ph, phw);
  return { h: rt.take(ph, rows * H), gates: rt.take(pg, rows * G), aux: rt.take(phn, rows * H) };
}

/** Gradients of this slice: dx for its rows, and its share of the weight and bias gradients. */
export function recurrentBackward(rt: FusedRuntime, cell: Cell, dy: Float32Array, x: Float32Array, saved: RecurrentSaved, s: RecurrentShape, wIh: Float32Array, wHh: Float32Array): RecurrentGrads {
  const { B, T, F, H } = s;
  const G = (cell === 'lstm' ? 4 : 3) * H;
  const rows = B * T;
  const ex = rt.wasm;
  rt.reset();
  const pdy = rt.put(dy);
  const pg = rt.put(saved.gates);
  const paux = rt.put(saved.aux);
  const ph = rt.put(saved.h);
  const px = rt.put(x);
  const pwhh = rt.put(wHh);
  const pwih = rt.put(wIh);
  const pwhhT = rt.alloc(G * H);
  ex.transpose(pwhh, pwhhT, H, G);
  const pwihT = rt.alloc(G * F);
  ex.transpose(pwih, pwihT, F, G);
  const pdhn = rt.alloc(B * H);
  const pdXG = rt.alloc(rows * G);
  // The gradient that reaches W_hh (LSTM: the same as dXG).
  let pdHW = pdXG;
  if (cell === 'lstm') {
    const pdcn = rt.alloc(B * H);
    ex.lstmBackward(pdy, pwhhT, pg, paux, B, T, H, pdXG, pdhn, pdcn);
  } else {
    pdHW = rt.alloc(rows * G);
    ex.gruBackward(pdy, pwhhT, pg, paux, ph, B, T, H, pdXG, pdHW, pdhn);
  }
  const pdWhh = rt.alloc(H * G);
  ex.recurrentWeightGrad(ph, pdHW, B, T, H, G, pdWhh, 0);
  const pdWih = rt.alloc(F * G);
  ex.gemm(px, 1, F, pdXG, G, pdWih, G, F, rows, G, 0);
  const pdbi = rt.alloc(G);
  ex.colsum(pdXG, rows, G, pdbi, 0);
  let pdbh = pdbi;
  if (pdHW !== pdXG) {
    pdbh = rt.alloc(G);
    ex.colsum(pdHW, rows, G, pdbh, 0);
  }
  const pdx = rt.alloc(rows * F);
  ex.gemm(pdXG, G, 1, pwihT, F, pdx, F, rows, G, F, 0);
  const dbIh = rt.take(pdbi, G);
  return {
    dx: rt.take(pdx, rows * F),
    dWih: rt.take(pdWih, F * G),
    dWhh: rt.take(pdWhh, H * G),
    dbIh,
    dbHh: pdbh === pdbi ? dbIh.slice() : rt.take(pdbh, G),
  };
}

/** y [M, N] = a [M, K] · b [K, N] (optionally bᵀ given as [N, K], or aᵀ given as [K, M]). */
export function matmul(rt: FusedRuntime, a: Float32Array, b: Float32Array, M: number, K: number, N: number, opts: { transA?: boolean; transB?: boolean; bias?: Float32Array } = {}): Float32Array {
  rt.reset();
  const pa = rt.put(a);
  let pb = rt.put(b);
  if (opts.transB) {
    const t = rt.alloc(K * N);
    rt.wasm.transpose(pb, t, N, K);
    pb = t;
  }
  const pc = rt.alloc(M * N);
  if (opts.transA) rt.wasm.gemm(pa, 1, M, pb, N, pc, N, M, K, N, 0);
  else rt.wasm.gemm(pa, K, 1, pb, N, pc, N, M, K, N, 0);
  if (opts.bias) rt.wasm.addRows(pc, M, N, rt.put(opts.bias));
  return rt.take(pc, M * N);
}

/** Column sums of a [M, N]. */
export function columnSums(rt: FusedRuntime, a: Float32Array, M: number, N: number): Float32Array {
  rt.reset();
  const pa = rt.put(a);
  const po = rt.alloc(N);
  rt.wasm.colsum(pa, M, N, po, 0);
  return rt.take(po, N);
}
