import { autodiffKernels } from './autodiff-kernels';
import { fusedKernelsWith } from './fused-kernels';
import { fusedKernelsSupported } from './fused-runtime';
import type { KernelSet } from './kernel-set';
import { tfjsOpsKernels } from './tfjs-ops-kernels';

export const KERNEL_SET_NAMES = ['fused', 'tfjs-ops', 'autodiff'] as const;
export type KernelSetName = (typeof KERNEL_SET_NAMES)[number];

/** threads: of the fused set (default: one per core). */
export function kernelSetByName(name: string, threads?: number): KernelSet {
  switch (name) {
    case 'fused':
      if (!fusedKernelsSupported()) throw new Error('the fused kernels need WebAssembly with SIMD, which this runtime lacks: use --kernels tfjs-ops');
      return fusedKernelsWith(threads);
    case 'tfjs-ops':
      return tfjsOpsKernels;
    case 'autodiff':
      return autodiffKernels;
    default:
      throw new Error(`unknown kernel set "${name}": use one of ${KERNEL_SET_NAMES.join(', ')}`);
  }
}

/**
 * 'auto': the fused WebAssembly kernels where WebAssembly SIMD exists (every Node 20+ and
 * Electron), else tfjs ops. With a native TensorFlow backend (tfjs-node), tfjs's own ops run in
 * native code and stay first.
 */
export function chooseKernels(name: 'auto' | KernelSetName | undefined, backend: string, threads?: number): KernelSet {
  if (name && name !== 'auto') return kernelSetByName(name, threads);
  if (backend === 'tensorflow') return tfjsOpsKernels;
  return fusedKernelsSupported() ? fusedKernelsWith(threads) : tfjsOpsKernels;
}
