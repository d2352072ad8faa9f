export * from './kernel-set';
export { autodiffKernels } from './autodiff-kernels';
export { tfjsOpsKernels } from './tfjs-ops-kernels';
