import { defaultHeads, sinusoidalPositions } from '../../models/transformer-classifier';
import type { SequenceClassifier } from '../../models/sequence-classifier';
import type { AdamW } from '../adamw';
import { FusedStepBase, packedA, packedB } from './fused-step-base';
import type { Call } from './step-threads';
import type { StepBatch } from './train-step';

/**
 * Whole training steps of the Transformer classifier (transformer-classifier.ts): the frame
 * projection with positions, pre-norm blocks of attention (padded frames masked as keys) and a ReLU
 * feed-forward with dropout on both residual branches, the final layer norm, the mean over valid
 * frames and the head; then the backward pass of all of it. Rows are batch-major, as in the model;
 * every linear layer is a packed matrix product, its weights packed once a step.
 */
interface Linear {
  w: number;
  b: number;
  /** Packed W and Wᵀ. */
  p: number;
  tp: number;
  in: number;
  out: number;
  name: string;
}

interface Block {
  ln1: string;
  ln2: string;
  qkv: Linear;
  out: Linear;
  ff1: Linear;
  ff2: Linear;
}

interface SliceBlock {
  hIn: number;
  a: number;
  st1: number;
  qkv: number;
  probs: number;
  ctx: number;
  mask1: number;
  hMid: number;
  f: number;
  st2: number;
  u: number;
  mask2: number;
}

interface Slice {
  x: number;
  y: number;
  valid: number;
  keyBias: number;
  count: number;
  blocks: SliceBlock[];
  hL: number;
  stf: number;
  outF: number;
  pooled: number;
  logits: number;
  dlogits: number;
  out: number;
  o: number;
  dh: number;
  dTmp: number;
  du: number;
  dqkv: number;
  dctx: number;
  dpooled: number;
  attnTmp: number;
  aBig: number;
  bBig: number;
  edge: number;
}

export class FusedTransformerStep extends FusedStepBase {
  private readonly heads: number;
  private readonly proj: Linear;
  private readonly blocks: Block[];
  private readonly slices: Slice[];
  private readonly pos: number;
  private readonly headWT: number;

  constructor(model: SequenceClassifier, optimizer: AdamW, threadCount: number, maxBatch: number) {
    super(model, optimizer, threadCount, maxBatch);
    const { type, inputSize: F, hiddenSize: d, numLayers: L, numClasses: C, seqLen: T, dropout: rate, numHeads } = model.spec;
    if (type !== 'transformer') throw new Error(`not a transformer: ${type}`);
    this.heads = numHeads ?? defaultHeads(d);
    const mem = this.mem;
    const linear = (name: string, inSize: number, outSize: number, transposed: boolean): Linear => ({
      name,
      w: this.param(`${name}.w`),
      b: this.param(`${name}.b`),
      p: mem.alloc(packedB(inSize, outSize)),
      tp: transposed ? mem.alloc(packedB(outSize, inSize)) : 0,
      in: inSize,
      out: outSize,
    });
    this.proj = linear('proj', F, d, false);
    this.blocks = Array.from({ length: L }, (_, l) => ({
      ln1: `enc.${l}.ln1`,
      ln2: `enc.${l}.ln2`,
      qkv: linear(`enc.${l}.qkv`, d, 3 * d, true),
      out: linear(`enc.${l}.out`, d, d, true),
      ff1: linear(`enc.${l}.ff1`, d, 2 * d, true),
      ff2: linear(`enc.${l}.ff2`, 2 * d, d, true),
    }));
    this.pos = mem.alloc(T * d);
    this.headWT = mem.alloc(C * d);
    const dropped = rate > 0;
    this.slices = this.sliceCapacity.map((Bk) => {
      const rows = Bk * T;
      const x = mem.alloc(rows * F);
      const h0 = mem.alloc(rows * d);
      const blocks: SliceBlock[] = [];
      let hIn = h0;
      for (let l = 0; l < L; l++) {
        const block = {
          hIn,
          a: mem.alloc(rows * d),
          st1: mem.alloc(rows * 2),
          qkv: mem.alloc(rows * 3 * d),
          probs: mem.alloc(Bk * this.heads * T * T),
          ctx: mem.alloc(rows * d),
          mask1: dropped ? mem.alloc(rows * d) : 0,
          hMid: mem.alloc(rows * d),
          f: mem.alloc(rows * d),
          st2: mem.alloc(rows * 2),
          u: mem.alloc(rows * 2 * d),
          mask2: dropped ? mem.alloc(rows * d) : 0,
        };
        blocks.push(block);
        hIn = mem.alloc(rows * d);
      }
      return {
        x,
        y: mem.alloc(Bk),
        valid: mem.alloc(rows),
        keyBias: mem.alloc(rows),
        count: mem.alloc(Bk),
        blocks,
        hL: hIn,
        stf: mem.alloc(rows * 2),
        outF: mem.alloc(rows * d),
        pooled: mem.alloc(Bk * d),
        logits: mem.alloc(Bk * C),
        dlogits: mem.alloc(Bk * C),
        out: mem.alloc(4),
        o: mem.alloc(rows * d),
        dh: mem.alloc(rows * d),
        dTmp: mem.alloc(rows * d),
        du: mem.alloc(rows * 2 * d),
        dqkv: mem.alloc(rows * 3 * d),
        dctx: mem.alloc(rows * d),
        dpooled: mem.alloc(Bk * d),
        attnTmp: mem.alloc(T),
        aBig: mem.alloc(Math.max(packedA(rows, Math.max(F, 3 * d)), packedA(Math.max(F, 2 * d), rows))),
        bBig: mem.alloc(packedB(rows, 3 * d)),
        edge: mem.alloc(32),
      };
    });
    mem.f32(this.pos, T * d).set(sinusoidalPositions(T, d));
    this.start();
  }

