import * as tf from '@tensorflow/tfjs';
import type { SeededRandom } from '../../dataset/seeded-random';
import { sliceSizes } from '../../models/kernels/fused-kernels';
import type { SequenceClassifier } from '../../models/sequence-classifier';
import type { AdamW } from '../adamw';
import { StepMemory, trainStepModule } from './step-module';
import { StepThreads, type Call } from './step-threads';
import type { StepBatch, StepResult, TrainStep } from './train-step';

/** Floats packA / packB need (kernels-wasm/packed-matrix.ts). */
export const packedA = (M: number, K: number) => Math.ceil(M / 4) * 4 * K;
export const packedB = (K: number, N: number) => Math.ceil(N / 8) * 8 * K;

/**
 * What every whole-step engine shares (kernels-wasm/train-step.ts): the model's weights side by side
 * in one shared memory with AdamW's moments and one gradient buffer per batch slice; a batch split
 * into slices (sliceSizes, the fused kernel set's split), one per thread, each computing its slice's
 * gradients by the model's plan; then AdamW summing the slices' gradients in slice order, over ranges
 * of the parameters in parallel. A seed and a thread count repeat a run to the last digit. A model
 * supplies its memory layout, what is prepared once a step (packed weights) and the calls of a slice.
 */
export abstract class FusedStepBase implements TrainStep {
  readonly engine = 'fused-step';
  protected readonly mem = new StepMemory();
  private pool: StepThreads | null = null;
  private readonly names: string[];
  private readonly offsets: number[];
  protected readonly paramFloats: number;
  private readonly params: number;
  private readonly m: number;
  private readonly v: number;
  private readonly grads: number;
  private readonly scalars: number;
  /** sfc32's four words, handed between the run's dropout generator and the module. */
  protected readonly rngState: number;
  /** Per slice: the most sequences it gets in any batch up to maxBatch. */
  protected readonly sliceCapacity: number[];
  private readonly plans = new Map<string, Call[]>();

  constructor(
    protected readonly model: SequenceClassifier,
    private readonly optimizer: AdamW,
    readonly threads: number,
    protected readonly maxBatch: number,
  ) {
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
    const most: number[] = [];
    for (let n = 1; n <= maxBatch; n++) sliceSizes(n, threads).forEach((b, k) => (most[k] = Math.max(most[k] ?? 0, b)));
    this.sliceCapacity = most;
    this.grads = mem.alloc(at * most.length);
    this.scalars = mem.alloc(16);
    this.rngState = mem.alloc(4);
  }

  /** A weight's address. */
  protected param(name: string): number {
    const i = this.names.indexOf(name);
    if (i < 0) throw new Error(`no parameter ${name}`);
    return this.params + 4 * this.offsets[i];
  }

  /** Slice k's gradient of a weight. */
  protected grad(name: string, k: number): number {
    return this.grads + 4 * (k * this.paramFloats + this.offsets[this.names.indexOf(name)]);
  }

  /** Call last in a subclass's constructor, once its memory is laid out: starts the threads, loads the weights. */
  protected start(): void {
    this.pool = this.threads > 1 ? new StepThreads(this.threads, trainStepModule(), this.mem.memory, this.mem.names) : null;
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

  /** Writes slice k's inputs (the batch's sequences starts[k]..+sizes[k]) and draws the dropout masks. */
  protected abstract writeInputs(batch: StepBatch, sizes: number[], starts: number[]): void;
  /** Independent calls made once a step before the slices run (packing the weights), shared out over the threads. */
  protected abstract prepare(): Call[];
  /** The calls of slice k (B sequences) of a batch of n: forward, loss into out(k), backward into grad(·, k). */
  protected abstract slicePlan(k: number, B: number, n: number): Call[];
  /** Slice k's [loss sum, right answers]. */
  protected abstract out(k: number): number;

  step(batch: StepBatch, dropoutRng: SeededRandom): StepResult {
    const { n } = batch;
    if (n > this.maxBatch) throw new Error(`a batch of ${n} in a step made for ${this.maxBatch}`);
    const sizes = sliceSizes(n, this.threads);
    const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    const state = new Uint32Array(this.mem.memory.buffer, this.rngState, 4);
    state.set(dropoutRng.getState());
    this.writeInputs(batch, sizes, starts);
    dropoutRng.setState([state[0], state[1], state[2], state[3]]);
    // The weights packed for this step, their calls shared out over the threads (each is independent).
    const prepare = this.prepare();
    const parts = this.pool ? this.threads : 1;
    this.runParallel(Array.from({ length: Math.min(parts, prepare.length) }, (_, t) => prepare.filter((_, i) => i % parts === t)));
    this.runParallel(sizes.map((B, k) => this.cachedPlan(k, B, n)));
    // AdamW over the summed gradients (adamw.ts's arithmetic), its parameter ranges in parallel.
    const o = this.optimizer;
    o.step++;
    const bc1 = 1 - Math.pow(o.beta1, o.step);
    const bc2 = 1 - Math.pow(o.beta2, o.step);
    this.mem.f32(this.scalars, 9).set([o.lr, 1 - o.lr * o.weightDecay, o.beta1, o.beta2, 1 - o.beta1, 1 - o.beta2, bc1, bc2, o.eps]);
    const quads = this.paramFloats / 4;
    this.runParallel(
      Array.from({ length: parts }, (_, i): Call[] => [
        ['adamw', this.params, this.grads, sizes.length, this.paramFloats, this.m, this.v, 4 * Math.floor((quads * i) / parts), 4 * Math.floor((quads * (i + 1)) / parts), this.scalars],
      ]),
    );
    let loss = 0;
    let hits = 0;
    for (let k = 0; k < sizes.length; k++) {
      const out = this.mem.f32(this.out(k), 2);
      loss += out[0];
      hits += out[1];
    }
    return { loss: loss / n, hits };
  }

  private runParallel(plans: Call[][]): void {
    if (this.pool) this.pool.run(plans, (calls) => this.mem.run(calls));
    else this.mem.run(plans[0]);
  }

  private cachedPlan(k: number, B: number, n: number): Call[] {
    const key = `${k}:${B}:${n}`;
    let calls = this.plans.get(key);
    if (!calls) this.plans.set(key, (calls = this.slicePlan(k, B, n)));
    return calls;
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

  /** The last step's gradient of every weight (its slices' summed in slice order), by name. */
  lastGradients(slices: number): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    this.names.forEach((name) => {
      const size = this.model.params.get(name).size;
      const sum = new Float32Array(size);
      for (let k = 0; k < slices; k++) {
        const g = this.mem.f32(this.grad(name, k), size);
        for (let j = 0; j < size; j++) sum[j] += g[j];
      }
      out[name] = sum;
    });
    return out;
  }

  /** Test hook: ends worker thread k as a crash would. */
  killThread(k: number): Promise<number> {
    if (!this.pool) throw new Error('no worker threads');
    return this.pool.kill(k);
  }

  dispose(): void {
    void this.pool?.dispose();
  }
}
