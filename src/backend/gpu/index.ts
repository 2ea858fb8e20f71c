/**
 * `erlangen/gpu`: the gpu.js backend (the only part of erlangen that imports gpu.js). Importing
 * this entry loads gpu.js; the gpu.js instance itself is created on the first kernel call.
 * @module
 */
export { createGpuBackend, F32_EXACT } from './backend.js';
export type { GpuBackend, GpuBackendOptions, GpuBackendStats } from './backend.js';
export type { GpuJsMode, GpuKernelKind } from './kernels.js';
export { createAsyncGpuKernels, installWebGpuPolyfill } from './async.js';
export type { AsyncGpuKernels, WebGpuStatus } from './async.js';
