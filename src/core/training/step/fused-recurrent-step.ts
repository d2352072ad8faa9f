import * as tf from '@tensorflow/tfjs';
import type { SeededRandom } from '../../dataset/seeded-random';
import { sliceSizes } from '../../models/kernels/fused-kernels';
import type { SequenceClassifier } from '../../models/sequence-classifier';
import type { AdamW } from '../adamw';
import { StepMemory, trainStepModule } from './step-module';
import { StepThreads, type Call } from './step-threads';
import type { StepBatch, StepResult, TrainStep } from './train-step';

/**
 * Whole training steps of the LSTM and GRU classifiers (recurrent-classifier.ts) in WebAssembly:
 * forward through every layer with dropout between layers, the head on the last step's hidden state,
 * softmax cross-entropy, backward through time, and AdamW, with no tfjs op and no copy of weights.
 * The weights, AdamW's moments and the transposed weights live in one shared memory; a batch is
 * split into slices (sliceSizes: the same split as the fused kernel set), one per thread, each
 * computing its slice's gradients into its own buffer; AdamW then sums the slices' gradients in
 * slice order, over ranges of the parameters in parallel. So a seed and a thread count repeat a run
 * to the last digit, and the math is the model's own (checked against tfjs's tape in the tests).
 */
interface LayerPtrs {
  in: number;
  wIh: number;
  wHh: number;
  bIh: number;
  bHh: number;
  gWIh: number;
  gWHh: number;
  gBIh: number;
  gBHh: number;
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
  /** This slice's gradient buffer (paramFloats long). */
  grads: number;
}

const packedA = (M: number, K: number) => Math.ceil(M / 4) * 4 * K;
const packedB = (K: number, N: number) => Math.ceil(N / 8) * 8 * K;

export class FusedRecurrentStep implements TrainStep {
  readonly engine = 'fused-step';
  private readonly mem = new StepMemory();
  private readonly threads: StepThreads | null;
  private readonly names: string[];
  private readonly offsets: number[];
  private readonly paramFloats: number;
  private readonly params: number;
  private readonly m: number;
  private readonly v: number;
  private readonly grads: number;
  private readonly scalars: number;
  private readonly rngState: number;
  private readonly headWT: number;
  private readonly layers: LayerPtrs[];
  private readonly slices: Slice[];
  private readonly plans = new Map<string, Call[]>();
  private readonly cell: 'lstm' | 'gru';
  private readonly G: number;

