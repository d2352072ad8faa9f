import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { runProgram, type Program } from './fused-program';
import { fusedModule, runHere } from './fused-runtime';

/**
 * Worker threads for the fused kernels: a pass over a batch is split into slices of the batch,
 * slice 0 runs on the calling thread and the others on workers, each with its own instance of the
 * module. The caller blocks until all are done (Atomics.wait, then the reply taken synchronously
 * from the port), so the kernels stay synchronous tf.customGrad functions. Results come back in
 * slice order, and callers sum them in that order: the same thread count gives the same digits.
 */
export class FusedWorkerError extends Error {}

const workerSource = `
const { workerData } = require('node:worker_threads');
const runProgram = ${runProgram.toString()};
const instance = new WebAssembly.Instance(workerData.module, { env: { abort() { throw new Error('fused kernels: abort'); } } });
const flags = new Int32Array(workerData.flags);
const done = (state) => { Atomics.store(flags, 0, state); Atomics.notify(flags, 0); };
process.on('exit', () => done(3));
workerData.port.on('message', (program) => {
  let reply;
  try {
    const outputs = runProgram(instance.exports, program);
    reply = { ok: true, outputs };
  } catch (e) {
    reply = { ok: false, error: String((e && e.message) || e) };
  }
  workerData.port.postMessage(reply);
  done(reply.ok ? 1 : 2);
});
`;

interface Slot {
  worker: Worker;
  port: MessagePort;
  flags: Int32Array;
  dead: string | null;
}

/** How long a worker may take for one pass before the run fails (a pass is milliseconds). */
const TIMEOUT_MS = 120_000;

export class FusedPool {
  private readonly slots: Slot[] = [];

  /** `threads` in all: this one and threads - 1 workers. */
  constructor(readonly threads: number) {
    for (let i = 1; i < threads; i++) {
      const { port1, port2 } = new MessageChannel();
      const flags = new Int32Array(new SharedArrayBuffer(4));
      const worker = new Worker(workerSource, { eval: true, workerData: { module: fusedModule(), port: port2, flags: flags.buffer }, transferList: [port2] });
      const slot: Slot = { worker, port: port1, flags, dead: null };
      worker.on('error', (e) => (slot.dead = e.message));
      worker.on('exit', (code) => (slot.dead ??= `exited with code ${code}`));
      // Idle workers do not keep the process alive.
      worker.unref();
      port1.unref();
      this.slots.push(slot);
    }
  }

  /** Runs programs[0] here and programs[i] on worker i; the outputs in the same order. */
  run(programs: Program[]): Float32Array[][] {
    if (programs.length > this.threads) throw new Error(`${programs.length} slices for ${this.threads} threads`);
    const slots = this.slots.slice(0, programs.length - 1);
    slots.forEach((s, i) => {
      if (s.dead) throw new FusedWorkerError(`fused-kernel worker thread ${i + 1} died (${s.dead})`);
      Atomics.store(s.flags, 0, 0);
      s.port.postMessage(programs[i + 1]);
    });
    const first = runHere(programs[0]);
    const rest = slots.map((s, i) => {
      const started = Date.now();
      while (Atomics.wait(s.flags, 0, 0, 1000) === 'timed-out') {
        if (Date.now() - started > TIMEOUT_MS) throw new FusedWorkerError(`fused-kernel worker thread ${i + 1} did not answer in ${TIMEOUT_MS / 1000} s`);
      }
      const state = Atomics.load(s.flags, 0);
      const reply = receiveMessageOnPort(s.port)?.message as { ok: boolean; outputs?: Float32Array[]; error?: string } | undefined;
      if (state === 3 || !reply) throw new FusedWorkerError(`fused-kernel worker thread ${i + 1} exited during a pass`);
      if (!reply.ok) throw new FusedWorkerError(`fused-kernel worker thread ${i + 1} failed: ${reply.error}`);
      return reply.outputs!;
    });
    return [first, ...rest];
  }

  terminate(): Promise<unknown> {
    return Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

const pools = new Map<number, FusedPool>();

/** One pool per thread count, made on first use and kept for the process. */
export function fusedPool(threads: number): FusedPool {
  let p = pools.get(threads);
  if (!p) pools.set(threads, (p = new FusedPool(threads)));
  return p;
}
