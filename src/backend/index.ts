/**
 * Backends: the kernel interface on raw typed arrays, the JS reference backend, the registry.
 * @module
 */
export type { Backend, DType, FloatDType, FloatArray, Kernel, KernelTensor, TypedArray } from './types.js';
export { allocArray, sizeOf, stridesOf } from './types.js';
export { registerBackend, setBackend, getBackend, backendByName, resolveKernel, listBackends } from './registry.js';
export type { BackendInfo } from './registry.js';
export { jsBackend } from './js/backend.js';
export { cpuBackend } from './cpu.js';
export { chainBackend, everyCall } from './dispatch.js';
export type { ChainBackend, KernelProvider, ProviderKernel } from './dispatch.js';
export { segmentCsr, edgeCsr, idsFingerprint } from './csr-cache.js';
export type { SegmentCsr, EdgeCsr } from './csr-cache.js';
export { csrProvider } from './js/segment-csr.js';
export { createWasmBackend } from './wasm/backend.js';
export { wasmKernels, wasmProvider } from './wasm/kernels.js';
export type { WasmKernelOptions } from './wasm/kernels.js';
export { createWasmRuntime, wasmAvailable, wasmReady, wasmThreads } from './wasm/runtime.js';
export type { WasmArena, CopyStats } from './wasm/runtime.js';
export {
  isResident, residentLimit, residentMinBytes, residentStats, resetResidentStats, setResidentLimit, setResidentMinBytes, type ResidentStats,
} from './wasm/resident.js';
export { UNARY_FNS, BINARY_FNS } from './js/elementwise.js';
export { gemm } from './js/gemm.js';
export type { Conv2dAttrs } from './js/conv.js';
export type { Pool2dAttrs } from './js/pool.js';