  protected out(k: number): number {
    return this.slices[k].out;
  }

  protected writeInputs(batch: StepBatch, sizes: number[], starts: number[]): void {
    const { seqLen: T, inputSize: F, hiddenSize: d, numLayers: L, dropout: rate } = this.model.spec;
    const buf = this.mem.memory.buffer;
    sizes.forEach((Bk, k) => {
      const s = this.slices[k];
      new Float32Array(buf, s.x, Bk * T * F).set(batch.x.subarray(starts[k] * T * F, (starts[k] + Bk) * T * F));
      new Int32Array(buf, s.y, Bk).set(batch.y.subarray(starts[k], starts[k] + Bk));
    });
    // The masks in the order the model draws them: each layer's attention branch, then its feed-forward
    // branch, each over the whole batch's rows (the slices' rows follow one another).
    if (rate > 0) {
      for (let l = 0; l < L; l++) {
        for (const which of ['mask1', 'mask2'] as const) {
          sizes.forEach((Bk, k) => this.mem.exports.dropoutFill(this.rngState, this.slices[k].blocks[l][which], Bk * T * d, 1 - rate, 1 / (1 - rate)));
        }
      }
    }
  }

  protected prepare(): Call[] {
    const { hiddenSize: d, numClasses: C } = this.model.spec;
    const calls: Call[] = [];
    const pack = (lin: Linear) => {
      calls.push(['packB', lin.w, lin.out, 1, lin.in, lin.out, lin.p]);
      if (lin.tp) calls.push(['packB', lin.w, 1, lin.out, lin.out, lin.in, lin.tp]);
    };
    pack(this.proj);
    for (const b of this.blocks) [b.qkv, b.out, b.ff1, b.ff2].forEach(pack);
    calls.push(['transpose', this.param('head.w'), this.headWT, d, C]);
    return calls;
  }

