import type { SequenceClassifier } from '../../models/sequence-classifier';
import type { AdamW } from '../adamw';
import { FusedStepBase, packedA, packedB } from './fused-step-base';
import type { Call } from './step-threads';
import type { StepBatch } from './train-step';

/**
 * Whole training steps of the LSTM and GRU classifiers (recurrent-classifier.ts): every layer over
 * the sequence with dropout between layers, the head on the last step's hidden state, softmax
 * cross-entropy, backward through time, with no tfjs op and no copy of weights. Sequences are
 * time-major in the module, so the recurrent product of a step, the input projection of all steps
 * and each weight gradient over all steps are single packed matrix products.
 */
interface Layer {
  in: number;
  wIh: number;
  wHh: number;
  bIh: number;
  bHh: number;
  /** Packed (packB) W_ih, W_hh and their transposes, made once a step. */
  wIhP: number;
  wHhP: number;
  wIhTP: number;
  wHhTP: number;
  biasSum: number;
}

interface SliceLayer {
  /** The layer's input: x for the first layer; the layer below's output after dropout otherwise. */
  input: number;
  mask: number;
  gates: number;
  aux: number;
  hs: number;
}

interface Slice {
  x: number;
  y: number;
  layers: SliceLayer[];
  dG: number;
  dHW: number;
  dy: number;
  din: number;
  dh: number;
  dc: number;
  hw: number;
  logits: number;
  dlogits: number;
  out: number;
  /** Packing scratch: a step's operand, and the large operands of the whole-sequence products. */
  aStep: number;
  aBig: number;
  bBig: number;
  edge: number;
}

export class FusedRecurrentStep extends FusedStepBase {
  private readonly cell: 'lstm' | 'gru';
  private readonly G: number;
  private readonly layers: Layer[];
  private readonly slices: Slice[];
  private readonly headWT: number;

  constructor(model: SequenceClassifier, optimizer: AdamW, threadCount: number, maxBatch: number) {
    super(model, optimizer, threadCount, maxBatch);
    const { type, inputSize: F, hiddenSize: H, numLayers: L, numClasses: C, seqLen: T, dropout: rate } = model.spec;
    if (type !== 'lstm' && type !== 'gru') throw new Error(`not a recurrent model: ${type}`);
    this.cell = type;
    const G = (this.G = (type === 'lstm' ? 4 : 3) * H);
    const mem = this.mem;
    this.layers = Array.from({ length: L }, (_, l) => {
      const inSize = l === 0 ? F : H;
      const p = `${type}.${l}`;
      return {
        in: inSize,
        wIh: this.param(`${p}.w_ih`),
        wHh: this.param(`${p}.w_hh`),
        bIh: this.param(`${p}.b_ih`),
        bHh: this.param(`${p}.b_hh`),
        wIhP: mem.alloc(packedB(inSize, G)),
        wHhP: mem.alloc(packedB(H, G)),
        wIhTP: mem.alloc(packedB(G, inSize)),
        wHhTP: mem.alloc(packedB(G, H)),
        biasSum: mem.alloc(G),
      };
    });
    this.headWT = mem.alloc(C * H);
    this.slices = this.sliceCapacity.map((Bk) => {
      const rows = T * Bk;
      const x = mem.alloc(rows * F);
      const layers: SliceLayer[] = [];
      for (let l = 0; l < L; l++) {
        const hs = mem.alloc(rows * H);
        layers.push({
          input: l === 0 ? x : rate > 0 ? mem.alloc(rows * H) : layers[l - 1].hs,
          mask: l < L - 1 && rate > 0 ? mem.alloc(rows * H) : 0,
          gates: mem.alloc(rows * G),
          aux: mem.alloc(rows * H),
          hs,
        });
      }
      return {
        x,
        y: mem.alloc(Bk),
        layers,
        dG: mem.alloc(rows * G),
        dHW: type === 'gru' ? mem.alloc(rows * G) : 0,
        dy: mem.alloc(rows * H),
        din: mem.alloc(rows * Math.max(F, H)),
        dh: mem.alloc(Bk * H),
        dc: mem.alloc(Bk * H),
        hw: mem.alloc(Bk * G),
        logits: mem.alloc(Bk * C),
        dlogits: mem.alloc(Bk * C),
        out: mem.alloc(4),
        aStep: mem.alloc(packedA(Bk, G)),
        aBig: mem.alloc(Math.max(packedA(rows, Math.max(F, G)), packedA(Math.max(F, H), rows))),
        bBig: mem.alloc(packedB(rows, G)),
        edge: mem.alloc(32),
      };
    });
    this.start();
  }

  protected out(k: number): number {
    return this.slices[k].out;
  }

  protected writeInputs(batch: StepBatch, sizes: number[], starts: number[]): void {
    const { seqLen: T, inputSize: F, hiddenSize: H, numLayers: L, dropout: rate } = this.model.spec;
    const buf = this.mem.memory.buffer;
    // Time-major per slice.
    sizes.forEach((Bk, k) => {
      const s = this.slices[k];
      const x = new Float32Array(buf, s.x, T * Bk * F);
      for (let b = 0; b < Bk; b++) {
        for (let t = 0; t < T; t++) {
          const src = ((starts[k] + b) * T + t) * F;
          x.set(batch.x.subarray(src, src + F), (t * Bk + b) * F);
        }
      }
      new Int32Array(buf, s.y, Bk).set(batch.y.subarray(starts[k], starts[k] + Bk));
    });
    // Dropout masks between layers, drawn as dropout.ts draws each [n, T, H] mask (stored time-major).
    if (rate > 0) {
      for (let l = 0; l < L - 1; l++) {
        sizes.forEach((Bk, k) => this.mem.exports.dropoutMask(this.rngState, this.slices[k].layers[l].mask, Bk, T, H, 1 - rate, 1 / (1 - rate)));
      }
    }
  }

