import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/**
 * The threads of a fused training run. Every thread has an instance of the training-step module on
 * the one shared memory, so weights, moments and each thread's gradients live in one place and
 * nothing is copied between threads. A pass is a plan (a list of module calls with numeric
 * arguments, pointers included) written into the thread's slot of a shared Float64Array; the caller
 * signals the slot, runs its own plan, then blocks until every thread is done (Atomics), so a
 * training step stays one synchronous call.
 */
export type Call = [name: string, ...args: number[]];

export class StepThreadError extends Error {}

/** Per slot: control words (Int32) and a plan area (Float64). */
const CONTROL_WORDS = 4; // [sequence, state, -, -]; state 0 running, 1 done, 2 failed, 3 exited
const PLAN_FLOATS = 4096;
const IDLE_TIMEOUT_MS = 120_000;

const workerSource = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, plans, slot, names, port } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('training-step module: abort'); } } });
const fns = names.map((n) => instance.exports[n]);
const ctl = new Int32Array(control);
const plan = new Float64Array(plans, slot * ${PLAN_FLOATS} * 8, ${PLAN_FLOATS});
const base = slot * ${CONTROL_WORDS};
const finish = (state) => { Atomics.store(ctl, base + 1, state); Atomics.notify(ctl, base + 1); };
process.on('exit', () => finish(3));
let seen = 0;
for (;;) {
  Atomics.wait(ctl, base, seen);
  seen = Atomics.load(ctl, base);
  if (seen < 0) break;
  try {
    let i = 1;
    for (let c = 0, n = plan[0]; c < n; c++) {
      const fn = fns[plan[i]];
      const argc = plan[i + 1];
      const a = plan.subarray(i + 2, i + 2 + argc);
      fn(...a);
      i += 2 + argc;
    }
    finish(1);
  } catch (e) {
    port.postMessage(String((e && e.stack) || e));
    finish(2);
  }
}
`;

interface Slot {
  worker: Worker;
  port: MessagePort;
  dead: string | null;
}

export class StepThreads {
  private readonly control: Int32Array;
  private readonly plans: Float64Array;
  private readonly slots: Slot[] = [];
  private readonly index: Map<string, number>;
  private sequence = 0;

  /** `threads` in all: the calling thread and threads - 1 workers, each on `memory`. */
  constructor(
    readonly threads: number,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    private readonly names: string[],
  ) {
    this.index = new Map(names.map((n, i) => [n, i]));
    const control = new SharedArrayBuffer(threads * CONTROL_WORDS * 4);
    const plans = new SharedArrayBuffer(threads * PLAN_FLOATS * 8);
    this.control = new Int32Array(control);
    this.plans = new Float64Array(plans);
    for (let slot = 1; slot < threads; slot++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(workerSource, { eval: true, workerData: { module, memory, control, plans, slot, names, port: port2 }, transferList: [port2] });
      const s: Slot = { worker, port: port1, dead: null };
      worker.on('error', (e) => (s.dead = e.message));
      worker.on('exit', (code) => (s.dead ??= `exited with code ${code}`));
      // Idle threads do not keep the process alive.
      worker.unref();
      port1.unref();
      this.slots.push(s);
    }
  }

  /** Writes a plan into slot `slot`'s area. */
  private write(slot: number, calls: Call[]): void {
    const plan = this.plans.subarray(slot * PLAN_FLOATS, (slot + 1) * PLAN_FLOATS);
    let i = 1;
    for (const [name, ...args] of calls) {
      const fn = this.index.get(name);
      if (fn === undefined) throw new Error(`training-step module has no function ${name}`);
      if (i + 2 + args.length > PLAN_FLOATS) throw new Error('training-step plan too long');
      plan[i] = fn;
      plan[i + 1] = args.length;
      plan.set(args, i + 2);
      i += 2 + args.length;
    }
    plan[0] = calls.length;
  }

  /**
   * Runs plans[0] on this thread (through `here`, the calling thread's instance) and plans[k] on
   * thread k, and returns when all are done. Fewer plans than threads leave the rest idle.
   */
  run(plans: Call[][], here: (calls: Call[]) => void): void {
    if (plans.length > this.threads) throw new Error(`${plans.length} plans for ${this.threads} threads`);
    const seq = ++this.sequence;
    for (let k = 1; k < plans.length; k++) {
      const s = this.slots[k - 1];
      if (s.dead) throw new StepThreadError(`training thread ${k} died (${s.dead})`);
      this.write(k, plans[k]);
      Atomics.store(this.control, k * CONTROL_WORDS + 1, 0);
      Atomics.store(this.control, k * CONTROL_WORDS, seq);
      Atomics.notify(this.control, k * CONTROL_WORDS);
    }
    let failure: unknown = null;
    try {
      here(plans[0]);
    } catch (e) {
      failure = e;
    }
    for (let k = 1; k < plans.length; k++) {
      const s = this.slots[k - 1];
      const started = Date.now();
      while (Atomics.wait(this.control, k * CONTROL_WORDS + 1, 0, 1000) === 'timed-out') {
        if (s.dead) throw new StepThreadError(`training thread ${k} died during a step (${s.dead})`);
        if (Date.now() - started > IDLE_TIMEOUT_MS) throw new StepThreadError(`training thread ${k} did not finish a step in ${IDLE_TIMEOUT_MS / 1000} s`);
      }
      const state = Atomics.load(this.control, k * CONTROL_WORDS + 1);
      if (state === 3) throw new StepThreadError(`training thread ${k} exited during a step`);
      if (state === 2) throw new StepThreadError(`training thread ${k} failed: ${String(receiveMessageOnPort(s.port)?.message ?? 'unknown error')}`);
    }
    if (failure) throw failure;
  }

  /** Ends the worker threads. */
  dispose(): Promise<unknown> {
    for (let k = 1; k < this.threads; k++) {
      Atomics.store(this.control, k * CONTROL_WORDS, -1);
      Atomics.notify(this.control, k * CONTROL_WORDS);
    }
    return Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /** Test hook: what a crashed thread looks like to the run. */
  kill(k: number): Promise<number> {
    return this.slots[k - 1].worker.terminate();
  }

  get functionNames(): readonly string[] {
    return this.names;
  }
}