  protected slicePlan(k: number, B: number, n: number): Call[] {
    const calls: Call[] = [];
    const { seqLen: T, inputSize: F, hiddenSize: d, numLayers: L, numClasses: C } = this.model.spec;
    const heads = this.heads;
    const s = this.slices[k];
    const rows = B * T;
    const g = (name: string) => this.grad(name, k);
    /** y [rows, out] = x [rows, in] · W + b. */
    const forward = (lin: Linear, x: number, y: number) => {
      calls.push(['packA', x, lin.in, 1, rows, lin.in, s.aBig], ['gemmPacked', s.aBig, lin.p, y, lin.out, rows, lin.in, lin.out, 0, s.edge]);
      calls.push(['addRows', y, rows, lin.out, lin.b]);
    };
    /** The weight and bias gradients from the input x and the output's gradient dy. */
    const weightGrads = (lin: Linear, x: number, dy: number) => {
      calls.push(['packA', x, 1, lin.in, lin.in, rows, s.aBig], ['packB', dy, lin.out, 1, rows, lin.out, s.bBig]);
      calls.push(['gemmPacked', s.aBig, s.bBig, g(`${lin.name}.w`), lin.out, lin.in, rows, lin.out, 0, s.edge]);
      calls.push(['colsum', dy, rows, lin.out, g(`${lin.name}.b`), 0]);
    };
    /** dx [rows, in] = dy · Wᵀ. */
    const inputGrad = (lin: Linear, dy: number, dx: number) => {
      calls.push(['packA', dy, lin.out, 1, rows, lin.out, s.aBig], ['gemmPacked', s.aBig, lin.tp, dx, lin.in, rows, lin.out, lin.in, 0, s.edge]);
    };

    // Forward.
    calls.push(['validFrames', s.x, B, T, F, s.valid, s.keyBias, s.count]);
    forward(this.proj, s.x, s.blocks.length ? s.blocks[0].hIn : s.hL);
    calls.push(['addPositions', s.blocks.length ? s.blocks[0].hIn : s.hL, this.pos, B, T, d, s.blocks.length ? s.blocks[0].hIn : s.hL]);
    for (let l = 0; l < L; l++) {
      const w = this.blocks[l];
      const b = s.blocks[l];
      const hOut = l + 1 < L ? s.blocks[l + 1].hIn : s.hL;
      calls.push(['layerNormForward', b.hIn, this.param(`${w.ln1}.g`), this.param(`${w.ln1}.b`), rows, d, b.a, b.st1]);
      forward(w.qkv, b.a, b.qkv);
      calls.push(['attentionForward', b.qkv, s.keyBias, B, T, d, heads, b.probs, b.ctx]);
      forward(w.out, b.ctx, s.o);
      calls.push(['addDropped', b.hIn, s.o, b.mask1, rows * d, b.hMid]);
      calls.push(['layerNormForward', b.hMid, this.param(`${w.ln2}.g`), this.param(`${w.ln2}.b`), rows, d, b.f, b.st2]);
      forward(w.ff1, b.f, b.u);
      calls.push(['relu', b.u, rows * 2 * d]);
      forward(w.ff2, b.u, s.o);
      calls.push(['addDropped', b.hMid, s.o, b.mask2, rows * d, hOut]);
    }
    calls.push(['layerNormForward', s.hL, this.param('final_ln.g'), this.param('final_ln.b'), rows, d, s.outF, s.stf]);
    calls.push(['maskedMean', s.outF, s.valid, s.count, B, T, d, s.pooled]);
    calls.push(['gemm', s.pooled, d, 1, this.param('head.w'), C, s.logits, C, B, d, C, 0]);
    calls.push(['addRows', s.logits, B, C, this.param('head.b')]);
    calls.push(['zero', s.out, 2]);
    calls.push(['softmaxCrossEntropy', s.logits, s.y, B, C, 1 / n, s.dlogits, s.out]);

    // Backward.
    calls.push(['gemm', s.pooled, 1, d, s.dlogits, C, g('head.w'), C, d, B, C, 0]);
    calls.push(['colsum', s.dlogits, B, C, g('head.b'), 0]);
    calls.push(['gemm', s.dlogits, C, 1, this.headWT, d, s.dpooled, d, B, C, d, 0]);
    calls.push(['maskedMeanBackward', s.dpooled, s.valid, s.count, B, T, d, s.dTmp]);
    calls.push(['layerNormBackward', s.dTmp, s.hL, this.param('final_ln.g'), s.stf, rows, d, s.dh, 0, g('final_ln.g'), g('final_ln.b')]);
    for (let l = L - 1; l >= 0; l--) {
      const w = this.blocks[l];
      const b = s.blocks[l];
      // Feed-forward branch: hOut = hMid + drop(ff2(relu(ff1(LN2(hMid))))).
      let dBranch = s.dh;
      if (b.mask2) {
        calls.push(['mulVec', s.dh, b.mask2, s.dTmp, rows * d]);
        dBranch = s.dTmp;
      }
      weightGrads(w.ff2, b.u, dBranch);
      inputGrad(w.ff2, dBranch, s.du);
      calls.push(['reluBackward', s.du, b.u, rows * 2 * d]);
      weightGrads(w.ff1, b.f, s.du);
      inputGrad(w.ff1, s.du, s.dTmp);
      calls.push(['layerNormBackward', s.dTmp, b.hMid, this.param(`${w.ln2}.g`), b.st2, rows, d, s.dh, 1, g(`${w.ln2}.g`), g(`${w.ln2}.b`)]);
      // Attention branch: hMid = hIn + drop(out(attention(qkv(LN1(hIn))))).
      dBranch = s.dh;
      if (b.mask1) {
        calls.push(['mulVec', s.dh, b.mask1, s.dTmp, rows * d]);
        dBranch = s.dTmp;
      }
      weightGrads(w.out, b.ctx, dBranch);
      inputGrad(w.out, dBranch, s.dctx);
      calls.push(['attentionBackward', b.qkv, b.probs, s.dctx, B, T, d, heads, s.dqkv, s.attnTmp]);
      weightGrads(w.qkv, b.a, s.dqkv);
      inputGrad(w.qkv, s.dqkv, s.dTmp);
      calls.push(['layerNormBackward', s.dTmp, b.hIn, this.param(`${w.ln1}.g`), b.st1, rows, d, s.dh, 1, g(`${w.ln1}.g`), g(`${w.ln1}.b`)]);
    }
    weightGrads(this.proj, s.x, s.dh);
    return calls;
  }
}
