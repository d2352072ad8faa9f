import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * TFLite in Node through the WebAssembly build inside @tensorflow/tfjs-tflite. The package's own
 * loader expects a browser (fetch, workers), so its emscripten module is loaded directly with the
 * wasm bytes handed over; one module per process, one thread (parallelism comes from processes).
 */
// Not named `require`: electron-vite adds its own `require` to ESM chunks that need one.
const requireHere = createRequire(import.meta.url);

interface EmTensorInfo {
  id: number;
  name: string;
  shape: string;
  dataType: string;
  data(): Float32Array | Int32Array | Uint8Array | Int8Array;
}
interface EmVector<T> {
  size(): number;
  get(i: number): T;
  delete(): void;
}
interface EmRunner {
  GetInputs(): EmVector<EmTensorInfo>;
  GetOutputs(): EmVector<EmTensorInfo>;
  Infer(): boolean;
  delete(): void;
}
interface EmModule {
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(p: number): void;
  TFLiteWebModelRunner: {
    CreateFromBufferAndOptions(
      ptr: number,
      len: number,
      opts: { numThreads: number; enableProfiling: boolean; maxProfilingBufferEntries: number },
    ): { ok(): boolean; value(): EmRunner; errorMessage(): string };
  };
}

let modulePromise: Promise<EmModule> | null = null;

function loadModule(): Promise<EmModule> {
  if (!modulePromise) {
    const pkgDir = dirname(requireHere.resolve('@tensorflow/tfjs-tflite/package.json'));
    const js = join(pkgDir, 'wasm', 'tflite_web_api_cc_simd.js');
    const factory = requireHere(js) as (opts: object) => Promise<EmModule>;
    modulePromise = factory({
      wasmBinary: readFileSync(join(pkgDir, 'wasm', 'tflite_web_api_cc_simd.wasm')),
      // XNNPACK announces itself on stderr for every model; keep the console for real problems.
      printErr: (s: string) => {
        if (!/XNNPACK delegate/.test(s)) process.stderr.write(s + '\n');
      },
      print: () => {},
    });
  }
  return modulePromise;
}

export interface TensorInfo {
  name: string;
  shape: number[];
  dataType: string;
}

/** One loaded model. Tensors live in wasm memory: `input(i)` / `output(i)` are views, valid until the next model is created. */
export class TfliteModel {
  readonly inputs: TensorInfo[];
  readonly outputs: TensorInfo[];
  private disposed = false;

  private constructor(
    private readonly mod: EmModule,
    private readonly runner: EmRunner,
    private readonly modelPtr: number,
    private readonly inTensors: EmTensorInfo[],
    private readonly outTensors: EmTensorInfo[],
  ) {
    const info = (t: EmTensorInfo) => ({ name: t.name, shape: t.shape.split(',').map(Number), dataType: t.dataType });
    this.inputs = inTensors.map(info);
    this.outputs = outTensors.map(info);
  }

  static async create(bytes: Uint8Array, name = 'model'): Promise<TfliteModel> {
    const mod = await loadModule();
    // The runner keeps pointing at the model buffer, so it stays allocated until dispose().
    const ptr = mod._malloc(bytes.length);
    mod.HEAPU8.set(bytes, ptr);
    const res = mod.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, bytes.length, {
      numThreads: 1,
      enableProfiling: false,
      maxProfilingBufferEntries: 1024,
    });
    if (!res.ok()) {
      mod._free(ptr);
      throw new Error(`Cannot load TFLite model ${name}: ${res.errorMessage()}`);
    }
    const runner = res.value();
    const list = (v: EmVector<EmTensorInfo>) => {
      const out: EmTensorInfo[] = [];
      for (let i = 0; i < v.size(); i++) out.push(v.get(i));
      v.delete();
      return out;
    };
    return new TfliteModel(mod, runner, ptr, list(runner.GetInputs()), list(runner.GetOutputs()));
  }

  /** A fresh view of input tensor `i` (write the input here, then call run()). */
  input(i = 0): Float32Array {
    return this.inTensors[i].data() as Float32Array;
  }

  /** A fresh view of output tensor `i` (by index or name); copy it if it must outlive the next run. */
  output(i: number | string): Float32Array {
    const idx = typeof i === 'number' ? i : this.outputs.findIndex((o) => o.name === i);
    if (idx < 0) throw new Error(`No output ${i}`);
    return this.outTensors[idx].data() as Float32Array;
  }

  run(): void {
    if (this.disposed) throw new Error('TFLite model used after dispose');
    if (!this.runner.Infer()) throw new Error('TFLite inference failed');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.runner.delete();
    this.mod._free(this.modelPtr);
  }
}
