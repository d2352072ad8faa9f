import { fusedWasmBase64 } from './fused-wasm';
import { programBuilder, runProgram, type Program } from './fused-program';

/**
 * The fused WebAssembly kernels (kernels-wasm/fused.ts) and the layer passes built from their
 * calls, on plain Float32Arrays. Every pass copies its inputs into the module's memory, computes,
 * and copies the results out; nothing lives in wasm memory between passes, so a pass can run on
 * any instance (the main thread's or a worker thread's).
 */
let compiled: WebAssembly.Module | null = null;
let mainInstance: WebAssembly.Exports | null = null;

export function fusedModule(): WebAssembly.Module {
  if (!compiled) compiled = new WebAssembly.Module(Buffer.from(fusedWasmBase64, 'base64'));
  return compiled;
}

export const wasmImports = { env: { abort: () => { throw new Error('fused kernels: abort'); } } };

/** True where WebAssembly with SIMD is available (every Node 20+ and Electron). */
export function fusedKernelsSupported(): boolean {
  try {
    fusedModule();
    return true;
  } catch {
    return false;
  }
}

/** Runs a program on this thread's instance. */
export function runHere(program: Program): Float32Array[] {
  mainInstance ??= new WebAssembly.Instance(fusedModule(), wasmImports).exports;
  return runProgram(mainInstance, program);
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

/** The forward pass of one layer over a batch slice: outputs h, gates, aux. */
export function forwardProgram(cell: Cell, x: Float32Array, s: RecurrentShape, w: RecurrentWeights): Program {
  const { B, T, F, H } = s;
  const G = (cell === 'lstm' ? 4 : 3) * H;
  const rows = B * T;
  const p = programBuilder();
  let bias = w.bIh;
  if (cell === 'lstm') {
    bias = new Float32Array(G);
    for (let j = 0; j < G; j++) bias[j] = w.bIh[j] + w.bHh[j];
  }
  const px = p.input(x);
  const pw = p.input(w.wIh);
  const pb = p.input(bias);
  const pwhh = p.input(w.wHh);
  const pg = p.alloc(rows * G);
  const ph = p.alloc(rows * H);
  const paux = p.alloc(rows * H);
  // The input projection of every step as one product.
  p.call('gemm', px, F, 1, pw, G, pg, G, rows, F, G, 0);
  p.call('addRows', pg, rows, G, pb);
  if (cell === 'lstm') p.call('lstmForward', pg, pwhh, B, T, H, paux, ph);
  else p.call('gruForward', pg, pwhh, p.input(w.bHh), B, T, H, paux, ph, p.alloc(B * G));
  return p.build([ph, pg, paux]);
}

/** The backward pass of one layer over a batch slice: dx, and this slice's share of the weight grads. */
export function backwardProgram(cell: Cell, dy: Float32Array, x: Float32Array, saved: RecurrentSaved, s: RecurrentShape, wIh: Float32Array, wHh: Float32Array): Program {
  const { B, T, F, H } = s;
  const G = (cell === 'lstm' ? 4 : 3) * H;
  const rows = B * T;
  const p = programBuilder();
  const pdy = p.input(dy);
  const pg = p.input(saved.gates);
  const paux = p.input(saved.aux);
  const ph = p.input(saved.h);
  const px = p.input(x);
  const pwhh = p.input(wHh);
  const pwih = p.input(wIh);
  const pwhhT = p.alloc(G * H);
  const pwihT = p.alloc(G * F);
  const pdhn = p.alloc(B * H);
  const pdXG = p.alloc(rows * G);
  p.call('transpose', pwhh, pwhhT, H, G);
  p.call('transpose', pwih, pwihT, F, G);
  // The gradient that reaches W_hh (LSTM: the same as dXG).
  let pdHW = pdXG;
  if (cell === 'lstm') p.call('lstmBackward', pdy, pwhhT, pg, paux, B, T, H, pdXG, pdhn, p.alloc(B * H));
  else {
    pdHW = p.alloc(rows * G);
    p.call('gruBackward', pdy, pwhhT, pg, paux, ph, B, T, H, pdXG, pdHW, pdhn);
  }
  const pdWhh = p.alloc(H * G);
  const pdWih = p.alloc(F * G);
  const pdbi = p.alloc(G);
  const pdbh = p.alloc(G);
  const pdx = p.alloc(rows * F);
  p.call('recurrentWeightGrad', ph, pdHW, B, T, H, G, pdWhh, 0);
  p.call('gemm', px, 1, F, pdXG, G, pdWih, G, F, rows, G, 0);
  p.call('colsum', pdXG, rows, G, pdbi, 0);
  p.call('colsum', pdHW, rows, G, pdbh, 0);
  p.call('gemm', pdXG, G, 1, pwihT, F, pdx, F, rows, G, F, 0);
  return p.build([pdx, pdWih, pdWhh, pdbi, pdbh]);
}

/** y [M, N] = a [M, K] · b [K, N] (+ bias); transB: b given as [N, K]; transA: a given as [K, M]. */
export function matmulProgram(a: Float32Array, b: Float32Array, M: number, K: number, N: number, opts: { transA?: boolean; transB?: boolean; bias?: Float32Array } = {}): Program {
  const p = programBuilder();
  const pa = p.input(a);
  let pb = p.input(b);
  const pc = p.alloc(M * N);
  if (opts.transB) {
    const t = p.alloc(K * N);
    p.call('transpose', pb, t, N, K);
    pb = t;
  }
  if (opts.transA) p.call('gemm', pa, 1, M, pb, N, pc, N, M, K, N, 0);
  else p.call('gemm', pa, K, 1, pb, N, pc, N, M, K, N, 0);
  if (opts.bias) p.call('addRows', pc, M, N, p.input(opts.bias));
  return p.build([pc]);
}

/** n products a[i] · b[i] (a [n, M, K], b [n, K, N]; transA/transB as matmulProgram, per entry) in one program. */
export function batchedMatmul(a: Float32Array, b: Float32Array, n: number, M: number, K: number, N: number, opts: { transA?: boolean; transB?: boolean } = {}): Float32Array {
  const p = programBuilder();
  const pa = p.input(a);
  let pb = p.input(b);
  const pc = p.alloc(n * M * N);
  if (opts.transB) {
    const t = p.alloc(n * K * N);
    for (let i = 0; i < n; i++) p.call('transpose', { buf: pb.buf, off: i * K * N }, { buf: t.buf, off: i * K * N }, N, K);
    pb = t;
  }
  for (let i = 0; i < n; i++) {
    const ai = { buf: pa.buf, off: i * M * K };
    const bi = { buf: pb.buf, off: i * K * N };
    const ci = { buf: pc.buf, off: i * M * N };
    if (opts.transA) p.call('gemm', ai, 1, M, bi, N, ci, N, M, K, N, 0);
    else p.call('gemm', ai, K, 1, bi, N, ci, N, M, K, N, 0);
  }
  return runHere(p.build([pc]))[0];
}

export function matmul(a: Float32Array, b: Float32Array, M: number, K: number, N: number, opts: { transA?: boolean; transB?: boolean; bias?: Float32Array } = {}): Float32Array {
  return runHere(matmulProgram(a, b, M, K, N, opts))[0];
}

/** Column sums of a [M, N]. */
export function columnSums(a: Float32Array, M: number, N: number): Float32Array {
  const p = programBuilder();
  const pa = p.input(a);
  const po = p.alloc(N);
  p.call('colsum', pa, M, N, po, 0);
  return runHere(p.build([po]))[0];
}
