import * as tf from '@tensorflow/tfjs';
import { patchWasmSlice } from './wasm-slice-patch';

/**
 * Picks the fastest TensorFlow.js backend that is installed, in this order: tfjs-node-gpu,
 * tfjs-node (optional native packages that download libtensorflow at install and may be absent),
 * wasm, cpu. Training records the result in its summary.
 */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendChoice {
  /** tfjs's backend name now in use. */
  backend: string;
  /** The package that provided it. */
  package: string;
  /** What was tried first and why it was not used. */
  skipped: { package: string; reason: string }[];
}

const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

let current: BackendChoice | null = null;

async function tryNative(pkg: string): Promise<string | null> {
  // A variable specifier keeps bundlers and TypeScript from resolving a package that may not exist.
  const specifier = pkg;
  await import(/* @vite-ignore */ specifier);
  return tf.findBackend('tensorflow') ? 'tensorflow' : null;
}

/**
 * `preferred` forces one backend ('wasm' or 'cpu' make runs comparable across machines; env
 * GSTUDIO_TF_BACKEND does the same). Idempotent: later calls return the first choice unless
 * another backend is asked for.
 */
export async function pickBackend(preferred?: 'auto' | BackendName): Promise<BackendChoice> {
  const want = preferred && preferred !== 'auto' ? preferred : ((process.env.GSTUDIO_TF_BACKEND as BackendName | undefined) ?? 'auto');
  if (current && (want === 'auto' || want === current.backend)) return current;
  const skipped: BackendChoice['skipped'] = [];
  if (want === 'auto' || want === 'tensorflow') {
    for (const pkg of NATIVE_PACKAGES) {
      try {
        const name = await tryNative(pkg);
        if (name && (await tf.setBackend(name))) {
          await tf.ready();
          return (current = { backend: name, package: pkg, skipped });
        }
        skipped.push({ package: pkg, reason: 'loaded but registered no backend' });
      } catch (err) {
        skipped.push({ package: pkg, reason: (err instanceof Error ? err.message : String(err)).split('\n')[0] });
      }
    }
  }
  if (want !== 'cpu') {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        patchWasmSlice();
        return (current = { backend: 'wasm', package: '@tensorflow/tfjs-backend-wasm', skipped });
      }
      skipped.push({ package: '@tensorflow/tfjs-backend-wasm', reason: 'setBackend failed' });
    } catch (err) {
      skipped.push({ package: '@tensorflow/tfjs-backend-wasm', reason: (err instanceof Error ? err.message : String(err)).split('\n')[0] });
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return (current = { backend: 'cpu', package: '@tensorflow/tfjs-backend-cpu', skipped });
}