  constructor(
    private readonly model: SequenceClassifier,
    private readonly optimizer: AdamW,
    readonly threadCount: number,
    private readonly maxBatch: number,
  ) {
    const { type, inputSize: F, hiddenSize: H, numLayers: L, numClasses: C, seqLen: T } = model.spec;
    if (type !== 'lstm' && type !== 'gru') throw new Error(`the fused training step runs LSTM and GRU models, not ${type}`);
    this.cell = type;
    const G = (this.G = (type === 'lstm' ? 4 : 3) * H);
    const mem = this.mem;
    this.names = model.params.names;
    // Parameters side by side in the model's order, each 16-byte aligned (the gaps stay zero).
    this.offsets = [];
    let at = 0;
    for (const name of this.names) {
      this.offsets.push(at);
      at += (model.params.get(name).size + 3) & ~3;
    }
    this.paramFloats = at;
    this.params = mem.alloc(at);
    this.m = mem.alloc(at);
    this.v = mem.alloc(at);
    this.grads = mem.alloc(at * Math.min(threadCount, Math.max(1, Math.floor(maxBatch / 4))));
    this.scalars = mem.alloc(16);
    this.rngState = mem.alloc(4);
    const ptr = (name: string) => this.params + 4 * this.offsets[this.names.indexOf(name)];
    const gptr = (name: string, k: number) => this.grads + 4 * (k * at + this.offsets[this.names.indexOf(name)]);
    this.layers = Array.from({ length: L }, (_, l) => {
      const inSize = l === 0 ? F : H;
      const p = `${type}.${l}`;
      return {
        in: inSize,
        wIh: ptr(`${p}.w_ih`),
        wHh: ptr(`${p}.w_hh`),
        bIh: ptr(`${p}.b_ih`),
        bHh: ptr(`${p}.b_hh`),
        gWIh: gptr(`${p}.w_ih`, 0),
        gWHh: gptr(`${p}.w_hh`, 0),
        gBIh: gptr(`${p}.b_ih`, 0),
        gBHh: gptr(`${p}.b_hh`, 0),
        wIhP: mem.alloc(packedB(inSize, G)),
        wHhP: mem.alloc(packedB(H, G)),
        wIhTP: mem.alloc(packedB(G, inSize)),
        wHhTP: mem.alloc(packedB(G, H)),
        biasSum: mem.alloc(G),
      };
    });
    this.headWT = mem.alloc(C * H);
    // Each slice sized for the most sequences it gets in any batch up to maxBatch.
    const most: number[] = [];
    for (let n = 1; n <= maxBatch; n++) sliceSizes(n, threadCount).forEach((b, k) => (most[k] = Math.max(most[k] ?? 0, b)));
    this.slices = most.map((Bk, k) => {
      const rows = T * Bk;
      const x = mem.alloc(rows * F);
      const layers: SliceLayer[] = [];
      for (let l = 0; l < L; l++) {
        const hs = mem.alloc(rows * H);
        layers.push({
          input: l === 0 ? x : model.spec.dropout > 0 ? mem.alloc(rows * H) : layers[l - 1].hs,
          mask: l < L - 1 && model.spec.dropout > 0 ? mem.alloc(rows * H) : 0,
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
        grads: this.grads + 4 * k * at,
      };
    });
    this.threads = threadCount > 1 ? new StepThreads(threadCount, trainStepModule(), mem.memory, mem.names) : null;
    this.load();
  }

  /** The model's weights and the optimiser's moments into the module's memory. */
  private load(): void {
    const p = this.mem.f32(this.params, this.paramFloats);
    const m = this.mem.f32(this.m, this.paramFloats);
    const v = this.mem.f32(this.v, this.paramFloats);
    const moments = this.optimizer.getState().moments;
    const k = this.names.length;
    this.names.forEach((name, i) => {
      p.set(this.model.params.get(name).dataSync() as Float32Array, this.offsets[i]);
      m.set(moments[i], this.offsets[i]);
      v.set(moments[k + i], this.offsets[i]);
    });
  }

  sync(): void {
    const p = this.mem.f32(this.params, this.paramFloats);
    const m = this.mem.f32(this.m, this.paramFloats);
    const v = this.mem.f32(this.v, this.paramFloats);
    const sizes = this.names.map((n) => this.model.params.get(n).size);
    const part = (a: Float32Array, i: number) => a.slice(this.offsets[i], this.offsets[i] + sizes[i]);
    this.names.forEach((name, i) => {
      const variable = this.model.params.get(name);
      tf.tidy(() => variable.assign(tf.tensor(part(p, i), variable.shape, 'float32')));
    });
    this.optimizer.setState({ step: this.optimizer.step, lr: this.optimizer.lr, moments: [...this.names.map((_, i) => part(m, i)), ...this.names.map((_, i) => part(v, i))] });
  }

  step(batch: StepBatch, dropoutRng: SeededRandom): StepResult {
    const { n } = batch;
    if (n > this.maxBatch) throw new Error(`a batch of ${n} in a step made for ${this.maxBatch}`);
    const { seqLen: T, inputSize: F, hiddenSize: H, numLayers: L, dropout: rate } = this.model.spec;
    const sizes = sliceSizes(n, this.threadCount);
    const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    // Inputs, time-major per slice.
    const buf = this.mem.memory.buffer;
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
    // Dropout masks between layers, drawn as dropout.ts draws them over [n, T, H], in the module
    // from the run's own generator (its state goes in and comes back).
    if (rate > 0 && L > 1) {
      const state = new Uint32Array(buf, this.rngState, 4);
      state.set(dropoutRng.getState());
      for (let l = 0; l < L - 1; l++) {
        sizes.forEach((Bk, k) => this.mem.exports.dropoutMask(this.rngState, this.slices[k].layers[l].mask, Bk, T, H, 1 - rate, 1 / (1 - rate)));
      }
      dropoutRng.setState([state[0], state[1], state[2], state[3]]);
    }
    // Per step, on this thread: transposed weights for the backward products, LSTM bias sums.
    this.mem.run(this.prepare());
    const plans = sizes.map((Bk, k) => this.plan(k, Bk, n));
    if (this.threads) this.threads.run(plans, (calls) => this.mem.run(calls));
    else this.mem.run(plans[0]);
    // AdamW over the summed gradients, its parameter ranges in parallel.
    const o = this.optimizer;
    o.step++;
    const bc1 = 1 - Math.pow(o.beta1, o.step);
    const bc2 = 1 - Math.pow(o.beta2, o.step);
    this.mem.f32(this.scalars, 9).set([o.lr, 1 - o.lr * o.weightDecay, o.beta1, o.beta2, 1 - o.beta1, 1 - o.beta2, bc1, bc2, o.eps]);
    const ranges = this.adamRanges(this.threads ? this.threadCount : 1);
    const adam = ranges.map(([from, to]): Call[] => [['adamw', this.params, this.grads, sizes.length, this.paramFloats, this.m, this.v, from, to, this.scalars]]);
    if (this.threads) this.threads.run(adam, (calls) => this.mem.run(calls));
    else this.mem.run(adam[0]);
    let loss = 0;
    let hits = 0;
    for (let k = 0; k < sizes.length; k++) {
      const out = new Float32Array(buf, this.slices[k].out, 2);
      loss += out[0];
      hits += out[1];
    }
    return { loss: loss / n, hits };
  }

  /** Parameter ranges for AdamW, one per thread, on 4-float boundaries. */
  private adamRanges(parts: number): [number, number][] {
    const quads = this.paramFloats / 4;
    return Array.from({ length: parts }, (_, i) => [4 * Math.floor((quads * i) / parts), 4 * Math.floor((quads * (i + 1)) / parts)] as [number, number]);
  }

  private prepare(): Call[] {
    const { hiddenSize: H, numClasses: C } = this.model.spec;
    const G = this.G;
    const calls: Call[] = [];
    for (const l of this.layers) {
      calls.push(['packB', l.wIh, G, 1, l.in, G, l.wIhP], ['packB', l.wHh, G, 1, H, G, l.wHhP]);
      calls.push(['packB', l.wIh, 1, G, G, l.in, l.wIhTP], ['packB', l.wHh, 1, G, G, H, l.wHhTP]);
      if (this.cell === 'lstm') calls.push(['addVec', l.bIh, l.bHh, l.biasSum, G]);
    }
    calls.push(['transpose', this.headW, this.headWT, H, C]);
    return calls;
  }

  /** Slice 0's gradient of a parameter. */
  private gradOf(name: string): number {
    return this.grads + 4 * this.offsets[this.names.indexOf(name)];
  }

  private get headW(): number {
    return this.params + 4 * this.offsets[this.names.indexOf('head.w')];
  }

  private get headB(): number {
    return this.params + 4 * this.offsets[this.names.indexOf('head.b')];
  }

  /** The calls of slice k (B sequences) of a batch of n. */
  private plan(k: number, B: number, n: number): Call[] {
    const key = `${k}:${B}:${n}`;
    let calls = this.plans.get(key);
    if (calls) return calls;
    calls = [];
    const { seqLen: T, hiddenSize: H, numLayers: L, numClasses: C, dropout: rate } = this.model.spec;
    const G = this.G;
    const s = this.slices[k];
    const rows = T * B;
    const g = (p: number) => p + 4 * k * this.paramFloats;
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
    calls.push(['gemm', last, H, 1, this.headW, C, s.logits, C, B, H, C, 0]);
    calls.push(['addRows', s.logits, B, C, this.headB]);
    calls.push(['zero', s.out, 2]);
    calls.push(['softmaxCrossEntropy', s.logits, s.y, B, C, 1 / n, s.dlogits, s.out]);
    calls.push(['gemm', last, 1, H, s.dlogits, C, g(this.gradOf('head.w')), C, H, B, C, 0]);
    calls.push(['colsum', s.dlogits, B, C, g(this.gradOf('head.b')), 0]);
    calls.push(['zero', s.dy, rows * H]);
    calls.push(['gemm', s.dlogits, C, 1, this.headWT, H, s.dy + 4 * (T - 1) * B * H, H, B, C, H, 0]);
    // Backward, top layer first.
    for (let l = L - 1; l >= 0; l--) {
      const w = this.layers[l];
      const sl = s.layers[l];
      const dXG = s.dG;
      const dHW = this.cell === 'lstm' ? s.dG : s.dHW;
      if (this.cell === 'lstm') calls.push(['lstmBackwardTM', s.dy, w.wHhTP, sl.gates, sl.aux, B, T, H, dXG, s.dh, s.dc, s.aStep, s.edge]);
      else calls.push(['gruBackwardTM', s.dy, w.wHhTP, sl.gates, sl.aux, sl.hs, B, T, H, dXG, dHW, s.dh, s.aStep, s.edge]);
      // dW_ih = inputᵀ · dXG and dW_hh = h[t-1]ᵀ · dHW[t], each over every step at once.
      calls.push(['packA', sl.input, 1, w.in, w.in, rows, s.aBig], ['packB', dXG, G, 1, rows, G, s.bBig]);
      calls.push(['gemmPacked', s.aBig, s.bBig, g(w.gWIh), G, w.in, rows, G, 0, s.edge]);
      if (T > 1) {
        calls.push(['packA', sl.hs, 1, H, H, rows - B, s.aBig], ['packB', dHW + 4 * B * G, G, 1, rows - B, G, s.bBig]);
        calls.push(['gemmPacked', s.aBig, s.bBig, g(w.gWHh), G, H, rows - B, G, 0, s.edge]);
      } else calls.push(['zero', g(w.gWHh), H * G]);
      calls.push(['colsum', dXG, rows, G, g(w.gBIh), 0]);
      calls.push(['colsum', dHW, rows, G, g(w.gBHh), 0]);
      if (l > 0) {
        // The gradient of the layer below's output (dXG · W_ihᵀ), through the dropout between them.
        calls.push(['packA', dXG, G, 1, rows, G, s.aBig]);
        if (rate > 0) {
          calls.push(['gemmPacked', s.aBig, w.wIhTP, s.din, w.in, rows, G, w.in, 0, s.edge]);
          calls.push(['mulVec', s.din, s.layers[l - 1].mask, s.dy, rows * H]);
        } else calls.push(['gemmPacked', s.aBig, w.wIhTP, s.dy, w.in, rows, G, w.in, 0, s.edge]);
      }
    }
    this.plans.set(key, calls);
    return calls;
  }

  /** The last step's gradient of every parameter (its slices' summed in slice order), by name. */
  lastGradients(slices: number): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    this.names.forEach((name, i) => {
      const size = this.model.params.get(name).size;
      const sum = new Float32Array(size);
      for (let k = 0; k < slices; k++) {
        const g = this.mem.f32(this.grads + 4 * (k * this.paramFloats + this.offsets[i]), size);
        for (let j = 0; j < size; j++) sum[j] += g[j];
      }
      out[name] = sum;
    });
    return out;
  }

  /** Test hook: ends worker thread k as a crash would. */
  killThread(k: number): Promise<number> {
    if (!this.threads) throw new Error('no worker threads');
    return this.threads.kill(k);
  }

  dispose(): void {
    void this.threads?.dispose();
  }
}
