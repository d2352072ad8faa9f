/**
 * A pass of the fused kernels as data: the arrays it needs (inputs with their values, outputs and
 * scratch by size) and the module calls to make on them. The same program runs on the main
 * thread's instance or is posted to a worker thread's (fused-pool.ts), so there is one definition
 * of each pass and no TypeScript to load in the worker.
 */
/** A number, or a pointer: buffer `buf`, `off` floats in. */
export type Arg = number | { buf: number; off?: number };
export interface Program {
  /** Float32Array: an input copied in; number: that many floats, uninitialised. */
  buffers: (Float32Array | number)[];
  calls: [name: string, ...args: Arg[]][];
  /** Buffer indices whose contents are returned, in this order. */
  outputs: number[];
}

export interface ProgramBuilder {
  input(data: Float32Array): { buf: number };
  alloc(n: number): { buf: number };
  call(name: string, ...args: Arg[]): void;
  build(outputs: { buf: number }[]): Program;
}

export function programBuilder(): ProgramBuilder {
  const buffers: Program['buffers'] = [];
  const calls: Program['calls'] = [];
  return {
    input: (data) => ({ buf: buffers.push(data) - 1 }),
    alloc: (n) => ({ buf: buffers.push(n) - 1 }),
    call: (name, ...args) => void calls.push([name, ...args]),
    build: (outputs) => ({ buffers, calls, outputs: outputs.map((o) => o.buf) }),
  };
}

/**
 * Runs a program on an instance of the module. Self-contained (no imports, no outer names): its
 * source is also the body of the worker thread (fused-pool.ts).
 */
export function runProgram(exports: WebAssembly.Exports, program: Program): Float32Array[] {
  const memory = exports.memory as WebAssembly.Memory;
  const fns = exports as unknown as Record<string, (...a: number[]) => void>;
  // Past the module's static memory (its size when first seen) is the per-call arena.
  const holder = runProgram as unknown as { base?: WeakMap<object, number> };
  holder.base ??= new WeakMap();
  let base = holder.base.get(memory);
  if (base === undefined) {
    base = memory.buffer.byteLength;
    holder.base.set(memory, base);
  }
  const ptrs: number[] = [];
  let top = base;
  for (const b of program.buffers) {
    ptrs.push(top);
    top += ((typeof b === 'number' ? b : b.length) * 4 + 15) & ~15;
  }
  const need = top - memory.buffer.byteLength;
  if (need > 0) memory.grow(Math.ceil(need / 65536));
  program.buffers.forEach((b, i) => {
    if (typeof b !== 'number') new Float32Array(memory.buffer, ptrs[i], b.length).set(b);
  });
  for (const [name, ...args] of program.calls) fns[name](...args.map((a) => (typeof a === 'number' ? a : ptrs[a.buf] + (a.off ?? 0) * 4)));
  return program.outputs.map((i) => {
    const b = program.buffers[i];
    return new Float32Array(memory.buffer, ptrs[i], typeof b === 'number' ? b : b.length).slice();
  });
}
