import * as tf from '@tensorflow/tfjs';

/**
 * tfjs-backend-wasm 4.22's Slice (and Unpack, which calls it) first copies the *whole* input out of
 * the wasm heap (`readSync` -> HEAPU8.slice), so taking one time step of a [T, B, 4H] tensor costs
 * as much as copying all of it: slices were most of an LSTM step. These replacements read the input
 * through a view of the heap instead; results are identical (a copy of the same floats).
 */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

function sliceInto(backend: WasmBackendLike, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const n = size.reduce((a, b) => a * b, 1);
  if (n === 0) return out;
  // Views only after makeOutput: its malloc may grow (and detach) the heap.
  const xs = backend.typedArrayFromHeap(x);
  const os = backend.typedArrayFromHeap(out);
  const shape = x.shape;
  const rank = shape.length;
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  // Copy runs of the innermost dimensions that are taken whole as one block.
  let inner = rank - 1;
  while (inner > 0 && begin[inner] === 0 && size[inner] === shape[inner]) inner--;
  const run = size.slice(inner).reduce((a, b) => a * b, 1);
  const outer = n / run;
  const idx = new Array<number>(inner).fill(0);
  for (let k = 0; k < outer; k++) {
    let off = begin[inner] * strides[inner];
    for (let d = 0; d < inner; d++) off += (begin[d] + idx[d]) * strides[d];
    os.set(xs.subarray(off, off + run), k * run);
    for (let d = inner - 1; d >= 0; d--) {
      if (++idx[d] < size[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

let patched = false;

export function patchWasmSlice(): void {
  if (patched) return;
  const slice = tf.getKernel('Slice', 'wasm');
  const unpack = tf.getKernel('Unpack', 'wasm');
  if (!slice || !unpack) return;
  patched = true;
  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({
    kernelName: 'Slice',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { inputs, attrs, backend } = args as unknown as { inputs: { x: tf.TensorInfo }; attrs: { begin: number | number[]; size: number | number[] }; backend: WasmBackendLike };
      const x = inputs.x;
      if (x.dtype === 'string') return slice.kernelFunc(args);
      const [begin, size] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, attrs.begin, attrs.size);
      return sliceInto(backend, x, begin, size);
    },
  });
  tf.unregisterKernel('Unpack', 'wasm');
  tf.registerKernel({
    kernelName: 'Unpack',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { inputs, attrs, backend } = args as unknown as { inputs: { value: tf.TensorInfo }; attrs: { axis: number }; backend: WasmBackendLike };
      const value = inputs.value;
      if (value.dtype === 'string') return unpack.kernelFunc(args);
      const axis = attrs.axis < 0 ? attrs.axis + value.shape.length : attrs.axis;
      const outShape = value.shape.filter((_, i) => i !== axis);
      const begin = value.shape.map(() => 0);
      const size = value.shape.slice();
      size[axis] = 1;
      const outs: tf.TensorInfo[] = [];
      for (let i = 0; i < value.shape[axis]; i++) {
        begin[axis] = i;
        const o = sliceInto(backend, value, begin, size);
        outs.push({ dataId: o.dataId, dtype: o.dtype, shape: outShape });
      }
      return outs;
    },
  });
}
