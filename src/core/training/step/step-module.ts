import { trainStepWasmBase64 } from './train-step-wasm';
import type { Call } from './step-threads';

/**
 * The training-step module (kernels-wasm/train-step.ts) on a shared memory: one compiled module,
 * an instance per thread, one memory for all of them. Memory is laid out by the caller as a bump
 * arena (`alloc`), once per run: the module itself keeps no state.
 */
let compiled: WebAssembly.Module | null = null;

export function trainStepModule(): WebAssembly.Module {
  if (!compiled) compiled = new WebAssembly.Module(Buffer.from(trainStepWasmBase64, 'base64'));
  return compiled;
}

/** True where WebAssembly has SIMD and shared memory (every Node 20+ and Electron). */
export function trainStepSupported(): boolean {
  try {
    trainStepModule();
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

const PAGE = 65536;
const MAX_PAGES = 32768;

export class StepMemory {
  readonly memory: WebAssembly.Memory;
  readonly exports: Record<string, (...args: number[]) => unknown>;
  readonly names: string[];
  private top: number;

  constructor() {
    this.memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const instance = new WebAssembly.Instance(trainStepModule(), { env: { memory: this.memory, abort: () => { throw new Error('training-step module: abort'); } } });
    this.exports = instance.exports as unknown as Record<string, (...args: number[]) => unknown>;
    this.names = Object.keys(this.exports).filter((k) => typeof this.exports[k] === 'function');
    // The module's static data (Mathf's tables) sits below the arena.
    this.top = ((this.exports.heapBase() as number) + 1023) & ~1023;
  }

  /** A 16-byte aligned block of n floats (or int32s); returns its byte address. */
  alloc(n: number): number {
    const at = this.top;
    this.top += (n * 4 + 15) & ~15;
    const need = Math.ceil(this.top / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (need > 0) {
      if (this.top > MAX_PAGES * PAGE) throw new Error(`a training step needs ${(this.top / 2 ** 30).toFixed(1)} GiB of working memory, more than the 2 GiB it may use: use a smaller batch, hidden size or sequence length`);
      this.memory.grow(need);
    }
    return at;
  }

  /** A view of n floats at a byte address (made anew: growing replaces the buffer). */
  f32(at: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, n);
  }

  i32(at: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, n);
  }

  /** Runs a plan on the calling thread's instance. */
  run(calls: Call[]): void {
    for (const [name, ...args] of calls) this.exports[name](...args);
  }
}