  protected prepare(): Call[] {
    const { hiddenSize: H, numClasses: C } = this.model.spec;
    const G = this.G;
    const calls: Call[] = [];
    for (const l of this.layers) {
      calls.push(['packB', l.wIh, G, 1, l.in, G, l.wIhP], ['packB', l.wHh, G, 1, H, G, l.wHhP]);
      calls.push(['packB', l.wIh, 1, G, G, l.in, l.wIhTP], ['packB', l.wHh, 1, G, G, H, l.wHhTP]);
      if (this.cell === 'lstm') calls.push(['addVec', l.bIh, l.bHh, l.biasSum, G]);
    }
    calls.push(['transpose', this.param('head.w'), this.headWT, H, C]);
    return calls;
  }

  protected slicePlan(k: number, B: number, n: number): Call[] {
    const calls: Call[] = [];
    const { type, seqLen: T, hiddenSize: H, numLayers: L, numClasses: C, dropout: rate } = this.model.spec;
    const G = this.G;
    const s = this.slices[k];
    const rows = T * B;
    // Forward.
    for (let l = 0; l < L; l++) {
      const w = this.layers[l];
      const sl = s.layers[l];
      calls.push(['packA', sl.input, w.in, 1, rows, w.in, s.aBig], ['gemmPacked', s.aBig, w.wIhP, sl.gates, G, rows, w.in, G, 0, s.edge]);
      if (this.cell === 'lstm') {
        calls.push(['addRows', sl.gates, rows, G, w.biasSum]);
        calls.push(['lstmForwardTM', sl.gates, w.wHhP, B, T, H, sl.aux, sl.hs, s.aStep, s.edge]);
      } else {
        calls.push(['addRows', sl.gates, rows, G, w.bIh]);
        calls.push(['gruForwardTM', sl.gates, w.wHhP, w.bHh, B, T, H, sl.aux, sl.hs, s.hw, s.aStep, s.edge]);
      }
      if (l < L - 1 && rate > 0) calls.push(['mulVec', sl.hs, sl.mask, s.layers[l + 1].input, rows * H]);
    }
    // The head on the last step, the loss, and the head's gradients.
    const last = s.layers[L - 1].hs + 4 * (T - 1) * B * H;
    calls.push(['gemm', last, H, 1, this.param('head.w'), C, s.logits, C, B, H, C, 0]);
    calls.push(['addRows', s.logits, B, C, this.param('head.b')]);
    calls.push(['zero', s.out, 2]);
    calls.push(['softmaxCrossEntropy', s.logits, s.y, B, C, 1 / n, s.dlogits, s.out]);
    calls.push(['gemm', last, 1, H, s.dlogits, C, this.grad('head.w', k), C, H, B, C, 0]);
    calls.push(['colsum', s.dlogits, B, C, this.grad('head.b', k), 0]);
    calls.push(['zero', s.dy, rows * H]);
    calls.push(['gemm', s.dlogits, C, 1, this.headWT, H, s.dy + 4 * (T - 1) * B * H, H, B, C, H, 0]);
    // Backward, top layer first.
    for (let l = L - 1; l >= 0; l--) {
      const w = this.layers[l];
      const sl = s.layers[l];
      const p = `${type}.${l}`;
      const dXG = s.dG;
      const dHW = this.cell === 'lstm' ? s.dG : s.dHW;
      if (this.cell === 'lstm') calls.push(['lstmBackwardTM', s.dy, w.wHhTP, sl.gates, sl.aux, B, T, H, dXG, s.dh, s.dc, s.aStep, s.edge]);
      else calls.push(['gruBackwardTM', s.dy, w.wHhTP, sl.gates, sl.aux, sl.hs, B, T, H, dXG, dHW, s.dh, s.aStep, s.edge]);
      // dW_ih = inputᵀ · dXG and dW_hh = h[t-1]ᵀ · dHW[t], each over every step at once.
      calls.push(['packA', sl.input, 1, w.in, w.in, rows, s.aBig], ['packB', dXG, G, 1, rows, G, s.bBig]);
      calls.push(['gemmPacked', s.aBig, s.bBig, this.grad(`${p}.w_ih`, k), G, w.in, rows, G, 0, s.edge]);
      if (T > 1) {
        calls.push(['packA', sl.hs, 1, H, H, rows - B, s.aBig], ['packB', dHW + 4 * B * G, G, 1, rows - B, G, s.bBig]);
        calls.push(['gemmPacked', s.aBig, s.bBig, this.grad(`${p}.w_hh`, k), G, H, rows - B, G, 0, s.edge]);
      } else calls.push(['zero', this.grad(`${p}.w_hh`, k), H * G]);
      calls.push(['colsum', dXG, rows, G, this.grad(`${p}.b_ih`, k), 0]);
      calls.push(['colsum', dHW, rows, G, this.grad(`${p}.b_hh`, k), 0]);
      if (l > 0) {
        // The gradient of the layer below's output (dXG · W_ihᵀ), through the dropout between them.
        calls.push(['packA', dXG, G, 1, rows, G, s.aBig]);
        if (rate > 0) {
          calls.push(['gemmPacked', s.aBig, w.wIhTP, s.din, w.in, rows, G, w.in, 0, s.edge]);
          calls.push(['mulVec', s.din, s.layers[l - 1].mask, s.dy, rows * H]);
        } else calls.push(['gemmPacked', s.aBig, w.wIhTP, s.dy, w.in, rows, G, w.in, 0, s.edge]);
      }
    }
    return calls;
  }
}
