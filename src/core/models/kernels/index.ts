export * from './kernel-set';
export { autodiffKernels } from './autodiff-kernels';
export { tfjsOpsKernels } from './tfjs-ops-kernels';
export { fusedKernels } from './fused-kernels';
